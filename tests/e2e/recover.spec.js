// The whole flow against the real helper: the page opened from the address
// `lifeline serve` printed (paired by its token), the seed inspected, option
// 150 filled in from the helper's interfaces, the bundle sent to the helper,
// then a pretend phone (tftp.js, from its own loopback address) fetches the
// recovery manifest and the five images over TFTP while step 5 shows its card.
import { test, expect, outputPath } from './fixtures.js';
import { inspect, goToStep, expectNoSidewaysScroll, download } from './helpers.js';
import { Phone } from './tftp.js';

const IMAGES = [
  'jar41sccp.8-3-2-27.sbn',
  'cnu41.8-3-2-27.sbn',
  'apps41.8-3-2-27.sbn',
  'dsp41.8-3-2-27.sbn',
  'cvm41sccp.8-3-2-27.sbn',
];

/**
 * Opens the paired page, inspects the seed, accepts the TFTP address the helper
 * filled in, sets call control to `callManager` (a different one per test makes
 * a different bundle) and opens step 4, ready to send. From then on the page
 * records every value the send bar takes (window.__percents) and whether it
 * said it resumed (window.__resumed).
 */
async function prepareSeed(page, helper, callManager, screenshots = false) {
  await page.goto(helper.url);
  await expect(page.getByTestId('helper-pill-text')).toHaveText(/^Helper (on \d+\.\d+\.\d+\.\d+ \(\S+\)|connected)$/);
  // The token left the address bar (and so any copied link) at once.
  expect(page.url()).not.toContain('token=');

  await inspect(page);
  await goToStep(page, 2);
  const tftp = page.getByTestId('tftp-input');
  await expect(tftp).toHaveValue(/^\d+\.\d+\.\d+\.\d+$/);
  await expect(page.getByTestId('tftp-prefill')).toContainText('Filled in from the helper');
  await expect(page.getByTestId('option150')).toBeVisible();
  await expect(page.getByTestId('helper-dhcp')).toContainText("The helper's DHCP server is off");
  await expect(page.getByTestId('helper-dhcp-detail')).toContainText('cisco-only');
  if (screenshots) await page.screenshot({ path: outputPath('recover-network.png'), fullPage: true });

  await goToStep(page, 3);
  await page.getByTestId('cm-input').fill(callManager);
  await goToStep(page, 4);
  await expect(page.getByTestId('bundle-files')).toHaveText(/^9 files/);

  await page.evaluate(() => {
    window.__percents = [];
    window.__resumed = false;
    new MutationObserver(() => {
      const bar = document.querySelector('[data-testid=send-bar]');
      if (bar) window.__percents.push(Number(bar.dataset.percent));
      if (document.querySelector('[data-testid=send-resumed]')) window.__resumed = true;
    }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-percent'] });
  });
}

/** Waits for the helper's confirmation; returns the bar's values on the way. */
async function expectSwitched(page) {
  await expect(page.getByTestId('send-switched')).toBeVisible();
  await expect(page.getByTestId('send-switched')).toBeFocused();
  await expect(page.getByTestId('send-switched-detail')).toHaveText(
    /^Bundle [0-9a-f]{8}: serving 9 files on 127\.0\.0\.1:\d+ /,
  );
  await expect(page.getByTestId('step-4')).toHaveClass(/mark-ok/);
  const percents = await page.evaluate(() => window.__percents);
  expect(percents.length, 'the bar was shown').toBeGreaterThan(0);
  expect(percents[percents.length - 1]).toBe(100);
  for (let i = 1; i < percents.length; i++) {
    expect(percents[i], `the bar went back: ${percents}`).toBeGreaterThanOrEqual(percents[i - 1]);
  }
  return percents;
}

async function sendSeed(page, helper, callManager, screenshots = false) {
  await prepareSeed(page, helper, callManager, screenshots);
  await page.getByTestId('send-bundle').click();
  return expectSwitched(page);
}

test('a phone recovers from the seed, watched live', async ({ page, context, helper }) => {
  // Notifications allowed for the helper's page, and each one recorded.
  await context.grantPermissions(['notifications'], { origin: new URL(helper.url).origin });
  await page.addInitScript(() => {
    window.__notes = [];
    const Real = window.Notification;
    window.Notification = class extends Real {
      constructor(title, options) {
        super(title, options);
        window.__notes.push({ title, body: options?.body, tag: options?.tag });
      }
    };
  });
  await sendSeed(page, helper, '192.168.10.1', true);
  await expect(page.getByTestId('helper-pill-text')).toHaveText(/^Helper /);
  await page.getByTestId('helper-pill').locator('summary').click();
  await expect(page.getByTestId('helper-panel')).toContainText(/Bundle: [0-9a-f]{8} from seed\.zip \(9 files/);
  await page.screenshot({ path: outputPath('recover-sent.png'), fullPage: true });
  await page.getByTestId('helper-pill').locator('summary').click();

  // Step 5: how to reset this firmware's phones, then the watch.
  await page.getByTestId('to-recover').click();
  await expect(page.getByTestId('step-5')).toHaveAttribute('aria-current', 'step');
  await expect(page.getByRole('heading', { level: 1, name: 'Recover' })).toBeFocused();
  const reset = page.getByTestId('reset');
  await expect(reset).toContainText('For the 7941, 7941G-GE, 7961, 7961G-GE (7941/7961 family)');
  await expect(reset).toContainText('Hold the # key');
  await expect(reset).toContainText('flash amber');
  await expect(reset).toContainText('look dead for up to 15 minutes');
  await page.getByLabel('Unplug the phone (or its PoE cable).').check();
  await expect(page.getByTestId('reset-0')).toBeChecked();
  await expect(page.getByTestId('watch-listening')).toContainText(/Listening: TFTP on 127\.0\.0\.1:\d+/);
  await expect(page.getByTestId('watch-waiting')).toContainText('Waiting for a phone');

  // A sound when a phone finishes: off until turned on, then kept in this
  // browser. (The sound is made by the page; nothing is fetched.)
  const sound = page.getByTestId('finish-sound');
  await expect(sound).not.toBeChecked();
  await expect(page.getByTestId('finish-notify')).not.toBeChecked();
  await sound.check();
  await expect(sound).toBeChecked();
  expect(await page.evaluate(() => localStorage.getItem('lifeline-prefs'))).toBe('v=1&sound=1&notify=0&remember=0');
  await page.getByTestId('finish-notify').check();
  await expect(page.getByTestId('finish-notify')).toBeChecked();
  expect(await page.evaluate(() => localStorage.getItem('lifeline-prefs'))).toBe('v=1&sound=1&notify=1&remember=0');

  // The phone asks for its recovery manifest, then the five images in order.
  const phone = new Phone(helper.tftp, '127.0.0.2');
  const manifest = await phone.get('term41.default.loads');
  expect(manifest.data?.length, 'term41.default.loads arrives').toBeGreaterThan(0);
  const card = page.getByTestId('phone-127.0.0.2');
  await expect(card).toBeVisible();
  await expect(card.getByTestId('phone-file')).toHaveCount(6);
  for (const image of IMAGES) {
    const got = await phone.get(image);
    expect(got.data?.length, `${image} arrives`).toBeGreaterThan(0);
  }
  const files = card.getByTestId('phone-file');
  await expect(files).toHaveText([
    /^term41\.default\.loads/,
    ...IMAGES.map((name) => new RegExp(`^${name.replace(/\./g, '\\.')}`)),
  ]);
  for (let i = 0; i < 6; i++) await expect(files.nth(i)).toHaveAttribute('data-state', 'sent');
  await expect(card.getByTestId('phone-verdict')).toContainText('All 6 files sent');
  await expect(card.getByTestId('phone-count')).toHaveText('6 of 6');
  await expect(card.getByTestId('phone-address')).toHaveText('127.0.0.2');

  // It restarts with the new firmware and asks for its configuration.
  const config = await phone.get('XMLDefault.cnf.xml');
  expect(config.data?.toString()).toContain('<Default>');
  await expect(card.getByTestId('phone-verdict')).toContainText('Recovered');
  await expect(card).toHaveAttribute('data-tone', 'ok');
  await expect(page.getByTestId('watch-tally')).toContainText('1 phone: 1 recovered');
  await expect(page.getByTestId('step-5')).toHaveClass(/mark-ok/);
  // It asks for its configuration again (checked against the notifications
  // once the log shows it).
  expect((await phone.get('XMLDefault.cnf.xml')).data).toBeTruthy();

  // The log: every request in plain words, one phone's lines, as a text file.
  const log = page.getByTestId('log');
  await log.locator('summary').click();
  const lines = page.getByTestId('log-lines');
  await expect(lines).toContainText('Asked for term41.default.loads');
  await expect(lines).toContainText('Received cvm41sccp.8-3-2-27.sbn');
  // One notification for the recovery, not one per configuration request.
  await expect(lines.locator('.log-line', { hasText: 'Received XMLDefault.cnf.xml' })).toHaveCount(2);
  expect(await page.evaluate(() => window.__notes)).toEqual([
    { title: 'Lifeline', body: 'Phone at 127.0.0.2 recovered.', tag: '127.0.0.2' },
  ]);
  await page.getByTestId('log-filter').selectOption('127.0.0.2');
  await expect(lines).not.toContainText('Connected to the helper');
  await expect(lines).toContainText('Asked for XMLDefault.cnf.xml');
  const path = await download(
    page, page.getByTestId('log-download'), 'lifeline-log.txt', 'lifeline-log.txt');
  const { readFileSync } = await import('node:fs');
  const text = readFileSync(path, 'utf8');
  expect(text).toContain('Phone: 127.0.0.2');
  expect(text).toMatch(/\d\d:\d\d:\d\d {2}127\.0\.0\.2 +Asked for term41\.default\.loads/);
  await page.getByTestId('log-filter').selectOption('');
  await expect(lines).toContainText('Connected to the helper');
  // Following the log: its newest line is in view at the bottom of the list.
  expect(await lines.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight)).toBeLessThanOrEqual(1);
  await lines.scrollIntoViewIfNeeded();

  await page.screenshot({ path: outputPath('recover-done.png'), fullPage: true });

  // Recover another: the finished card stays, folded and marked done, the
  // watch waits again from zero, and the bundle stays as it is.
  await expect(page.getByTestId('reset-0')).toBeChecked();
  await page.getByTestId('recover-another').click();
  const done = page.getByTestId('done-127.0.0.2');
  await expect(done).toBeVisible();
  await expect(done.locator('summary')).toContainText('Done: Recovered');
  await expect(card).toBeHidden();
  await expect(page.getByTestId('watch-waiting')).toContainText(/Waiting for the next phone: 0:0\d/);
  await expect(page.getByTestId('watch-checklist')).toHaveCount(0);
  await expect(page.getByTestId('reset-0')).not.toBeChecked();
  await expect(page.getByRole('heading', { name: 'Reset the phones' })).toBeFocused();
  await expect(page.getByTestId('recover-another')).toHaveCount(0);
  await expect(page.getByTestId('watch-tally')).toContainText('1 phone: 1 recovered');
  await expect(page.getByTestId('watch-not-served')).toHaveCount(0);
  await expect(page.getByTestId('step-5')).toHaveClass(/mark-ok/);
  // Unfolded, the done card is all there.
  await done.locator('summary').click();
  await expect(card).toBeVisible();
  await expect(card.getByTestId('phone-verdict')).toContainText('Recovered');
  await page.screenshot({ path: outputPath('recover-another.png'), fullPage: true });
});

test('a phone that asks for a file the bundle lacks is told what is closest', async ({ page, helper }) => {
  await sendSeed(page, helper, '192.168.10.2');
  await page.getByTestId('to-recover').click();

  const phone = new Phone(helper.tftp, '127.0.0.3');
  expect((await phone.get('term41.default.loads')).data).toBeTruthy();
  for (const image of IMAGES.slice(0, 3)) expect((await phone.get(image)).data, image).toBeTruthy();
  // Its manifest names an image this bundle does not have.
  const miss = await phone.get('dsp41.8-3-2-7.sbn');
  expect(miss.error?.code).toBe(1);

  const card = page.getByTestId('phone-127.0.0.3');
  await expect(card).toHaveAttribute('data-tone', 'error');
  const verdict = card.getByTestId('phone-verdict');
  await expect(verdict).toContainText('It asked for dsp41.8-3-2-7.sbn, which is not in the bundle');
  await expect(verdict).toContainText('The closest name in the bundle is dsp41.8-3-2-27.sbn');
  await expect(card.getByTestId('phone-fix')).toContainText('stays stuck until that file is served');
  await expect(page.getByTestId('step-5')).toHaveClass(/mark-error/);
  await page.getByTestId('log').locator('summary').click();
  await expect(page.getByTestId('log-lines')).toContainText('Asked for dsp41.8-3-2-7.sbn: not in the bundle.');
  await page.screenshot({ path: outputPath('recover-not-found.png'), fullPage: true });

  // At phone width nothing sticks out sideways.
  await page.setViewportSize({ width: 390, height: 844 });
  await expectNoSidewaysScroll(page);
  await page.screenshot({ path: outputPath('recover-phone.png'), fullPage: true });
  await card.scrollIntoViewIfNeeded();
  await page.screenshot({ path: outputPath('recover-phone-card.png') });

  // Retry failed: the card starts over, the reset is to be done again, and
  // the phone's next try is followed from its first request.
  await page.setViewportSize({ width: 1280, height: 900 });
  const retry = page.getByTestId('retry-failed');
  await expect(retry).toHaveText('Retry the failed phone');
  await retry.click();
  await expect(card).toHaveAttribute('data-tone', 'muted');
  await expect(verdict).toContainText('Waiting for it to start again');
  await expect(card.getByTestId('phone-attempt')).toHaveText('2 (started over by Retry failed)');
  await expect(retry).toHaveCount(0);
  await expect(page.locator('#reset-title')).toBeFocused();
  await expect(page.getByTestId('step-5')).not.toHaveClass(/mark-error/);
  await expect(page.getByTestId('log-lines')).toContainText('Retry: Phone at 127.0.0.3 starts over. Reset it again.');
  expect((await phone.get('term41.default.loads')).data).toBeTruthy();
  await expect(card).toHaveAttribute('data-tone', 'working');
  await expect(card.getByTestId('phone-count')).toHaveText('1 of 6');
  await page.screenshot({ path: outputPath('recover-retry.png'), fullPage: true });
});

test('a dropped connection resumes the upload where it stopped', async ({ page, helper }) => {
  // Between the page and the helper: the first connection is cut after a dozen
  // chunks, the next attempt finds nobody, the one after goes through.
  let connections = 0;
  await page.routeWebSocket(/\/ws\?token=/, (ws) => {
    connections += 1;
    if (connections === 2) {
      ws.close();
      return;
    }
    const server = ws.connectToServer();
    if (connections === 1) {
      let chunks = 0;
      ws.onMessage((message) => {
        if (typeof message !== 'string' && ++chunks === 12) {
          ws.close();
          server.close();
          return;
        }
        if (chunks < 12) server.send(message);
      });
    }
  });
  await prepareSeed(page, helper, '192.168.10.3');
  await page.getByTestId('send-bundle').click();

  // The page says what happened, keeps trying, and resumes by itself.
  await expect(page.getByTestId('helper-pill-text')).toHaveText('Helper not reachable');
  await expect(page.getByTestId('send-interrupted')).toContainText('resumes by itself where it stopped');
  await page.screenshot({ path: outputPath('recover-interrupted.png'), fullPage: true });
  await expectSwitched(page);
  expect(await page.evaluate(() => window.__resumed), 'it said it resumed').toBe(true);
  expect(connections).toBe(3);
  await page.getByTestId('log').locator('summary').click();
  await expect(page.getByTestId('log-lines')).toContainText('Lost the connection to the helper');
});
