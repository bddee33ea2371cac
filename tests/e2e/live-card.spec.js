// What step 4 claims, against the real helper: the bundle's file count is the
// count the helper serves.
//
// They run against a helper of their own (same binary, its own ports and data
// directory): what they leave on it never reaches the run's shared helper.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { test, expect, outputPath } from './fixtures.js';
import { inspect, goToStep } from './helpers.js';
import { Phone } from './tftp.js';

/**
 * Starts `lifeline serve` on free loopback ports with a fresh data directory:
 * `{ url, tftp: { host, port }, stop }`, `url` being the address it printed.
 */
async function startHelper() {
  const dataDir = mkdtempSync(join(tmpdir(), 'lifeline-card-'));
  const child = spawn(
    process.env.LIFELINE_BIN,
    ['serve', '--http-listen', '127.0.0.1:0', '--tftp-listen', '127.0.0.1:0', '--data-dir', dataDir],
    { stdio: ['ignore', 'pipe', 'ignore'] },
  );
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  const [url, tftp] = await new Promise((resolve, reject) => {
    child.once('exit', (code, signal) => reject(new Error(`lifeline exited before serving (${code ?? signal})`)));
    let url;
    createInterface({ input: child.stdout }).on('line', (line) => {
      url ??= /^Lifeline is serving the UI at (http:\/\/\S+#token=[0-9a-f]+)$/.exec(line)?.[1];
      const listening = /^TFTP listening on (\S+):(\d+),/.exec(line);
      if (url && listening) resolve([url, { host: listening[1], port: Number(listening[2]) }]);
    });
  }).catch(async (err) => {
    await stop();
    throw err;
  });
  return { url, tftp, stop };
}

let helper;
test.beforeAll(async () => {
  helper = await startHelper();
});
test.afterAll(async () => {
  await helper?.stop();
});

const IMAGES = [
  'jar41sccp.8-3-2-27.sbn',
  'cnu41.8-3-2-27.sbn',
  'apps41.8-3-2-27.sbn',
  'dsp41.8-3-2-27.sbn',
  'cvm41sccp.8-3-2-27.sbn',
];

test('the bundle summary counts the files the helper serves', async ({ page }) => {
  await page.goto(helper.url);
  await expect(page.getByTestId('helper-pill-text')).toHaveText(/^Helper /);
  await inspect(page);
  await goToStep(page, 2);
  await expect(page.getByTestId('tftp-input')).toHaveValue(/^\d+\.\d+\.\d+\.\d+$/);
  await goToStep(page, 3);
  await page.getByTestId('cm-input').fill('192.168.10.21');
  await page.getByTestId('phones-input').fill('00:11:22:aa:bb:01=7961, 00:11:22:aa:bb:02=7941');
  await goToStep(page, 4);

  const files = page.getByTestId('bundle-files');
  await expect(files).toHaveText(/^\d+ files, [\d.]+ MB$/);
  const promised = Number((await files.textContent()).split(' ')[0]);
  await page.getByTestId('send-bundle').click();
  await expect(page.getByTestId('send-switched-detail')).toContainText(`serving ${promised} files`);
  // The download holds one more file, and the page says which.
  await expect(page.getByTestId('bundle-manifest-note')).toContainText('lifeline-bundle.json');
  await page.getByTestId('helper-pill').locator('summary').click();
  await expect(page.getByTestId('helper-panel')).toContainText(`(${promised} files`);
  await page.getByTestId('helper-pill').locator('summary').click();
  await page.getByTestId('bundle-summary').scrollIntoViewIfNeeded();
  await page.screenshot({ path: outputPath('live-card-bundle-count.png'), fullPage: true });
});
