// The phone list as a table (issue 18): a pasted 10-row CSV with two bad rows,
// both flagged with their reasons and fixed inline, the table exported as CSV,
// and the bundle sent to a helper of the spec's own, which then serves each
// phone its SEP<MAC>.cnf.xml with its SIP line.
import { readFileSync } from 'node:fs';
import { test, expect, outputPath } from './fixtures.js';
import { inspect, goToStep, download, phoneRow } from './helpers.js';
import { startHelper } from './own-helper.js';
import { Phone } from './tftp.js';

let helper;
test.beforeAll(async () => {
  helper = await startHelper();
});
test.afterAll(async () => {
  await helper?.stop();
});

// Columns in an order of their own, `extension` for `user`, a column Lifeline
// does not read, a quoted comma; row 4 has a bad MAC, row 7 takes row 1's
// extension.
const CSV = [
  'label,extension,room,MAC,password,display_name',
  'Desk 1,201,101,00:11:22:aa:bb:01,pw-201,Ann',
  'Desk 2,202,102,00:11:22:aa:bb:02,pw-202,Bob',
  'Desk 3,203,103,00:11:22:aa:bb:03,pw-203,Cy',
  'Desk 4,204,104,00:11:22:aa:bb:zz,pw-204,Di',
  'Desk 5,205,105,00:11:22:aa:bb:05,pw-205,Ed',
  'Desk 6,206,106,00:11:22:aa:bb:06,pw-206,Flo',
  'Desk 7,201,107,00:11:22:aa:bb:07,pw-207,Gus',
  '"Desk 8, corner",208,108,00:11:22:aa:bb:08,pw-208,Hal',
  'Desk 9,209,109,00:11:22:aa:bb:09,pw-209,Ida',
  'Desk 10,210,110,00:11:22:aa:bb:10,pw-210,Jo',
].join('\n');

test('a pasted CSV with two bad rows: flagged, fixed inline, exported, sent and served', async ({ page }) => {
  await page.goto(helper.url);
  await expect(page.getByTestId('helper-pill-text')).toHaveText(/^Helper /);
  await inspect(page, 'sip.zip');
  await goToStep(page, 2);
  await expect(page.getByTestId('tftp-input')).toHaveValue(/^\d+\.\d+\.\d+\.\d+$/);
  await goToStep(page, 3);
  await page.getByTestId('cm-input').fill('10.0.0.1');

  await page.getByTestId('phones-paste').fill(CSV);
  await page.getByTestId('phones-import').click();
  const result = page.getByTestId('phones-import-result');
  await expect(result).toContainText('Added 10 rows to the list.');
  await expect(result).toContainText('Ignored the column room');
  await expect(page.getByTestId('phones-paste')).toHaveValue('');

  // Every row is in the table, the two bad ones too, each flagged on its field.
  const rows = page.getByTestId('phone-row');
  await expect(rows).toHaveCount(10);
  await expect(page.locator('[data-testid=phone-row][data-status=error]')).toHaveCount(2);
  const badMac = phoneRow(page, 3);
  await expect(badMac).toHaveAttribute('data-status', 'error');
  await expect(badMac.getByTestId('cell-mac')).toHaveAttribute('aria-invalid', 'true');
  await expect(badMac.getByTestId('cell-mac-error')).toContainText('00:11:22:aa:bb:zz is not a MAC address');
  await expect(badMac.getByTestId('cell-mac-error')).toContainText('z is not a hex digit');
  const twice = phoneRow(page, 6);
  await expect(twice).toHaveAttribute('data-status', 'error');
  await expect(twice.getByTestId('cell-user')).toHaveValue('201');
  await expect(twice.getByTestId('cell-user-error')).toContainText('Extension 201 is also in row 1');
  await expect(phoneRow(page, 0)).toHaveAttribute('data-status', 'ok');
  await expect(phoneRow(page, 7).getByTestId('cell-label')).toHaveValue('Desk 8, corner');
  await expect(page.getByTestId('phones-summary')).toContainText('2 rows to fix');
  await expect(page.getByTestId('step-3')).toHaveClass(/mark-error/);
  await expect(page.getByTestId('next')).toBeDisabled();
  await expect(page.getByTestId('step-4')).toContainText('Fix the phone list in step 3');

  // The Problems list names each row and leads to its field.
  await expect(page.getByTestId('worst')).toHaveText(/2 errors/);
  await page.getByTestId('worst').click();
  const items = page.getByTestId('problem-item').filter({ hasText: 'Phone list' });
  await expect(items).toHaveCount(2);
  await expect(items.nth(0)).toContainText('Phone list, row 4, mac:');
  await expect(items.nth(1)).toContainText('Phone list, row 7, user (extension): Extension 201');
  await items.nth(0).getByTestId('problem-go').click();
  await expect(badMac.getByTestId('cell-mac')).toBeFocused();
  await page.screenshot({ path: outputPath('phone-list-flagged.png'), fullPage: true });

  // Fixed inline.
  await badMac.getByTestId('cell-mac').fill('00:11:22:aa:bb:04');
  await twice.getByTestId('cell-user').fill('207');
  await expect(page.getByTestId('phones-summary')).toHaveText('10 phones, all fine.');
  await expect(page.getByTestId('phone-table').locator('[aria-invalid=true]')).toHaveCount(0);
  await expect(badMac.getByTestId('sep-name')).toHaveText('SEP001122AABB04');
  await expect(page.getByTestId('step-3')).toHaveClass(/mark-ok/);
  await expect(page.getByTestId('phones-passwords')).toContainText('anyone on the LAN can read');
  const preview = page.locator('[data-testid=file][data-name="SEP001122AABB04.cnf.xml"]').getByTestId('preview');
  await expect(preview).toContainText('<authPassword>pw-204</authPassword>');
  // No password in the link.
  expect(await page.getByTestId('permalink').inputValue()).not.toContain('pw-2');

  // Exported: every row, the fixes and the passwords, as `lifeline config --phones` reads it.
  await expect(page.getByTestId('phones-export-note')).toContainText('holds the passwords');
  const saved = await download(page, page.getByTestId('phones-export'), 'phones.csv', 'phone-list.csv');
  const lines = readFileSync(saved, 'utf8').split('\r\n');
  expect(lines[0]).toBe('mac,model,protocol,user,auth_name,password,display_name,proxy,port,label');
  expect(lines.slice(1, 11)).toEqual([
    '00:11:22:aa:bb:01,,,201,,pw-201,Ann,,,Desk 1',
    '00:11:22:aa:bb:02,,,202,,pw-202,Bob,,,Desk 2',
    '00:11:22:aa:bb:03,,,203,,pw-203,Cy,,,Desk 3',
    '00:11:22:aa:bb:04,,,204,,pw-204,Di,,,Desk 4',
    '00:11:22:aa:bb:05,,,205,,pw-205,Ed,,,Desk 5',
    '00:11:22:aa:bb:06,,,206,,pw-206,Flo,,,Desk 6',
    '00:11:22:aa:bb:07,,,207,,pw-207,Gus,,,Desk 7',
    '00:11:22:aa:bb:08,,,208,,pw-208,Hal,,,"Desk 8, corner"',
    '00:11:22:aa:bb:09,,,209,,pw-209,Ida,,,Desk 9',
    '00:11:22:aa:bb:10,,,210,,pw-210,Jo,,,Desk 10',
  ]);
  expect(lines.slice(11)).toEqual(['']);

  // Sent to the helper: it serves each phone its own file with its SIP line.
  await goToStep(page, 4);
  await page.getByTestId('send-bundle').click();
  await expect(page.getByTestId('send-switched')).toBeVisible();
  const phone = new Phone(helper.tftp, '127.0.0.2');
  const fixed = await phone.get('SEP001122AABB04.cnf.xml');
  const xml = fixed.data?.toString('utf8') ?? '';
  expect(xml).toContain('<name>204</name>');
  expect(xml).toContain('<authName>204</authName>');
  expect(xml).toContain('<authPassword>pw-204</authPassword>');
  expect(xml).toContain('<featureLabel>Di</featureLabel>');
  expect(xml).toContain('<proxy>10.0.0.1</proxy>');
  const renamed = await phone.get('SEP001122AABB07.cnf.xml');
  expect(renamed.data?.toString('utf8')).toContain('<name>207</name>');
  await page.screenshot({ path: outputPath('phone-list-sent.png'), fullPage: true });
});

