// Helpers shared by the settings specs (network, configuration, deliver, links).
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { expect, fixturePath, outputPath } from './fixtures.js';

/** Inspects `name` (a fixture) on step 1 and waits for the summary. */
export async function inspect(page, name = 'seed.zip') {
  await page.getByTestId('file-input').setInputFiles(fixturePath(name));
  await expect(page.getByTestId('summary')).toBeVisible();
}

/** Opens step `n` from the stepper and waits until it is the current one. */
export async function goToStep(page, n) {
  await page.getByTestId(`go-${n}`).click();
  await expect(page.getByTestId(`step-${n}`)).toHaveAttribute('aria-current', 'step');
}

/**
 * Replaces step 3's phone list with the rows `text` gives (plain MACs, or a CSV
 * with its header), through the paste box; an empty `text` leaves it empty.
 */
export async function setPhones(page, text) {
  const clear = page.getByTestId('phones-clear');
  if (await clear.count()) await clear.click();
  await expect(page.getByTestId('phone-row')).toHaveCount(0);
  if (!text) return;
  await page.getByTestId('phones-paste').fill(text);
  await page.getByTestId('phones-import').click();
  await expect(page.getByTestId('phones-import-result')).toBeVisible();
}

/** Row `i` (from 0) of step 3's phone table. */
export function phoneRow(page, i) {
  return page.locator(`[data-testid=phone-row][data-row="${i}"]`);
}

/** Sends the bundle of `firmware` for `callManager` from steps 1–4, then opens step 5. */
export async function sendBundle(page, firmware, callManager) {
  if ((await page.getByTestId('step-1').getAttribute('aria-current')) !== 'step') await goToStep(page, 1);
  await inspect(page, firmware);
  await goToStep(page, 2);
  await expect(page.getByTestId('tftp-input')).toHaveValue(/^\d+\.\d+\.\d+\.\d+$/);
  await goToStep(page, 3);
  await page.getByTestId('cm-input').fill(callManager);
  await goToStep(page, 4);
  await page.getByTestId('send-bundle').click();
  await expect(page.getByTestId('send-switched')).toBeVisible();
  await page.getByTestId('to-recover').click();
  await expect(page.getByTestId('step-5')).toHaveAttribute('aria-current', 'step');
}

/**
 * The names of the entries of a zip, read from its central directory (no
 * dependency: the end record, then one 46-byte header plus name per entry).
 */
export function zipNames(buffer) {
  let end = buffer.length - 22;
  while (end >= 0 && buffer.readUInt32LE(end) !== 0x06054b50) end -= 1;
  if (end < 0) throw new Error('not a zip: no end of central directory');
  const count = buffer.readUInt16LE(end + 10);
  let at = buffer.readUInt32LE(end + 16);
  const names = [];
  for (let i = 0; i < count; i++) {
    if (buffer.readUInt32LE(at) !== 0x02014b50) throw new Error(`bad central header ${i}`);
    const nameLength = buffer.readUInt16LE(at + 28);
    const extra = buffer.readUInt16LE(at + 30);
    const comment = buffer.readUInt16LE(at + 32);
    names.push(buffer.toString('utf8', at + 46, at + 46 + nameLength));
    at += 46 + nameLength + extra + comment;
  }
  return names;
}

/** Fails if anything sticks out sideways (phone width). */
export async function expectNoSidewaysScroll(page) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
}

/**
 * Clicks `button`, waits for the download it starts, checks that the browser
 * suggests the name `suggested`, and saves it as tests/output/downloads/`saveAs`.
 * Returns the saved file's path.
 */
export async function download(page, button, suggested, saveAs) {
  const [file] = await Promise.all([page.waitForEvent('download'), button.click()]);
  expect(file.suggestedFilename()).toBe(suggested);
  const path = outputPath(`downloads/${saveAs}`);
  await file.saveAs(path);
  return path;
}

/**
 * Drops files on `target` the way a browser does: dragenter, dragover and drop
 * events carrying a DataTransfer built in the page from real File objects.
 * `files` are paths, or `{ name, buffer }`. Returns once the drop is dispatched.
 */
export async function dropFiles(page, target, files, { beforeDrop } = {}) {
  const payload = files.map((f) =>
    typeof f === 'string'
      ? { name: basename(f), base64: readFileSync(f).toString('base64') }
      : { name: f.name, base64: Buffer.from(f.buffer).toString('base64') },
  );
  const dataTransfer = await page.evaluateHandle((items) => {
    const dt = new DataTransfer();
    for (const { name, base64 } of items) {
      const raw = atob(base64);
      const bytes = new Uint8Array(raw.length);
      for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
      dt.items.add(new File([bytes], name));
    }
    return dt;
  }, payload);
  await target.dispatchEvent('dragenter', { dataTransfer });
  await target.dispatchEvent('dragover', { dataTransfer });
  if (beforeDrop) await beforeDrop();
  await target.dispatchEvent('drop', { dataTransfer });
  await dataTransfer.dispose();
}
