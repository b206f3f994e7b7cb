// export-import.test.mjs - issue 10: `swctl export` / `swctl import` move a whole system
// from SQLite to a fresh SQLite data directory and, in the api-pg run (SW_TEST_PG_DIR),
// to a fresh PostgreSQL database, without losing or changing a record: counts and
// checksums match, the audit chain verifies, a declaration reads back identical through
// the API, and numbering continues (next official number, next id). Bad files and used
// databases are refused with exit status 1, a clear message and nothing written.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SRC, SWCTL, BACKEND, api, startSwd, dbUrl } from './lib/harness.mjs';
import { shrimpImport, phoneImport, submitOk, taskOf, decideOk } from './lib/declarations.mjs';

const TRADER2 = '91330200MA2AB0002Y';
const BANK = '91310000MA1B00055B';
const YEAR = new Date().getUTCFullYear();
const dirs = [];

/** A target: a data directory and the --db URL of its database (SQLite file or PG). */
function target(backend) {
  const dir = mkdtempSync(join(tmpdir(), `opensw-import-${backend}-`));
  dirs.push(dir);
  const url = backend === 'postgresql' ? dbUrl(dir) : `sqlite://${join(dir, 'opensw.db')}`;
  return { dir, url, backend };
}

/** swctl against one database; {code, stdout, stderr}. */
function ctl(t, ...args) {
  try {
    const stdout = execFileSync(SWCTL, ['--data', t.dir, '--db', t.url, '--ref', join(SRC, 'data'), ...args],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return { code: 0, stdout, stderr: '' };
  } catch (e) {
    return { code: e.status, stdout: String(e.stdout), stderr: String(e.stderr) };
  }
}
function ctlOk(t, ...args) {
  const r = ctl(t, ...args);
  assert.equal(r.code, 0, `swctl ${args.join(' ')}: ${r.stderr}${r.stdout}`);
  return r.stdout;
}

/** Rows of a table in a target (sqlite3 or psql). */
function count(t, table) {
  if (t.backend === 'sqlite') {
    return Number(execFileSync('sqlite3', [join(t.dir, 'opensw.db'), `SELECT COUNT(*) FROM ${table}`], { encoding: 'utf8' }).trim());
  }
  return Number(execFileSync('psql', [t.url, '-X', '-q', '-A', '-t', '-c', `SELECT COUNT(*) FROM ${table}`], { encoding: 'utf8' }).trim());
}

let src; // the SQLite source: target-like, plus swd, tokens and what was submitted
let file; // its export
let lines; // the export's lines
const seen = {}; // what the source's API showed

before(async () => {
  src = target('sqlite');
  ctlOk(src, 'init');
  const accounts = JSON.parse(ctlOk(src, 'demo', '--json', '--history', '30'));
  src.tokens = Object.fromEntries(accounts.map((a) => [a.login, a.token]));
  const key = ctlOk(src, 'bank', 'key', BANK).trim();
  // the last --db wins: swd runs on the SQLite source in the api-pg run too
  src.swd = await startSwd({ dir: src.dir }, ['--db', src.url]);
  const tk = (login) => src.tokens[login];
  const base = src.swd.base;

  // a permit, drawn on by a declaration (permits, lines, versions, drawings, documents)
  const permit = await api(base, 'POST', '/v1/permits', { token: tk('commerce1'), body: {
    type: 'import_licence', number: 'IL-EXP-0001', holder: '91310000MA1FL0001X',
    valid_from: `${YEAR - 1}-01-01`, valid_to: `${YEAR + 1}-12-31`, usage: 'unlimited',
    lines: [{ hs_prefix: '8517', description: 'licensed goods', unit: 'KGM', quantity: '1000' }] } });
  assert.equal(permit.status, 201, permit.text);
  const licensed = phoneImport({ items: [{ seq: 1, hs: '85171300', description: 'Phones "Model X" under licence \\ 手机',
    origin: 'KR', quantity: '300', unit: 'KGM', net_kg: '300', gross_kg: '310', value: '2000.00',
    documents: [{ type: 'import_licence', number: 'IL-EXP-0001' }] }] });
  seen.licensed = await submitOk(base, tk('trader1'), licensed);

  // a declaration paid through the bank (assessments, bills, payments, ledger)
  const ag = await api(base, 'POST', '/v1/payment-agreements', { token: tk('trader2'),
    body: { bank: BANK, account: '6222-0300-0002' } });
  assert.equal(ag.status, 201, ag.text);
  let d = await submitOk(base, tk('trader2'), shrimpImport({ importer: { id: TRADER2 },
    invoice: { currency: 'USD', incoterm: 'CIF', total: '2000.00' },
    items: [{ seq: 1, hs: '03061711', description: 'Frozen shrimps — 冻虾', origin: 'VN', quantity: '100',
      unit: 'KGM', net_kg: '100', gross_kg: '110', value: '2000.00', documents: [{ type: 'phyto', number: 'VN-PC-1' }] }] }));
  for (const agency of ['CUSTOMS', 'QUARANTINE']) {
    const t = d.tasks.find((x) => x.agency === agency && x.state === 'pending');
    if (t) d = await decideOk(base, tk(`${agency.toLowerCase()}1`), t.id, { decision: 'approve' });
  }
  d = (await api(base, 'GET', `/v1/declarations/${d.id}`, { token: tk('trader2') })).json;
  assert.equal(d.status, 'awaiting_payment', JSON.stringify(d));
  const body = JSON.stringify({ bill: d.bill.number, amount: d.bill.amount, currency: 'CNY', transaction_id: `T-${d.id}` });
  const sig = createHmac('sha256', Buffer.from(key, 'hex')).update(body).digest('hex');
  const paid = await api(base, 'POST', '/v1/payments/confirmations', { token: tk('bank1'), raw: body,
    headers: { 'content-type': 'application/json', 'x-signature': sig } });
  assert.equal(paid.status, 200, paid.text);

  // a logistics event matched to a declaration, and one under review to decide later
  const ev = await api(base, 'POST', '/v1/logistics/events', { token: tk('port1'),
    body: { kind: 'arrival', at: '2026-11-20T06:00:00Z', port: 'CNSHA', bill_of_lading: 'COSU1234567890' } });
  assert.equal(ev.status, 201, ev.text);
  seen.pending = await submitOk(base, tk('trader1'), shrimpImport());
  assert.equal(taskOf(seen.pending, 'CUSTOMS').state, 'pending');

  seen.paid = (await api(base, 'GET', `/v1/declarations/${d.id}`, { token: tk('trader2') })).json;
  assert.equal(seen.paid.status, 'released');
  seen.pendingDoc = (await api(base, 'GET', `/v1/declarations/${seen.pending.id}`, { token: tk('trader1') })).json;
  seen.paidEvents = (await api(base, 'GET', `/v1/declarations/${d.id}/events`, { token: tk('trader2') })).json;
  seen.permit = (await api(base, 'GET', '/v1/permits/import_licence/IL-EXP-0001', { token: tk('trader1') })).json;

  // exported while swd runs: one read transaction is a consistent snapshot
  file = join(src.dir, 'system.jsonl');
  const out = ctlOk(src, 'export', file);
  assert.match(out, /exported \d+ tables, \d+ rows/);
  lines = readFileSync(file, 'utf8').trimEnd().split('\n');
  await src.swd.stop();
});

after(async () => {
  if (src?.swd) await src.swd.stop(); // also when before() failed half-way
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

test('the export: a header, rows in dependency order, a count and checksum per table', () => {
  const header = JSON.parse(lines[0]);
  assert.equal(header.format, 'opensw-export');
  assert.equal(header.version, 1);
  assert.ok(header.schema_version >= 6);
  const names = header.tables.map((t) => t.name);
  assert.ok(!names.includes('schema_version'), 'import recreates the migrations bookkeeping');
  for (const [parent, child] of [['parties', 'users'], ['users', 'tokens'], ['declarations', 'tasks'],
    ['declarations', 'events'], ['permits', 'permit_drawings'], ['declarations', 'bills'], ['document_types', 'permits']]) {
    assert.ok(names.indexOf(parent) < names.indexOf(child), `${parent} before ${child}`);
  }
  // every table the migrations created, as sqlite itself lists them
  const tables = execFileSync('sqlite3', [join(src.dir, 'opensw.db'),
    "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite%' AND name <> 'schema_version' ORDER BY name"],
  { encoding: 'utf8' }).trim().split('\n');
  assert.deepEqual([...names].sort(), tables);

  const trailers = Object.fromEntries(lines.filter((l) => l.startsWith('{"end"')).map((l) => JSON.parse(l)).map((t) => [t.end, t]));
  assert.deepEqual(Object.keys(trailers).sort(), tables);
  for (const t of ['declarations', 'tasks', 'events', 'audit', 'permits', 'permit_drawings', 'decl_documents',
    'bills', 'payments', 'ledger', 'assessments', 'logistics_events', 'logistics_links', 'decl_facts', 'tokens']) {
    assert.ok(trailers[t].rows > 0, `${t} has rows to move`);
    assert.equal(trailers[t].rows, count(src, t), t);
    assert.match(trailers[t].sha256, /^[0-9a-f]{64}$/);
  }
  // integers stay integers, NULL stays null, text keeps its quotes and newlines
  const row = lines.map((l) => JSON.parse(l)).find((l) => l.t === 'declarations' && l.r.includes(seen.licensed.number));
  const cols = header.tables.find((t) => t.name === 'declarations').columns;
  assert.equal(row.r[cols.indexOf('id')], seen.licensed.id);
  assert.equal(typeof row.r[cols.indexOf('created_at')], 'number');
  assert.equal(row.r[cols.indexOf('clearance')], null);
  assert.ok(JSON.stringify(JSON.parse(row.r[cols.indexOf('content')])).includes('Phones \\"Model X\\" under licence \\\\ 手机'));
});

const backends = BACKEND === 'postgresql' ? ['sqlite', 'postgresql'] : ['sqlite'];

for (const backend of backends) {
  test(`import into a fresh ${backend} database: identical records, numbering continues`, async () => {
    const t = target(backend);
    const out = ctlOk(t, 'import', file);
    assert.match(out, /imported \d+ tables, \d+ rows into .*; counts and checksums verified/);
    assert.doesNotMatch(out, /DIFFERS/);
    assert.match(ctlOk(t, 'import', '--check', file), /counts and checksums equal/);
    assert.match(ctlOk(t, 'audit', 'verify'), /audit trail ok: \d+ rows, hash chain intact/);
    for (const table of ['declarations', 'audit', 'counters', 'tokens', 'payments', 'ref_hs']) {
      assert.equal(count(t, table), count(src, table), table);
    }
    // the same tokens work; the same documents come back
    const swd = await startSwd({ dir: t.dir }, ['--db', t.url]);
    try {
      const tk = (login) => src.tokens[login];
      const get = (path, login) => api(swd.base, 'GET', path, { token: tk(login) });
      assert.deepEqual((await get(`/v1/declarations/${seen.paid.id}`, 'trader2')).json, seen.paid);
      assert.deepEqual((await get(`/v1/declarations/${seen.pending.id}`, 'trader1')).json, seen.pendingDoc);
      assert.deepEqual((await get(`/v1/declarations/${seen.paid.id}/events`, 'trader2')).json, seen.paidEvents);
      assert.deepEqual((await get('/v1/permits/import_licence/IL-EXP-0001', 'trader1')).json, seen.permit);
      // work goes on: a decision on the moved task, a new declaration with the next number and id
      await decideOk(swd.base, tk('customs1'), taskOf(seen.pending, 'CUSTOMS').id, { decision: 'approve' });
      const next = await submitOk(swd.base, tk('trader1'), shrimpImport());
      const last = seen.pending.number;
      assert.equal(next.number.slice(0, -9), last.slice(0, -9));
      assert.equal(Number(next.number.slice(-9)), Number(last.slice(-9)) + 1, `${next.number} follows ${last}`);
      assert.equal(next.id, seen.pending.id + 1);
      const bill = next.bill && next.bill.number;
      if (bill) assert.equal(bill, `B${next.number}`);
    } finally {
      await swd.stop();
    }
    assert.match(ctlOk(t, 'audit', 'verify'), /hash chain intact/);
    // the moved database is no longer the file: --check says which table differs
    const diff = ctl(t, 'import', '--check', file);
    assert.equal(diff.code, 1);
    assert.match(diff.stdout, /declarations\s+\d+\s+\w+ DIFFERS/);
  });

  test(`${backend}: a used database, a broken line, a wrong checksum, an unknown table or column: exit 1, nothing written`, () => {
    // a database with rows of its own
    const used = target(backend);
    ctlOk(used, 'init');
    const before = count(used, 'ref_hs');
    let r = ctl(used, 'import', file);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /the database is not empty: table \w+ has \d+ rows/);
    assert.match(r.stderr, /nothing was imported/);
    assert.equal(count(used, 'ref_hs'), before);
    assert.equal(count(used, 'parties'), 0);

    const bad = (name, edit) => {
      const p = join(src.dir, `${name}.jsonl`);
      writeFileSync(p, `${edit([...lines]).join('\n')}\n`);
      const t = target(backend);
      const res = ctl(t, 'import', p);
      assert.equal(res.code, 1, `${name}: ${res.stdout}`);
      for (const table of ['parties', 'declarations', 'audit', 'ref_hs']) assert.equal(count(t, table), 0, `${name}: ${table}`);
      return res.stderr;
    };
    const at = (ls, prefix) => ls.findIndex((l) => l.startsWith(prefix));

    // a line cut short in the middle of the declarations
    let n = at(lines, '{"t":"declarations"') + 2;
    let err = bad('cut', (ls) => { ls[n] = ls[n].slice(0, 40); return ls; });
    assert.match(err, new RegExp(`line ${n + 1}: not JSON`));

    // a value changed: the table's trailer no longer matches
    n = at(lines, '{"t":"events"');
    err = bad('changed', (ls) => {
      const row = JSON.parse(ls[n]);
      row.r[row.r.findIndex((v) => typeof v === 'string')] = 'tampered';
      ls[n] = JSON.stringify(row);
      return ls;
    });
    assert.match(err, /line \d+: table events: checksum mismatch/);

    // a trailer with another checksum
    n = at(lines, '{"end":"audit"');
    err = bad('checksum', (ls) => { ls[n] = ls[n].replace(/"sha256":"./, (m) => `${m.slice(0, -1)}${m.endsWith('0') ? '1' : '0'}`); return ls; });
    assert.match(err, new RegExp(`line ${n + 1}: table audit: checksum mismatch`));

    // a row count that lies
    n = at(lines, '{"end":"parties"');
    err = bad('count', (ls) => { ls[n] = ls[n].replace(/"rows":(\d+)/, (m, k) => `"rows":${Number(k) + 1}`); return ls; });
    assert.match(err, /table parties: the trailer says \d+ rows, the file has \d+/);

    // an unknown table, in the header or in a row
    err = bad('table', (ls) => {
      const h = JSON.parse(ls[0]);
      h.tables.push({ name: 'no_such_table', columns: ['a'], types: ['text'], key: [] });
      ls[0] = JSON.stringify(h);
      return ls;
    });
    assert.match(err, /line 1: unknown table no_such_table/);
    err = bad('rowtable', (ls) => { ls.splice(5, 0, '{"t":"no_such_table","r":[1]}'); return ls; });
    assert.match(err, /line 6: unknown table no_such_table/);

    // an unknown column
    err = bad('column', (ls) => {
      const h = JSON.parse(ls[0]);
      const d = h.tables.find((x) => x.name === 'declarations');
      d.columns[d.columns.indexOf('office')] = 'bureau';
      ls[0] = JSON.stringify(h);
      return ls;
    });
    assert.match(err, /line 1: table declarations: unknown column bureau/);

    // a file from another schema version
    err = bad('version', (ls) => { ls[0] = ls[0].replace(/"schema_version":\d+/, '"schema_version":1'); return ls; });
    assert.match(err, /schema version 1, the database \d+/);

    // a file cut after a table
    n = at(lines, '{"end":"declarations"');
    err = bad('truncated', (ls) => ls.slice(0, n + 1));
    assert.match(err, /the file ends before the trailer of table \w+ \(truncated\?\)/);
  });
}

test('export refuses to overwrite a file; import of a missing file says so', () => {
  let r = ctl(src, 'export', file);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /exists; refusing to overwrite/);
  const t = target('sqlite');
  r = ctl(t, 'import', join(t.dir, 'missing.jsonl'));
  assert.equal(r.code, 1);
  assert.match(r.stderr, /cannot open .*missing\.jsonl/);
  // reference imports keep their words
  r = ctl(t, 'import', '--help');
  assert.equal(r.code, 0);
  assert.match(r.stdout, /hs\|countries\|currencies\|locations/);
});
