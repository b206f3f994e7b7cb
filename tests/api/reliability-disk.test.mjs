// reliability-disk.test.mjs - issue 8: a full disk. swd's data directory is a small tmpfs
// (mounted by the test: it needs root, as in CI; otherwise the test is skipped and says
// why). A ballast file fills it; then every write is answered 503 problem+json with a
// clear log line, reads keep working, nothing acknowledged is lost and nothing refused is
// stored; when space returns the same requests succeed, without a restart.
// A burst of large concurrent submissions against the nearly full disk exercises the
// writer's batches failing midway (SQLite rolling the transaction back inside a job): no
// answer may claim a write that was not committed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  mkdtempSync, readdirSync, copyFileSync, openSync, writeSync, closeSync, rmSync, unlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prepareData, startSwd, swctlStatus, api, skipOnPg } from './lib/harness.mjs';
import { assertProblem } from './lib/assert-problem.mjs';
import { shrimpImport, phoneImport, taskOf, TRADER1_PARTY } from './lib/declarations.mjs';

const SIZE_MB = 48;
let prepared;
let mnt;
let mounted = false;
let swd;
let why = '';

function tryMount() {
  const pg = skipOnPg('the disk that fills up is the server\'s, not swd\'s data directory; ' +
    'this test fills the file system under the SQLite file');
  if (pg) return pg;
  if (process.getuid?.() !== 0) return 'not root: cannot mount a small tmpfs';
  mnt = mkdtempSync(join(tmpdir(), 'opensw-disk-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${SIZE_MB}m,mode=0755`, 'tmpfs', mnt], { stdio: 'pipe' });
    mounted = true;
    return '';
  } catch (e) {
    return `mount -t tmpfs failed (${String(e.stderr || e.message).trim()}); a container without ` +
      'CAP_SYS_ADMIN cannot run this test';
  }
}

before(async () => {
  why = tryMount();
  if (why) return;
  prepared = prepareData();
  for (const f of readdirSync(prepared.dir))
    if (f.startsWith('opensw.db')) copyFileSync(join(prepared.dir, f), join(mnt, f));
  swd = await startSwd({ dir: mnt, accounts: prepared.accounts }, ['--threads', '64']);
});

after(async () => {
  if (swd && swd.proc.exitCode === null && swd.proc.signalCode === null) {
    swd.proc.kill('SIGKILL');
    await swd.exited;
  }
  if (mounted) {
    try { execFileSync('umount', [mnt], { stdio: 'pipe' }); } catch { execFileSync('umount', ['-l', mnt]); }
  }
  if (mnt) rmSync(mnt, { recursive: true, force: true });
  if (prepared) rmSync(prepared.dir, { recursive: true, force: true });
});

const tk = (login) => prepared.accounts[login].token;
const sqlite = (q) => execFileSync('sqlite3', [join(mnt, 'opensw.db'), q], { encoding: 'utf8' }).trim();
const ballast = [];

/** Fills the file system with 1 MiB ballast files until it is full; returns their count. */
function fill() {
  const mib = Buffer.alloc(1 << 20, 0x5a);
  for (let i = 0; i < 4096; i++) {
    const f = join(mnt, `ballast-${i}`);
    const fd = openSync(f, 'w');
    ballast.push(f);
    try {
      writeSync(fd, mib);
    } catch (e) {
      closeSync(fd);
      if (e.code !== 'ENOSPC') throw e;
      // the last few KiB, so that not even one more page fits
      const fd2 = openSync(join(mnt, 'ballast-tail'), 'w');
      ballast.push(join(mnt, 'ballast-tail'));
      try { for (;;) writeSync(fd2, mib.subarray(0, 512)); } catch { /* full */ }
      closeSync(fd2);
      return i;
    }
    closeSync(fd);
  }
  throw new Error('the file system never filled');
}
function free(n = Infinity) {
  while (ballast.length && n-- > 0) unlinkSync(ballast.pop());
}

/** A declaration of 999 items (about 0.7 MB stored): a batch of them spills SQLite's cache. */
function bigImport(reference) {
  const items = [];
  for (let i = 1; i <= 999; i++) {
    items.push({ seq: i, hs: '851713', description: `Smartphone model ${i} `.padEnd(480, 'x'),
      origin: 'KR', quantity: '10', unit: 'NAR', net_kg: '2', gross_kg: '3', value: '2.00' });
  }
  return phoneImport({ reference, importer: { id: TRADER1_PARTY },
    invoice: { currency: 'USD', incoterm: 'FOB', total: '1998.00' }, items });
}

test('a full disk: writes 503 with a log line, reads work, nothing lost, service resumes', async (t) => {
  if (why) { t.skip(why); return; }
  const post = (body, login = 'trader1') => api(swd.base, 'POST', '/v1/declarations', { token: tk(login), body });
  const acked = new Map(); // reference -> 201 document
  for (let i = 0; i < 10; i++) {
    const body = i % 2 ? shrimpImport() : phoneImport();
    const r = await post(body);
    assert.equal(r.status, 201, r.text);
    acked.set(body.reference, r.json);
  }
  const review = [...acked.values()].find((d) => d.status === 'under_review');

  const files = fill();
  const refused = [];
  for (let i = 0; i < 8; i++) {
    const body = i % 2 ? shrimpImport() : phoneImport();
    const r = await post(body);
    assert.ok(r.status === 201 || r.status === 503, `${r.status} ${r.text}`);
    if (r.status === 201) acked.set(body.reference, r.json); // the WAL had room after all
    else { assertProblem(r, 503, 'store_failed'); refused.push(body); }
  }
  assert.ok(refused.length >= 6, `the full disk refused ${refused.length} of 8 submissions`);
  // other writes: a decision, a permit, a sign-in
  const dec = await api(swd.base, 'POST', `/v1/tasks/${taskOf(review, 'CUSTOMS').id}/decisions`,
    { token: tk('customs1'), body: { decision: 'approve' } });
  assertProblem(dec, 503, 'store_failed');
  const permit = await api(swd.base, 'POST', '/v1/permits', { token: tk('commerce1'), body: {
    type: 'import_licence', number: `DISK-${process.pid}`, holder: TRADER1_PARTY, valid_from: '2026-01-01',
    valid_to: '2026-12-31', usage: 'unlimited', lines: [{ hs_prefix: '8517', unit: 'KGM', quantity: '5' }] } });
  assertProblem(permit, 503, 'store_failed');
  const signIn = await api(swd.base, 'POST', '/v1/session', { body: { login: 'trader2', password: 'opensw-demo' } });
  assertProblem(signIn, 503);
  // a clear log line
  assert.match(swd.log(), /"level":"error".*database or disk is full/, 'the log names the full disk');
  // reads go on
  assert.equal((await api(swd.base, 'GET', '/readyz')).status, 200);
  for (const [ref, doc] of acked) {
    const r = await api(swd.base, 'GET', `/v1/declarations/${doc.id}`, { token: tk('trader1') });
    assert.equal(r.status, 200, `${ref}: ${r.text}`);
    if (doc.id !== review.id) assert.deepEqual(r.json, doc);
  }
  assert.equal(taskOf((await api(swd.base, 'GET', `/v1/declarations/${review.id}`,
    { token: tk('trader1') })).json, 'CUSTOMS').state, 'pending', 'the refused decision left no trace');
  assert.equal((await api(swd.base, 'GET', '/v1/declarations?limit=200', { token: tk('trader1') })).status, 200);
  assert.equal((await api(swd.base, 'GET', '/v1/events?after=0', { token: tk('customs1') })).status, 200);

  // space returns: the very same requests now succeed (201: they were never stored)
  free();
  for (const body of refused) {
    const r = await post(body);
    assert.equal(r.status, 201, `${body.reference} after space returned: ${r.text}`);
    acked.set(body.reference, r.json);
  }
  const dec2 = await api(swd.base, 'POST', `/v1/tasks/${taskOf(review, 'CUSTOMS').id}/decisions`,
    { token: tk('customs1'), body: { decision: 'approve' } });
  assert.equal(dec2.status, 200, dec2.text);
  const rows = sqlite('SELECT reference, COUNT(*) FROM declarations GROUP BY reference');
  for (const ref of acked.keys()) assert.match(rows, new RegExp(`^${ref}\\|1$`, 'm'), `${ref} stored once`);
  assert.equal(rows.split('\n').length, acked.size, 'nothing stored that was not acknowledged');
  console.log(`disk: ${files} MiB of ballast filled a ${SIZE_MB} MiB tmpfs; ${refused.length} submissions, ` +
    'a decision, a permit and a sign-in answered 503; all succeeded once space returned');
});

test('large batches failing midway on a full disk: no answer claims an uncommitted write', async (t) => {
  if (why) { t.skip(why); return; }
  free();
  fill();
  free(12); // about 12 MiB left: room for some of the batch, not all
  const bodies = Array.from({ length: 40 }, (_, i) => bigImport(`DISKBIG-${process.pid}-${i}`));
  const rs = await Promise.all(bodies.map((b) => api(swd.base, 'POST', '/v1/declarations',
    { token: tk('trader1'), body: b })));
  const tally = {};
  for (const r of rs) tally[r.status] = (tally[r.status] || 0) + 1;
  free();
  const stored = new Set(sqlite(`SELECT reference FROM declarations WHERE reference LIKE 'DISKBIG-${process.pid}-%'`)
    .split('\n').filter(Boolean));
  const wrong = [];
  rs.forEach((r, i) => {
    const ref = bodies[i].reference;
    if (r.status === 201 && !stored.has(ref)) wrong.push(`${ref}: 201 but not stored`);
    if (r.status !== 201 && stored.has(ref)) wrong.push(`${ref}: ${r.status} but stored`);
    if (r.status !== 201 && r.status !== 503) wrong.push(`${ref}: ${r.status} ${r.text.slice(0, 120)}`);
  });
  console.log(`disk: 40 concurrent 999-item submissions on a nearly full disk: ${JSON.stringify(tally)}, ` +
    `${stored.size} stored`);
  assert.deepEqual(wrong, []);
  assert.ok(tally[503] > 0, 'the disk did fill up');
  // afterwards everything works and the files are sound
  const again = await api(swd.base, 'POST', '/v1/declarations', { token: tk('trader1'), body: phoneImport() });
  assert.equal(again.status, 201, again.text);
  const r = await swd.stop();
  assert.deepEqual(r, { code: 0, signal: null }, swd.log().slice(-2000));
  assert.doesNotMatch(swd.log(), /AddressSanitizer|LeakSanitizer|runtime error:/);
  assert.equal(sqlite('PRAGMA integrity_check'), 'ok');
  const v = swctlStatus(mnt, 'audit', 'verify');
  assert.equal(v.code, 0, v.stdout + v.stderr);
});
