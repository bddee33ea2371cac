// A reload loses nothing (issue 21, item 2): the settings, the step, the
// report and the firmware come back; passwords only when the person asked
// for them to be remembered; the address bar carries the settings, so a
// bookmark restores them; and "Forget it" really forgets the firmware.
import { test, expect, outputPath } from './fixtures.js';
import { inspect, goToStep, setPhones, phoneRow } from './helpers.js';

/** Steps 1-3 of a SIP load, with a password for one phone. */
async function fillSteps(page) {
  await inspect(page, 'sip.zip');
  await goToStep(page, 2);
  await page.getByTestId('tftp-input').fill('192.168.10.105');
  await goToStep(page, 3);
  await page.getByTestId('cm-input').fill('10.0.0.1');
  await setPhones(page, '0011.22aa.bbcc=7961');
  const line = phoneRow(page, 0);
  await line.getByTestId('cell-user').fill('201');
  await line.getByTestId('cell-password').fill('hunter2-pw');
  return line;
}

test('a reload returns to the same step with the same settings and report', async ({ page }) => {
  await page.goto('/');
  const line = await fillSteps(page);
  const summary = await page.evaluate(() => document.querySelector('[data-testid=config-load]')?.textContent);
  // The address bar follows the settings.
  await expect(page).toHaveURL(/#s=1&t=192\.168\.10\.105&c=10\.0\.0\.1&r=0011\.22aa\.bbcc,7961,,201,,,,,&k=/);

  await page.reload();
  await expect(page.getByTestId('step-3')).toHaveAttribute('aria-current', 'step', { timeout: 20_000 });
  await expect(page.getByTestId('link-notice')).toHaveCount(0);
  await expect(page.getByTestId('config-load')).toHaveText(summary);
  await expect(page.getByTestId('cm-input')).toHaveValue('10.0.0.1');
  await expect(line.getByTestId('cell-mac')).toHaveValue('0011.22aa.bbcc');
  await expect(line.getByTestId('cell-model')).toHaveValue('7961');
  await expect(line.getByTestId('cell-user')).toHaveValue('201');
  // Not remembered: the password is asked for again.
  await expect(line.getByTestId('cell-password')).toHaveValue('');
  await page.screenshot({ path: outputPath('reload-step3.png'), fullPage: true });
  await goToStep(page, 2);
  await expect(page.getByTestId('tftp-input')).toHaveValue('192.168.10.105');
  await goToStep(page, 1);
  await expect(page.getByTestId('summary')).toBeVisible();
  await expect(page.getByTestId('firmware-kept')).toBeVisible();
  await page.screenshot({ path: outputPath('reload-firmware-kept.png'), fullPage: true });
});

test('passwords come back only while "remember" is ticked', async ({ page }) => {
  await page.goto('/');
  const line = await fillSteps(page);
  const remember = page.getByTestId('sip-remember').locator('input');
  await remember.check();
  await page.reload();
  await expect(page.getByTestId('step-3')).toHaveAttribute('aria-current', 'step', { timeout: 20_000 });
  await expect(line.getByTestId('cell-password')).toHaveValue('hunter2-pw');
  await expect(remember).toBeChecked();
  // Never in the address bar.
  expect(page.url()).not.toContain('hunter2');

  await remember.uncheck();
  const stored = await page.evaluate(() => JSON.stringify(localStorage));
  expect(stored).not.toContain('hunter2');
  await page.reload();
  await expect(page.getByTestId('step-3')).toHaveAttribute('aria-current', 'step', { timeout: 20_000 });
  await expect(line.getByTestId('cell-password')).toHaveValue('');
});

test('"Forget it" really forgets the firmware', async ({ page }) => {
  await page.goto('/');
  await inspect(page, 'seed.zip');
  await expect(page.getByTestId('firmware-kept')).toBeVisible();
  await page.reload();
  await expect(page.getByTestId('summary')).toBeVisible();
  await page.getByTestId('firmware-forget').click();
  await expect(page.getByTestId('firmware-forgotten')).toBeVisible();
  await page.screenshot({ path: outputPath('reload-forgotten.png'), fullPage: true });
  const kept = await page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('lifeline', 1);
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const get = open.result.transaction('firmware').objectStore('firmware').count();
          get.onsuccess = () => resolve(get.result);
          get.onerror = () => reject(get.error);
        };
      }),
  );
  expect(kept).toBe(0);
  await page.reload();
  await expect(page.getByTestId('dropzone')).toBeVisible();
  await expect(page.getByTestId('summary')).toHaveCount(0);
});

test('a bookmark of the address restores the settings in a new tab', async ({ page, context }) => {
  await page.goto('/');
  await goToStep(page, 2);
  await page.getByTestId('tftp-input').fill('10.1.2.3');
  await expect(page).toHaveURL(/#s=1&t=10\.1\.2\.3&k=/);
  const bookmark = page.url();
  const other = await context.newPage();
  await other.goto(bookmark);
  await expect(other.getByTestId('link-restored')).toBeVisible();
  await goToStep(other, 2);
  await expect(other.getByTestId('tftp-input')).toHaveValue('10.1.2.3');
});
