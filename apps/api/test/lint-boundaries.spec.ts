/**
 * The lint rules that keep dependencies pointing one way fail a deliberately wrong import (eslint.config.mjs):
 * Nx project boundaries, pure libraries without frameworks, the API's platform folder that imports no domain, and
 * API domains that reach each other only through their module files.
 * Each wrong import is paired with a right one in the same place, so a rule that flags everything fails too.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '../../..');

/**
 * ESLint loads eslint.config.mjs with a dynamic import, which Jest's module sandbox does not allow: the cases are
 * linted by a plain node process, with the repository's own configuration.
 */
const LINTER = `
import { ESLint } from 'eslint';
const cases = JSON.parse(process.env.LINT_CASES);
const eslint = new ESLint({ cwd: process.cwd() });
const out = [];
for (const [filePath, code] of cases) {
  const [r] = await eslint.lintText(code, { filePath });
  out.push(r.messages.map((m) => m.ruleId));
}
console.log(JSON.stringify(out));
`;

function lint(cases: [file: string, code: string][]): (string | null)[][] {
  const res = spawnSync(process.execPath, ['--input-type=module', '-e', LINTER], {
    cwd: ROOT,
    env: { ...process.env, LINT_CASES: JSON.stringify(cases.map(([f, c]) => [join(ROOT, f), c])) },
    encoding: 'utf8',
  });
  if (res.status !== 0) throw new Error(`eslint failed: ${res.stderr}`);
  return JSON.parse(res.stdout) as (string | null)[][];
}

describe('lint boundaries', () => {
  it.each([
    [
      'API platform code importing a domain',
      'apps/api/src/platform/config/fixture.ts',
      "import { SitesService } from '../../sites/sites.module';\nexport const x = SitesService;\n",
      "import { AppConfig } from './app-config';\nexport const x = AppConfig;\n",
      'no-restricted-imports',
    ],
    [
      "an API domain reaching into another domain's files instead of its module",
      'apps/api/src/alarms/fixture.ts',
      "import { SitesService } from '../sites/sites.service';\nexport const x = SitesService;\n",
      "import { SitesService } from '../sites/sites.module';\nexport const x = SitesService;\n",
      'no-restricted-imports',
    ],
    [
      'a pure library importing a framework',
      'libs/green-metrics/src/fixture.ts',
      "import { Injectable } from '@nestjs/common';\nexport const x = Injectable;\n",
      "import { GENESIS_HASH } from '@dcfleet/contracts';\nexport const x = GENESIS_HASH;\n",
      'no-restricted-imports',
    ],
    [
      'contracts importing another project (contracts depend on nothing of ours)',
      'libs/contracts/src/fixture.ts',
      "import { pue } from '@dcfleet/green-metrics';\nexport const x = pue;\n",
      "import { METRIC_CATALOG } from './metrics';\nexport const x = METRIC_CATALOG;\n",
      '@nx/enforce-module-boundaries',
    ],
    [
      'the dashboard importing server code',
      'apps/dashboard/src/fixture.ts',
      "import { minuteKey } from '../../api/src/telemetry/minute-partials';\nexport const x = minuteKey;\n",
      "import { METRIC_CATALOG } from '@dcfleet/contracts';\nexport const x = METRIC_CATALOG;\n",
      '@nx/enforce-module-boundaries',
    ],
    [
      'a dashboard feature importing the app shell',
      'apps/dashboard/src/features/fleet/components/fixture.ts',
      "import { createAppRouter } from '../../../app/router';\nexport const x = createAppRouter;\n",
      "import { canSeeAlarms } from '../../../routing/access';\nexport const x = canSeeAlarms;\n",
      'no-restricted-imports',
    ],
  ])('refuses %s', (_what, file, wrong, right, rule) => {
    const [ofWrong, ofRight] = lint([
      [file, wrong],
      [file, right],
    ]);
    expect(ofWrong).toContain(rule);
    expect(ofRight).toEqual([]);
  });
});
