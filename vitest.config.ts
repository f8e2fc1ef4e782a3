import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Storage suites share the local Redis and PostgreSQL: keep files from racing on them.
    fileParallelism: false,
    env: { DOTENV_CONFIG_QUIET: 'true' },
  },
});
