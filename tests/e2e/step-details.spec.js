// Small things that must be right: the decode box reads back what the app
// itself shows, an IPv6 address is called one, and the stepper never breaks a
// word at phone width.
import { test, expect, outputPath } from './fixtures.js';
import { inspect, goToStep, expectNoSidewaysScroll } from './helpers.js';

test.beforeEach(async ({ page }) => {
  await page.goto('/');
  await expect(page.getByTestId('dropzone')).toBeVisible();
});

test('the decode box reads the wire bytes and the network-order hex the page shows', async ({ page }) => {
  await goToStep(page, 2);
  await page.getByTestId('tftp-input').fill('192.168.10.105, 192.168.10.106');
  const wire = await page.getByTestId('wire-hex').textContent();
  const network = await page.getByTestId('network-hex').textContent();
  expect(wire).toBe('96 08 C0 A8 0A 69 C0 A8 0A 6A');

  const input = page.getByTestId('decode-input');
  const result = page.getByTestId('decode-result');
  await input.fill(wire);
  await expect(page.getByTestId('decode-input-error')).toHaveCount(0);
  await expect(result).toContainText(`${wire} is option 150 as it goes on the wire: it sends 192.168.10.105, 192.168.10.106`);
  await expect(page.getByTestId('decode-sends')).toHaveText('192.168.10.105, 192.168.10.106');
  await page.getByTestId('decode').scrollIntoViewIfNeeded();
  await page.screenshot({ path: outputPath('details-decode-wire.png') });

  await input.fill(network);
  await expect(page.getByTestId('decode-input-error')).toHaveCount(0);
  await expect(page.getByTestId('decode-sends')).toHaveText('192.168.10.105, 192.168.10.106');

  // One address, as the page shows it.
  await input.fill('96 04 C0 A8 0A 69');
  await expect(page.getByTestId('decode-sends')).toHaveText('192.168.10.105');
  // The folklore value still decodes as before.
  await input.fill('0x69AA8C0');
  await expect(result).toContainText('you probably meant 0x690AA8C0 = 192.168.10.105');
});

test('an IPv6 address is called one, not a host name', async ({ page }) => {
  await goToStep(page, 2);
  const input = page.getByTestId('tftp-input');
  await input.fill('fe80::1');
  const error = page.getByTestId('tftp-input-error');
  await expect(error).toContainText('fe80::1 is not an IPv4 address: it is an IPv6 address');
  await expect(error).not.toContainText('host name');
  await page.screenshot({ path: outputPath('details-ipv6.png') });
});

test('at phone width the stepper breaks no word', async ({ page }) => {
  await page.setViewportSize({ width: 375, height: 812 });
  await inspect(page);
  for (const n of [1, 2, 3]) {
    if (n > 1) await goToStep(page, n);
    // Every word of every visible step label sits on one line.
    const broken = await page.evaluate(() => {
      const out = [];
      for (const label of document.querySelectorAll('.stepper .step-label')) {
        const walker = document.createTreeWalker(label, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          // Only what is seen: not the words for screen readers alone.
          const box = node.parentElement.getBoundingClientRect();
          if (!node.parentElement.checkVisibility() || box.width <= 1) continue;
          // Nor does the name stick out of its step.
          const step = node.parentElement.closest('.step').getBoundingClientRect();
          if (box.left < step.left - 0.5 || box.right > step.right + 0.5) out.push(`${text} sticks out`);
          const text = node.textContent;
          for (const m of text.matchAll(/\S+/g)) {
            const range = document.createRange();
            range.setStart(node, m.index);
            range.setEnd(node, m.index + m[0].length);
            const tops = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
            if (tops.size > 1) out.push(m[0]);
          }
        }
      }
      return out;
    });
    expect(broken, `step ${n}: words broken across lines`).toEqual([]);
    await expectNoSidewaysScroll(page);
  }
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: outputPath('details-stepper-375.png') });
  // Narrower still (320 px): whole words, inside their steps.
  await page.setViewportSize({ width: 320, height: 640 });
  await goToStep(page, 1);
  await expectNoSidewaysScroll(page);
  await page.screenshot({ path: outputPath('details-stepper-320.png') });
});
