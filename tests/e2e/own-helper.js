// A helper of a spec's own: the same binary as the run's shared helper, on free
// loopback ports with a fresh data directory, so what the spec does to it
// (phones played at it, its TFTP port taken) never reaches other specs.
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/**
 * Starts `lifeline serve` with `--http-listen` `httpListen` (default
 * `127.0.0.1:0`), `--tftp-listen` `tftpListen` (default `127.0.0.1:0`), the
 * data directory `dataDir` (default: a fresh one, removed at `stop`; one given
 * is kept, so a restart finds it) and `args`, and waits for the address it
 * prints and for its TFTP server's fate: the "TFTP listening on" line, or the
 * error saying why it could not listen.
 * Resolves to `{ url, port, tftp, tftpError, stop }`: `url` the printed address
 * (with its token), `port` its web port, `tftp` `{ host, port }` or null,
 * `tftpError` the error line or null.
 */
export async function startHelper({
  httpListen = '127.0.0.1:0',
  tftpListen = '127.0.0.1:0',
  dataDir,
  args = [],
} = {}) {
  const own = dataDir === undefined;
  const dir = own ? mkdtempSync(join(tmpdir(), 'lifeline-spec-')) : dataDir;
  const child = spawn(
    process.env.LIFELINE_BIN,
    [
      'serve',
      '--http-listen',
      httpListen,
      '--tftp-listen',
      tftpListen,
      '--data-dir',
      dir,
      // Only what the spec sends, not this machine's network's CDP/LLDP.
      ...(args.includes('--neighbours') ? [] : ['--neighbours', 'off']),
      // Phones' HTTP on a free port, never 0.0.0.0:6970.
      ...(args.includes('--provision-listen') ? [] : ['--provision-listen', '127.0.0.1:0']),
      ...args,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    if (own) rmSync(dir, { recursive: true, force: true });
  };
  const started = await new Promise((resolve, reject) => {
    child.once('exit', (code, signal) => reject(new Error(`lifeline exited before serving (${code ?? signal})`)));
    let url;
    let tftp;
    let tftpError;
    const settled = () => {
      if (url && (tftp || tftpError)) resolve({ url, tftp: tftp ?? null, tftpError: tftpError ?? null });
    };
    createInterface({ input: child.stdout }).on('line', (line) => {
      url ??= /^Lifeline is serving the UI at (http:\/\/\S+#token=[0-9a-f]+)$/.exec(line)?.[1];
      const listening = /^TFTP listening on (\S+):(\d+),/.exec(line);
      if (listening) tftp = { host: listening[1], port: Number(listening[2]) };
      settled();
    });
    createInterface({ input: child.stderr }).on('line', (line) => {
      if (/^lifeline: error: cannot listen for TFTP/.test(line)) tftpError = line;
      settled();
    });
  }).catch(async (err) => {
    await stop();
    throw err;
  });
  return { ...started, port: Number(new URL(started.url).port), stop };
}

/** Runs `lifeline simulate ARGS --server` against `tftp`; resolves to its exit code and output. */
export function simulate(tftp, args) {
  return new Promise((resolve) => {
    execFile(
      process.env.LIFELINE_BIN,
      ['simulate', '--server', `${tftp.host}:${tftp.port}`, '--time-limit', '120', ...args],
      { timeout: 180_000 },
      (err, stdout, stderr) => resolve({ code: err ? err.code : 0, stdout, stderr }),
    );
  });
}
