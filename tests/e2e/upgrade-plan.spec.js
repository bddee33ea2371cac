// Several packages at once (issue 19): two 7941/7961 loads dropped together make
// an upgrade plan shown in plain words before anything is sent; with the start
// said (8.0(4)), the bundle carries the hop's files beside the target's and
// `lifeline-plan.json`, and a helper of the spec's own serves them. With only the
// target's package, a start of 8.0(4) is a problem that names the missing hop.
// The target and start chosen come back after a reload, and step 5 tells the
// start's way only.
import { test, expect, fixturePath, outputPath } from './fixtures.js';
import { dropFiles, goToStep } from './helpers.js';
import { simulate, startHelper } from './own-helper.js';
import { Phone } from './tftp.js';

const HOP = 'cmterm-7941_7961-sccp.8-5-2.zip';
const TARGET = 'cmterm-7941_7961-sccp.9-4-2SR3-1.zip';

let helper;
test.beforeAll(async () => {
  helper = await startHelper();
});
test.afterAll(async () => {
  await helper?.stop();
});

test('two packages dropped together: the plan in words, start 8.0(4), the hop served', async ({ page }) => {
  await page.goto(helper.url);
  await expect(page.getByTestId('helper-pill-text')).toHaveText(/^Helper /);
  await dropFiles(page, page.getByTestId('dropzone'), [fixturePath(HOP), fixturePath(TARGET)]);

  // Each package listed with its part; the target's report is the one shown.
  const plan = page.getByTestId('plan');
  await expect(plan).toBeVisible();
  const packages = plan.getByTestId('plan-package');
  await expect(packages).toHaveCount(2);
  await expect(packages.nth(0)).toContainText(`${HOP}: SCCP41.8-5-2S · 7941/7961 · SCCP — Hop`);
  await expect(packages.nth(1)).toContainText(`${TARGET}: SCCP41.9-4-2SR3-1S · 7941/7961 · SCCP — Target`);
  await expect(page.getByTestId('load-name')).toHaveText('SCCP41.9-4-2SR3-1S');
  await expect(plan.getByTestId('plan-target')).toHaveValue('SCCP41.9-4-2SR3-1S');

  // Both bands, in words.
  const routes = plan.getByTestId('plan-route');
  await expect(routes).toHaveText([
    'From before 8.3(3): 2 hops: 8.5(2) → 9.4(2)SR3.',
    'From 8.3(3) or later: straight to 9.4(2)SR3.',
  ]);
  await expect(plan.getByTestId('plan-start')).toHaveValue('unknown');
  await expect(plan).toContainText('Unknown: the helper asks for each phone before offering it any load');

  // A start that cannot be read says which forms are taken; 8.0(4) is read.
  await plan.getByTestId('plan-start').selectOption('typed');
  const text = plan.getByTestId('plan-start-text');
  await text.fill('eight');
  await expect(plan.getByTestId('plan-start-error')).toContainText('eight is not a load Lifeline reads');
  await expect(plan.getByTestId('plan-start-error')).toContainText('8.0(4)');
  await text.fill('8.0(4)');
  await expect(plan.getByTestId('plan-start-error')).toHaveCount(0);
  await expect(plan.getByTestId('plan-chosen')).toHaveText('From 8.0(4): 2 hops: 8.5(2) → 9.4(2)SR3.');
  // The target's report has its own warning (the hop it needs); the plan, with a
  // way from the start given, adds none.
  await expect(page.getByTestId('step-1')).toHaveClass(/mark-warning/);
  await page.getByTestId('worst').click();
  await expect(page.getByTestId('problem-item').first()).toBeVisible();
  for (const words of ['Phones that start', 'upgrade plan', 'From 8.0(4)']) {
    await expect(page.getByTestId('problem-item').filter({ hasText: words })).toHaveCount(0);
  }
  await page.getByTestId('problems-close').click();
  await page.screenshot({ path: outputPath('upgrade-plan.png'), fullPage: true });

  await goToStep(page, 2);
  await expect(page.getByTestId('tftp-input')).toHaveValue(/^\d+\.\d+\.\d+\.\d+$/);
  await goToStep(page, 3);
  await page.getByTestId('cm-input').fill('10.0.0.1');
  await goToStep(page, 4);
  await page.locator('details.bundle-files summary').click();
  const table = page.getByTestId('bundle-table');
  for (const name of ['SCCP41.8-5-2S.loads', 'SCCP41.8-5-2S.term61.default.loads', 'lifeline-plan.json']) {
    await expect(table).toContainText(name);
  }
  await page.getByTestId('send-bundle').click();
  await expect(page.getByTestId('send-switched')).toBeVisible();

  // The helper serves the hop's manifest, its recovery manifest and the plan.
  const phone = new Phone(helper.tftp, '127.0.0.2');
  for (const name of ['SCCP41.8-5-2S.loads', 'SCCP41.8-5-2S.term61.default.loads']) {
    const got = await phone.get(name);
    expect(got.error, name).toBeUndefined();
    expect(got.data.length, name).toBeGreaterThan(0);
  }
  const json = JSON.parse((await phone.get('lifeline-plan.json')).data.toString('utf8'));
  expect(json.target).toBe('SCCP41.9-4-2SR3-1S');
  expect(json.start).toBe('8.0(4)');
  expect(json.loads.map((l) => l.name)).toEqual(['SCCP41.9-4-2SR3-1S', 'SCCP41.8-5-2S']);
  await page.screenshot({ path: outputPath('upgrade-plan-sent.png'), fullPage: true });

  // A simulated phone on 8.0(4) is walked through both hops by the helper, and its
  // card follows: the way, each step's times, and "on 9.4(2)SR3" once seen there.
  await goToStep(page, 5);
  // Step 5 says the helper walks the phones through the hop (no hand-made hop),
  // from the start given.
  await expect(page.getByTestId('upgrade-walk')).toContainText('from 8.0(4), the helper takes each phone through 8.5(2) first, then 9.4(2)SR3');
  await expect(page.getByTestId('upgrade-path')).toHaveCount(0);
  const run = await simulate(helper.tftp, [
    '--model', '7961', '--mode', 'boot', '--running', 'SCCP41.8-0-4S',
    '--mac', '00:1b:54:19:aa:01', '--source', '127.0.0.70',
  ]);
  expect(run.code, run.stdout + run.stderr).toBe(0);
  expect(run.stdout).toContain('is now on 9.4(2)SR3 (SCCP41.9-4-2SR3-1S): ran 8.0(4) → 8.5(2) → 9.4(2)SR3');
  const card = page.getByTestId('phone-SEP001B5419AA01');
  const walk = card.getByTestId('phone-walk');
  await expect(walk).toHaveAttribute('data-walk', 'done');
  await expect(walk.getByTestId('phone-walk-line')).toHaveText('Upgrade: 8.0(4) → 8.5(2) → 9.4(2)SR3: on 9.4(2)SR3');
  // One phone, one card, through both hops and their reboots.
  await expect(page.locator('.phone-card').filter({ hasText: '127.0.0.70' })).toHaveCount(1);
  await expect(walk.getByTestId('walk-step')).toHaveCount(2);
  await expect(walk.getByTestId('walk-step').nth(0)).toContainText('8.5(2)');
  await card.scrollIntoViewIfNeeded();
  await page.screenshot({ path: outputPath('upgrade-plan-walked.png'), fullPage: true });
});

