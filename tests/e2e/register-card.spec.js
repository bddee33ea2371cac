// Whom a phone registers as, and a simulated phone's verdict, on its card
// (issue 18): the page sends a SIP bundle with a line for one phone, step 5's
// "Try with simulated phones" makes the helper boot that phone as a
// simulation against its own TFTP server, and the card says whom the phone
// registers as (from the file the helper served) and, marked as a
// simulation, that it would register with the registrar on loopback.
//
// Against a helper of its own (same binary, its own ports and data
// directory), with a registrar of its own: a UDP socket that answers each
// REGISTER 200 OK.
import { createSocket } from 'node:dgram';
import { test, expect, outputPath } from './fixtures.js';
import { goToStep, inspect, phoneRow, setPhones } from './helpers.js';
import { startHelper } from './own-helper.js';

let helper;
let registrar;
test.beforeAll(async () => {
  helper = await startHelper();
  registrar = await startRegistrar();
});
test.afterAll(async () => {
  await helper?.stop();
  registrar?.close();
});

/** A registrar on a free loopback port answering every REGISTER 200 OK; resolves to the socket. */
function startRegistrar() {
  const socket = createSocket('udp4');
  socket.on('message', (msg, from) => {
    const lines = msg.toString('utf8').split('\r\n');
    const header = (name) => lines.find((l) => l.split(':')[0].trim().toLowerCase() === name.toLowerCase());
    const reply = ['SIP/2.0 200 OK'];
    for (const name of ['Via', 'From', 'Call-ID', 'CSeq']) {
      const h = header(name);
      if (h) reply.push(h);
    }
    const to = header('To');
    if (to) reply.push(`${to};tag=spec1`);
    reply.push('Content-Length: 0', '', '');
    socket.send(reply.join('\r\n'), from.port, from.address);
  });
  return new Promise((resolve) => socket.bind(0, '127.0.0.1', () => resolve(socket)));
}

test('a simulated phone registers, and its card says as whom', async ({ page }) => {
  const port = registrar.address().port;
  await page.goto(helper.url);
  await expect(page.getByTestId('helper-pill-text')).toHaveText(/^Helper /);
  await inspect(page, 'sip.zip');
  await goToStep(page, 2);
  await expect(page.getByTestId('tftp-input')).toHaveValue(/^\d+\.\d+\.\d+\.\d+$/);
  await goToStep(page, 3);
  // The registrar is the call manager on loopback, on its own port.
  await page.getByTestId('cm-input').fill('127.0.0.1');
  await setPhones(page, '00:11:22:aa:bb:cc=7961');
  const line = phoneRow(page, 0);
  await line.getByTestId('cell-user').fill('1001');
  await line.getByTestId('cell-display_name').fill('Front desk');
  await line.getByTestId('cell-password').fill('spec-s3cret');
  await line.getByTestId('cell-port').fill(String(port));
  await expect(line).toHaveAttribute('data-status', 'ok');
  await goToStep(page, 4);
  await page.getByTestId('send-bundle').click();
  await expect(page.getByTestId('send-switched')).toBeVisible();
  await page.getByTestId('to-recover').click();
  await expect(page.getByTestId('step-5')).toHaveAttribute('aria-current', 'step');

  const button = page.getByTestId('simulate-phones');
  await expect(button).toBeEnabled();
  await button.click();
  const card = page.getByTestId('phone-SEP001122AABBCC');
  await expect(card.getByTestId('phone-registers')).toContainText(`Registers as 1001 at 127.0.0.1:${port}`);
  await expect(card.getByTestId('phone-registers')).toContainText('SEP001122AABBCC.cnf.xml');
  const simulated = card.getByTestId('phone-simulated');
  await expect(simulated).toContainText(`Simulated: would register as 1001 at 127.0.0.1:${port}.`);
  await expect(simulated).toContainText('a simulated phone with this MAC, run by the helper');
  await expect(simulated).toHaveAttribute('data-tone', 'ok');
  // Never taken for the real phone: it has not been seen.
  await expect(card.getByTestId('phone-verdict')).toContainText('Not seen on the network yet');
  await expect(page.getByTestId('watch-waiting')).toBeVisible();
  await expect(page.getByTestId('watch-tally')).toHaveCount(0);
  const status = page.getByTestId('simulate-status');
  await expect(status).toContainText('Simulation done, 1 phone(s): 1 would register');
  await expect(button).toBeEnabled();
  // The password went into the phone's file only.
  await expect(page.locator('body')).not.toContainText('spec-s3cret');
  await card.scrollIntoViewIfNeeded();
  await page.screenshot({ path: outputPath('register-card.png'), fullPage: true });

});
