// Call Manager packages in the browser: a `.cop.sgn` dropped on step 1 reads
// like the zip of the same files, plus its own signed header; one without the
// recovery manifests says so, and step 4 offers copies of the load manifest,
// said plainly to be unverified.
import { test, expect, fixturePath, outputPath } from './fixtures.js';
import { inspect, goToStep } from './helpers.js';

/** The facts of the summary that must not depend on the input's format. */
async function facts(page) {
  return {
    load: await page.getByTestId('load-name').textContent(),
    family: await page.getByTestId('family').textContent(),
    protocol: await page.getByTestId('protocol').textContent(),
    build: await page.getByTestId('build').textContent(),
    errors: await page.getByTestId('error-count').textContent(),
    manifests: await page.getByTestId('manifests').getByTestId('manifest').count(),
  };
}

test('a .cop.sgn reads like the zip of the same files, with its signed header', async ({ page }) => {
  await page.goto('/');
  await inspect(page, 'seed-package.zip');
  const fromZip = await facts(page);
  await inspect(page, 'cmterm-7941_7961-sccp.8-3-3.cop.sgn');
  await expect(page.getByTestId('status')).toContainText('cmterm-7941_7961-sccp.8-3-3.cop.sgn');
  expect(await facts(page)).toEqual(fromZip);
  expect(fromZip.load).toBe('SCCP41.8-3-3S');
  await expect(page.getByTestId('package')).toBeVisible();
  await expect(page.getByTestId('package-header')).toContainText('cmterm-7941_7961-sccp.8-3-3.cop.sgn');
  await expect(page.getByTestId('step-1')).toHaveClass(/mark-ok/);
  await page.screenshot({ path: outputPath('package-cop-sgn.png'), fullPage: true });
});

test('a package without recovery manifests: said in step 1, copies offered in step 4', async ({ page }) => {
  await page.goto('/');
  await page.getByTestId('file-input').setInputFiles(fixturePath('cmterm-no-term.cop.sgn'));
  await expect(page.getByTestId('summary')).toBeVisible();
  await expect(page.getByTestId('findings-warning')).toContainText('term41.default.loads');
  await expect(page.getByTestId('findings-warning')).toContainText('--make-recovery-manifests');
  await goToStep(page, 2);
  await page.getByTestId('tftp-input').fill('192.168.10.105');
  await goToStep(page, 3);
  await page.getByTestId('cm-input').fill('192.168.10.1');
  await goToStep(page, 4);
  const box = page.getByTestId('recovery-copies');
  await expect(box).toContainText('This firmware has no term41.default.loads and term61.default.loads');
  await expect(box).toContainText('Unverified');
  const table = page.getByTestId('bundle-table');
  await expect(page.getByTestId('bundle-files')).toHaveText(/^7 files/);
  await expect(table).not.toContainText('term41.default.loads');

  await page.getByTestId('recovery-copies-box').check();
  await expect(page.getByTestId('bundle-files')).toHaveText(/^9 files/);
  await page.locator('details.bundle-files summary').click();
  for (const name of ['term41.default.loads', 'term61.default.loads']) {
    await expect(table.locator('tr', { hasText: name })).toContainText('copy of the load manifest (unverified)');
  }
  await expect(page.getByTestId('deliver')).toContainText('term41.default.loads: term41.default.loads is a copy of SCCP41.8-3-3S.loads');
  // The Problems list carries it too.
  await page.getByTestId('worst').click();
  await expect(page.getByTestId('problem-item').filter({ hasText: 'term41.default.loads is a copy' })).toHaveCount(1);
  await page.getByTestId('problems-close').click();
  await page.screenshot({ path: outputPath('package-recovery-copies.png'), fullPage: true });

  // Unticked: the copies go again.
  await page.getByTestId('recovery-copies-box').uncheck();
  await expect(page.getByTestId('bundle-files')).toHaveText(/^7 files/);
});
