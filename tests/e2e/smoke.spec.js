// The app loads in a real browser: the page, its script and its wasm are served
// by the real `lifeline` binary, and nothing goes wrong on the way.
import { test, expect, outputPath } from './fixtures.js';

test('the app loads and renders', async ({ page }) => {
  const wasm = page.waitForResponse((r) => r.url().endsWith('/lifeline_web_bg.wasm'));
  await page.goto('/');
  await expect(page).toHaveTitle('Lifeline');
  await expect(page.locator('main')).toBeVisible();

  const wasmResponse = await wasm;
  expect(wasmResponse.status()).toBe(200);
  expect(wasmResponse.headers()['content-type']).toBe('application/wasm');

  await page.screenshot({ path: outputPath('smoke.png'), fullPage: true });
});
