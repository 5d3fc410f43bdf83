import { TYPE } from '@formatjs/icu-messageformat-parser';
import { createIntl } from 'react-intl';
import { describe, expect, it } from 'vitest';
import { precompileMessages } from './precompile-messages';

type Transform = (code: string, id: string) => { code: string } | null;

const transform = precompileMessages().transform as unknown as Transform;
const ID = '/repo/apps/dashboard/src/features/fleet/messages.ts';

/** Runs a transformed module and returns its exports. */
function load(code: string): Record<string, Record<string, unknown>> {
  const exported: Record<string, Record<string, unknown>> = {};
  new Function('__exports', code.replace(/^export const (\w+)\s*=/gm, '__exports.$1 ='))(exported);
  return exported;
}

describe('precompileMessages', () => {
  it('is for builds only and leaves other modules alone', () => {
    expect(precompileMessages().apply).toBe('build');
    expect(transform('export const x = 1;', '/repo/apps/dashboard/src/lib/format.ts')).toBeNull();
  });

  it('turns each exported message into the syntax tree react-intl formats without its parser', () => {
    const out = transform(
      "export const en = {\n  'a.plain': 'Fleet',\n  'a.count': '{n, plural, one {# site} other {# sites}}',\n};",
      ID,
    );
    const { en } = load(out?.code ?? '');
    expect(en['a.plain']).toEqual([{ type: TYPE.literal, value: 'Fleet' }]);
    expect(Array.isArray(en['a.count'])).toBe(true);
    const intl = createIntl({
      locale: 'en',
      messages: en as never,
      onError: (e) => {
        throw e;
      },
    });
    expect(intl.formatMessage({ id: 'a.count' as never }, { n: 2 })).toBe('2 sites');
  });

  it('compiles the Chinese modules too', () => {
    const out = transform("export const zhCN = { 'a.plain': '数据中心' };", ID.replace('.ts', '.zh-CN.ts'));
    expect(load(out?.code ?? '').zhCN['a.plain']).toEqual([{ type: TYPE.literal, value: '数据中心' }]);
  });

  it('fails the build on a message that is not ICU MessageFormat, naming it', () => {
    expect(() => transform("export const en = { 'a.bad': 'Showing {n, plural, one {x}' };", ID)).toThrow(
      /a\.bad/,
    );
  });

  it('fails the build on a module that holds more than literals', () => {
    expect(() => transform("import x from 'y';\nexport const en = { 'a': x };", ID)).toThrow(
      /only export object literals/,
    );
    expect(() => transform("export const en = { 'a': 1 };", ID)).toThrow(/is not a string/);
  });
});
