// The helper pill: what it says on a page the helper served without its
// pairing token.
import { test, expect, outputPath } from './fixtures.js';

test('a page opened without its token says this helper needs the address it printed', async ({ page, baseURL }) => {
  await page.goto('/');
  await expect(page.getByTestId('dropzone')).toBeVisible();
  // The helper served this page: it is there, just not paired.
  await expect(page.getByTestId('helper-pill-text')).toHaveText('Helper not paired');
  await page.getByTestId('helper-pill').locator('summary').click();
  const panel = page.getByTestId('helper-panel');
  const origin = new URL(baseURL).origin;
  await expect(panel).toContainText(`This page came from the Lifeline helper at ${new URL(baseURL).host}`);
  await expect(panel).toContainText(`${origin}/#token=…`);
  await expect(panel).not.toContainText('Start it');
  await expect(panel).not.toContainText('No helper is connected');
  await page.screenshot({ path: outputPath('pill-unpaired.png') });

  // Step 4 and step 5 say the same, not "start one".
  await page.getByTestId('helper-pill').locator('summary').click();
  await page.getByTestId('go-2').click();
  await expect(page.getByTestId('helper-network-hint')).toContainText(`${origin}/#token=…`);
  await expect(page.getByTestId('helper-network-hint')).not.toContainText('start it with');
});
