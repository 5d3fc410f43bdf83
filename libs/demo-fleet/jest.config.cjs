module.exports = require('../../jest.preset.cjs').project('demo-fleet', __dirname);
