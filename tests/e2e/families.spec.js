// The newer families through the four steps: an 8841 (SIP, sip88xx: its own
// auth name required, KPML off) and a 7925 (CP7925G: NAME SIZE MD5 lines and
// optional Java components). Each drops its synthetic firmware (make-fixtures:
// testkit::families), reads the report, writes the configurations and
// downloads the bundle, which the helper's own inspector reads as complete.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test, expect, outputPath } from './fixtures.js';
import { inspect, goToStep, zipNames, download, setPhones, phoneRow } from './helpers.js';

test.beforeEach(async ({ page }) => {
  await page.goto('/');
  await expect(page.getByTestId('dropzone')).toBeVisible();
});

/** The helper's inspector's report of a downloaded bundle. */
function inspectBundle(path) {
  const out = execFileSync(process.env.LIFELINE_BIN, ['inspect', path, '--json'], { encoding: 'utf8' });
  return JSON.parse(out);
}

test('an 8841: the 8800 report, a line that needs its own auth name, KPML off, the bundle', async ({ page }) => {
  await inspect(page, '8841.zip');
  await expect(page.getByTestId('load-name')).toHaveText('sip88xx.14-2-1-0101-33');
  await expect(page.getByTestId('family')).toHaveText('8811/8841/8851/8861');
  await expect(page.getByTestId('protocol')).toHaveText('SIP');
  await expect(page.getByTestId('error-count')).toHaveText('0');
  for (const [model, id] of [['8811', '36217'], ['8841', '683'], ['8851', '684'], ['8861', '685']]) {
    const row = page.locator(`[data-testid=model-row][data-model="${model}"]`);
    await expect(row).toHaveAttribute('data-device-id', id);
  }
  // Six images over two hardware platforms, each with the size its manifest states.
  const manifest = page.getByTestId('manifests').getByTestId('manifest');
  await expect(manifest).toHaveCount(1);
  await expect(manifest).toContainText('rootfs2.88xx.14-2-1-0101-33.sbn');

  await goToStep(page, 2);
  await page.getByTestId('tftp-input').fill('192.168.10.105');
  await goToStep(page, 3);
  await expect(page.getByTestId('config-protocol')).toHaveText('SIP (port 5060)');
  await page.getByTestId('cm-input').fill('192.168.10.1');
  await setPhones(page, '00:11:22:aa:bb:cc=8841');
  await expect(phoneRow(page, 0)).toHaveAttribute('data-status', 'ok');

  const line = phoneRow(page, 0);
  await line.getByTestId('cell-user').fill('201');
  await line.getByTestId('cell-password').fill('secret');
  // No auth name: an 8841 does not use the user in its place.
  await expect(line.getByTestId('cell-auth_name')).toHaveAttribute('placeholder', 'required');
  await expect(line.getByTestId('cell-auth_name-error')).toContainText(
    "An 8811/8841/8851/8861 registers with the line's own auth name",
  );
  await expect(page.getByTestId('step-3')).toHaveClass(/mark-error/);
  await expect(page.getByTestId('next')).toBeDisabled();

  await line.getByTestId('cell-auth_name').fill('phone201');
  await expect(page.getByTestId('step-3')).not.toHaveClass(/mark-error/);
  const sep = page.locator('[data-testid=file][data-name="SEP001122AABBCC.cnf.xml"]').getByTestId('preview');
  await expect(sep).toContainText('<authName>phone201</authName>');
  await expect(sep).toContainText('<kpml>0</kpml>');
  await expect(sep).toContainText('<loadInformation>sip88xx.14-2-1-0101-33</loadInformation>');
  const xml = page.locator('[data-testid=file][data-name="XMLDefault.cnf.xml"]').getByTestId('preview');
  await expect(xml).toContainText('<loadInformation683 model="Cisco 8841">sip88xx.14-2-1-0101-33</loadInformation683>');
  await expect(xml).toContainText('<loadInformation36217 model="Cisco 8811">');
  await expect(xml).toContainText('<sipPort>5060</sipPort>');
  await page.screenshot({ path: outputPath('families-8841-config.png'), fullPage: true });

  await page.getByTestId('next').click();
  await expect(page.getByTestId('step-4')).toHaveAttribute('aria-current', 'step');
  await expect(page.getByTestId('bundle-load')).toHaveText('sip88xx.14-2-1-0101-33');
  const path = await download(
    page, page.getByTestId('download-bundle'), 'lifeline-bundle-sip88xx.14-2-1-0101-33.zip',
    'lifeline-bundle-8841.zip');
  const names = zipNames(readFileSync(path));
  for (const name of ['XMLDefault.cnf.xml', 'SEP001122AABBCC.cnf.xml', 'sip88xx.14-2-1-0101-33.loads',
    'kern88xx.14-2-1-0101-33.sbn', 'rootfs2.88xx.14-2-1-0101-33.sbn']) {
    expect(names, name).toContain(name);
  }
  const report = inspectBundle(path);
  expect(report.load).toBe('sip88xx.14-2-1-0101-33');
  expect(report.findings.filter((f) => f.severity === 'error')).toEqual([]);
});

