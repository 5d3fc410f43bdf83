module.exports = require('../../jest.preset.cjs').project('contracts', __dirname);
