// payments.test.mjs - issue 5: duties assessed at registration, bills, the bank's signed
// confirmation, guarantees, and release only when paid or secured.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { system, api, swctl } from './lib/harness.mjs';

let s;
let key;
let seq = 0;
const tk = (login) => s.token(login);
const TRADER1 = '91310000MA1FL0001X';
const TRADER2 = '91330200MA2AB0002Y';
const BANK = '91310000MA1B00055B';

before(async () => {
  s = await system();
  key = swctl(s.dir, 'bank', 'key', BANK).trim();
  assert.match(key, /^[0-9a-f]{64}$/);
});
after(async () => { await s.close(); });

/** Frozen shrimps, USD value, for an importer (routes to customs and quarantine). */
function shrimp(importer, value = '1000.00') {
  seq += 1;
  return {
    type: 'IM', reference: `PAY-${process.pid}-${seq}`, procedure: '4000', office: 'CNSHA',
    importer: { id: importer }, exporter: { id: 'VN0301234567', name: 'Saigon Seafood JSC' },
    transport: { mode: '1', loading: 'VNSGN', discharge: 'CNSHA', arrival: '2026-12-01T06:00:00Z' },
    invoice: { currency: 'USD', incoterm: 'CIF', total: value },
    items: [{ seq: 1, hs: '03061711', description: 'Frozen shrimps', origin: 'VN', quantity: '100',
      unit: 'KGM', net_kg: '100', gross_kg: '110', value }],
  };
}

async function submitApproved(login, body) {
  const r = await api(s.base, 'POST', '/v1/declarations', { token: tk(login), body });
  assert.equal(r.status, 201, r.text);
  let d = r.json;
  for (const t of d.tasks.filter((x) => x.state === 'pending')) {
    const a = await api(s.base, 'POST', `/v1/tasks/${t.id}/decisions`,
      { token: tk(`${t.agency.toLowerCase()}1`), body: { decision: 'approve' } });
    assert.equal(a.status, 200, a.text);
    d = a.json;
  }
  return d;
}

function confirm(body, { signWith = key, raw } = {}) {
  const text = raw ?? JSON.stringify(body);
  const sig = createHmac('sha256', Buffer.from(signWith, 'hex')).update(text).digest('hex');
  return api(s.base, 'POST', '/v1/payments/confirmations', { token: tk('bank1'), raw: text,
    headers: { 'content-type': 'application/json', 'x-signature': sig } });
}

const bill = (number, login = 'trader1') => api(s.base, 'GET', `/v1/bills/${number}`, { token: tk(login) });
const guarantee = async () => (await api(s.base, 'GET', '/v1/guarantees', { token: tk('trader1') }))
  .json.items.find((g) => g.number === 'G-DEMO-0001');

test('duties are assessed at registration: 5% duty, 9% VAT on the duty-inclusive value', async () => {
  const r = await api(s.base, 'POST', '/v1/declarations', { token: tk('trader1'), body: shrimp(TRADER1, '1000.00') });
  assert.equal(r.status, 201, r.text);
  const a = r.json.assessment;
  assert.equal(a.currency, 'CNY');
  assert.equal(a.exchange_rate, '7.1');
  assert.equal(a.customs_value, '7100.00');
  assert.equal(a.duty, '355.00');     // 5%
  assert.equal(a.vat, '670.95');      // 9% of 7455.00
  assert.equal(a.total, '1025.95');
  assert.deepEqual(a.lines.map((l) => l.tax), ['duty', 'vat']);
  assert.equal(r.json.bill.amount, '1025.95');
  assert.equal(r.json.bill.status, 'unpaid');
  assert.equal(r.json.bill.number, `B${r.json.number}`);
});

