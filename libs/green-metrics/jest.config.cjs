module.exports = require('../../jest.preset.cjs').project('green-metrics', __dirname);
