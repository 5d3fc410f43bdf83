// eslint-disable-next-line @typescript-eslint/no-require-imports -- CommonJS config; the workspace lint config has no *.cjs override yet
module.exports = require('../../jest.preset.cjs').project('green-metrics', __dirname);