test('pay then release: awaiting payment until the bank confirms', async () => {
  const ag = await api(s.base, 'POST', '/v1/payment-agreements', { token: tk('trader2'),
    body: { bank: BANK, account: '6222-0300-0002' } });
  assert.equal(ag.status, 201, ag.text);
  const d = await submitApproved('trader2', shrimp(TRADER2, '2000.00'));
  assert.equal(d.status, 'awaiting_payment');
  assert.equal(d.bill.status, 'unpaid');
  const body = { bill: d.bill.number, amount: d.bill.amount, currency: 'CNY', transaction_id: `T-${d.id}` };
  const ok = await confirm(body);
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.json.status, 'accepted');
  assert.equal(ok.json.replay, false);
  const after = (await api(s.base, 'GET', `/v1/declarations/${d.id}`, { token: tk('trader2') })).json;
  assert.equal(after.status, 'released');
  assert.equal(after.bill.status, 'paid');
  const ev = (await api(s.base, 'GET', `/v1/declarations/${d.id}/events`, { token: tk('trader2') })).json.items;
  assert.deepEqual(ev.map((e) => e.kind).slice(-2), ['payment', 'status']);
  assert.ok(ev.some((e) => e.kind === 'status' && e.status === 'awaiting_payment'));
  assert.equal(ev.at(-1).status, 'released');

  // a replayed confirmation changes nothing
  const again = await confirm(body);
  assert.equal(again.status, 200);
  assert.equal(again.json.replay, true);
  assert.equal(again.json.bill.status, 'paid');
  // the same transaction id with another body is refused
  const reused = await confirm({ ...body, amount: '1.00' });
  assert.equal(reused.status, 409);
  assert.equal(reused.json.errors[0].code, 'transaction_reused');
  // a second, different payment of a paid bill is refused
  const twice = await confirm({ ...body, transaction_id: `T2-${d.id}` });
  assert.equal(twice.status, 409);
  assert.equal(twice.json.errors[0].code, 'already_settled');
});

test('a wrong amount, an unknown bill and a bad signature are refused, each its own way', async () => {
  const d = await submitApproved('trader2', shrimp(TRADER2, '3000.00'));
  assert.equal(d.status, 'awaiting_payment');
  const wrong = await confirm({ bill: d.bill.number, amount: '1.00', currency: 'CNY', transaction_id: `W-${d.id}` });
  assert.equal(wrong.status, 422);
  assert.equal(wrong.json.errors[0].code, 'amount_mismatch');
  const currency = await confirm({ bill: d.bill.number, amount: d.bill.amount, currency: 'USD', transaction_id: `C-${d.id}` });
  assert.equal(currency.status, 422);
  const unknown = await confirm({ bill: 'B000000000000000000', amount: '1.00', currency: 'CNY', transaction_id: `U-${d.id}` });
  assert.equal(unknown.status, 404);
  assert.equal(unknown.json.errors[0].code, 'unknown_bill');
  const body = { bill: d.bill.number, amount: d.bill.amount, currency: 'CNY', transaction_id: `S-${d.id}` };
  const forged = await confirm(body, { signWith: 'ab'.repeat(32) });
  assert.equal(forged.status, 401);
  assert.equal(forged.json.errors[0].code, 'bad_signature');
  const unsigned = await api(s.base, 'POST', '/v1/payments/confirmations', { token: tk('bank1'), body });
  assert.equal(unsigned.status, 401);
  const notBank = await api(s.base, 'POST', '/v1/payments/confirmations', { token: tk('trader2'), body });
  assert.equal(notBank.status, 403);
  // none of it paid the bill; the refusals are recorded and the right payment still works
  assert.equal((await bill(d.bill.number, 'trader2')).json.status, 'unpaid');
  const ok = await confirm(body);
  assert.equal(ok.status, 200, ok.text);
});

test('release against a guarantee, restored when the bill is paid', async () => {
  const before = await guarantee();
  const d = await submitApproved('trader1', shrimp(TRADER1, '1000.00'));
  assert.equal(d.status, 'released');
  assert.equal(d.bill.status, 'secured');
  const during = await guarantee();
  const cents = (x) => Math.round(Number(x) * 100);
  assert.equal(cents(before.balance) - cents(during.balance), cents(d.bill.amount));
  const b = (await bill(d.bill.number)).json;
  assert.equal(b.guarantee, 'G-DEMO-0001');
  const ok = await confirm({ bill: d.bill.number, amount: d.bill.amount, currency: 'CNY', transaction_id: `G-${d.id}` });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.json.bill.status, 'paid');
  assert.equal((await guarantee()).balance, before.balance);
});

test('a guarantee never goes negative: too small a guarantee leaves the goods awaiting payment', async () => {
  const g = await api(s.base, 'POST', '/v1/guarantees', { token: tk('admin'), body: {
    number: 'G-SMALL-1', party: TRADER2, kind: 'insurance', issuer: 'Pacific Guarantee Insurance',
    amount: '10.00', valid_from: '2026-01-01', valid_to: '2030-12-31' } });
  assert.equal(g.status, 201, g.text);
  const d = await submitApproved('trader2', shrimp(TRADER2, '500.00'));
  assert.equal(d.status, 'awaiting_payment');
  const list = (await api(s.base, 'GET', '/v1/guarantees', { token: tk('trader2') })).json.items;
  assert.equal(list.find((x) => x.number === 'G-SMALL-1').balance, '10.00');
  const bad = await api(s.base, 'POST', '/v1/guarantees', { token: tk('admin'), body: { number: 'X', party: 'NOPE', kind: 'cash', issuer: 'x', amount: '-1', valid_from: 'x', valid_to: '2030-01-01' } });
  assert.equal(bad.status, 422);
  for (const p of ['/party', '/kind', '/amount', '/valid_from'])
    assert.ok(bad.json.errors.some((e) => e.path === p), `${p}: ${bad.text}`);
  const notAdmin = await api(s.base, 'POST', '/v1/guarantees', { token: tk('trader2'), body: {} });
  assert.equal(notAdmin.status, 403);
});

