// Shared fixtures for every Lifeline browser spec. Import `test` and `expect`
// from here, never from '@playwright/test' directly:
//
//   import { test, expect, fixturePath } from './fixtures.js';
//
//   test('shows the app', async ({ page }) => {
//     await page.goto('/');                 // baseURL is the running lifeline
//     await expect(page.locator('main')).toBeVisible();
//   });
//
// What this file provides:
// - `browser`: Debian's chromium ($CHROMIUM, default /usr/bin/chromium), headless,
//   launched with exactly CHROMIUM_FLAGS plus a fresh temporary --user-data-dir
//   (and --remote-debugging-pipe, which Playwright talks through). Playwright's own
//   default flags are not used, and no browser is ever downloaded.
// - `baseURL`: the URL printed by `lifeline serve` (global-setup.js) without its
//   pairing token, also in process.env.LIFELINE_URL: page.goto('/') opens the
//   app with no helper connected.
// - `helper`: that running helper, paired: `helper.url` is the address it printed
//   (`…/#token=…`; page.goto(helper.url) connects the app to it) and
//   `helper.tftp` its TFTP server ({ host, port }, for tftp.js's Phone).
// - `pageProblems`: every test fails if any page of its context logs a console
//   error, throws an uncaught error, has a request fail, or gets an HTTP response
//   >= 400. A test that provokes one on purpose says so first:
//     pageProblems.allow(/HTTP 404 .*\/missing\.bin$/);
// - `fixturePath(name)`: a file made by `cargo run -p lifeline-tests --bin
//   make-fixtures -- DIR` (run by xtask before Playwright), e.g. to drop a zip:
//     await page.setInputFiles('input[type=file]', fixturePath('synthetic.zip'));
// - `outputPath(name)`: a path under tests/output/ for screenshots and the like.
import { test as base, expect } from '@playwright/test';
import { existsSync, mkdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export { expect };

/** The chromium command-line flags, exactly. */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

const testsDir = join(dirname(fileURLToPath(import.meta.url)), '..');

/** A path under tests/output/ (created), for screenshots and other artifacts. */
export function outputPath(name) {
  const path = join(testsDir, 'output', name);
  mkdirSync(dirname(path), { recursive: true });
  return path;
}

/**
 * The path of a fixture file made by the Rust side (tests/src/bin/make-fixtures.rs),
 * in the directory xtask passes as $LIFELINE_FIXTURES. Throws if it is missing.
 */
export function fixturePath(name) {
  const dir = process.env.LIFELINE_FIXTURES;
  if (!dir) {
    throw new Error('LIFELINE_FIXTURES is not set: run the browser tests with `cargo xtask e2e`');
  }
  const path = join(dir, name);
  if (!existsSync(path)) {
    throw new Error(`fixture ${name} is not in ${dir}: does make-fixtures write it?`);
  }
  return path;
}

export const test = base.extend({
  // One chromium per worker, with a fresh profile.
  browser: [
    async ({ playwright }, use) => {
      const userDataDir = await mkdtemp(join(tmpdir(), 'lifeline-chromium-'));
      const browser = await playwright.chromium.launch({
        executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
        headless: true,
        ignoreDefaultArgs: true,
        args: [...CHROMIUM_FLAGS, `--user-data-dir=${userDataDir}`, '--remote-debugging-pipe'],
      });
      await use(browser);
      await browser.close();
      await rm(userDataDir, { recursive: true, force: true });
    },
    { scope: 'worker' },
  ],

  baseURL: async ({}, use) => {
    const url = process.env.LIFELINE_URL;
    if (!url) throw new Error('LIFELINE_URL is not set: global-setup.js did not start lifeline');
    await use(url);
  },

  helper: async ({}, use) => {
    const url = process.env.LIFELINE_PAIR_URL;
    const tftp = process.env.LIFELINE_TFTP;
    if (!url) throw new Error('LIFELINE_PAIR_URL is not set: lifeline printed no #token= in its start line');
    if (!tftp) throw new Error('LIFELINE_TFTP is not set: lifeline printed no "TFTP listening on" line');
    const at = tftp.lastIndexOf(':');
    await use({ url, tftp: { host: tftp.slice(0, at), port: Number(tftp.slice(at + 1)) } });
  },

  // Records what goes wrong in any page of the test's context; asserted at the end.
  pageProblems: [
    async ({ context }, use) => {
      const problems = [];
      const allowed = [];
      const record = (text) => problems.push(text);

      context.on('console', (msg) => {
        if (msg.type() === 'error') {
          const { url, lineNumber } = msg.location();
          record(`console error: ${msg.text()}${url ? ` (${url}:${lineNumber})` : ''}`);
        }
      });
      context.on('weberror', (webError) => {
        const error = webError.error();
        record(`uncaught error: ${error.stack || error.message}`);
      });
      context.on('requestfailed', (request) => {
        record(`request failed: ${request.method()} ${request.url()}: ${request.failure()?.errorText}`);
      });
      context.on('response', (response) => {
        if (response.status() >= 400) {
          record(`HTTP ${response.status()} for ${response.request().method()} ${response.url()}`);
        }
      });

      await use({
        /** Lets problems matching `pattern` (a RegExp) pass in this test. */
        allow(pattern) {
          allowed.push(pattern);
        },
        /** The problems recorded so far. */
        list() {
          return [...problems];
        },
      });

      const unexpected = problems.filter((p) => !allowed.some((re) => re.test(p)));
      expect(unexpected, 'the page reported errors (console, uncaught, failed or >= 400 requests)').toEqual([]);
    },
    { auto: true },
  ],
});
