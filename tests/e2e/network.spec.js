// Step 2, Network: the TFTP address, option 150 for every DHCP server, the copy
// buttons and the decode box.
import { test, expect, outputPath } from './fixtures.js';
import { goToStep, expectNoSidewaysScroll } from './helpers.js';

test.beforeEach(async ({ page }) => {
  await page.goto('/');
  await expect(page.getByTestId('dropzone')).toBeVisible();
});

test('option 150 for 192.168.10.105, copied, and the folklore value decoded', async ({ page, context, baseURL }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(baseURL).origin });
  await goToStep(page, 2);
  await expect(page.getByRole('heading', { level: 1, name: 'Network' })).toBeFocused();
  await expect(page.getByTestId('option150')).toHaveCount(0);

  await page.getByTestId('tftp-input').fill('192.168.10.105');
  const panel = page.getByTestId('option150');
  await expect(page.getByTestId('wire-hex')).toHaveText('96 04 C0 A8 0A 69');
  await expect(page.getByTestId('network-hex')).toHaveText('C0A80A69');
  await expect(page.getByTestId('le-value')).toContainText('0x690AA8C0');
  await expect(page.getByTestId('le-value')).toContainText('1762306240');
  await expect(panel).toContainText('option 66');
  await expect(page.getByTestId('step-2')).toHaveClass(/mark-ok/);

  // A tab per DHCP server; the first is Cisco IOS.
  await expect(page.getByRole('tab')).toHaveCount(10);
  const snippet = page.getByTestId('snippet-text');
  await expect(snippet).toContainText('option 150 ip 192.168.10.105');
  await page.getByTestId('tab-dnsmasq').click();
  await expect(page.getByTestId('tab-dnsmasq')).toHaveAttribute('aria-selected', 'true');
  await expect(snippet).toContainText('dhcp-option-force=66,"192.168.10.105"');
  await expect(page.getByTestId('snippet-where')).not.toBeEmpty();
  // Arrow keys move between the tabs.
  await page.getByTestId('tab-dnsmasq').focus();
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('tab-openwrt')).toBeFocused();
  await expect(page.getByTestId('tab-openwrt')).toHaveAttribute('aria-selected', 'true');
  await page.getByTestId('tab-tftpd32').click();
  await expect(snippet).toContainText('Additional option: 150   Value: a 192.168.10.105');

  // Copy: on the clipboard, and said (the status line is a live region).
  await page.getByTestId('copy-snippet').click();
  const status = page.getByTestId('copy-status');
  await expect(status).toHaveText('Copied');
  await expect(status).toHaveAttribute('role', 'status');
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  expect(copied).toBe(await snippet.textContent());
  // Another tab: the note goes with the old one.
  await page.getByTestId('tab-cisco-ios').click();
  await expect(status).toBeEmpty();

  // The value from the forums.
  await page.getByTestId('decode-input').fill('0x69AA8C0');
  const result = page.getByTestId('decode-result');
  await expect(result).toContainText(
    '0x69AA8C0 sends 192.168.154.6 as little-endian; you probably meant 0x690AA8C0 = 192.168.10.105',
  );
  await expect(result).toContainText('192.168.10.105');
  await page.getByTestId('decode-input').fill('0xZZ');
  await expect(page.getByTestId('decode-input-error')).toContainText('0xZZ is not a number');
  await page.getByTestId('decode-input').fill('0x69AA8C0');

  await page.screenshot({ path: outputPath('network-option150.png'), fullPage: true });
});

test('a bad address is named inline; odd ones are warned about', async ({ page }) => {
  await goToStep(page, 2);
  const input = page.getByTestId('tftp-input');
  await input.fill('192.168.10.105, 192.168.10.256');
  const error = page.getByTestId('tftp-input-error');
  await expect(error).toContainText('192.168.10.256 is not an IPv4 address: 256 is larger than 255');
  await expect(input).toHaveAttribute('aria-invalid', 'true');
  await expect(input).toHaveAttribute('aria-describedby', /tftp-error/);
  await expect(page.getByTestId('option150')).toHaveCount(0);
  await expect(page.getByTestId('step-2')).toHaveClass(/mark-error/);
  // From another step, the Problems list leads back to the field.
  await expect(page.getByTestId('worst')).toHaveText(/1 error/);
  await goToStep(page, 1);
  await page.getByTestId('worst').click();
  const item = page.getByTestId('problem-item');
  await expect(item).toHaveCount(1);
  await expect(item).toContainText('TFTP server address: 192.168.10.256 is not an IPv4 address');
  await item.getByTestId('problem-go').click();
  await expect(page.getByTestId('step-2')).toHaveAttribute('aria-current', 'step');
  await expect(input).toBeFocused();
  await page.getByTestId('problems-close').click();

  await input.fill('tftp.example.com');
  await expect(error).toContainText('host name');

  await input.fill('127.0.0.1');
  await expect(error).toHaveCount(0);
  await expect(page.getByTestId('tftp-input-warnings')).toContainText('loopback');
  await expect(page.getByTestId('step-2')).toHaveClass(/mark-warning/);
  await expect(page.getByTestId('wire-hex')).toHaveText('96 04 7F 00 00 01');
});

test('without a clipboard the snippet is selected and the page says how to copy', async ({ page }) => {
  await page.addInitScript(() => {
    Object.defineProperty(Navigator.prototype, 'clipboard', { get: () => undefined, configurable: true });
  });
  await page.goto('/');
  await goToStep(page, 2);
  await page.getByTestId('tftp-input').fill('192.168.10.105');
  await page.getByTestId('copy-snippet').click();
  await expect(page.getByTestId('copy-status')).toContainText('press Ctrl+C');
  const selected = await page.evaluate(() => String(window.getSelection()));
  expect(selected).toContain('option 150 ip 192.168.10.105');
});

test('the network step at phone width', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await goToStep(page, 2);
  await page.getByTestId('tftp-input').fill('192.168.10.105, 192.168.10.106');
  await expect(page.getByTestId('network-hex')).toHaveText('C0A80A69C0A80A6A');
  await page.getByTestId('tab-windows-powershell').click();
  await page.getByTestId('decode-input').fill('0x69AA8C0');
  await expectNoSidewaysScroll(page);
  await page.screenshot({ path: outputPath('network-phone.png'), fullPage: true });
});
