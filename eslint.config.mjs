import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

/** The API's domain folders under apps/api/src, each a Nest module named after it. */
const API_DOMAINS =
  'accounts|alarms|audit|auth|datacenters|demo|health|ingest|live|mqtt|organizations|ratings|receipts|sites|sparkplug|telemetry|users';

export default [
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      'data/**',
      'artifacts/**',
      '.nx/**',
      '**/vite.config.ts.timestamp*',
    ],
  },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    plugins: { '@nx': nx },
    rules: {
      // Module boundaries: apps depend on libs, libs never on apps; the dashboard and the simulator never
      // import server code; the pure libs (contracts, green-metrics, line-protocol) import no framework.
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: true,
          allow: [],
          depConstraints: [
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'scope:dashboard', onlyDependOnLibsWithTags: ['scope:shared', 'scope:dashboard'] },
            { sourceTag: 'scope:simulator', onlyDependOnLibsWithTags: ['scope:shared', 'scope:simulator'] },
            { sourceTag: 'scope:api', onlyDependOnLibsWithTags: ['scope:shared', 'scope:api'] },
          ],
        },
      ],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.object.name=/^(it|describe|test)$/][callee.property.name='only']",
          message: 'No focused tests.',
        },
      ],
    },
  },
  {
    // Pure libraries: no framework, ORM or driver imports.
    files: ['libs/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            '@nestjs/*',
            'typeorm',
            'better-sqlite3',
            'pg',
            'react',
            'react-dom',
            'socket.io',
            'express',
          ],
        },
      ],
    },
  },
  {
    // The API's platform folder (config, database, observability, common, access) serves every domain and imports
    // none: a domain reaches it, never the other way round.
    files: ['apps/api/src/platform/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: `^(\\.\\./)+(${API_DOMAINS})/`,
              message: 'Platform code (apps/api/src/platform) must not import a domain folder.',
            },
          ],
        },
      ],
    },
  },
  {
    // API domains are closed rooms: another domain is reached only through its module file (`../sites/sites.module`),
    // which re-exports what the domain offers; its services, entities and SQL stay inside. Specs may reach in.
    files: [`apps/api/src/{${API_DOMAINS.replaceAll('|', ',')}}/**/*.ts`],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: `^\\.\\./(${API_DOMAINS})/(?!\\1\\.module$)`,
              message:
                "Import another API domain through its module file only ('../<domain>/<domain>.module').",
            },
          ],
        },
      ],
    },
  },
  {
    // Dashboard features never reach into the app shell (src/app: router, shell, live wiring, catalog): the
    // shell composes the features. What features need lives in shared folders (routing, api, i18n, components).
    files: ['apps/dashboard/src/features/**/*.ts', 'apps/dashboard/src/features/**/*.tsx'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(\\.\\./)+app(/|$)',
              message:
                'A dashboard feature must not import the app shell (src/app); use src/routing, src/api, src/i18n or the router library.',
            },
          ],
        },
      ],
    },
  },
  {
    // Issue #15: no API source file over 400 lines (a file that grows past it has two jobs).
    files: ['apps/api/src/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: { 'max-lines': ['error', { max: 400 }] },
  },
  {
    // CommonJS config files (jest) use require by nature.
    files: ['**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { require: 'readonly', module: 'writable', __dirname: 'readonly' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['**/*.spec.ts', '**/test/**/*.ts', 'bench/**', 'scripts/**'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
  prettier,
];
