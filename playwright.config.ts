import { defineConfig } from '@playwright/test';

// E2E runs the built renderer in Debian's Chromium through the web bridge, against the real
// engine and the sandbox, started per test by the fixtures in e2e/fixtures.ts.
const reportDir = process.env.BERTH_REPORT_DIR;

export default defineConfig({
  testDir: 'e2e',
  // Finds (or downloads) the Defang samples corpus once for every worker.
  globalSetup: './tests/corpus/setup.ts',
  outputDir: 'test-results/e2e',
  timeout: 120_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: reportDir ? [['list'], ['json', { outputFile: `${reportDir}/playwright.json` }]] : [['list']],
  use: {
    browserName: 'chromium',
    viewport: { width: 1360, height: 860 },
    screenshot: 'on',
    trace: 'retain-on-failure',
    // No fades: a toast fading out mid-check would blend its colours and fail the contrast rule at random.
    contextOptions: { reducedMotion: 'reduce' },
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic'],
    },
  },
});
