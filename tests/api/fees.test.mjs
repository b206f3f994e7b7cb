// fees.test.mjs - issue 9: the public fee catalogue (TFA art. 1.1, 6.1), versions with a
// future effective date (both rates visible until then, the new one in force from the
// date), and the estimator's total against a hand computation.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { system, api } from './lib/harness.mjs';
import { assertProblem } from './lib/assert-problem.mjs';

let s;
before(async () => { s = await system(); });
after(async () => {
  const r = await s?.close();
  assert.deepEqual(r, { code: 0, signal: null });
});

const day = (offset) => new Date(Date.now() + offset * 86400000).toISOString().slice(0, 10);
const TODAY = day(0);
const LATER = day(7);
const PORT = 'CNTXG';

const fee = (over) => ({
  port: PORT, entity: 'Tianjin Port (Group) Co., Ltd.', description: 'a charge',
  basis: 'as the unit says', currency: 'CNY', setting: 'market',
  legal_basis: 'Published tariff', effective_from: '2026-01-01', ...over,
});
const publish = (body, login = 'admin') => api(s.base, 'POST', '/v1/fees', { token: s.token(login), body });
const catalogue = async (q) => {
  const r = await api(s.base, 'GET', `/v1/fees?${q}`); // public
  assert.equal(r.status, 200, r.text);
  return r.json;
};
const estimate = async (q) => {
  const r = await api(s.base, 'GET', `/v1/fees/estimate?${q}`);
  assert.equal(r.status, 200, r.text);
  return r.json;
};

test('the demo catalogue has two ports, with who charges what, on what basis', async () => {
  const doc = await catalogue('port=CNSHA');
  assert.ok(doc.ports.includes('CNSHA') && doc.ports.includes('CNNGB'), JSON.stringify(doc.ports));
  const pilot = doc.items.find((i) => i.item === 'pilotage');
  assert.equal(pilot.entity, 'Shanghai Pilot Station');
  assert.equal(pilot.unit, 'per_gt');
  assert.equal(pilot.rate, '0.45');
  assert.equal(pilot.setting, 'government');
  assert.match(pilot.legal_basis, /Port Charges Rules/);
  assert.equal(pilot.status, 'current');
  // the demo storage charge rises next month: both rates are published now
  const storage = doc.items.filter((i) => i.item === 'storage').map((i) => [i.status, i.rate]);
  assert.deepEqual(storage, [['current', '10.00'], ['upcoming', '12.00']]);
});

test('the estimator total equals the hand computation', async () => {
  for (const f of [
    { item: 'pilotage', unit: 'per_gt', rate: '0.40', setting: 'government' },
    { item: 'thc_20', unit: 'per_container_20', rate: '800.00' },
    { item: 'thc_40', unit: 'per_container_40', rate: '1200' },
    { item: 'storage', unit: 'per_container_day', rate: '12.50', free_days: 3 },
    { item: 'wharfage', unit: 'per_tonne', rate: '0.125' },
  ]) {
    const r = await publish(fee(f));
    assert.equal(r.status, 201, r.text);
  }
  const e = await estimate(`port=${PORT}&gross_tonnage=30000&containers_20=4&containers_40=2&storage_days=5&tonnes=3&date=${TODAY}`);
  const amounts = Object.fromEntries(e.charges.map((c) => [c.item, [c.quantity, c.amount]]));
  assert.deepEqual(amounts, {
    pilotage: [30000, '12000.00'], // 0.40 x 30000 GT
    thc_20: [4, '3200.00'], // 800 x 4
    thc_40: [2, '2400.00'], // 1200 x 2
    storage: [12, '150.00'], // 6 boxes x (5 - 3 free days) x 12.50
    wharfage: [3, '0.38'], // 0.125 x 3 = 0.375, half up
  });
  assert.deepEqual(e.totals, [{ currency: 'CNY', amount: '17750.38' }]);
  // nothing stored beyond the free days: no storage line
  const e2 = await estimate(`port=${PORT}&containers_20=1&storage_days=3&date=${TODAY}`);
  assert.deepEqual(e2.charges.map((c) => c.item), ['thc_20']);
  assert.deepEqual(e2.totals, [{ currency: 'CNY', amount: '800.00' }]);
});

test('a change with a future date shows both rates and takes effect on the date', async () => {
  const r = await publish(fee({ item: 'thc_20', unit: 'per_container_20', rate: '880.00', effective_from: LATER }));
  assert.equal(r.status, 201, r.text);
  const now = await catalogue(`port=${PORT}`);
  assert.deepEqual(now.items.filter((i) => i.item === 'thc_20').map((i) => [i.status, i.rate, i.effective_from]),
    [['current', '800.00', '2026-01-01'], ['upcoming', '880.00', LATER]]);
  const then = await catalogue(`port=${PORT}&date=${LATER}`);
  assert.deepEqual(then.items.filter((i) => i.item === 'thc_20').map((i) => [i.status, i.rate]),
    [['current', '880.00']]);
  const hist = await catalogue(`port=${PORT}&date=${LATER}&history=1`);
  assert.deepEqual(hist.items.filter((i) => i.item === 'thc_20').map((i) => [i.status, i.rate]),
    [['past', '800.00'], ['current', '880.00']]);
  const before = await estimate(`port=${PORT}&containers_20=4&date=${day(6)}`);
  assert.deepEqual(before.totals, [{ currency: 'CNY', amount: '3200.00' }]);
  const on = await estimate(`port=${PORT}&containers_20=4&date=${LATER}`);
  assert.deepEqual(on.totals, [{ currency: 'CNY', amount: '3520.00' }]);
  // an end date withdraws a fee from that day
  const w = await publish(fee({ item: 'wharfage', unit: 'per_tonne', rate: '0.125', effective_from: '2026-01-02', effective_to: LATER }));
  assert.equal(w.status, 201, w.text);
  const gone = await catalogue(`port=${PORT}&date=${LATER}`);
  assert.equal(gone.items.find((i) => i.item === 'wharfage'), undefined);
});

test('publishing: validation, duplicates, administrators only', async () => {
  let r = await publish(fee({ item: 'Bad Item', unit: 'per_elephant', rate: '-1', currency: 'QQQ', setting: 'maybe', effective_from: 'soon' }));
  const doc = assertProblem(r, 422);
  assert.deepEqual(doc.errors.map((e) => `${e.path} ${e.code}`).sort(), [
    '/currency unknown_currency', '/effective_from bad_datetime', '/item bad_format',
    '/rate bad_decimal', '/setting bad_value', '/unit unknown_unit']);
  r = await publish(fee({ item: 'thc_40', unit: 'per_container_40', rate: '1300' }));
  assertProblem(r, 409, 'version_exists');
  r = await publish(fee({ item: 'x', unit: 'per_call', rate: '1' }), 'trader1');
  assert.equal(r.status, 403);
  r = await api(s.base, 'GET', '/v1/fees/estimate?port=cnsha');
  assertProblem(r, 400, 'bad_parameter');
  r = await api(s.base, 'GET', '/v1/fees/estimate?port=CNSHA&containers_20=-1');
  assertProblem(r, 400);
});
