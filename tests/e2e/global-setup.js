// Starts the real `lifeline` binary once for the whole run and returns the
// teardown that stops it.
//
// The binary is $LIFELINE_BIN (set by `cargo xtask test` / `cargo xtask e2e` to
// a build that embeds a fresh dist/). It listens on a free port; the URL from its
// start line goes to the tests as process.env.LIFELINE_URL, which the fixtures in
// fixtures.js turn into `baseURL`.
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const URL_LINE = /^Lifeline is serving the UI at (http:\/\/\S+\/)$/;
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 10_000;

const outputDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'output');

export default async function globalSetup() {
  const bin = process.env.LIFELINE_BIN;
  if (!bin) {
    throw new Error(
      'LIFELINE_BIN is not set. Run the browser tests with `cargo xtask e2e` ' +
        '(or `cargo xtask test`), which builds lifeline with the web app embedded.',
    );
  }

  mkdirSync(outputDir, { recursive: true });
  const logPath = join(outputDir, 'lifeline-serve.log');
  const log = createWriteStream(logPath);

  const child = spawn(bin, ['serve', '--http-listen', '127.0.0.1:0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr.pipe(log);
  const killOnExit = () => child.kill('SIGKILL');
  process.on('exit', killOnExit);

  let url;
  try {
    url = await new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`lifeline printed no URL line within ${START_TIMEOUT_MS} ms (log: ${logPath})`)),
        START_TIMEOUT_MS,
      );
      child.once('error', (err) => {
        clearTimeout(timer);
        reject(new Error(`cannot start ${bin}: ${err.message}`));
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`lifeline exited before serving (code ${code}, signal ${signal}); log: ${logPath}`));
      });
      createInterface({ input: child.stdout }).on('line', (line) => {
        const match = URL_LINE.exec(line);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      });
    });
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }

  process.env.LIFELINE_URL = url;
  console.log(`lifeline serves ${url} (log: ${logPath})`);

  return async function globalTeardown() {
    process.off('exit', killOnExit);
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
    log.end();
  };
}
