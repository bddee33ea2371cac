// Steps 2, 4 and 5 tell the truth about the helper's TFTP server: an address
// phones would not reach it at is a warning with the fix, and a bundle the
// helper holds while its TFTP server is down is not called served, nor does
// step 5 wait for phones that cannot come.
import { createSocket } from 'node:dgram';
import { test, expect, outputPath } from './fixtures.js';
import { inspect, goToStep } from './helpers.js';
import { startHelper } from './own-helper.js';

test('an address phones would not reach the helper at is a warning with the fix', async ({ page, helper }) => {
  await page.goto(helper.url);
  await expect(page.getByTestId('helper-pill-text')).toHaveText(/^Helper /);
  await goToStep(page, 2);
  const input = page.getByTestId('tftp-input');
  await input.fill('10.20.30.40');
  const warnings = page.getByTestId('tftp-input-warnings');
  await expect(warnings).toContainText("10.20.30.40 is on none of this computer's networks");
  await expect(warnings).toContainText('Use ');
  // The run's helper listens on a loopback test port: both said, with the fix.
  await expect(warnings).toContainText(`listens only on ${helper.tftp.host}:${helper.tftp.port}`);
  await expect(warnings).toContainText('option 150 carries no port: phones always ask port 69');
  await expect(warnings).toContainText('--tftp-listen 0.0.0.0:69');
  await expect(page.getByTestId('step-2')).toHaveClass(/mark-warning/);
  await expect(page.locator('#tftp-hint')).toContainText('Option 150 carries no port: phones always ask port 69');
  await page.screenshot({ path: outputPath('tftp-reach-network.png'), fullPage: true });
  // The Problems list leads back to the field.
  await goToStep(page, 1);
  await page.getByTestId('worst').click();
  await expect(page.getByTestId('problem-item').filter({ hasText: '10.20.30.40 is on none' })).toHaveCount(1);
});

test.describe('with the TFTP port taken', () => {
  let blocker;
  let own;
  test.beforeAll(async () => {
    blocker = createSocket('udp4');
    await new Promise((resolve) => blocker.bind(0, '127.0.0.1', resolve));
    own = await startHelper({ tftpListen: `127.0.0.1:${blocker.address().port}` });
  });
  test.afterAll(async () => {
    await own?.stop();
    blocker?.close();
  });

  test('Deliver is a warning, not served, and step 5 says no phone can come', async ({ page }) => {
    expect(own.tftpError).toContain('the port is in use');
    await page.goto(own.url);
    await expect(page.getByTestId('helper-pill-text')).toHaveText(/^Helper /);
    await inspect(page);
    await goToStep(page, 2);
    await page.getByTestId('tftp-input').fill('192.168.10.105');
    await goToStep(page, 3);
    await page.getByTestId('cm-input').fill('192.168.10.31');
    await goToStep(page, 4);
    await expect(page.getByTestId('tftp-down')).toContainText('the port is in use');
    await page.getByTestId('send-bundle').click();
    const done = page.getByTestId('send-switched');
    await expect(done).toHaveAttribute('data-served', 'false');
    await expect(done).toContainText('The helper holds this bundle, but phones cannot fetch it yet');
    await expect(page.getByTestId('send-switched-detail')).not.toContainText('serving');
    await expect(page.getByTestId('step-4')).toHaveClass(/mark-warning/);
    await page.screenshot({ path: outputPath('tftp-down-deliver.png'), fullPage: true });

    await page.getByTestId('to-recover').click();
    await expect(page.getByTestId('step-5')).toHaveAttribute('aria-current', 'step');
    await expect(page.getByTestId('watch-tftp-down')).toContainText(
      "No phone can show up here until the helper's TFTP server runs",
    );
    await expect(page.getByTestId('watch-tftp-down')).toContainText('the port is in use');
    await expect(page.getByTestId('watch-waiting')).toHaveCount(0);
    await page.screenshot({ path: outputPath('tftp-down-recover.png'), fullPage: true });
  });
});