test('a list without a mac column is refused with the fix, and a CSV file adds its rows', async ({ page }) => {
  await page.goto('/');
  await inspect(page, 'sip.zip');
  await goToStep(page, 2);
  await goToStep(page, 3);
  await page.getByTestId('phones-paste').fill('extension,password\n201,x\n');
  await page.getByTestId('phones-import').click();
  await expect(page.getByTestId('phones-import-error')).toContainText('no mac column');
  await expect(page.getByTestId('phones-import-error')).toContainText('name the columns in the first line');
  await expect(page.getByTestId('phone-row')).toHaveCount(0);
  await expect(page.getByTestId('phones-paste')).toHaveValue('extension,password\n201,x\n');

  await page.getByTestId('phones-file').setInputFiles({
    name: 'desk.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from('mac,user\r\n0011.22aa.bbcc,301\r\n'),
  });
  await expect(page.getByTestId('phones-import-result')).toContainText('Added 1 row to the list.');
  await expect(phoneRow(page, 0).getByTestId('cell-user')).toHaveValue('301');
  await expect(phoneRow(page, 0).getByTestId('sep-name')).toHaveText('SEP001122AABBCC');

  // Added by hand, removed again.
  await page.getByTestId('phones-add').click();
  await expect(page.getByTestId('phone-row')).toHaveCount(2);
  await expect(phoneRow(page, 1)).toHaveAttribute('data-status', 'empty');
  await phoneRow(page, 1).getByTestId('cell-mac').fill('0011.22aa.bbcc');
  await expect(phoneRow(page, 1).getByTestId('cell-mac-error')).toContainText('MAC 001122AABBCC is also in row 1');
  await phoneRow(page, 1).getByTestId('row-remove').click();
  await expect(page.getByTestId('phone-row')).toHaveCount(1);
  await expect(page.getByTestId('phones-summary')).toHaveText('1 phone, all fine.');
});
