// reliability-retry.test.mjs - issue 8: retry safety. A client whose request timed out
// does not know whether it was stored; it sends the same submission again (same
// reference) until it gets an answer. However the attempts interleave, exactly one
// declaration exists per reference, counted in the database and through the list API.
// Decisions, cancellations and a bank's payment confirmations sent twice take effect once.
// (Retries across a crash of swd are in reliability-crash.test.mjs.)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { createHmac } from 'node:crypto';
import { system, api, swctl, sql as dbSql } from './lib/harness.mjs';
import {
  shrimpImport, phoneImport, submitOk, taskOf, allPages, closeClean,
} from './lib/declarations.mjs';

let s;
before(async () => { s = await system(); });
after(async () => { await closeClean(s); });
const tk = (login) => s.token(login);
const sql = (q) => dbSql(s.dir, q);

/**
 * POSTs body; gives up ("times out") after abortAfterMs (-1: as soon as the whole request
 * is written, i.e. the answer is lost for sure; undefined: never). Resolves with
 * {status, json} or {timedOut: true}.
 */
function post(path, body, token, abortAfterMs, extraHeaders = {}) {
  return new Promise((resolve, reject) => {
    const data = Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
    const req = http.request(`${s.base}${path}`, {
      method: 'POST', agent: false,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json',
        'content-length': data.length, ...extraHeaders },
    }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('error', () => resolve({ timedOut: true }));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode, text, json: text ? JSON.parse(text) : null });
      });
    });
    let gaveUp = false;
    const giveUp = () => { if (!gaveUp) { gaveUp = true; req.destroy(); resolve({ timedOut: true }); } };
    req.on('error', (e) => (gaveUp ? undefined : reject(e)));
    if (abortAfterMs === -1) req.on('finish', () => setImmediate(giveUp));
    else if (abortAfterMs !== undefined) setTimeout(giveUp, abortAfterMs);
    req.end(data);
  });
}

test('timed-out submissions retried with the same reference are stored exactly once', async () => {
  const CLIENTS = 8;
  const PER_CLIENT = 15;
  const outcomes = { lostAnswer: 0, answered201: 0, answered200: 0, attempts: 0 };
  const refs = [];
  await Promise.all(Array.from({ length: CLIENTS }, async (_, w) => {
    for (let n = 0; n < PER_CLIENT; n++) {
      const body = n % 2 ? shrimpImport() : phoneImport();
      refs.push(body.reference);
      // first attempt: the answer is lost (given up right after sending, or after 0-15 ms);
      // then retries with growing patience, the last one waits for the answer
      const schedule = [n % 3 === 0 ? -1 : n % 16, 2, 10, -1, 50, undefined];
      let final = null;
      let first = null;
      let id = null;
      for (const wait of schedule) {
        outcomes.attempts += 1;
        const r = await post('/v1/declarations', body, tk('trader1'), wait);
        if (r.timedOut) { outcomes.lostAnswer += 1; continue; }
        assert.ok(r.status === 201 || r.status === 200, `${body.reference}: ${r.status} ${r.text}`);
        assert.equal(r.json.reference, body.reference);
        if (id !== null) assert.equal(r.json.id, id, 'every answer names the same declaration');
        id = r.json.id;
        final = r;
        first = first || r;
        if (wait === undefined) break;
      }
      assert.ok(final, `${body.reference} got an answer`);
      outcomes[first.status === 201 ? 'answered201' : 'answered200'] += 1;
    }
  }));
  // exactly one row per reference; none missing
  const counts = new Map(sql('SELECT reference, COUNT(*) FROM declarations GROUP BY reference')
    .split('\n').filter(Boolean).map((l) => l.split('|')).map(([r, n]) => [r, Number(n)]));
  for (const r of refs) assert.equal(counts.get(r), 1, `${r} stored ${counts.get(r) || 0} times`);
  // and the list API agrees
  const listed = await allPages(s.base, tk('trader1'), '/v1/declarations?limit=200');
  for (const r of refs) assert.equal(listed.filter((d) => d.reference === r).length, 1, `${r} listed once`);
  console.log(`retry: ${refs.length} submissions, ${outcomes.attempts} attempts, ` +
    `${outcomes.lostAnswer} answers lost; the first answer received was 201 for ` +
    `${outcomes.answered201} and 200 (stored by an attempt whose answer was lost) for ` +
    `${outcomes.answered200}; each stored exactly once`);
  assert.ok(outcomes.answered200 > 0, 'some attempts whose answer was lost were stored (the case under test)');
});

test('the same submission racing on several connections: one 201, the rest 200, one row', async () => {
  for (let round = 0; round < 5; round++) {
    const body = phoneImport();
    const rs = await Promise.all(Array.from({ length: 6 }, () => post('/v1/declarations', body, tk('trader1'))));
    const statuses = rs.map((r) => r.status).sort();
    assert.deepEqual(statuses, [200, 200, 200, 200, 200, 201], rs.map((r) => r.text).join('\n'));
    assert.equal(new Set(rs.map((r) => r.json.id)).size, 1);
    assert.equal(sql(`SELECT COUNT(*) FROM declarations WHERE reference = '${body.reference}'`), '1');
  }
});

