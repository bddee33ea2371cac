// A 7960 SIP firmware through all five steps, against a helper of its own: the
// Call Manager package inspected, option 150, the SIP configuration with its
// OS79XX.TXT explained, the bundle sent, and a pretend 7960 fetching what a reset
// one asks for (OS79XX.TXT, then the image it names) while step 5 shows its card.
import { test, expect, outputPath } from './fixtures.js';
import { inspect, goToStep, expectNoSidewaysScroll, setPhones, phoneRow } from './helpers.js';
import { startHelper } from './own-helper.js';
import { Phone } from './tftp.js';

const COP = 'cmterm-7940-7960-P0S3-8-12-00.cop.sgn';
const LOAD = 'P0S3-8-12-00';

let helper;
test.beforeAll(async () => {
  helper = await startHelper();
});
test.afterAll(async () => {
  await helper?.stop();
});

test('a 7960 SIP load from a .cop.sgn, from inspection to a recovered phone', async ({ page }) => {
  await page.goto(helper.url);
  await expect(page.getByTestId('helper-pill-text')).toHaveText(/^Helper /);

  // 1 Firmware: the package's load, family, models, and Cisco's protocol rule.
  await inspect(page, COP);
  const summary = page.getByTestId('summary');
  await expect(summary).toContainText(LOAD);
  await expect(summary).toContainText('7940/7960');
  await expect(page.locator('#findings')).toContainText('SCCP to SIP only from SCCP 5.x');
  await expect(page.locator('#findings')).toContainText('OS79XX.TXT');

  // 2 Network: the helper's address, filled in.
  await goToStep(page, 2);
  await expect(page.getByTestId('tftp-input')).toHaveValue(/^\d+\.\d+\.\d+\.\d+$/);

  // 3 Configuration: SIP, one 7960 with its line, and the 7940/7960 files.
  await goToStep(page, 3);
  await expect(page.getByTestId('config-protocol')).toHaveText('SIP (port 5060)');
  await expect(page.getByTestId('config-load')).toHaveText(LOAD);
  await page.getByTestId('cm-input').fill('192.168.10.1');
  await setPhones(page, '00:11:22:aa:bb:cc=7960');
  const line = phoneRow(page, 0);
  await line.getByTestId('cell-user').fill('201');
  await line.getByTestId('cell-display_name').fill('Front desk');
  await line.getByTestId('cell-password').fill('s3cret');

  const os79 = page.getByTestId('os79');
  await expect(os79).toContainText('How a 7940/7960 picks its image');
  await expect(os79.getByTestId('os79-image')).toHaveText(LOAD);
  await expect(os79).toContainText('third letter');
  await expect(os79).toContainText('If they differ, it loads the image named at once');

  const file = (name) => page.locator(`[data-testid=file][data-name="${name}"]`);
  await expect(file('OS79XX.TXT').getByTestId('preview')).toHaveText(LOAD);
  await expect(file('OS79XX.TXT')).toContainText('third letter is the protocol');
  await file('SIPDefault.cnf').locator('summary').click();
  const defaults = file('SIPDefault.cnf').getByTestId('preview');
  await expect(defaults).toContainText(`image_version: "${LOAD}"`);
  await expect(defaults).toContainText('proxy1_address: "192.168.10.1"');
  await expect(defaults).toContainText('proxy_register: "1"');
  await file('SIP001122AABBCC.cnf').locator('summary').click();
  const own = file('SIP001122AABBCC.cnf').getByTestId('preview');
  await expect(own).toContainText('line1_name: "201"');
  await expect(own).toContainText('line1_displayname: "Front desk"');
  await expect(own).toContainText('line1_password: "s3cret"');
  await expect(file('dialplan.xml')).toBeAttached();
  await expect(file('RINGLIST.DAT')).toBeAttached();
  await expect(page.getByTestId('step-3')).toHaveClass(/mark-ok/);
  await expectNoSidewaysScroll(page);
  await page.screenshot({ path: outputPath('sip79-config.png'), fullPage: true });

  // 4 Deliver: 4 firmware files + XMLDefault, SEP, OS79XX, SIPDefault, SIP<MAC>,
  // dialplan, RINGLIST.
  await goToStep(page, 4);
  await expect(page.getByTestId('bundle-files')).toHaveText(/^11 files/);
  await page.getByTestId('send-bundle').click();
  await expect(page.getByTestId('send-switched-detail')).toContainText('serving 11 files');

  // 5 Recover: Cisco's reset for this family, then a reset 7960 on the wire.
  await page.getByTestId('to-recover').click();
  await expect(page.getByTestId('step-5')).toHaveAttribute('aria-current', 'step');
  const reset = page.getByTestId('reset');
  await expect(reset).toContainText('7940/7960 family');
  await expect(reset).toContainText('Headset, Mute and Speaker buttons flash');
  await expect(reset).toContainText('Keep network cfg? 1 = yes 2 = no');

  const phone = new Phone(helper.tftp, '127.0.0.2');
  const os = await phone.get('OS79XX.TXT');
  expect(os.data?.toString('latin1'), 'the image name alone').toBe(LOAD);
  for (const name of [`${LOAD}.loads`, 'P003-8-12-00.sbn', `${LOAD}.sb2`]) {
    const got = await phone.get(name);
    expect(got.data?.length, `${name} arrives`).toBeGreaterThan(0);
  }
  const card = page.getByTestId('phone-127.0.0.2');
  await expect(card.getByTestId('phone-file')).toHaveText([
    /^P0S3-8-12-00\.loads/,
    /^P003-8-12-00\.sbn/,
    /^P0S3-8-12-00\.sb2/,
  ]);
  await expect(card.getByTestId('phone-count')).toHaveText('3 of 3');
  // Back on SIP, it reads its own file: the card learns its MAC.
  const cnf = await phone.get('SIP001122AABBCC.cnf');
  expect(cnf.data?.toString('latin1')).toContain('line1_name: "201"');
  await expect(page.getByTestId('phone-SEP001122AABBCC')).toBeVisible();
  await page.screenshot({ path: outputPath('sip79-recover.png'), fullPage: true });
});
