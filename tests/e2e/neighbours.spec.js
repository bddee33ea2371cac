// A phone's card before it asks for anything (issue 22): lldpd, a real CDP and
// LLDP-MED daemon, plays a 7941 running SCCP41.8-2-1S in a network namespace
// this spec makes, across a veth pair whose other end the spec's own helper
// listens on (--neighbours on --interface). No DHCP, no TFTP: the card shows
// the model, the running load and what this bundle will do to it.
//
// Frames stay on the veth pair; the namespace (and the pair with it) is
// deleted at the end.
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, expect, outputPath } from './fixtures.js';
import { sendBundle } from './helpers.js';
import { startHelper } from './own-helper.js';

const tag = `${process.pid % 1_000_000}`;
const ns = `llpw${tag}`;
const hostEnd = `lp${tag}r`;
const phoneEnd = `lp${tag}p`;

function has(tool) {
  try {
    execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const canRun = process.getuid?.() === 0 && has('ip') && has('lldpd');

let dir;
let lldpd;
let helper;
test.beforeEach(async () => {
  test.skip(!canRun && !process.env.CI, 'needs root, ip and lldpd (see .ci/run)');
  dir = mkdtempSync(join(tmpdir(), 'lifeline-neighbours-'));
  // lldpd's unprivileged half reaches its control socket here.
  chmodSync(dir, 0o755);
  const ip = (...args) => execFileSync('ip', args);
  ip('netns', 'add', ns);
  ip('link', 'add', hostEnd, 'type', 'veth', 'peer', 'name', phoneEnd, 'netns', ns);
  ip('link', 'set', hostEnd, 'up');
  ip('-n', ns, 'link', 'set', phoneEnd, 'address', '00:1f:9e:ab:59:f1');
  ip('-n', ns, 'link', 'set', phoneEnd, 'up');
  const conf = join(dir, 'phone.conf');
  writeFileSync(
    conf,
    [
      'configure system hostname SEP001F9EAB59F1',
      'configure system platform "Cisco IP Phone 7941"',
      'configure system description "SCCP41.8-2-1S"',
      'configure inventory software-revision "SCCP41.8-2-1S"',
      'configure med policy application voice vlan 110 priority voice dscp 46',
      'configure lldp tx-interval 500ms',
      '',
    ].join('\n'),
  );
  lldpd = spawn(
    'ip',
    ['netns', 'exec', ns, 'lldpd', '-d', '-ccccc', '-M', '3', '-I', phoneEnd, '-u', join(dir, 'lldpd.sock'), '-O', conf],
    { stdio: 'ignore' },
  );
  helper = await startHelper({ args: ['--neighbours', 'on', '--interface', hostEnd] });
});
test.afterEach(async () => {
  await helper?.stop();
  lldpd?.kill();
  try {
    execFileSync('ip', ['netns', 'del', ns]);
  } catch {
    // Not made (skipped).
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('a phone that announces itself has its card, model and load before any request', async ({ page }) => {
  await page.goto(helper.url);
  await sendBundle(page, 'seed.zip', '192.168.10.51');
  const card = page.getByTestId('phone-SEP001F9EAB59F1');
  await expect(card.getByTestId('phone-announced')).toContainText(
    'Cisco IP Phone 7941, running SCCP41.8-2-1S (8.2(1))',
    { timeout: 20_000 },
  );
  await expect(card.getByRole('heading')).toHaveText('Cisco 7941');
  await expect(card.getByTestId('phone-mac')).toHaveText('00:1F:9E:AB:59:F1');
  await expect(card.getByTestId('phone-load-note')).toHaveText(
    'It runs SCCP41.8-2-1S; recovered from this bundle it will run SCCP41.8-3-3S.',
  );
  await expect(card.getByTestId('phone-heard')).toContainText('last heard');
  // Nothing asked for yet: no file rows, and it waits.
  await expect(card.getByTestId('phone-file')).toHaveCount(0);
  await page.screenshot({ path: outputPath('neighbours-card.png'), fullPage: true });
});
