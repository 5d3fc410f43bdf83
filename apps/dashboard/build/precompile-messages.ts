/**
 * A build-only vite plugin: each message module (`*messages.ts`, `*messages.zh-CN.ts`) is turned into the
 * ICU syntax trees react-intl formats from, so the production bundle does not ship the ICU parser (vite.config.ts
 * points the parser's import at its `no-parser` entry for builds). The modules stay plain TypeScript object
 * literals for editors, types and vitest, which format from the strings.
 */
import { parse } from '@formatjs/icu-messageformat-parser';
import type { Plugin } from 'vite';

const MESSAGE_MODULE = /[\\/]src[\\/].*messages(\.zh-CN)?\.ts$/;
const EXPORT = /^export const (\w+)\s*=/gm;

/** The object literals a message module exports, evaluated: the modules hold nothing but literals. */
function exportsOf(code: string, id: string): Record<string, Record<string, string>> {
  const body = code.replace(EXPORT, '__exports.$1 =');
  if (/^\s*(import|export)\b/m.test(body)) {
    throw new Error(`${id}: a message module may only export object literals of strings`);
  }
  const exported: Record<string, Record<string, string>> = {};
  new Function('__exports', body)(exported);
  for (const [name, messages] of Object.entries(exported)) {
    for (const [key, value] of Object.entries(messages)) {
      if (typeof value !== 'string') throw new Error(`${id}: ${name}['${key}'] is not a string`);
    }
  }
  return exported;
}

export function precompileMessages(): Plugin {
  return {
    name: 'dcfleet:precompile-messages',
    apply: 'build',
    // After the TypeScript transform, so the module is plain JavaScript.
    enforce: 'post',
    transform(code, id) {
      if (!MESSAGE_MODULE.test(id)) return null;
      const out: string[] = [];
      for (const [name, messages] of Object.entries(exportsOf(code, id))) {
        const compiled: Record<string, unknown> = {};
        for (const [key, message] of Object.entries(messages)) {
          try {
            compiled[key] = parse(message);
          } catch (err) {
            throw new Error(`${id}: message '${key}' is not valid ICU MessageFormat: ${String(err)}`);
          }
        }
        // JSON.parse of a string literal is faster to load than the same object as JavaScript.
        out.push(
          `export const ${name} = /*#__PURE__*/ JSON.parse(${JSON.stringify(JSON.stringify(compiled))});`,
        );
      }
      return { code: out.join('\n'), map: null };
    },
  };
}
