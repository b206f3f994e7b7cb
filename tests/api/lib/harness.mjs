// harness.mjs - starts a real swd on a free port with a fresh data directory (schema,
// reference data and demo accounts via swctl), and talks to it over HTTP.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, openSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const SRC = process.env.SW_SOURCE_DIR;
export const SWD = process.env.SWD;
export const SWCTL = process.env.SWCTL;
if (!SRC || !SWD || !SWCTL) throw new Error('run through ctest: SWD, SWCTL, SW_SOURCE_DIR unset');

/** Runs swctl against a data directory; returns stdout. Throws on a non-zero exit. */
export function swctl(dir, ...args) {
  return execFileSync(SWCTL, ['--data', dir, '--ref', join(SRC, 'data'), ...args], {
    encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Like swctl but returns {code, stdout, stderr} instead of throwing. */
export function swctlStatus(dir, ...args) {
  try {
    return { code: 0, stdout: swctl(dir, ...args), stderr: '' };
  } catch (e) {
    return { code: e.status, stdout: String(e.stdout), stderr: String(e.stderr) };
  }
}

/** Prepares a data directory once: schema, reference data, demo accounts. */
export function prepareData() {
  const dir = mkdtempSync(join(tmpdir(), 'opensw-test-'));
  swctl(dir, 'init');
  const accounts = JSON.parse(swctl(dir, 'demo', '--json'));
  return { dir, accounts: Object.fromEntries(accounts.map((a) => [a.login, a])) };
}

/** Starts swd on a kernel-chosen port; resolves when it listens. */
export async function startSwd(data, extraArgs = []) {
  const logPath = join(data.dir, `swd-${Date.now()}.log`);
  const log = openSync(logPath, 'a');
  const proc = spawn(SWD, ['--data', data.dir, '--port', '0', '--web', join(SRC, 'web'),
    '--docs', join(SRC, 'docs'), ...extraArgs], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`swd did not start: ${stderr}`)), 20000);
    proc.stderr.on('data', (chunk) => {
      stderr += chunk;
      const m = /"msg":"listening".*?"port":(\d+)/.exec(stderr);
      if (m) { clearTimeout(timer); resolve(Number(m[1])); }
    });
    proc.on('exit', (code) => { clearTimeout(timer); reject(new Error(`swd exited ${code}: ${stderr}`)); });
  });
  proc.stderr.removeAllListeners('data');
  proc.removeAllListeners('exit');
  proc.stderr.on('data', (chunk) => { stderr += chunk; });
  const exited = new Promise((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
  return {
    proc, port, base: `http://127.0.0.1:${port}`, exited, log: () => stderr, logPath,
    /** SIGTERM and wait; resolves with the exit code. */
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return exited;
      proc.kill('SIGTERM');
      return exited;
    },
  };
}

/** One system for a whole test file: data directory, demo accounts, running swd. */
export async function system(extraArgs = []) {
  const data = prepareData();
  const swd = await startSwd(data, extraArgs);
  return {
    ...data, ...swd,
    token: (login) => data.accounts[login].token,
    async close() {
      const r = await swd.stop();
      rmSync(data.dir, { recursive: true, force: true });
      return r;
    },
  };
}

/** fetch with JSON in and out. opts: {token, body, headers, raw}. */
export async function api(base, method, path, opts = {}) {
  const headers = { ...(opts.headers || {}) };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let body = opts.raw;
  if (opts.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  const res = await fetch(base + path, { method, headers, body });
  const text = await res.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch { json = null; }
  return { status: res.status, headers: res.headers, json, text };
}

export function readText(path) { return readFileSync(path, 'utf8'); }
