// Step 3, Configuration: call control, the phone list, SIP lines, and a preview
// and a download of every generated file.
import { readFileSync } from 'node:fs';
import { test, expect, outputPath } from './fixtures.js';
import { inspect, goToStep, expectNoSidewaysScroll, download } from './helpers.js';

test.beforeEach(async ({ page }) => {
  await page.goto('/');
  await expect(page.getByTestId('dropzone')).toBeVisible();
});

test('XMLDefault for the seed names the load for the 7941 and the 7961', async ({ page }) => {
  await inspect(page);
  await page.getByTestId('next').click(); // Network
  await page.getByTestId('next').click(); // Configuration
  await expect(page.getByTestId('step-3')).toHaveAttribute('aria-current', 'step');
  await expect(page.getByRole('heading', { level: 1, name: 'Configuration' })).toBeFocused();
  await expect(page.getByTestId('config-protocol')).toHaveText('SCCP (port 2000)');
  await expect(page.getByTestId('config-load')).toHaveText('SCCP41.8-3-3S');
  await expect(page.getByTestId('files-blocked')).toBeVisible();

  await page.getByTestId('cm-input').fill('192.168.10.1, 192.168.10.2');
  await expect(page.getByTestId('cm-list').locator('li')).toHaveCount(2);
  const xml = page.locator('[data-testid=file][data-name="XMLDefault.cnf.xml"]');
  const preview = xml.getByTestId('preview');
  await expect(preview).toContainText('<loadInformation115 model="IP Phone 7941">SCCP41.8-3-3S</loadInformation115>');
  await expect(preview).toContainText('<loadInformation30018 model="IP Phone 7961">SCCP41.8-3-3S</loadInformation30018>');
  await expect(preview).toContainText('<processNodeName>192.168.10.2</processNodeName>');
  await expect(xml).toContainText('The phone asks for this first');
  await expect(page.getByTestId('step-3')).toHaveClass(/mark-ok/);

  // Each file downloads on its own.
  const saved = await download(
    page, xml.getByTestId('download-file'), 'XMLDefault.cnf.xml', 'XMLDefault.cnf.xml');
  expect(readFileSync(saved, 'utf8')).toBe(await preview.textContent());

  await page.screenshot({ path: outputPath('config-seed.png'), fullPage: true });

  // Nothing to fix: the bullet says so, and its list leads to the findings on
  // step 1 from here too.
  await expect(page.getByTestId('worst')).toHaveText(/No problems/);
  await page.getByTestId('worst').click();
  await expect(page.getByTestId('problems-none')).toBeVisible();
  await page.getByTestId('problems-findings').click();
  await expect(page.getByTestId('step-1')).toHaveAttribute('aria-current', 'step');
  await expect(page.locator('#findings')).toBeFocused();
});

