// Step 4, Deliver: the bundle's summary and the whole bundle as one zip, built in
// the browser.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test, expect, outputPath } from './fixtures.js';
import { inspect, goToStep, zipNames, expectNoSidewaysScroll, download, setPhones } from './helpers.js';

const IMAGES = [
  'jar41sccp.8-3-2-27.sbn',
  'cnu41.8-3-2-27.sbn',
  'apps41.8-3-2-27.sbn',
  'dsp41.8-3-2-27.sbn',
  'cvm41sccp.8-3-2-27.sbn',
];

async function fill(page) {
  await inspect(page);
  await expect(page.getByTestId('step-4')).toContainText('Enter the TFTP address in step 2');
  await goToStep(page, 2);
  await page.getByTestId('tftp-input').fill('192.168.10.105');
  await goToStep(page, 3);
  await page.getByTestId('cm-input').fill('192.168.10.1');
  await setPhones(page, '00:11:22:aa:bb:cc=7961');
}

test.beforeEach(async ({ page }) => {
  await page.goto('/');
  await expect(page.getByTestId('dropzone')).toBeVisible();
});

test('the bundle downloads as a zip with the configs, the manifest and the five images', async ({ page }) => {
  await fill(page);
  await page.getByTestId('next').click();
  await expect(page.getByTestId('step-4')).toHaveAttribute('aria-current', 'step');
  await expect(page.getByRole('heading', { level: 1, name: 'Deliver' })).toBeFocused();

  // The files the phones fetch; the download adds the manifest.
  await expect(page.getByTestId('bundle-files')).toHaveText(/^10 files, [\d.]+ MB$/);
  await expect(page.getByTestId('bundle-load')).toHaveText('SCCP41.8-3-3S');
  await expect(page.getByTestId('bundle-tftp')).toHaveText('192.168.10.105');
  // Not paired: the download comes first, and the page says how to send it instead.
  await expect(page.getByTestId('send-unpaired')).toContainText('lifeline serve');
  await expect(page.getByTestId('deliver')).toContainText('Hold the # key');

  const path = await download(
    page, page.getByTestId('download-bundle'), 'lifeline-bundle-SCCP41.8-3-3S.zip',
    'lifeline-bundle.zip');
  await expect(page.getByTestId('save-status')).toContainText('is in your downloads');
  await expect(page.getByTestId('step-4')).toHaveClass(/mark-ok/);

  const names = zipNames(readFileSync(path));
  for (const name of ['XMLDefault.cnf.xml', 'SEP001122AABBCC.cnf.xml', 'lifeline-bundle.json', ...IMAGES]) {
    expect(names, name).toContain(name);
  }
  expect(names).toHaveLength(11);

  // The helper's own inspector reads it as complete firmware for the load.
  const out = execFileSync(process.env.LIFELINE_BIN, ['inspect', path, '--json'], { encoding: 'utf8' });
  const report = JSON.parse(out);
  expect(report.load).toBe('SCCP41.8-3-3S');
  expect(report.findings.filter((f) => f.severity === 'error')).toEqual([]);

  await page.screenshot({ path: outputPath('deliver-ready.png'), fullPage: true });
});

test('a new choice of settings makes a new bundle', async ({ page }) => {
  await fill(page);
  await goToStep(page, 4);
  await expect(page.getByTestId('bundle-files')).toHaveText(/^10 files/);
  await goToStep(page, 3);
  await setPhones(page, '');
  await goToStep(page, 4);
  await expect(page.getByTestId('bundle-files')).toHaveText(/^9 files/);
});

test('the deliver step at phone width', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await fill(page);
  await goToStep(page, 4);
  await expect(page.getByTestId('download-bundle')).toBeVisible();
  await expectNoSidewaysScroll(page);
  await page.screenshot({ path: outputPath('deliver-phone.png'), fullPage: true });
});
