// reliability-crash.test.mjs - issue 8: crash durability. swd takes concurrent
// submissions from several keep-alive clients, is killed with SIGKILL at a random moment
// and restarted on the same data directory, round after round. Afterwards:
//   - every declaration whose 201 reached a client exists, identical to that answer;
//   - no declaration exists that no client sent, and no reference is stored twice;
//   - a submission that was in flight at the kill, sent again with the same reference,
//     gets 201 (it was not committed) or 200 with the stored one (it was): never a second;
//   - the database as the crash left it passes PRAGMA integrity_check and foreign_key_check,
//     and the audit chain verifies (swctl audit verify).
// The second test kills swd while declarations draw on a permit and officers approve and
// traders cancel: no drawing is lost or doubled, and the ledger balances against the
// acknowledged declarations. The third kills it while a bank confirms payments of bills:
// no acknowledged payment is lost, no bill is paid twice, the revenue ledger matches.
// SW_CRASH_ROUNDS (default 3) and SW_CRASH_CLIENTS (default 6) size it; bench/crash.sh runs
// it with 20+ rounds and prints the figures this file logs as `crash:` lines.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomInt, createHmac } from 'node:crypto';
import { rmSync } from 'node:fs';
import { prepareData, startSwd, swctl, swctlStatus, sql as dbSql } from './lib/harness.mjs';
import { shrimpImport, phoneImport, TRADER1_PARTY } from './lib/declarations.mjs';
import { keepAliveClient } from './lib/client.mjs';

const ROUNDS = Number(process.env.SW_CRASH_ROUNDS || 3);
const CLIENTS = Number(process.env.SW_CRASH_CLIENTS || 6);
const KILL_MIN_MS = 150;
const KILL_MAX_MS = Number(process.env.SW_CRASH_KILL_MAX_MS || 900);
const CLIENT_CAP_MS = 15000; // a client never runs longer than this in one round
const YEAR = new Date().getUTCFullYear();

