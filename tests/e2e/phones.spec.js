// Phone cards that tell the truth, against the real helper: several phones
// behind one address are separate cards (issue 21, item 4), and cards judged
// against a previous bundle are re-judged or archived when another bundle is
// sent, and say which (item 8).
//
// Each test plays phones on loopback from addresses of its own, against a
// helper of its own (same binary, its own ports and data directory).
import { test, expect, outputPath } from './fixtures.js';
import { sendBundle } from './helpers.js';
import { simulate, startHelper } from './own-helper.js';
import { Phone } from './tftp.js';

const IMAGES = [
  'jar41sccp.8-3-2-27.sbn',
  'cnu41.8-3-2-27.sbn',
  'apps41.8-3-2-27.sbn',
  'dsp41.8-3-2-27.sbn',
  'cvm41sccp.8-3-2-27.sbn',
];

let helper;
test.beforeEach(async () => {
  helper = await startHelper();
});
test.afterEach(async () => {
  await helper?.stop();
});

test('phones behind one address and on distinct addresses are a card each', async ({ page }) => {
  await page.goto(helper.url);
  await expect(page.getByTestId('helper-pill-text')).toHaveText(/^Helper /);
  await sendBundle(page, 'seed.zip', '192.168.10.31');

  // Three phones at once on loopback: a distinct 127.0.0.x each, a card each.
  const three = await simulate(helper.tftp, ['--model', '7961', '--phones', '3']);
  expect(three.code, three.stdout + three.stderr).toBe(0);
  for (const at of ['127.0.0.2', '127.0.0.3', '127.0.0.4']) {
    await expect(page.getByTestId(`phone-${at}`).getByTestId('phone-verdict')).toContainText('All 6 files sent');
  }

  // Two phones, one after the other, behind one address (a router): the
  // second starts over at its first file, so it is a card of its own, and
  // its wrong-model failure is not hidden under the first one's success.
  const first = await simulate(helper.tftp, ['--model', '7961', '--source', '127.0.0.40']);
  expect(first.code, first.stdout + first.stderr).toBe(0);
  const firstCard = page.getByTestId('phone-127.0.0.40');
  await expect(firstCard.getByTestId('phone-verdict')).toContainText('All 6 files sent');
  const second = await simulate(helper.tftp, ['--model', '7962', '--source', '127.0.0.40']);
  expect(second.code, second.stdout + second.stderr).toBe(1);
  expect(second.stdout).toContain('this phone is not a model this firmware is for');
  const secondCard = page.getByTestId('phone-127.0.0.40#2');
  await expect(secondCard.locator('h3')).toHaveText('Phone at 127.0.0.40, attempt 2');
  await expect(firstCard.locator('h3')).toHaveText('Phone at 127.0.0.40');
  await expect(secondCard).toHaveAttribute('data-tone', 'error');
  await expect(secondCard.getByTestId('phone-verdict')).toContainText(
    'term62.default.loads is the recovery manifest of the 7962: this phone is not a model this firmware is for.',
  );
  await expect(firstCard.getByTestId('phone-verdict')).toContainText('All 6 files sent');
  await expect(page.locator('.phone-card')).toHaveCount(5);
  await expect(page.getByTestId('step-5')).toHaveClass(/mark-error/);
  await secondCard.scrollIntoViewIfNeeded();
  await page.screenshot({ path: outputPath('phones-one-address.png'), fullPage: true });
});

test('a bundle switch re-judges or archives the cards, and each says which', async ({ page }) => {
  await page.goto(helper.url);
  await expect(page.getByTestId('helper-pill-text')).toHaveText(/^Helper /);
  // The SIP load: a phone that asks for the SCCP image fails on it.
  await sendBundle(page, 'sip.zip', '192.168.10.32');
  const a = new Phone(helper.tftp, '127.0.0.61');
  expect((await a.get('term41.default.loads')).data).toBeTruthy();
  expect((await a.get(IMAGES[0])).error?.code).toBe(1);
  const cardA = page.getByTestId('phone-127.0.0.61');
  await expect(cardA).toHaveAttribute('data-tone', 'error');
  await expect(cardA.getByTestId('phone-verdict')).toContainText(`It asked for ${IMAGES[0]}, which is not in the bundle`);
  await expect(page.getByTestId('step-5')).toHaveClass(/mark-error/);

  // The SCCP load, which has that image: the judgement was about the
  // previous bundle.
  await sendBundle(page, 'seed.zip', '192.168.10.32');
  await expect(cardA.getByTestId('phone-switched')).toHaveText('Re-judged against the new bundle: it starts over.');
  await expect(cardA.getByTestId('phone-verdict')).toContainText('Waiting for it to ask the new bundle');
  await expect(page.getByTestId('step-5')).not.toHaveClass(/mark-error/);
  await cardA.scrollIntoViewIfNeeded();
  await page.screenshot({ path: outputPath('phones-switch-starts-over.png'), fullPage: true });

  // Reset, it fetches everything from the new bundle; another phone asks for
  // a 7942's manifest, which this firmware does not have.
  for (const file of ['term41.default.loads', ...IMAGES]) expect((await a.get(file)).data, file).toBeTruthy();
  await expect(cardA.getByTestId('phone-verdict')).toContainText('All 6 files sent');
  await expect(cardA.getByTestId('phone-switched')).toHaveCount(0);
  const b = new Phone(helper.tftp, '127.0.0.62');
  expect((await b.get('term42.default.loads')).error?.code).toBe(1);
  const cardB = page.getByTestId('phone-127.0.0.62');
  await expect(cardB).toHaveAttribute('data-tone', 'error');

  // Another bundle of the same firmware: the finished card is archived, the
  // failed one re-judged, failing still (this bundle lacks its file too).
  await sendBundle(page, 'seed.zip', '192.168.10.33');
  await expect(cardA.getByTestId('phone-switched')).toHaveText(
    'Archived: judged against the previous bundle, kept as a record of it.',
  );
  await expect(cardA).toHaveAttribute('data-tone', 'muted');
  await expect(cardB.getByTestId('phone-switched')).toHaveText('Re-judged against the new bundle: it lacks this file too.');
  await expect(cardB).toHaveAttribute('data-tone', 'error');
  await cardB.scrollIntoViewIfNeeded();
  await page.screenshot({ path: outputPath('phones-switch-archived.png'), fullPage: true });
});
