// Step 1, Firmware: a person chooses or drops firmware and reads the inspection.
//
// The zips come from `make-fixtures` ($LIFELINE_FIXTURES): `seed.zip` is shaped like
// cmterm-7941_7961-sccp.8-3-3.zip, `missing-image.zip` lacks dsp41.8-3-2-27.sbn.
// Every spec ends with a screenshot under tests/output/.
import { test, expect, fixturePath, outputPath } from './fixtures.js';
import { dropFiles } from './helpers.js';

test.beforeEach(async ({ page }) => {
  await page.goto('/');
  await expect(page.getByTestId('dropzone')).toBeVisible();
});

test('the first screen says what to do and why the later steps are closed', async ({ page }) => {
  await expect(page.getByRole('banner')).toContainText('Lifeline');
  await expect(page.getByRole('banner')).toContainText('Works offline — nothing leaves this computer');
  await expect(page.getByTestId('step-1')).toHaveAttribute('aria-current', 'step');
  // Option 150 needs no firmware: the network step is open from the start.
  await expect(page.getByTestId('step-2')).not.toHaveAttribute('aria-disabled', 'true');
  for (const n of [3, 4, 5]) {
    const step = page.getByTestId(`step-${n}`);
    await expect(step).toHaveAttribute('aria-disabled', 'true');
    await expect(step).toContainText('Inspect a firmware first');
  }
  // Opened without the pairing token: the pill says so, and opened, how to pair.
  await expect(page.getByTestId('helper-pill-text')).toHaveText('Helper not paired');
  // The file input has a label and is reachable from the keyboard.
  await expect(page.getByLabel('Choose file…')).toHaveAttribute('type', 'file');
  // The helper pill first, the worst-issue bullet (nothing wrong yet), then
  // the open steps (step 2), then the file picker.
  await page.keyboard.press('Tab');
  await expect(page.locator('[data-testid=helper-pill] summary')).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('helper-panel')).toContainText('lifeline serve');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('helper-panel')).toBeHidden();
  await page.keyboard.press('Tab');
  await expect(page.getByTestId('worst')).toBeFocused();
  await expect(page.getByTestId('worst')).toHaveText(/No problems/);
  await page.keyboard.press('Tab');
  await expect(page.getByTestId('go-2')).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(page.getByTestId('file-input')).toBeFocused();
  await page.screenshot({ path: outputPath('inspect-idle.png'), fullPage: true });
});

test('a complete firmware zip: load, models and no errors', async ({ page }) => {
  await page.getByTestId('file-input').setInputFiles(fixturePath('seed.zip'));

  const summary = page.getByTestId('summary');
  await expect(summary).toBeVisible();
  await expect(page.getByTestId('load-name')).toHaveText('SCCP41.8-3-3S');
  await expect(page.getByTestId('family')).toHaveText('7941/7961');
  await expect(page.getByTestId('protocol')).toHaveText('SCCP');
  await expect(page.getByTestId('build')).not.toBeEmpty();

  const row7941 = page.locator('[data-testid=model-row][data-model="7941"]');
  await expect(row7941).toContainText('115');
  await expect(row7941).toContainText('term41.default.loads');
  const row7961 = page.locator('[data-testid=model-row][data-model="7961"]');
  await expect(row7961).toContainText('30018');
  await expect(row7961).toContainText('term61.default.loads');

  await expect(page.getByTestId('error-count')).toHaveText('0');
  await expect(page.getByTestId('findings-error')).toHaveCount(0);
  await expect(page.getByTestId('entries').locator('tbody tr')).toHaveCount(8);
  await expect(page.getByTestId('entries')).toContainText('dsp41.8-3-2-27.sbn');
  await expect(page.getByTestId('manifests').getByTestId('manifest')).toHaveCount(3);

  // Announced, focused, and timed.
  await expect(page.getByTestId('status')).toContainText('Inspected seed.zip');
  await expect(summary).toBeFocused();
  const ms = Number(await page.getByTestId('report').getAttribute('data-inspect-ms'));
  expect(ms).toBeGreaterThanOrEqual(0);
  await expect(summary).toContainText(/Inspected in [\d.]+ m?s/);
  await expect(page.getByTestId('step-1')).toHaveClass(/mark-ok/);

  await page.screenshot({ path: outputPath('inspect-seed.png'), fullPage: true });

  // Start over: the report goes, and the keyboard is back at the file picker.
  await page.getByRole('button', { name: 'Start over' }).click();
  await expect(summary).toHaveCount(0);
  await expect(page.getByTestId('file-input')).toBeFocused();
  await expect(page.getByTestId('step-3')).toContainText('Inspect a firmware first');
});

