// The fault-injection suite (issue #19): `npm run test:faults`, or its short form as a step of `npm test`
// (scripts/faults.mjs runs this config and prints the table). Kept out of the default jest run: it drives the
// built API as separate processes and takes minutes.
module.exports = require('../../jest.preset.cjs').project('api-faults', __dirname, {
  testMatch: ['<rootDir>/test/faults/**/*.faults.ts'],
  testTimeout: 600000,
});
