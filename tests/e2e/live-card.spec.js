// What step 4 and a phone's card claim, against the real helper: the bundle's
// file count is the count the helper serves, and a card never says a file is
// being sent once it was, nor shows a bar behind its "sent".
//
// These tests play phones, whose cards stay with a helper; so they run against
// a helper of their own (same binary, its own ports and data directory), and
// the run's shared helper never sees them.
import { test, expect, outputPath } from './fixtures.js';
import { inspect, goToStep, setPhones } from './helpers.js';
import { startHelper } from './own-helper.js';
import { Phone } from './tftp.js';

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
  await setPhones(page, '00:11:22:aa:bb:01=7961, 00:11:22:aa:bb:02=7941');
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

/** Opens the paired page, inspects the seed and sends a bundle for `callManager`; opens step 5. */
async function sendAndWatch(page, helper, callManager) {
  await page.goto(helper.url);
  await expect(page.getByTestId('helper-pill-text')).toHaveText(/^Helper /);
  await inspect(page);
  await goToStep(page, 2);
  await expect(page.getByTestId('tftp-input')).toHaveValue(/^\d+\.\d+\.\d+\.\d+$/);
  await goToStep(page, 3);
  await page.getByTestId('cm-input').fill(callManager);
  await goToStep(page, 4);
  await page.getByTestId('send-bundle').click();
  await expect(page.getByTestId('send-switched')).toBeVisible();
  await page.getByTestId('to-recover').click();
  await expect(page.getByTestId('step-5')).toHaveAttribute('aria-current', 'step');
}

test('a file the phone asked for in capitals is not "being sent" once it was', async ({ page }) => {
  await sendAndWatch(page, helper, '192.168.10.22');
  // Phones ask in any case; the helper serves the file whatever the case.
  const phone = new Phone(helper.tftp, '127.0.0.12');
  expect((await phone.get('TERM41.DEFAULT.LOADS')).data).toBeTruthy();
  const card = page.getByTestId('phone-127.0.0.12');
  const verdict = card.getByTestId('phone-verdict');
  await expect(card.getByTestId('phone-file').first()).toHaveAttribute('data-state', 'sent');
  await expect(verdict).toContainText('Downloading: 1 of 6 files sent');
  await expect(verdict).not.toContainText('Now sending');
  await expect(verdict).toContainText('waiting for it to ask for the next file');

  expect((await phone.get(IMAGES[0].toUpperCase())).data).toBeTruthy();
  await expect(card.getByTestId('phone-file').nth(1)).toHaveAttribute('data-state', 'sent');
  await expect(verdict).toContainText('Downloading: 2 of 6 files sent');
  await expect(verdict).not.toContainText('Now sending');
  await card.scrollIntoViewIfNeeded();
  await page.screenshot({ path: outputPath('live-card-between-files.png') });
});

test('a file row that says sent has its bar full at that moment', async ({ page }) => {
  await sendAndWatch(page, helper, '192.168.10.23');
  // Every time a row turns "sent", its bar is measured in the same instant.
  await page.evaluate(() => {
    window.__lagging = [];
    window.__sentRows = 0;
    new MutationObserver(() => {
      const rows = '[data-testid="phone-127.0.0.13"] [data-testid=phone-file][data-state=sent]';
      for (const row of document.querySelectorAll(rows)) {
        if (row.dataset.checked) continue;
        row.dataset.checked = '1';
        window.__sentRows += 1;
        const track = row.querySelector('.bar').getBoundingClientRect().width;
        const fill = row.querySelector('.bar-fill').getBoundingClientRect().width;
        if (fill + 0.5 < track) window.__lagging.push(`${row.textContent}: ${fill} of ${track}`);
      }
    }).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
  });
  const phone = new Phone(helper.tftp, '127.0.0.13');
  for (const file of ['term41.default.loads', ...IMAGES]) expect((await phone.get(file)).data, file).toBeTruthy();
  const card = page.getByTestId('phone-127.0.0.13');
  await expect(card.getByTestId('phone-verdict')).toContainText('All 6 files sent');
  expect(await page.evaluate(() => window.__sentRows)).toBe(6);
  expect(await page.evaluate(() => window.__lagging)).toEqual([]);
  for (let i = 0; i < 6; i++) {
    await expect(card.getByTestId('phone-file').nth(i).getByRole('progressbar')).toHaveAttribute('aria-valuenow', '100');
  }
  await card.scrollIntoViewIfNeeded();
  await page.screenshot({ path: outputPath('live-card-all-sent.png') });
});
