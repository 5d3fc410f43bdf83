// Shared Jest settings: @swc/jest with the build's transform (swc.options.cjs), workspace libs resolved to
// their TypeScript sources so tests never need a prior build.
const path = require('node:path');
const swcOptions = require('./swc.options.cjs');

const swc = ['@swc/jest', { ...swcOptions, sourceMaps: 'inline' }];

const libs = ['contracts', 'green-metrics', 'line-protocol', 'demo-fleet'];

function project(name, dir, extra = {}) {
  const root = path.resolve(__dirname);
  return {
    displayName: name,
    rootDir: dir,
    testEnvironment: 'node',
    transform: { '^.+\\.(t|j)sx?$': swc },
    moduleFileExtensions: ['ts', 'tsx', 'js', 'json'],
    moduleNameMapper: Object.fromEntries(
      libs.map((l) => [`^@dcfleet/${l}$`, path.join(root, 'libs', l, 'src', 'index.ts')]),
    ),
    testMatch: ['<rootDir>/src/**/*.spec.ts'],
    ...extra,
  };
}

module.exports = { project };
