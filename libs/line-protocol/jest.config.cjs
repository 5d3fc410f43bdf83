module.exports = require('../../jest.preset.cjs').project('line-protocol', __dirname);