test('only the target package with start 8.0(4): the missing hop is a problem that blocks the bundle', async ({ page }) => {
  await page.goto('/');
  await dropFiles(page, page.getByTestId('dropzone'), [fixturePath(TARGET)]);
  const plan = page.getByTestId('plan');
  await expect(plan.getByTestId('plan-route').nth(0)).toHaveText(
    'From before 8.3(3): needs any 8.5(2) load for 7941/7961 first, which no package given holds; add one.',
  );
  // One package, start unknown: bundled as it always was, no problem of the
  // plan's (the report's own warning only).
  await expect(page.getByTestId('worst')).toHaveText(/^⚠\s*1 warning$/);
  // The panel says so: with no hop, the unknown start is offered the target.
  await expect(plan).toContainText('Unknown: with no hop in the bundle, every phone is offered 9.4(2)SR3 when it asks.');
  await expect(plan).not.toContainText('the helper asks for each phone before offering it any load');
  await plan.getByTestId('plan-start').selectOption('typed');
  await plan.getByTestId('plan-start-text').fill('8.0(4)');
  await expect(plan.getByTestId('plan-chosen')).toHaveText(
    'From 8.0(4): needs any 8.5(2) load for 7941/7961 first, which no package given holds; add one.',
  );
  await expect(page.getByTestId('step-1')).toHaveClass(/mark-error/);
  await page.getByTestId('worst').click();
  const item = page.getByTestId('problem-item').filter({ hasText: 'From 8.0(4): needs any 8.5(2) load' });
  await expect(item).toHaveCount(1);
  await page.getByTestId('problems-close').click();

  await goToStep(page, 2);
  await page.getByTestId('tftp-input').fill('192.168.10.105');
  await goToStep(page, 3);
  await page.getByTestId('cm-input').fill('192.168.10.1');
  await goToStep(page, 4);
  await expect(page.getByTestId('bundle-problem')).toContainText('needs any 8.5(2) load for 7941/7961 first');
  await expect(page.getByTestId('send-bundle')).toHaveCount(0);
  await page.screenshot({ path: outputPath('upgrade-plan-missing.png'), fullPage: true });
});