test('a bad MAC is flagged next to its entry; good ones get their own file', async ({ page }) => {
  await inspect(page);
  await goToStep(page, 2);
  await page.getByTestId('tftp-input').fill('192.168.10.105');
  await goToStep(page, 3);
  await page.getByTestId('cm-input').fill('192.168.10.1');
  await page
    .getByTestId('phones-input')
    .fill('00:11:22:aa:bb:cc=7961\n00:11:22:zz:bb:cc, 0011.22aa.bbcd\n001122aabbce=7942');

  const entries = page.getByTestId('phone-entry');
  await expect(entries).toHaveCount(4);
  await expect(entries.nth(0)).toHaveAttribute('data-status', 'ok');
  await expect(entries.nth(0).getByTestId('sep-name')).toHaveText('SEP001122AABBCC');
  await expect(entries.nth(0)).toContainText('7961');
  const bad = entries.nth(1);
  await expect(bad).toHaveAttribute('data-status', 'error');
  await expect(bad).toContainText('00:11:22:zz:bb:cc');
  await expect(bad.getByTestId('phone-error')).toContainText('z is not a hex digit');
  await expect(entries.nth(2).getByTestId('sep-name')).toHaveText('SEP001122AABBCD');
  await expect(entries.nth(3).getByTestId('phone-error')).toContainText(
    'A 7942 does not run this firmware, which is for the 7941/7961',
  );
  await expect(page.getByTestId('phones-input-error')).toContainText('2 of 4 entries to fix');
  await expect(page.getByTestId('phones-input')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByTestId('step-3')).toHaveClass(/mark-error/);
  await expect(page.getByTestId('step-4')).toContainText('Fix the phone list in step 3');
  await expect(page.getByTestId('next')).toBeDisabled();

  // The good ones are previewed already.
  await expect(page.locator('[data-testid=file][data-name="SEP001122AABBCC.cnf.xml"]')).toContainText(
    '<deviceProtocol>SCCP</deviceProtocol>',
  );
  await expect(page.locator('[data-testid=file][data-name="SEP001122AABBCD.cnf.xml"]')).toHaveCount(1);
  await page.screenshot({ path: outputPath('config-bad-mac.png'), fullPage: true });

  // Fixed: Deliver opens.
  await page.getByTestId('phones-input').fill('00:11:22:aa:bb:cc=7961\n0011.22aa.bbcd');
  await expect(page.getByTestId('phones-summary')).toHaveText('2 phones, all fine.');
  await expect(page.getByTestId('phones-input-error')).toHaveCount(0);
  await expect(page.getByTestId('step-3')).toHaveClass(/mark-ok/);
  await expect(page.getByTestId('next')).toBeEnabled();
});

test('a SIP load asks for each phone line, and warns about a long password', async ({ page }) => {
  await inspect(page, 'sip.zip');
  await goToStep(page, 2);
  await goToStep(page, 3);
  await expect(page.getByTestId('config-protocol')).toHaveText('SIP (port 5060)');
  await page.getByTestId('cm-input').fill('10.0.0.1');
  await page.getByTestId('phones-input').fill('0011.22aa.bbcc=7961');
  const line = page.locator('[data-testid=sip-line][data-mac="SEP001122AABBCC"]');
  await expect(line).toBeVisible();
  await line.getByTestId('sip-port').fill('50x');
  await expect(line.getByTestId('sip-port-error')).toContainText('50x is not a port');
  await expect(line.getByTestId('sip-user-error')).toContainText('usually its extension');
  await expect(page.getByTestId('step-3')).toHaveClass(/mark-error/);
  await line.getByTestId('sip-port').fill('');
  await line.getByTestId('sip-user').fill('201');
  await line.getByTestId('sip-display').fill('Front desk');
  await line.getByTestId('sip-password').fill('a-very-long-secret');
  await expect(line.getByTestId('sip-password')).toHaveAttribute('type', 'password');
  await expect(line.getByTestId('sip-password-warnings')).toContainText('18 characters');
  await expect(page.getByTestId('step-3')).toHaveClass(/mark-warning/);
  const sep = page.locator('[data-testid=file][data-name="SEP001122AABBCC.cnf.xml"]').getByTestId('preview');
  await expect(sep).toContainText('<proxy>10.0.0.1</proxy>');
  await expect(sep).toContainText('<featureLabel>Front desk</featureLabel>');
  await expect(sep).toContainText('<authPassword>a-very-long-secret</authPassword>');
  // Never in the link.
  const link = await page.getByTestId('permalink').inputValue();
  expect(link).toContain('Front%20desk');
  expect(link).not.toContain('secret');
  await page.screenshot({ path: outputPath('config-sip.png'), fullPage: true });
});

test('the configuration step at phone width', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await inspect(page);
  await goToStep(page, 2);
  await goToStep(page, 3);
  await page.getByTestId('cm-input').fill('192.168.10.1');
  await page.getByTestId('phones-input').fill('00:11:22:aa:bb:cc=7961\n00:11:22:zz:bb:cc');
  await expect(page.getByTestId('phone-entry')).toHaveCount(2);
  await expectNoSidewaysScroll(page);
  await page.screenshot({ path: outputPath('config-phone.png'), fullPage: true });
});
