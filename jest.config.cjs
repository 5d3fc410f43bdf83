// Root Jest config: every project's unit and integration specs in one run (`npm test` step "jest").
// Each project keeps its own config (shared settings in jest.preset.cjs); the dashboard uses vitest instead.
// apps/* picks up any app that gains a jest.config.cjs (today: the API).
module.exports = {
  projects: ['<rootDir>/apps/*/jest.config.cjs', '<rootDir>/libs/*/jest.config.cjs'],
  // testTimeout is global in multi-project runs (a project's own value is ignored here). Integration suites
  // boot the real app and hash passwords with argon2; on a loaded 2-core CI machine that takes seconds.
  testTimeout: 120000,
};
