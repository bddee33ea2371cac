// Playwright configuration for Lifeline's browser tests.
//
// Run them with `cargo xtask e2e` (or as part of `cargo xtask test`): that builds
// the web app and the `lifeline` binary, makes the fixture files, and sets
// LIFELINE_BIN, LIFELINE_FIXTURES and CHROMIUM for this runner. Playwright never
// downloads a browser here: it drives Debian's chromium (see e2e/fixtures.js).
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: './e2e',
  testMatch: '**/*.spec.js',
  // Starts `lifeline serve --http-listen 127.0.0.1:0` once for the whole run and
  // stops it afterwards; tests get its URL as `baseURL` (page.goto('/')).
  globalSetup: './e2e/global-setup.js',
  outputDir: './output/test-results',
  // Two cores: one browser at a time.
  workers: 1,
  fullyParallel: false,
  retries: 0,
  forbidOnly: !!process.env.CI,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list'], ['html', { outputFolder: './output/report', open: 'never' }]],
  use: {
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
  },
});