test('start unknown: the card asks what the phone runs, refuses what it cannot read, takes a correction, then walks it', async ({ page }) => {
  await page.goto(helper.url);
  await expect(page.getByTestId('helper-pill-text')).toHaveText(/^Helper /);
  await dropFiles(page, page.getByTestId('dropzone'), [fixturePath(HOP), fixturePath(TARGET)]);
  await expect(page.getByTestId('plan-start')).toHaveValue('unknown');
  // The target's row says its role as a sentence before its findings.
  await expect(page.getByTestId('plan-package').nth(1)).toContainText('— Target. This is build 9.4(2)SR3.');
  await goToStep(page, 2);
  await goToStep(page, 3);
  await page.getByTestId('cm-input').fill('10.0.0.1');
  await goToStep(page, 4);
  await page.getByTestId('send-bundle').click();
  await expect(page.getByTestId('send-switched')).toBeVisible();
  await goToStep(page, 5);
  // No start given: step 5 names every band's hops, from no start in particular.
  await expect(page.getByTestId('upgrade-walk')).toHaveText(
    'Upgrade plan: the helper takes each phone through 8.5(2) first, then 9.4(2)SR3, a reboot at a time; reset them all the same way, and each card shows where its phone is.',
  );

  // A phone on 8.0(4) boots: the helper offers it nothing and its card asks.
  const boot = [
    '--model', '7961', '--mode', 'boot', '--running', 'SCCP41.8-0-4S',
    '--mac', '00:1b:54:19:aa:02', '--source', '127.0.0.71',
  ];
  const held = await simulate(helper.tftp, boot);
  expect(held.code, held.stdout + held.stderr).toBe(0);
  expect(held.stdout).toContain('is now on 8.0(4)');
  const card = page.getByTestId('phone-SEP001B5419AA02');
  const walk = card.getByTestId('phone-walk');
  await expect(walk).toHaveAttribute('data-walk', 'ask-start');
  await expect(walk.getByTestId('phone-walk-line')).toContainText('Lifeline does not know which load this phone runs');

  // Set with nothing typed sends nothing: the browser asks for the field.
  const input = card.getByTestId('walk-start-input');
  await card.getByTestId('walk-start-set').click();
  expect(await input.evaluate((e) => e.validity.valueMissing)).toBe(true);
  await expect(card.getByTestId('walk-start-error')).toHaveCount(0);
  // What the helper cannot read comes back on the card, the text as typed in code.
  await input.fill('eight');
  await card.getByTestId('walk-start-set').click();
  const error = card.getByTestId('walk-start-error');
  await expect(error).toContainText('eight is not a load Lifeline reads');
  await expect(error.locator('code')).toHaveText('eight');
  // 8.3(3), a wrong start: taken, and the card says it was typed and may be changed.
  await input.fill('8.3(3)');
  await card.getByTestId('walk-start-set').click();
  await expect(walk).toHaveAttribute('data-walk', 'waiting');
  await expect(walk.getByTestId('phone-walk-line')).toHaveText(
    'Upgrade: 8.3(3) → 9.4(2)SR3: waits for it to ask for its configuration',
  );
  await expect(walk.getByTestId('walk-known')).toHaveText(
    'Lifeline walks it from 8.3(3), as typed on this card. If its Settings → Status → Firmware Versions says otherwise, change it:',
  );
  await expect(card.getByTestId('walk-start-set')).toHaveText('Change');
  await expect(input).toHaveAttribute('placeholder', '8.3(3)');
  // Changed to 8.0(4): the way is worked out again, and the next boot walks both hops.
  await input.fill('8.0(4)');
  await card.getByTestId('walk-start-set').click();
  await expect(walk).toHaveAttribute('data-walk', 'waiting');
  await expect(walk.getByTestId('phone-walk-line')).toHaveText(
    'Upgrade: 8.0(4) → 8.5(2) → 9.4(2)SR3: waits for it to ask for its configuration',
  );
  await expect(walk.getByTestId('walk-known')).toContainText('Lifeline walks it from 8.0(4), as typed on this card.');
  const run = await simulate(helper.tftp, boot);
  expect(run.code, run.stdout + run.stderr).toBe(0);
  expect(run.stdout).toContain('is now on 9.4(2)SR3 (SCCP41.9-4-2SR3-1S): ran 8.0(4) → 8.5(2) → 9.4(2)SR3');
  await expect(walk).toHaveAttribute('data-walk', 'done');
  await expect(walk.getByTestId('phone-walk-line')).toHaveText('Upgrade: 8.0(4) → 8.5(2) → 9.4(2)SR3: on 9.4(2)SR3');
  // Seen on the target now: nothing to change, and the card says how it was seen.
  await expect(card.getByTestId('walk-start')).toHaveCount(0);
  await expect(walk.getByTestId('walk-known')).toHaveText(
    'Lifeline saw it run 9.4(2)SR3: it came back from a boot without fetching it after Lifeline offered it.',
  );
});

