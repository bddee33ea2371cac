// Sharing: the settings travel in the link's fragment; a damaged link opens the
// app with empty fields and a notice, never a blank page.
import { test, expect, outputPath } from './fixtures.js';
import { inspect, goToStep, setPhones } from './helpers.js';

test('the link restores every field', async ({ page, context }) => {
  await page.goto('/');
  await inspect(page);
  await goToStep(page, 2);
  await page.getByTestId('tftp-input').fill('192.168.10.105, 192.168.10.106');
  await goToStep(page, 3);
  await page.getByTestId('cm-input').fill('192.168.10.1');
  await setPhones(page, '00:11:22:aa:bb:cc=7961\n0011.22aa.bbcd');
  await page.getByTestId('phone-row').nth(1).getByTestId('cell-label').fill('Desk, 2nd floor');
  const link = await page.getByTestId('permalink').inputValue();
  expect(link).toContain('#s=1&');
  expect(link).not.toContain('seed.zip');

  const other = await context.newPage();
  await other.goto(link);
  await expect(other.getByTestId('link-restored')).toContainText('Settings restored from the link');
  await goToStep(other, 2);
  await expect(other.getByTestId('tftp-input')).toHaveValue('192.168.10.105, 192.168.10.106');
  await expect(other.getByTestId('network-hex')).toHaveText('C0A80A69C0A80A6A');
  // The firmware is not in links: choose it again, and the rest is there.
  await goToStep(other, 1);
  await inspect(other);
  await goToStep(other, 3);
  await expect(other.getByTestId('cm-input')).toHaveValue('192.168.10.1');
  const rows = other.getByTestId('phone-row');
  await expect(rows.nth(0).getByTestId('cell-mac')).toHaveValue('00:11:22:aa:bb:cc');
  await expect(rows.nth(0).getByTestId('cell-model')).toHaveValue('7961');
  await expect(rows.nth(1).getByTestId('cell-mac')).toHaveValue('0011.22aa.bbcd');
  await expect(rows.nth(1).getByTestId('cell-label')).toHaveValue('Desk, 2nd floor');
  await expect(other.getByTestId('sep-name')).toHaveText(['SEP001122AABBCC', 'SEP001122AABBCD']);
  expect(await other.getByTestId('permalink').inputValue()).toBe(link);
  await other.screenshot({ path: outputPath('permalink-restored.png'), fullPage: true });
});

test('a damaged link opens with empty fields and a notice', async ({ page }) => {
  await page.goto('/#s=1&t=192.168.10.105&c=192.168.10.1&k=0badc0de');
  const notice = page.getByTestId('link-notice');
  await expect(notice).toContainText('The settings in this link could not be read');
  await expect(notice).toContainText('cut short or changed');
  await expect(page.getByTestId('dropzone')).toBeVisible();
  await goToStep(page, 2);
  await expect(page.getByTestId('tftp-input')).toHaveValue('');
  await page.screenshot({ path: outputPath('permalink-damaged.png'), fullPage: true });

  // Cut short on the way: the same.
  await page.getByTestId('tftp-input').fill('192.168.10.105');
  const link = await page.getByTestId('permalink').inputValue();
  await page.goto(link.slice(0, link.length - 5));
  await page.reload();
  await expect(page.getByTestId('link-notice')).toBeVisible();
  await page.getByRole('button', { name: 'Dismiss' }).click();
  await expect(page.getByTestId('link-notice')).toHaveCount(0);

  // A newer format says so.
  await page.goto('/#s=7&t=x&k=00000000');
  await page.reload();
  await expect(page.getByTestId('link-notice')).toContainText('newer Lifeline');
});
