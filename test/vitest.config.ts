import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/setup/no-console.ts'],
    root: fileURLToPath(new URL('..', import.meta.url)),
    testTimeout: 60_000,
    pool: 'forks',
  },
});
