// The one swc transform of the Node projects: Jest runs the tests through it (jest.preset.cjs) and the
// build emits dist/ with it (scripts/swc-build.mjs), so what the tests pass with is what runs.
// Legacy decorators with metadata: Nest's dependency injection and TypeORM's entities need both.
module.exports = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
  },
  module: { type: 'commonjs' },
};
