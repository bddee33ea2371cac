// Benchmark: the firmware inspection in the browser (wasm in Debian's chromium),
// on the seed-shaped zip, with `unzip -tq` and `lifeline inspect` on the same file
// in the same run for comparison.
//
// Usage (from the repository root, after `cargo xtask dist` and
// `cd tests && npm ci`):
//   node bench/inspect-browser.mjs [runs]
// It builds nothing itself: it uses target/release/lifeline (build it with
// `cargo build --release -p lifeline-helper` after `cargo xtask dist`) and the
// fixtures in tests/output/fixtures (`cargo run -p lifeline-tests --bin
// make-fixtures -- tests/output/fixtures`).
//
// Reported: the inspection as the page measures it (performance.now() around
// inspect_zip, read from data-inspect-ms), and the wall time from choosing the
// file to the report being on screen (file read + inspection + render).
import { createRequire } from 'node:module';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const require = createRequire(path.join(root, 'tests', 'package.json'));
const { chromium } = require('playwright-core');

const runs = Number(process.argv[2] || 21);
const bin = path.join(root, 'target', 'release', 'lifeline');
const zip = path.join(root, 'tests', 'output', 'fixtures', 'seed.zip');
for (const f of [bin, zip]) {
  if (!existsSync(f)) {
    console.error(`missing ${f}: see the usage at the top of this file`);
    process.exit(2);
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const server = spawn(bin, ['serve', '--http-listen', '127.0.0.1:0'], { stdio: ['ignore', 'pipe', 'ignore'] });
const url = await new Promise((resolve, reject) => {
  let buf = '';
  server.stdout.on('data', (d) => {
    buf += d;
    const m = buf.match(/serving the UI at (http:\/\/\S+)/);
    if (m) resolve(m[1]);
  });
  server.on('exit', (c) => reject(new Error(`lifeline exited ${c}`)));
  setTimeout(() => reject(new Error('lifeline did not start in 30 s')), 30_000);
});

const profile = mkdtempSync(path.join(tmpdir(), 'lifeline-bench-'));
const browser = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  ignoreDefaultArgs: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--no-first-run', '--remote-debugging-pipe', `--user-data-dir=${profile}`],
});
const page = browser.pages()[0] || (await browser.newPage());
await page.goto(url);

const inspectMs = [];
const wallMs = [];
const unzipMs = [];
const lifelineMs = [];
const timeCmd = (cmd, args) => {
  const t = process.hrtime.bigint();
  try { execFileSync(cmd, args, { stdio: 'ignore' }); } catch (e) { if (e.status !== 0) throw e; }
  return Number(process.hrtime.bigint() - t) / 1e6;
};
for (let i = 0; i < runs + 2; i++) {
  await page.goto(url);
  const input = page.getByTestId('file-input');
  const t0 = Date.now();
  await input.setInputFiles(zip);
  const report = page.locator('[data-testid="report"][data-inspect-ms]');
  await report.waitFor();
  const wall = Date.now() - t0;
  const ms = Number(await report.getAttribute('data-inspect-ms'));
  const u = timeCmd('unzip', ['-tq', zip]);
  const l = timeCmd(bin, ['inspect', zip]);
  if (i >= 2) { // two warm-up rounds
    inspectMs.push(ms); wallMs.push(wall); unzipMs.push(u); lifelineMs.push(l);
  }
}
await browser.close();
server.kill('SIGTERM');
rmSync(profile, { recursive: true, force: true });

console.log(`seed-shaped zip, ${runs} alternating runs (browser, unzip, lifeline)`);
console.log(`  browser inspection (wasm, data-inspect-ms)  median ${median(inspectMs).toFixed(1)} ms  min ${Math.min(...inspectMs).toFixed(1)}  max ${Math.max(...inspectMs).toFixed(1)}`);
console.log(`  browser choose-to-report wall time          median ${median(wallMs).toFixed(1)} ms`);
console.log(`  unzip -tq, whole process                    median ${median(unzipMs).toFixed(1)} ms`);
console.log(`  lifeline inspect, whole process             median ${median(lifelineMs).toFixed(1)} ms`);
console.log(`  ratios: browser/unzip ${(median(inspectMs) / median(unzipMs)).toFixed(2)}, lifeline/unzip ${(median(lifelineMs) / median(unzipMs)).toFixed(2)}`);
