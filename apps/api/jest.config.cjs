// Unit specs sit next to the code (src/**/*.spec.ts); integration suites that boot the app against
// real SQLite and PostgreSQL live in test/ (test/**/*.spec.ts).
module.exports = require('../../jest.preset.cjs').project('api', __dirname, {
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts'],
  testTimeout: 60000,
});