test('the target and start chosen come back after a reload, with the same bundle; step 5 tells that start\'s way only', async ({ page }) => {
  await page.goto(helper.url);
  await expect(page.getByTestId('helper-pill-text')).toHaveText(/^Helper /);
  await dropFiles(page, page.getByTestId('dropzone'), [fixturePath(HOP), fixturePath(TARGET)]);
  const plan = page.getByTestId('plan');
  // Not the newest as the target, and a start typed.
  await plan.getByTestId('plan-target').selectOption('SCCP41.8-5-2S');
  await expect(page.getByTestId('load-name')).toHaveText('SCCP41.8-5-2S');
  await plan.getByTestId('plan-start').selectOption('typed');
  await plan.getByTestId('plan-start-text').fill('8.0(4)');
  await expect(plan.getByTestId('plan-chosen')).toHaveText('From 8.0(4): straight to 8.5(2).');
  await expect(page.getByTestId('firmware-kept')).toBeVisible();
  await goToStep(page, 2);
  await expect(page.getByTestId('tftp-input')).toHaveValue(/^\d+\.\d+\.\d+\.\d+$/);
  await goToStep(page, 3);
  await page.getByTestId('cm-input').fill('10.0.0.1');
  await goToStep(page, 4);
  await expect(page.getByTestId('bundle-load')).toHaveText('SCCP41.8-5-2S');
  await page.getByTestId('send-bundle').click();
  await expect(page.getByTestId('send-switched')).toBeVisible();
  const id = await page.getByTestId('send-switched-detail').locator('code').textContent();
  const files = await page.getByTestId('bundle-files').textContent();

  // After the reload the kept firmware comes back with the choice: step 4
  // builds the very bundle the helper serves.
  await page.reload();
  await expect(page.getByTestId('step-4')).toHaveAttribute('aria-current', 'step', { timeout: 20_000 });
  await expect(page.getByTestId('bundle-load')).toHaveText('SCCP41.8-5-2S');
  await expect(page.getByTestId('bundle-files')).toHaveText(files);
  await expect(page.getByTestId('send-switched')).toContainText('The helper already serves this bundle');
  await expect(page.getByTestId('send-switched-detail').locator('code')).toHaveText(id);
  await expect(page.getByTestId('send-bundle')).toHaveCount(0);
  await goToStep(page, 1);
  await expect(plan.getByTestId('plan-target')).toHaveValue('SCCP41.8-5-2S');
  await expect(plan.getByTestId('plan-start')).toHaveValue('typed');
  await expect(plan.getByTestId('plan-start-text')).toHaveValue('8.0(4)');
  await expect(plan.getByTestId('plan-chosen')).toHaveText('From 8.0(4): straight to 8.5(2).');
  await page.screenshot({ path: outputPath('upgrade-plan-reloaded.png'), fullPage: true });

  // Step 5 tells the start's way only: straight to the target chosen.
  await goToStep(page, 5);
  await expect(page.getByTestId('upgrade-walk')).toHaveText(
    'Upgrade plan: from 8.0(4), the helper takes each phone straight to 8.5(2); reset them all the same way, and each card shows where its phone is.',
  );
  // The newest target, from 8.3(3) or later: straight there too, though
  // phones from before 8.3(3) would take the hop.
  await goToStep(page, 1);
  await plan.getByTestId('plan-target').selectOption('SCCP41.9-4-2SR3-1S');
  await plan.getByTestId('plan-start').selectOption('band-1');
  await expect(plan.getByTestId('plan-chosen')).toHaveText('From 8.3(3) or later: straight to 9.4(2)SR3.');
  await goToStep(page, 5);
  // Not sent yet: the helper still walks phones by the plan it serves, so step 5
  // tells no way of this one, and says to send it.
  await expect(page.getByTestId('watch-not-served')).toContainText('The helper serves another bundle');
  await expect(page.getByTestId('upgrade-walk')).toHaveCount(0);
  await goToStep(page, 4);
  await page.getByTestId('send-bundle').click();
  await expect(page.getByTestId('send-switched')).toBeVisible();
  await goToStep(page, 5);
  const walk = page.getByTestId('upgrade-walk');
  await expect(walk).toContainText('from 8.3(3) or later, the helper takes each phone straight to 9.4(2)SR3');
  await expect(walk).not.toContainText('8.5(2)');
  await expect(page.getByTestId('upgrade-path')).toHaveCount(0);
});
