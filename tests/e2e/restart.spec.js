// A helper restart never strands the page (issue 21, item 1): the helper keeps
// its pairing token in its data directory, so a page paired before reconnects
// by itself; after `--new-token` the page says in words that the helper has a
// new token and how to pair again, and the new address pasted into the same
// tab pairs it without a reload.
//
// Each test restarts a helper of its own on the same port, in the spec.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, expect, outputPath } from './fixtures.js';
import { goToStep } from './helpers.js';
import { startHelper } from './own-helper.js';

let dataDir;
let helper;
test.beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'lifeline-restart-'));
});
test.afterEach(async () => {
  await helper?.stop();
  helper = undefined;
  rmSync(dataDir, { recursive: true, force: true });
});

const pill = (page) => page.getByTestId('helper-pill-text');
// The page retries with a backoff of up to 15 s.
const RECONNECT = { timeout: 30_000 };
const CONNECTED = /^Helper (connected|on )/;

test('a helper restarted with its kept token is found again by itself', async ({ page }) => {
  helper = await startHelper({ dataDir });
  await page.goto(helper.url);
  await expect(pill(page)).toHaveText(CONNECTED);
  await helper.stop();
  await expect(pill(page)).toHaveText('Helper not reachable');

  helper = await startHelper({ dataDir, httpListen: `127.0.0.1:${helper.port}` });
  await expect(pill(page)).toHaveText(CONNECTED, RECONNECT);
  await expect(page.getByTestId('helper-retry')).toHaveCount(0);
  await page.screenshot({ path: outputPath('restart-kept-token.png'), fullPage: true });
});

test('after --new-token the page says so, and the new address pasted into the tab pairs it', async ({
  page,
  pageProblems,
}) => {
  // The browser logs the refused upgrade, and the page's check of its token
  // gets the helper's 403: both are what this test is about.
  pageProblems.allow(/Unexpected response code: 403/);
  pageProblems.allow(/responded with a status of 403 \(Forbidden\) \(http:\/\/127\.0\.0\.1:\d+\/ws\?token=/);
  pageProblems.allow(/^HTTP 403 for GET http:\/\/127\.0\.0\.1:\d+\/ws\?token=/);
  helper = await startHelper({ dataDir });
  const oldUrl = helper.url;
  await page.goto(oldUrl);
  await expect(pill(page)).toHaveText(CONNECTED);
  await goToStep(page, 2);
  await page.getByTestId('tftp-input').fill('192.168.10.105');
  await helper.stop();

  helper = await startHelper({ dataDir, httpListen: `127.0.0.1:${helper.port}`, args: ['--new-token'] });
  expect(helper.url).not.toBe(oldUrl);
  await expect(pill(page)).toHaveText('Helper has a new token', RECONNECT);
  await page.getByTestId('helper-pill-text').click();
  const panel = page.getByTestId('helper-panel');
  await expect(panel).toContainText(`The helper at 127.0.0.1:${helper.port} was restarted with a new pairing token`);
  await expect(panel).toContainText("this tab's address bar");
  await expect(page.locator('body')).not.toContainText('not reachable');
  await page.screenshot({ path: outputPath('restart-new-token.png'), fullPage: true });

  // Pasting the new address is a change of the fragment only: no reload.
  await page.evaluate(() => {
    window.lifelineSameDocument = true;
  });
  await page.evaluate((hash) => {
    window.location.hash = hash;
  }, new URL(helper.url).hash);
  await expect(pill(page)).toHaveText(CONNECTED);
  expect(await page.evaluate(() => window.lifelineSameDocument)).toBe(true);
  // The token left the address bar; the settings are back in it and in the field.
  await expect(page).not.toHaveURL(/token=/);
  await expect(page).toHaveURL(/#s=1&t=192\.168\.10\.105&k=[0-9a-f]{8}$/);
  await expect(page.getByTestId('tftp-input')).toHaveValue('192.168.10.105');
  await page.screenshot({ path: outputPath('restart-paired-again.png'), fullPage: true });
});
