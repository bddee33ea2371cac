// Step 3, Configuration: call control, the phone list, SIP lines, and a preview
// and a download of every generated file.
import { readFileSync } from 'node:fs';
import { test, expect, outputPath } from './fixtures.js';
import { inspect, goToStep, expectNoSidewaysScroll, download, setPhones, phoneRow } from './helpers.js';

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
  await setPhones(page, '00:11:22:aa:bb:cc=7961\n00:11:22:zz:bb:cc, 0011.22aa.bbcd\n001122aabbce=7942');

  const rows = page.getByTestId('phone-row');
  await expect(rows).toHaveCount(4);
  await expect(rows.nth(0)).toHaveAttribute('data-status', 'ok');
  await expect(rows.nth(0).getByTestId('sep-name')).toHaveText('SEP001122AABBCC');
  await expect(rows.nth(0).getByTestId('cell-model')).toHaveValue('7961');
  const bad = rows.nth(1);
  await expect(bad).toHaveAttribute('data-status', 'error');
  await expect(bad.getByTestId('cell-mac')).toHaveValue('00:11:22:zz:bb:cc');
  await expect(bad.getByTestId('cell-mac')).toHaveAttribute('aria-invalid', 'true');
  await expect(bad.getByTestId('cell-mac-error')).toContainText('z is not a hex digit');
  await expect(rows.nth(2).getByTestId('sep-name')).toHaveText('SEP001122AABBCD');
  await expect(rows.nth(3).getByTestId('cell-model-error')).toContainText(
    'This firmware (7941/7961) does not serve the 7942',
  );
  await expect(page.getByTestId('phones-summary')).toContainText('2 rows to fix');
  await expect(page.getByTestId('step-3')).toHaveClass(/mark-error/);
  await expect(page.getByTestId('step-4')).toContainText('Fix the phone list in step 3');
  await expect(page.getByTestId('next')).toBeDisabled();

  // The good ones are previewed already.
  await expect(page.locator('[data-testid=file][data-name="SEP001122AABBCC.cnf.xml"]')).toContainText(
    '<deviceProtocol>SCCP</deviceProtocol>',
  );
  await expect(page.locator('[data-testid=file][data-name="SEP001122AABBCD.cnf.xml"]')).toHaveCount(1);
  await page.screenshot({ path: outputPath('config-bad-mac.png'), fullPage: true });

  // Fixed in the table: Deliver opens.
  await bad.getByTestId('cell-mac').fill('00:11:22:aa:bb:cf');
  await rows.nth(3).getByTestId('cell-model').fill('7961');
  await expect(page.getByTestId('phones-summary')).toHaveText('4 phones, all fine.');
  await expect(page.getByTestId('phone-table').locator('[aria-invalid=true]')).toHaveCount(0);
  await expect(page.getByTestId('step-3')).toHaveClass(/mark-ok/);
  await expect(page.getByTestId('next')).toBeEnabled();
  await expect(page.locator('[data-testid=file][data-name="SEP001122AABBCF.cnf.xml"]')).toHaveCount(1);
});

test('a SIP load takes each phone line, and refuses a password the phone cannot read', async ({ page }) => {
  await inspect(page, 'sip.zip');
  await goToStep(page, 2);
  await goToStep(page, 3);
  await expect(page.getByTestId('config-protocol')).toHaveText('SIP (port 5060)');
  await page.getByTestId('cm-input').fill('10.0.0.1');
  await setPhones(page, '0011.22aa.bbcc=7961');
  const line = phoneRow(page, 0);
  await expect(line).toBeVisible();
  await expect(line.getByTestId('cell-proxy')).toHaveAttribute('placeholder', '10.0.0.1');
  await line.getByTestId('cell-port').fill('50x');
  await expect(line.getByTestId('cell-port-error')).toContainText('50x is not a port');
  await expect(page.getByTestId('step-3')).toHaveClass(/mark-error/);
  // A SIP field without the line's user asks for it.
  await line.getByTestId('cell-display_name').fill('Front desk');
  await expect(line.getByTestId('cell-user-error')).toContainText('usually its extension');
  await line.getByTestId('cell-port').fill('');
  await line.getByTestId('cell-user').fill('201');
  await expect(line.getByTestId('cell-user-error')).toHaveCount(0);
  await line.getByTestId('cell-password').fill('a-very-long-secret');
  await expect(line.getByTestId('cell-password')).toHaveAttribute('type', 'password');
  // The 7941/7961 cannot read it: an error, as `lifeline config --phones` says.
  await expect(line.getByTestId('cell-password-error')).toContainText('18 characters; the 79x1/79x2/79x5');
  await expect(page.getByTestId('step-3')).toHaveClass(/mark-error/);
  await line.getByTestId('cell-password').fill('secret-12345');
  await expect(line.getByTestId('cell-password-error')).toHaveCount(0);
  await expect(page.getByTestId('step-3')).toHaveClass(/mark-ok/);
  await expect(page.getByTestId('phones-passwords')).toContainText('anyone on the LAN can read');
  const sep = page.locator('[data-testid=file][data-name="SEP001122AABBCC.cnf.xml"]').getByTestId('preview');
  await expect(sep).toContainText('<proxy>10.0.0.1</proxy>');
  await expect(sep).toContainText('<featureLabel>Front desk</featureLabel>');
  await expect(sep).toContainText('<authPassword>secret-12345</authPassword>');
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
  await setPhones(page, '00:11:22:aa:bb:cc=7961\n00:11:22:zz:bb:cc');
  await expect(page.getByTestId('phone-row')).toHaveCount(2);
  await expect(phoneRow(page, 1).getByTestId('cell-mac-error')).toBeVisible();
  await expectNoSidewaysScroll(page);
  await page.screenshot({ path: outputPath('config-phone.png'), fullPage: true });
});
