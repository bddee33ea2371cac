// Starts the real `lifeline` binary once for the whole run and returns the
// teardown that stops it.
//
// The binary is $LIFELINE_BIN (set by `cargo xtask test` / `cargo xtask e2e` to
// a build that embeds a fresh dist/). It listens on free ports (HTTP and TFTP,
// both on 127.0.0.1) with its own data directory. From its start lines the tests
// get, in process.env:
// - LIFELINE_URL: the page without the pairing token (`baseURL` in fixtures.js:
//   page.goto('/') opens the app with no helper connected);
// - LIFELINE_PAIR_URL: the address it printed, `…/#token=…` (the app paired
//   with this helper), and LIFELINE_TOKEN;
// - LIFELINE_TFTP: where its TFTP server listens (`127.0.0.1:PORT`);
// - LIFELINE_DATA_DIR: its data directory.
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const URL_LINE = /^Lifeline is serving the UI at (http:\/\/\S+\/)(?:#token=([0-9a-f]+))?$/;
const TFTP_LINE = /^TFTP listening on (\S+:\d+),/;
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

  // Its own data directory and TFTP port: the tests never touch the user's
  // bundles or port 69.
  const dataDir = mkdtempSync(join(tmpdir(), 'lifeline-e2e-'));
  process.env.LIFELINE_DATA_DIR = dataDir;
  const child = spawn(bin, ['serve', '--http-listen', '127.0.0.1:0', '--tftp-listen', '127.0.0.1:0', '--provision-listen', '127.0.0.1:0', '--data-dir', dataDir, '--neighbours', 'off'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr.pipe(log);
  const killOnExit = () => child.kill('SIGKILL');
  process.on('exit', killOnExit);

  let url;
  let token;
  let tftp;
  try {
    [url, token, tftp] = await new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`lifeline printed no URL and TFTP lines within ${START_TIMEOUT_MS} ms (log: ${logPath})`)),
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
      // The URL line comes first, then the TFTP line.
      let found;
      createInterface({ input: child.stdout }).on('line', (line) => {
        const match = URL_LINE.exec(line);
        if (match) found = [match[1], match[2]];
        const listening = TFTP_LINE.exec(line);
        if (found && listening) {
          clearTimeout(timer);
          resolve([...found, listening[1]]);
        }
      });
    });
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }

  process.env.LIFELINE_URL = url;
  if (token) {
    process.env.LIFELINE_TOKEN = token;
    process.env.LIFELINE_PAIR_URL = `${url}#token=${token}`;
  }
  process.env.LIFELINE_TFTP = tftp;
  console.log(`lifeline serves ${url} and TFTP on ${tftp} (log: ${logPath})`);

  return async function globalTeardown() {
    process.off('exit', killOnExit);
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    }
    log.end();
    rmSync(dataDir, { recursive: true, force: true });
  };
}
