import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
// defineConfig from vitest/config (not vite) so the `test` key type-checks (stack.md pitfall 14).
import { defineConfig } from 'vitest/config';
import { precompileMessages } from './build/precompile-messages.ts';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

/** Where `vite dev` forwards API calls; the production build is served by the API itself (same origin). */
const apiTarget = process.env.DCFLEET_API_URL ?? 'http://127.0.0.1:3000';

export default defineConfig(({ command }) => ({
  root: here('.'),
  plugins: [react(), precompileMessages()],
  resolve: {
    // Read the contracts lib from its TypeScript source. Only types and constants are imported; the zod
    // schemas live in their own module and the lib is side-effect free, so they are tree-shaken away.
    alias: {
      '@dcfleet/contracts': here('../../libs/contracts/src/index.ts'),
      // Builds format precompiled messages (build/precompile-messages.ts), so react-intl's ICU parser stays out.
      ...(command === 'build'
        ? {
            '@formatjs/icu-messageformat-parser': here(
              '../../node_modules/@formatjs/icu-messageformat-parser/no-parser.js',
            ),
          }
        : {}),
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            {
              // The libraries every page needs (React, router, query cache, i18n) in a chunk of their own,
              // cached across app releases; chart.js and its date adapter stay in the lazy chart chunk, and
              // socket.io in the live client's (loaded once the first screen is up: api/live.ts).
              name: 'vendor',
              test: /node_modules[\\/](?!chart\.js|@kurkle|chartjs-adapter-date-fns|date-fns|socket\.io|engine\.io|@socket\.io)/,
            },
          ],
        },
      },
    },
  },
  server: {
    proxy: {
      '/api': apiTarget,
      '/health': apiTarget,
      '/socket.io': { target: apiTarget, ws: true },
    },
  },
  test: {
    environment: 'node',
    include: ['src/**/*.spec.ts', 'src/**/*.spec.tsx', 'build/**/*.spec.ts'],
  },
}));