test('a guarantee registered later releases the goods awaiting payment that it secures', async () => {
  const d = await submitApproved('trader2', shrimp(TRADER2, '800.00'));
  assert.equal(d.status, 'awaiting_payment');
  const g = await api(s.base, 'POST', '/v1/guarantees', { token: tk('admin'), body: {
    number: 'G-LATER-1', party: TRADER2, kind: 'bank', issuer: 'Bank of Ningbo',
    amount: '100000.00', valid_from: '2026-01-01', valid_to: '2030-12-31' } });
  assert.equal(g.status, 201, g.text);
  const after = (await api(s.base, 'GET', `/v1/declarations/${d.id}`, { token: tk('trader2') })).json;
  assert.equal(after.status, 'released');
  assert.equal(after.bill.status, 'secured');
  assert.equal((await bill(after.bill.number, 'trader2')).json.guarantee, 'G-LATER-1');
  const ev = (await api(s.base, 'GET', `/v1/declarations/${d.id}/events`, { token: tk('trader2') })).json;
  const items = ev.items ?? ev;
  assert.ok(items.some((e) => e.kind === 'status' && e.status === 'released'));
});

test('a bank sees only the bills of parties that signed an agreement with it', async () => {
  const r = await api(s.base, 'POST', '/v1/declarations', { token: tk('trader1'), body: shrimp(TRADER1, '100.00') });
  const number = r.json.bill.number;
  assert.equal((await bill(number, 'bank1')).status, 200); // trader1 has an agreement (demo)
  assert.equal((await bill(number, 'trader2')).status, 404);
  assert.equal((await bill(number, 'port1')).status, 404);
  const list = (await api(s.base, 'GET', '/v1/bills', { token: tk('bank1') })).json.items;
  assert.ok(list.some((b) => b.number === number));
  assert.ok(list.every((b) => [TRADER1, TRADER2].includes(b.party)));
});

test('exchange rates are set by administrators; the tariff is public; revenue reconciles', async () => {
  const set = await api(s.base, 'PUT', '/v1/exchange-rates/CHF', { token: tk('admin'),
    body: { rate: '8.05', effective_from: '2026-01-01' } });
  assert.equal(set.status, 200, set.text);
  assert.ok(set.json.items.some((x) => x.currency === 'CHF' && x.rate === '8.05'));
  const denied = await api(s.base, 'PUT', '/v1/exchange-rates/CHF', { token: tk('customs1'), body: { rate: '1', effective_from: '2026-01-01' } });
  assert.equal(denied.status, 403);
  const badRate = await api(s.base, 'PUT', '/v1/exchange-rates/XXX', { token: tk('admin'), body: { rate: 'abc' } });
  assert.equal(badRate.status, 422);
  const t = await api(s.base, 'GET', '/v1/tariff/03061711');
  assert.equal(t.status, 200);
  assert.equal(t.json.lines[0].code, '030617');
  assert.equal(t.json.lines[0].mfn, '5');
  assert.ok(t.json.preferences.some((p) => p.agreement === 'RCEP'));
  const today = new Date().toISOString().slice(0, 10);
  const rev = await api(s.base, 'GET', `/v1/reports/revenue?date=${today}`, { token: tk('customs1') });
  assert.equal(rev.status, 200, rev.text);
  assert.ok(rev.json.issued.count >= 6);
  assert.ok(rev.json.paid.count >= 3);
  assert.ok(rev.json.secured.count >= 1);
  assert.ok(rev.json.restored.count >= 1);
  assert.ok(rev.json.outstanding.count >= 1);
  const billsAll = (await api(s.base, 'GET', '/v1/bills', { token: tk('admin') })).json.items;
  const unpaid = billsAll.filter((b) => b.status === 'unpaid' || b.status === 'secured')
    .reduce((acc, b) => acc + Math.round(Number(b.amount) * 100), 0);
  assert.equal(Math.round(Number(rev.json.outstanding.amount) * 100), unpaid);
  assert.equal((await api(s.base, 'GET', '/v1/reports/revenue', { token: tk('admin') })).status, 400);
  assert.equal((await api(s.base, 'GET', `/v1/reports/revenue?date=${today}`, { token: tk('quarantine1') })).status, 403);
});
