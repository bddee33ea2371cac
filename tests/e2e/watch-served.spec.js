// Step 5 without the firmware (issue 21, item 2): the helper knows which
// phones its bundle is for, so a page whose firmware is gone (forgotten, or
// never dropped in this browser) still watches them; and a reload straight
// onto step 5 builds the page's bundle there, so it is compared with the
// served one at once instead of being called "another bundle".
import { test, expect, outputPath } from './fixtures.js';
import { goToStep, sendBundle } from './helpers.js';
import { simulate, startHelper } from './own-helper.js';

let helper;
test.beforeEach(async () => {
  helper = await startHelper();
});
test.afterEach(async () => {
  await helper?.stop();
});

test('without the firmware, step 5 watches the phones of the bundle the helper serves', async ({ page }) => {
  await page.goto(helper.url);
  await sendBundle(page, 'seed.zip', '192.168.10.41');
  // Forget the firmware, come back to step 5 and reload: nothing to read back.
  await goToStep(page, 1);
  await page.getByTestId('firmware-forget').click();
  await expect(page.getByTestId('firmware-forgotten')).toBeVisible();
  await goToStep(page, 5);
  await page.reload();

  await expect(page.getByTestId('step-5')).toHaveAttribute('aria-current', 'step', { timeout: 20_000 });
  await expect(page.getByTestId('summary')).toHaveCount(0);
  // Steps 3 and 4 need the firmware; step 5 does not.
  for (const n of [3, 4]) {
    await expect(page.getByTestId(`step-${n}`)).toHaveAttribute('aria-disabled', 'true');
    await expect(page.getByTestId(`step-${n}`)).toContainText('Inspect a firmware first');
  }
  await expect(page.getByTestId('step-5')).not.toHaveAttribute('aria-disabled', 'true');
  await expect(page.getByTestId('back')).toHaveText('← Back: Network');
  await expect(page.getByTestId('reset-models')).toContainText('(7941/7961 family), load SCCP41.8-3-3S');
  await expect(page.getByTestId('reset-models')).toContainText('For the 7941, 7941G-GE, 7961');
  await expect(page.getByTestId('reset-0')).toBeVisible();
  await expect(page.getByTestId('watch-served')).toContainText('from seed.zip, load SCCP41.8-3-3S');
  await expect(page.getByTestId('watch-not-served')).toHaveCount(0);

  const run = await simulate(helper.tftp, ['--model', '7961', '--source', '127.0.0.41']);
  expect(run.code, run.stdout + run.stderr).toBe(0);
  await expect(page.getByTestId('phone-127.0.0.41').getByTestId('phone-verdict')).toContainText('All 6 files sent');
  await page.screenshot({ path: outputPath('watch-served.png'), fullPage: true });
});

test('a reload straight onto step 5 compares its own bundle with the served one at once', async ({ page }) => {
  await page.goto(helper.url);
  await sendBundle(page, 'seed.zip', '192.168.10.42');
  await page.reload();
  await expect(page.getByTestId('step-5')).toHaveAttribute('aria-current', 'step', { timeout: 20_000 });
  // Built on step 5, without opening step 4: the helper serves this very bundle.
  await expect(page.getByTestId('step-4')).toHaveClass(/mark-ok/);
  await expect(page.getByTestId('watch-not-served')).toHaveCount(0);
  await expect(page.getByTestId('watch-served')).toHaveCount(0);
  await expect(page.getByTestId('reset-models')).toContainText('(7941/7961 family)');
});