test('a zip without one image, dropped on the page: a missing-image error', async ({ page }) => {
  const zone = page.getByTestId('dropzone');
  await dropFiles(page, zone, [fixturePath('missing-image.zip')], {
    beforeDrop: () => expect(zone).toHaveClass(/is-over/),
  });
  await expect(zone).not.toHaveClass(/is-over/);

  const errors = page.getByTestId('findings-error');
  await expect(errors).toBeVisible();
  const missing = errors.locator('[data-testid=finding][data-code="missing-image"]');
  await expect(missing).toHaveCount(1);
  await expect(missing).toHaveAttribute('data-severity', 'error');
  await expect(missing).toContainText('dsp41.8-3-2-27.sbn');
  await expect(missing).toContainText('Fix:');
  await expect(page.getByTestId('error-count')).toHaveText('1');

  // The worst-issue bullet in the frame says so (and tells screen readers),
  // and opens the Problems list, which names the problem and where it is fixed.
  const worst = page.getByTestId('worst');
  await expect(worst).toContainText('1 error');
  await expect(worst).toHaveAttribute('data-worst', 'error');
  await expect(page.getByTestId('worst-status')).toHaveText('Problems: 1 error.');
  await expect(page.getByTestId('worst-status')).toHaveAttribute('role', 'status');
  await expect(worst).toHaveAttribute('aria-expanded', 'false');
  await worst.click();
  const problems = page.getByTestId('problems');
  await expect(problems).toBeFocused();
  await expect(worst).toHaveAttribute('aria-expanded', 'true');
  const items = problems.getByTestId('problem-item');
  await expect(items).toHaveCount(1);
  await expect(items.first()).toHaveAttribute('data-severity', 'error');
  await expect(items.first()).toContainText('dsp41.8-3-2-27.sbn');
  const go = items.first().getByTestId('problem-go');
  await expect(go).toHaveText(/Fix it in step 1, Firmware/);
  // Keyboard: Escape closes it and gives the focus back to the bullet.
  await page.keyboard.press('Escape');
  await expect(problems).toHaveCount(0);
  await expect(worst).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(problems).toBeFocused();
  await page.screenshot({ path: outputPath('inspect-problems.png'), fullPage: true });
  await go.click();
  await expect(missing).toBeFocused();
  await page.getByTestId('problems-close').click();
  await expect(problems).toHaveCount(0);
  await expect(worst).toBeFocused();
  // The summary's counts still open the findings.
  await page.getByTestId('error-count').click();
  await expect(page.locator('#findings')).toBeFocused();
  await expect(page.getByTestId('step-3')).toContainText('Fix the errors in the firmware first');
  await expect(page.getByTestId('step-4')).toContainText('Fix the errors in the firmware first');

  await page.screenshot({ path: outputPath('inspect-missing-image.png'), fullPage: true });
});

test('a file named .zip that is not a zip: a plain reason and a fix', async ({ page }) => {
  await page.getByTestId('file-input').setInputFiles({
    name: 'x.zip',
    mimeType: 'application/zip',
    buffer: Buffer.from('<html><body>Session expired, please log in again</body></html>\n'),
  });
  const problem = page.getByTestId('problem');
  await expect(problem).toBeVisible();
  await expect(problem).toContainText('x.zip is not a zip file');
  await expect(problem).toContainText('How to fix it:');
  await expect(problem).toContainText('download it again');
  await expect(problem).toBeFocused();
  await expect(page.getByTestId('status')).toContainText('Could not inspect: x.zip is not a zip file');
  // The page is still whole: the frame, the drop zone, the steps.
  await expect(page.locator('main')).toBeVisible();
  await expect(page.getByTestId('dropzone')).toBeVisible();
  await expect(page.getByTestId('step-1')).toHaveClass(/mark-error/);

  // A good zip afterwards replaces the problem.
  await page.getByTestId('file-input').setInputFiles(fixturePath('seed.zip'));
  await expect(page.getByTestId('load-name')).toHaveText('SCCP41.8-3-3S');
  await expect(problem).toHaveCount(0);
  await page
    .getByTestId('file-input')
    .setInputFiles({ name: 'x.zip', mimeType: 'application/zip', buffer: Buffer.from('nope') });
  await expect(page.getByTestId('problem')).toContainText('x.zip is not a zip file');

  await page.screenshot({ path: outputPath('inspect-not-a-zip.png'), fullPage: true });
});

test('several loose files are inspected together', async ({ page }) => {
  await dropFiles(page, page.locator('main'), [
    { name: 'readme.txt', buffer: Buffer.from('firmware notes\n') },
    { name: 'notes.txt', buffer: Buffer.from('more notes\n') },
  ]);
  const summary = page.getByTestId('summary');
  await expect(summary).toContainText('2 files');
  await expect(page.locator('[data-testid=finding][data-code="no-manifest"]')).toHaveCount(1);
  await expect(page.getByTestId('entries').locator('tbody tr')).toHaveCount(2);
  await expect(page.getByTestId('load-name')).toHaveText('not known');
  await page.screenshot({ path: outputPath('inspect-loose-files.png'), fullPage: true });
});

test('says what it is doing while it reads, and the latest choice wins', async ({ page }) => {
  // Slow reading down, so the working state can be seen.
  await page.evaluate(() => {
    const read = Blob.prototype.arrayBuffer;
    Blob.prototype.arrayBuffer = function slowArrayBuffer() {
      return new Promise((resolve) => setTimeout(resolve, 700)).then(() => read.call(this));
    };
  });
  const input = page.getByTestId('file-input');
  const status = page.getByTestId('status');
  await input.setInputFiles(fixturePath('missing-image.zip'));
  await expect(status).toContainText('Reading missing-image.zip');
  await expect(status).toHaveClass(/is-working/);
  await expect(status).toBeVisible();
  await page.screenshot({ path: outputPath('inspect-reading.png') });

  // Chosen again before the first read finished: only the second is inspected.
  await input.setInputFiles(fixturePath('seed.zip'));
  await expect(status).toContainText('Reading seed.zip');
  await expect(page.getByTestId('summary')).toContainText('seed.zip');
  await expect(page.getByTestId('error-count')).toHaveText('0');
  await page.waitForTimeout(800);
  await expect(page.getByTestId('summary')).toContainText('seed.zip');
  await expect(status).not.toHaveClass(/is-working/);
});

test('readable at phone width', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.getByTestId('file-input').setInputFiles(fixturePath('missing-image.zip'));
  await expect(page.getByTestId('load-name')).toHaveText('SCCP41.8-3-3S');
  await expect(page.locator('[data-testid=model-row][data-model="7961"]')).toContainText('30018');
  // Nothing sticks out sideways.
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await page.screenshot({ path: outputPath('inspect-phone.png'), fullPage: true });
});