test('the same reference with other content is 409 and changes nothing', async () => {
  const body = phoneImport();
  const first = await submitOk(s.base, tk('trader1'), body);
  const other = { ...body, invoice: { ...body.invoice, total: '2001.00' },
    items: [{ ...body.items[0], value: '2001.00' }] };
  const r = await api(s.base, 'POST', '/v1/declarations', { token: tk('trader1'), body: other });
  assert.equal(r.status, 409, r.text);
  assert.equal(r.json.errors[0].code, 'reference_conflict');
  const now = await api(s.base, 'GET', `/v1/declarations/${first.id}`, { token: tk('trader1') });
  assert.deepEqual(now.json, first);
  // another declarant may use the same reference for its own declaration
  const b = await api(s.base, 'POST', '/v1/declarations', { token: tk('broker1'), body });
  assert.equal(b.status, 201, b.text);
  assert.notEqual(b.json.id, first.id);
});

test('a decision or a cancellation sent twice takes effect once', async () => {
  const d = await submitOk(s.base, tk('trader1'), shrimpImport());
  const q = taskOf(d, 'QUARANTINE');
  const path = `/v1/tasks/${q.id}/decisions`;
  // the first attempt's answer is lost; the retry finds the task decided
  const lost = await post(path, { decision: 'approve' }, tk('quarantine1'), -1);
  assert.ok(lost.timedOut);
  let again;
  for (let i = 0; i < 50; i++) { // the lost attempt may still be in the writer's queue
    again = await post(path, { decision: 'approve' }, tk('quarantine1'));
    if (again.status === 409) break;
    assert.equal(again.status, 200, again.text); // the retry overtook the lost attempt
  }
  assert.equal(again.status, 409, again.text);
  assert.equal(again.json.errors[0].code, 'state_conflict');
  const ev = await api(s.base, 'GET', `/v1/declarations/${d.id}/events`, { token: tk('trader1') });
  assert.equal(ev.json.items.filter((e) => e.kind === 'decision' && e.agency === 'QUARANTINE').length, 1,
    'one decision event');
  // cancellation: the first answer lost, the retry is 409, one cancelled status event
  const c = await submitOk(s.base, tk('trader1'), shrimpImport());
  assert.ok((await post(`/v1/declarations/${c.id}/cancel`, {}, tk('trader1'), -1)).timedOut);
  let r2;
  for (let i = 0; i < 50; i++) {
    r2 = await post(`/v1/declarations/${c.id}/cancel`, {}, tk('trader1'));
    if (r2.status === 409) break;
    assert.equal(r2.status, 200, r2.text);
  }
  assert.equal(r2.status, 409, r2.text);
  const evc = await api(s.base, 'GET', `/v1/declarations/${c.id}/events`, { token: tk('trader1') });
  assert.equal(evc.json.items.filter((e) => e.kind === 'status' && e.status === 'cancelled').length, 1);
});

test('a resubmitted payment confirmation never doubles a payment', async () => {
  const BANK = '91310000MA1B00055B'; // bank1; trader1 has a payment agreement with it (demo)
  const key = swctl(s.dir, 'bank', 'key', BANK).trim();
  const confirm = (text, abortAfterMs) => post('/v1/payments/confirmations', text, tk('bank1'), abortAfterMs,
    { 'x-signature': createHmac('sha256', Buffer.from(key, 'hex')).update(text).digest('hex') });
  const tally = { lostAnswers: 0, firstAnswerReplay: 0 };
  for (let i = 0; i < 6; i++) {
    const d = await submitOk(s.base, tk('trader1'), shrimpImport());
    const b = d.bill;
    assert.ok(b && b.status === 'unpaid', JSON.stringify(b));
    const text = JSON.stringify({ bill: b.number, amount: b.amount, currency: b.currency, transaction_id: `RT-${d.id}` });
    // the bank's first attempt times out; then it retries, sometimes on several connections at once
    if ((await confirm(text, i % 2 ? -1 : 3)).timedOut) tally.lostAnswers += 1;
    const rs = await Promise.all(Array.from({ length: i % 3 === 0 ? 4 : 1 }, () => confirm(text)));
    for (const r of rs) {
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.status, 'accepted');
      assert.equal(r.json.bill.status, 'paid');
    }
    if (rs.every((r) => r.json.replay)) tally.firstAnswerReplay += 1;
    assert.ok(rs.filter((r) => !r.json.replay).length <= 1, 'at most one answer is the first payment');
    // the same transaction id with other content, and a second transaction, are refused
    const other = JSON.stringify({ bill: b.number, amount: '1.00', currency: b.currency, transaction_id: `RT-${d.id}` });
    assert.equal((await confirm(other)).json.errors[0].code, 'transaction_reused');
    const second = JSON.stringify({ bill: b.number, amount: b.amount, currency: b.currency, transaction_id: `RT2-${d.id}` });
    assert.equal((await confirm(second)).json.errors[0].code, 'already_settled');
    assert.equal(sql(`SELECT COUNT(*) FROM payments WHERE bill_number = '${b.number}' AND status = 'accepted'`), '1');
    assert.equal(sql(`SELECT COUNT(*) FROM ledger l JOIN bills b ON b.id = l.bill_id WHERE b.number = '${b.number}' AND l.kind = 'payment'`), '1');
  }
  console.log(`retry: 6 bills, ${tally.lostAnswers} first confirmations lost their answer, ` +
    `${tally.firstAnswerReplay} of them had been stored (the retry was a replay); each bill paid once`);
});