const dirs = [];
const running = new Set(); // swd processes of this file, killed if a test fails midway
after(() => {
  for (const p of running) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function start(data) {
  const swd = await startSwd(data);
  running.add(swd.proc);
  swd.exited.then(() => running.delete(swd.proc));
  return swd;
}

const client = keepAliveClient;

/** SQL against the data directory's database (sqlite3, or psql on PostgreSQL). */
const sqlite = (dir, sql) => dbSql(dir, sql);

/** The checks of a database as a crash left it (swd not running). */
function checkDatabase(dir, label) {
  assert.equal(sqlite(dir, 'PRAGMA integrity_check'), 'ok', `${label}: integrity_check`);
  assert.equal(sqlite(dir, 'PRAGMA foreign_key_check'), '', `${label}: foreign_key_check`);
  const v = swctlStatus(dir, 'audit', 'verify');
  assert.equal(v.code, 0, `${label}: swctl audit verify: ${v.stdout}${v.stderr}`);
}

function assertNoSanitizerReport(swd) {
  assert.doesNotMatch(swd.log(), /AddressSanitizer|LeakSanitizer|runtime error:|ThreadSanitizer/,
    'sanitizer report in the swd log');
}

/** Kills swd at a random moment once load is running (the first acknowledgement);
 * resolves when it is dead. If the clients fail or end before that, kills it and throws. */
async function killSoon(swd, started, workers) {
  const ok = await Promise.race([started.then(() => true), Promise.all(workers).then(() => false)])
    .catch((e) => { swd.proc.kill('SIGKILL'); throw e; });
  if (!ok) {
    swd.proc.kill('SIGKILL');
    throw new Error(`the clients ended before any acknowledgement: ${swd.log().slice(-1500)}`);
  }
  const ms = randomInt(KILL_MIN_MS, KILL_MAX_MS + 1);
  await new Promise((r) => setTimeout(r, ms));
  swd.proc.kill('SIGKILL');
  const { signal } = await swd.exited;
  assert.equal(signal, 'SIGKILL', 'swd died of the kill, not of anything else');
  return ms;
}

test('SIGKILL under concurrent submissions loses no acknowledged declaration', { timeout: 600000 }, async () => {
  const data = prepareData();
  dirs.push(data.dir);
  const token = data.accounts.trader1.token;
  const sent = new Map(); // reference -> body (sent at least once)
  const acked = new Map(); // reference -> the 201 document
  const figures = { rounds: 0, acked201: 0, inDoubt: 0, retried201: 0, retried200: 0, killMs: [] };
  let swd = await start(data);

  for (let round = 1; round <= ROUNDS; round++) {
    let stop = false;
    let markStarted;
    const started = new Promise((r) => { markStarted = r; });
    const inDoubt = new Map(); // reference -> body, in flight when swd died
    const base = swd.base;
    const worker = async (w) => {
      const c = client(token);
      const t0 = Date.now();
      try {
        for (let n = 0; !stop && Date.now() - t0 < CLIENT_CAP_MS; n++) {
          const reference = `CR${round}-${w}-${n}-${process.pid}`.slice(0, 35);
          const body = n % 3 === 2 ? shrimpImport({ reference }) : phoneImport({ reference });
          sent.set(reference, body);
          let r;
          try {
            r = await c.send(base, 'POST', '/v1/declarations', body);
          } catch {
            inDoubt.set(reference, body);
            return;
          }
          assert.equal(r.status, 201, `round ${round} ${reference}: ${r.text}`);
          acked.set(reference, r.json);
          figures.acked201 += 1;
          markStarted();
        }
      } finally {
        c.close();
      }
    };
    const workers = Array.from({ length: CLIENTS }, (_, w) => worker(w));
    figures.killMs.push(await killSoon(swd, started, workers));
    stop = true;
    await Promise.all(workers);
    figures.rounds += 1;
    figures.inDoubt += inDoubt.size;

    // the files as the crash left them
    checkDatabase(data.dir, `round ${round} after SIGKILL`);
    swd = await start(data);
    assertNoSanitizerReport(swd);

    // every acknowledged declaration, from every round so far, is there as it was answered
    const c = client(token);
    try {
      for (const [reference, doc] of acked) {
        const r = await c.send(swd.base, 'GET', `/v1/declarations/${doc.id}`);
        assert.equal(r.status, 200, `${reference} (id ${doc.id}) after round ${round}: ${r.text}`);
        assert.deepEqual(r.json, doc, `${reference} is identical after round ${round}`);
      }
      // in doubt: the same reference again is 201 (not committed) or 200 (committed), never a second
      for (const [reference, body] of inDoubt) {
        const r = await c.send(swd.base, 'POST', '/v1/declarations', body);
        assert.ok(r.status === 201 || r.status === 200, `retry of ${reference}: ${r.status} ${r.text}`);
        assert.equal(r.json.reference, reference);
        if (r.status === 201) figures.retried201 += 1;
        else figures.retried200 += 1;
        acked.set(reference, r.json);
      }
    } finally {
      c.close();
    }
    // what is stored is exactly what was acknowledged: nothing unsent, nothing twice
    const rows = sqlite(data.dir, 'SELECT reference, COUNT(*) FROM declarations GROUP BY reference')
      .split('\n').filter(Boolean).map((l) => l.split('|'));
    const dup = rows.filter(([, n]) => n !== '1');
    const unsent = rows.filter(([ref]) => !sent.has(ref));
    const lost = [...acked.keys()].filter((ref) => !rows.some(([r]) => r === ref));
    assert.deepEqual(dup, [], 'a reference stored twice');
    assert.deepEqual(unsent, [], 'a declaration no client sent');
    assert.deepEqual(lost, [], 'an acknowledged declaration is gone');
    assert.equal(rows.length, acked.size);
  }
  const r = await swd.stop();
  assert.deepEqual(r, { code: 0, signal: null }, `swd exit: ${swd.log().slice(-2000)}`);
  assertNoSanitizerReport(swd);
  checkDatabase(data.dir, 'at the end');
  const stored = Number(sqlite(data.dir, 'SELECT COUNT(*) FROM declarations'));
  console.log(`crash: declarations rounds=${figures.rounds} clients=${CLIENTS} acknowledged=${acked.size}` +
    ` (201 under load ${figures.acked201}, in flight at the kill ${figures.inDoubt}: retried 201 ${figures.retried201},` +
    ` 200 ${figures.retried200}) stored=${stored} lost=0 duplicated=0` +
    ` kill_ms=${figures.killMs.join(',')}`);
  assert.equal(stored, acked.size);
  assert.ok(figures.acked201 >= ROUNDS, 'load was running at every kill');
});

test('SIGKILL during permit draw-downs, approvals and cancellations: the ledger balances', { timeout: 600000 }, async () => {
  const data = prepareData();
  dirs.push(data.dir);
  const tok = (login) => data.accounts[login].token;
  const NUMBER = `CR-IL-${process.pid}`;
  const TOTAL = 100000000n; // never exhausted: every drawing stays visible as itself
  let swd = await start(data);
  {
    const c = client(tok('commerce1'));
    const r = await c.send(swd.base, 'POST', '/v1/permits', {
      type: 'import_licence', number: NUMBER, holder: TRADER1_PARTY, valid_from: `${YEAR - 1}-01-01`,
      valid_to: `${YEAR + 1}-12-31`, usage: 'unlimited',
      lines: [{ hs_prefix: '8517', description: 'telephones', unit: 'KGM', quantity: String(TOTAL) }],
    });
    c.close();
    assert.equal(r.status, 201, r.text);
  }
  const goods = (reference, qty, high) => ({
    type: 'IM', reference, procedure: '4000', office: 'CNSHA', importer: { id: TRADER1_PARTY },
    exporter: { id: 'KR1234567', name: 'Seoul Devices' },
    transport: { mode: '1', loading: 'KRPUS', discharge: 'CNSHA', arrival: '2026-12-01T06:00:00Z' },
    invoice: { currency: 'USD', incoterm: 'CIF', total: high ? '60000.00' : '2000.00' },
    items: [{ seq: 1, hs: '85171300', description: 'Telephones under licence', origin: 'KR',
      quantity: String(qty), unit: 'KGM', net_kg: String(qty), gross_kg: String(qty),
      value: high ? '60000.00' : '2000.00', documents: [{ type: 'import_licence', number: NUMBER }] }],
  });
  const sent = new Map(); // reference -> {body, qty}
  const decls = new Map(); // reference -> acknowledged declaration {id, qty}
  const open = []; // ids of acknowledged declarations under review, for the officer and trader
  const cancelled = new Set(); // acknowledged cancellations
  const approved = new Set(); // acknowledged approvals (the declaration is then released)
  const doubtful = new Set(); // ids whose cancel or decision was in flight at a kill
  const figures = { drawings: 0, inDoubt: 0 };

  for (let round = 1; round <= ROUNDS; round++) {
    let stop = false;
    let markStarted;
    const started = new Promise((r) => { markStarted = r; });
    const inDoubt = new Map();
    const base = swd.base;
    const submitter = async (w) => {
      const c = client(tok('trader1'));
      const t0 = Date.now();
      try {
        for (let n = 0; !stop && Date.now() - t0 < CLIENT_CAP_MS; n++) {
          const reference = `CP${round}-${w}-${n}-${process.pid}`.slice(0, 35);
          const qty = 1 + ((w * 7 + n * 13) % 50);
          const body = goods(reference, qty, n % 2 === 1);
          sent.set(reference, { body, qty });
          let r;
          try {
            r = await c.send(base, 'POST', '/v1/declarations', body);
          } catch {
            inDoubt.set(reference, { body, qty });
            return;
          }
          assert.equal(r.status, 201, `${reference}: ${r.text}`);
          decls.set(reference, { id: r.json.id, qty });
          if (r.json.status === 'under_review') open.push(r.json);
          markStarted();
        }
      } finally {
        c.close();
      }
    };
    // the officer approves and the trader cancels, each its own declarations (odd / even)
    const actor = async (login, parity) => {
      const c = client(tok(login));
      const t0 = Date.now();
      try {
        while (!stop && Date.now() - t0 < CLIENT_CAP_MS) {
          const i = open.findIndex((d) => d.id % 2 === parity);
          if (i < 0) { await new Promise((r) => setTimeout(r, 5)); continue; }
          const d = open.splice(i, 1)[0];
          const [path, body] = login === 'customs1'
            ? [`/v1/tasks/${d.tasks.find((t) => t.agency === 'CUSTOMS').id}/decisions`, { decision: 'approve' }]
            : [`/v1/declarations/${d.id}/cancel`, { reason: 'crash test' }];
          let r;
          try {
            r = await c.send(base, 'POST', path, body);
          } catch {
            doubtful.add(d.id);
            return;
          }
          assert.equal(r.status, 200, `${login} ${path}: ${r.text}`);
          (login === 'customs1' ? approved : cancelled).add(d.id);
        }
      } finally {
        c.close();
      }
    };
    const workers = [0, 1, 2, 3].map((w) => submitter(w));
    workers.push(actor('customs1', 1), actor('trader1', 0));
    await killSoon(swd, started, workers);
    stop = true;
    await Promise.all(workers);
    figures.inDoubt += inDoubt.size;
    checkDatabase(data.dir, `permit round ${round} after SIGKILL`);
    swd = await start(data);
    assertNoSanitizerReport(swd);
    const c = client(tok('trader1'));
    try {
      for (const [reference, { body, qty }] of inDoubt) {
        const r = await c.send(swd.base, 'POST', '/v1/declarations', body);
        assert.ok(r.status === 201 || r.status === 200, `retry of ${reference}: ${r.status} ${r.text}`);
        decls.set(reference, { id: r.json.id, qty });
        if (r.json.status === 'under_review') open.push(r.json);
      }
    } finally {
      c.close();
    }
  }

  // the ledger, as the issuer sees it
  const c = client(tok('commerce1'));
  const p = await c.send(swd.base, 'GET', `/v1/permits/import_licence/${NUMBER}`);
  c.close();
  assert.equal(p.status, 200, p.text);
  const byDecl = new Map();
  for (const d of p.json.drawings) {
    assert.ok(!byDecl.has(d.declaration), `declaration ${d.declaration} drew twice`);
    byDecl.set(d.declaration, d);
  }
  const status = new Map(sqlite(data.dir, 'SELECT id, status FROM declarations').split('\n')
    .filter(Boolean).map((l) => l.split('|')).map(([id, st]) => [Number(id), st]));
  assert.equal(byDecl.size, status.size, 'one drawing per stored declaration, no more, no less');
  assert.equal(status.size, decls.size, 'stored declarations = acknowledged ones');
  // (awaiting_payment: approved, but the duty bill is neither paid nor secured by a guarantee)
  const wantState = { released: 'deducted', cancelled: 'released', under_review: 'pre_deducted',
    awaiting_payment: 'pre_deducted' };
  let live = 0n;
  for (const [reference, { id, qty }] of decls) {
    const d = byDecl.get(id);
    assert.ok(d, `acknowledged ${reference} (id ${id}) has its drawing`);
    assert.equal(d.quantity, String(qty), `${reference}: drawn quantity`);
    const st = status.get(id);
    assert.equal(d.state, wantState[st], `${reference}: a ${st} declaration's drawing`);
    if (cancelled.has(id)) assert.equal(st, 'cancelled', `acknowledged cancellation of ${id}`);
    if (approved.has(id)) assert.ok(['released', 'awaiting_payment'].includes(st), `acknowledged approval of ${id}: ${st}`);
    if (!cancelled.has(id) && !approved.has(id) && !doubtful.has(id) && st !== 'under_review')
      assert.ok(['released', 'awaiting_payment'].includes(st), `${id} changed without an acknowledged request: ${st}`);
    if (d.state !== 'released') live += BigInt(qty);
  }
  const line = p.json.lines[0];
  assert.equal(BigInt(line.remaining_quantity), TOTAL - live,
    'remaining = licensed - what live acknowledged declarations drew');
  figures.drawings = byDecl.size;
  const r = await swd.stop();
  assert.deepEqual(r, { code: 0, signal: null }, `swd exit: ${swd.log().slice(-2000)}`);
  checkDatabase(data.dir, 'permit test at the end');
  const states = {};
  for (const d of byDecl.values()) states[d.state] = (states[d.state] || 0) + 1;
  console.log(`crash: permit rounds=${ROUNDS} acknowledged=${decls.size} drawings=${figures.drawings}` +
    ` ${JSON.stringify(states)} approvals=${approved.size} cancellations=${cancelled.size}` +
    ` in_flight_at_kill=${figures.inDoubt + doubtful.size} lost=0 doubled=0`);
});

test('SIGKILL during payment confirmations: no payment lost, none doubled', { timeout: 600000 }, async () => {
  const data = prepareData();
  dirs.push(data.dir);
  const tok = (login) => data.accounts[login].token;
  const BANK = '91310000MA1B00055B'; // bank1's party; trader1 has an agreement with it (demo)
  const key = swctl(data.dir, 'bank', 'key', BANK).trim();
  const sign = (text) => createHmac('sha256', Buffer.from(key, 'hex')).update(text).digest('hex');
  let swd = await start(data);
  const bills = []; // bills of acknowledged declarations, not yet handed to the bank
  const sentTxn = new Map(); // transaction id -> {bill, text}
  const accepted = new Map(); // bill number -> transaction id (acknowledged 200, not a replay)
  const inDoubtPay = new Map(); // transaction id -> {bill, text}
  const declared = new Set(); // references acknowledged
  const sentRefs = new Map();
  let inDoubtDecl = new Map();

  for (let round = 1; round <= ROUNDS; round++) {
    let stop = false;
    let markStarted;
    const started = new Promise((r) => { markStarted = r; });
    const base = swd.base;
    inDoubtDecl = new Map();
    const trader = async (w) => {
      const c = client(tok('trader1'));
      const t0 = Date.now();
      try {
        for (let n = 0; !stop && Date.now() - t0 < CLIENT_CAP_MS; n++) {
          const body = shrimpImport({ reference: `CY${round}-${w}-${n}-${process.pid}`.slice(0, 35) });
          sentRefs.set(body.reference, body);
          let r;
          try {
            r = await c.send(base, 'POST', '/v1/declarations', body);
          } catch {
            inDoubtDecl.set(body.reference, body);
            return;
          }
          assert.equal(r.status, 201, r.text);
          assert.ok(r.json.bill?.number, `a bill for ${body.reference}: ${r.text.slice(0, 300)}`);
          declared.add(body.reference);
          bills.push(r.json.bill);
        }
      } finally {
        c.close();
      }
    };
    const bank = async (w) => {
      const c = client(tok('bank1'));
      const t0 = Date.now();
      try {
        for (let n = 0; !stop && Date.now() - t0 < CLIENT_CAP_MS; n++) {
          const b = bills.shift();
          if (!b) { await new Promise((r) => setTimeout(r, 2)); continue; }
          const txn = `TX${round}-${w}-${n}-${process.pid}`;
          const text = JSON.stringify({ bill: b.number, amount: b.amount, currency: b.currency, transaction_id: txn });
          sentTxn.set(txn, { bill: b.number, text });
          let r;
          try {
            r = await c.send(base, 'POST', '/v1/payments/confirmations', text,
              { 'content-type': 'application/json', 'x-signature': sign(text) });
          } catch {
            inDoubtPay.set(txn, { bill: b.number, text });
            return;
          }
          assert.equal(r.status, 200, `${txn}: ${r.text}`);
          assert.equal(r.json.status, 'accepted');
          assert.equal(r.json.replay, false);
          assert.equal(r.json.bill.status, 'paid');
          accepted.set(b.number, txn);
          markStarted();
        }
      } finally {
        c.close();
      }
    };
    const workers = [trader(0), trader(1), bank(0), bank(1), bank(2)];
    await killSoon(swd, started, workers);
    stop = true;
    await Promise.all(workers);
    checkDatabase(data.dir, `payment round ${round} after SIGKILL`);
    swd = await start(data);
    assertNoSanitizerReport(swd);
    // the bank retries what it does not know the outcome of: same transaction, same bytes
    const c = client(tok('bank1'));
    const t = client(tok('trader1'));
    try {
      for (const [txn, { bill, text }] of inDoubtPay) {
        const r = await c.send(swd.base, 'POST', '/v1/payments/confirmations', text,
          { 'content-type': 'application/json', 'x-signature': sign(text) });
        assert.equal(r.status, 200, `retry of ${txn}: ${r.text}`);
        assert.equal(r.json.status, 'accepted');
        accepted.set(bill, txn);
      }
      inDoubtPay.clear();
      for (const [ref, body] of inDoubtDecl) {
        const r = await t.send(swd.base, 'POST', '/v1/declarations', body);
        assert.ok(r.status === 201 || r.status === 200, `retry of ${ref}: ${r.text}`);
        declared.add(ref);
        if (r.json.bill?.status === 'unpaid') bills.push(r.json.bill);
      }
    } finally {
      c.close();
      t.close();
    }
  }
  // the books: one accepted payment per paid bill, each acknowledged payment among them
  const q = (sql) => sqlite(data.dir, sql).split('\n').filter(Boolean).map((l) => l.split('|'));
  const doubled = q("SELECT bill_number, COUNT(*) FROM payments WHERE status = 'accepted' GROUP BY bill_number HAVING COUNT(*) > 1");
  assert.deepEqual(doubled, [], 'a bill paid twice');
  const paid = new Map(q("SELECT b.number, p.txn FROM bills b JOIN payments p ON p.bill_number = b.number AND p.status = 'accepted' WHERE b.status = 'paid'"));
  assert.equal(q("SELECT COUNT(*) FROM bills WHERE status = 'paid'")[0][0], String(paid.size),
    'every paid bill has its accepted payment');
  for (const [bill, txn] of accepted) assert.equal(paid.get(bill), txn, `acknowledged payment of ${bill}`);
  for (const [bill, txn] of paid) assert.ok(sentTxn.has(txn), `payment ${txn} of ${bill} was sent by the bank`);
  const [[ledgerN, ledgerSum]] = q("SELECT COUNT(*), COALESCE(SUM(amount), 0) FROM ledger WHERE kind = 'payment'");
  const [[billSum]] = q("SELECT COALESCE(SUM(amount), 0) FROM bills WHERE status = 'paid'");
  assert.equal(ledgerN, String(paid.size), 'one ledger line per payment');
  assert.equal(ledgerSum, billSum, 'the ledger sums to the paid bills');
  const refs = q('SELECT reference FROM declarations').map(([r]) => r);
  assert.equal(refs.length, declared.size);
  for (const r of refs) assert.ok(sentRefs.has(r));
  const r = await swd.stop();
  assert.deepEqual(r, { code: 0, signal: null }, `swd exit: ${swd.log().slice(-2000)}`);
  checkDatabase(data.dir, 'payment test at the end');
  console.log(`crash: payment rounds=${ROUNDS} declarations=${declared.size} payments_acknowledged=${accepted.size}` +
    ` bills_paid=${paid.size} ledger=${ledgerSum} lost=0 doubled=0`);
});
