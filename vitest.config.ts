import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Two cores: more workers only contend with DynamoDB Local's JVM.
    maxWorkers: 2,
    // Handlers log structured JSON on every rejection; show it only where a test failed.
    silent: 'passed-only',
    // EMF metric lines go straight to stdout (past vitest's console capture); no test reads them.
    env: { POWERTOOLS_METRICS_DISABLED: 'true' },
  },
});
