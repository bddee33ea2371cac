// The helper pill: what it says on a page the helper served without its
// pairing token, and its panel, which closes when the person goes elsewhere.
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

test('the pill panel closes when the person clicks elsewhere, tabs away or presses Escape', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByTestId('dropzone')).toBeVisible();
  const pill = page.getByTestId('helper-pill');
  const panel = page.getByTestId('helper-panel');

  // A click on the page outside the panel closes it.
  await pill.locator('summary').click();
  await expect(panel).toBeVisible();
  await page.screenshot({ path: outputPath('pill-open.png') });
  await page.locator('main').click({ position: { x: 5, y: 5 } });
  await expect(panel).toBeHidden();
  await page.screenshot({ path: outputPath('pill-closed-by-click.png') });

  // A click on a step button closes it and opens the step.
  await pill.locator('summary').click();
  await expect(panel).toBeVisible();
  await page.getByTestId('go-2').click();
  await expect(panel).toBeHidden();
  await expect(page.getByTestId('step-2')).toHaveAttribute('aria-current', 'step');

  // A click inside the panel keeps it open.
  await pill.locator('summary').click();
  await panel.locator('p').first().click();
  await expect(panel).toBeVisible();

  // Escape closes it and leaves the focus on the pill.
  await page.keyboard.press('Escape');
  await expect(panel).toBeHidden();
  await expect(pill.locator('summary')).toBeFocused();

  // Tabbing out of it closes it.
  await page.keyboard.press('Enter');
  await expect(panel).toBeVisible();
  await page.keyboard.press('Tab');
  await expect(page.getByTestId('worst')).toBeFocused();
  await expect(panel).toBeHidden();
});
