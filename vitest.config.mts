import { defineConfig } from 'vitest/config';

// Unit, contract and integration tests run on plain Node; e2e lives in Playwright.
const reportDir = process.env.BERTH_REPORT_DIR;

export default defineConfig({
  test: {
    include: ['shared/**/*.test.ts', 'electron/**/*.test.ts', 'tests/**/*.test.ts', 'renderer/**/*.test.{ts,tsx}'],
    environment: 'node',
    // Finds (or downloads) the Defang samples corpus once for every worker.
    globalSetup: ['tests/corpus/setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: reportDir ? ['default', 'json'] : ['default'],
    outputFile: reportDir ? { json: `${reportDir}/vitest.json` } : undefined,
  },
});
