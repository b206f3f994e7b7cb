// harness.mjs - starts a real swd on a free port with a fresh data directory (schema,
// reference data and demo accounts via swctl), and talks to it over HTTP.
// With SW_TEST_PG (a server URL without database, postgresql://user@host:port) or
// SW_TEST_PG_DIR (where tests/pg/cluster.mjs wrote that URL, as CTest's api-pg.* tests do),
// every data directory gets a fresh PostgreSQL database of its own, passed as --db to swd
// and swctl; the databases are dropped when the test process exits.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, openSync, readFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const SRC = process.env.SW_SOURCE_DIR;
export const SWD = process.env.SWD;
export const SWCTL = process.env.SWCTL;
if (!SRC || !SWD || !SWCTL) throw new Error('run through ctest: SWD, SWCTL, SW_SOURCE_DIR unset');

const PG_BASE = process.env.SW_TEST_PG
  || (process.env.SW_TEST_PG_DIR ? readFileSync(join(process.env.SW_TEST_PG_DIR, 'url'), 'utf8').trim() : '');
/** 'postgresql' when the tests run against PostgreSQL, else 'sqlite'. */
export const BACKEND = PG_BASE ? 'postgresql' : 'sqlite';
/** For tests that cannot run on PostgreSQL: the reason, printed as the skip reason. */
export const skipOnPg = (reason) => (PG_BASE ? `PostgreSQL: ${reason}` : false);

const pgDbs = new Map(); // data directory -> its database URL
let pgCount = 0;
function psql(url, ...commands) {
  const args = [url, '-X', '-q', '-A', '-t', '-F', '|', '-v', 'ON_ERROR_STOP=1'];
  for (const c of commands) args.push('-c', c);
  return execFileSync('psql', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}
function pgCreate(template) {
  const name = `sw_${process.pid}_${++pgCount}`;
  psql(`${PG_BASE}/postgres`, `CREATE DATABASE ${name}${template ? ` TEMPLATE ${template}` : ''}`);
  return name;
}
process.on('exit', () => {
  if (!pgDbs.size) return;
  const names = [...new Set(pgDbs.values())].map((u) => new URL(u).pathname.slice(1));
  try { psql(`${PG_BASE}/postgres`, ...names.map((n) => `DROP DATABASE IF EXISTS ${n} WITH (FORCE)`)); } catch { /* the cluster may be gone */ }
});

/** The database URL of a data directory on PostgreSQL (created on first use), else null. */
export function dbUrl(dir) {
  if (!PG_BASE) return null;
  if (!pgDbs.has(dir)) pgDbs.set(dir, `${PG_BASE}/${pgCreate()}`);
  return pgDbs.get(dir);
}
/** The --db arguments for a data directory ([] on SQLite: the file in the directory). */
export const dbArgs = (dir) => (PG_BASE ? ['--db', dbUrl(dir)] : []);

/** Runs one SQL statement against a data directory's database (sqlite3 or psql; rows one a
 * line, columns split by |). group_concat becomes string_agg on PostgreSQL; SQLite's
 * integrity checks become a connectivity check there (PostgreSQL enforces foreign keys). */
export function sql(dir, query) {
  if (!PG_BASE) return execFileSync('sqlite3', [join(dir, 'opensw.db'), query], { encoding: 'utf8' }).trim();
  if (/^\s*PRAGMA\s+integrity_check/i.test(query)) query = "SELECT 'ok'";
  else if (/^\s*PRAGMA\s+foreign_key_check/i.test(query)) return '';
  query = query.replace(/group_concat\(\s*([^,()]+?)\s*(?:,\s*('[^']*')\s*)?\)/gi,
    (m, e, sep) => `string_agg((${e})::text, ${sep || "','"})`);
  return psql(dbUrl(dir), query).trim();
}

/** Copies a data directory and, on PostgreSQL, its database (no swd may be using it). */
export function copyData(src, dst) {
  cpSync(src, dst, { recursive: true });
  if (PG_BASE) pgDbs.set(dst, `${PG_BASE}/${pgCreate(new URL(dbUrl(src)).pathname.slice(1))}`);
}

/** Runs swctl against a data directory; returns stdout. Throws on a non-zero exit. */
export function swctl(dir, ...args) {
  return execFileSync(SWCTL, ['--data', dir, ...dbArgs(dir), '--ref', join(SRC, 'data'), ...args], {
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
  const proc = spawn(SWD, ['--data', data.dir, ...dbArgs(data.dir), '--port', '0', '--web', join(SRC, 'web'),
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