test('a 7925: its own load only, sizes and MD5s checked, the Java components served', async ({ page }) => {
  await inspect(page, '7925.zip');
  await expect(page.getByTestId('load-name')).toHaveText('CP7925G-1.4.7.3');
  await expect(page.getByTestId('family')).toHaveText('7921/7925/7926');
  await expect(page.getByTestId('error-count')).toHaveText('0');
  // A CP7925G load is for the 7925 alone (the 7921 and 7926 have loads of their own).
  await expect(page.getByTestId('model-row')).toHaveCount(1);
  await expect(page.locator('[data-testid=model-row][data-model="7925"]')).toHaveAttribute('data-device-id', '484');
  await expect(page.getByTestId('entries')).toContainText('JUIH-1.4.7.3.SBN');

  await goToStep(page, 2);
  await page.getByTestId('tftp-input').fill('192.168.10.105');
  await goToStep(page, 3);
  await expect(page.getByTestId('config-protocol')).toHaveText('SCCP (port 2000)');
  await page.getByTestId('cm-input').fill('192.168.10.1');
  await setPhones(page, '00:11:22:aa:bb:cd=7925');
  await expect(phoneRow(page, 0)).toHaveAttribute('data-status', 'ok');
  const xml = page.locator('[data-testid=file][data-name="XMLDefault.cnf.xml"]').getByTestId('preview');
  await expect(xml).toContainText('<loadInformation484 model="IP Phone 7925">CP7925G-1.4.7.3</loadInformation484>');
  await expect(xml).not.toContainText('loadInformation365');
  await expect(xml).not.toContainText('loadInformation577');
  const sep = page.locator('[data-testid=file][data-name="SEP001122AABBCD.cnf.xml"]').getByTestId('preview');
  await expect(sep).toContainText('<loadInformation>CP7925G-1.4.7.3</loadInformation>');
  await page.screenshot({ path: outputPath('families-7925-config.png'), fullPage: true });

  await page.getByTestId('next').click();
  await expect(page.getByTestId('step-4')).toHaveAttribute('aria-current', 'step');
  const path = await download(
    page, page.getByTestId('download-bundle'), 'lifeline-bundle-CP7925G-1.4.7.3.zip',
    'lifeline-bundle-7925.zip');
  const names = zipNames(readFileSync(path));
  for (const name of ['CP7925G-1.4.7.3.LOADS', 'GUIH-1.4.7.3.SBN', 'JSYSH-1.4.7.3.SBN', 'JUIH-1.4.7.3.SBN',
    'SEP001122AABBCD.cnf.xml']) {
    expect(names, name).toContain(name);
  }
  const report = inspectBundle(path);
  expect(report.load).toBe('CP7925G-1.4.7.3');
  expect(report.findings.filter((f) => f.severity === 'error')).toEqual([]);
});
