// query.test.mjs - issue 9 part 4: a trader's CSV export of its own declarations, and the
// public aggregates of declarations and declared value (small groups suppressed; the
// administrator sees every group).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { system, api } from './lib/harness.mjs';
import { assertProblem } from './lib/assert-problem.mjs';
import { shrimpImport, phoneImport, submitOk } from './lib/declarations.mjs';

let s;
const mine = [];
before(async () => {
  s = await system();
  for (let i = 0; i < 5; i++) mine.push(await submitOk(s.base, s.token('trader1'), phoneImport()));
  mine.push(await submitOk(s.base, s.token('trader1'), shrimpImport()));
});
after(async () => {
  const r = await s?.close();
  assert.deepEqual(r, { code: 0, signal: null });
});

const stats = async (q, token) => {
  const r = await api(s.base, 'GET', `/v1/stats/declarations?${q}`, { token });
  assert.equal(r.status, 200, r.text);
  return r.json;
};

test('declarations and declared value by type, HS chapter and origin; small groups suppressed', async () => {
  const type = await stats('by=type');
  // five phones at 2,000.00 USD and one shrimp import at 98,000.00 USD
  assert.deepEqual(type.items, [{ key: 'IM', currency: 'USD', suppressed: false, declarations: 6, value: '108000.00' }]);
  const ch = await stats('by=hs_chapter');
  assert.deepEqual(ch.items, [
    { key: '03', currency: 'USD', suppressed: true },
    { key: '85', currency: 'USD', suppressed: false, declarations: 5, value: '10000.00' },
  ]);
  const origin = await stats('by=origin');
  assert.deepEqual(origin.items.map((i) => [i.key, i.suppressed]), [['KR', false], ['VN', true]]);
  const admin = await stats('by=origin', s.token('admin'));
  assert.deepEqual(admin.items.find((i) => i.key === 'VN'), { key: 'VN', currency: 'USD', suppressed: false, declarations: 1, value: '98000.00' });
  const month = await stats('by=month');
  assert.equal(month.items[0].key, new Date().toISOString().slice(0, 7));
  const csv = await api(s.base, 'GET', '/v1/stats/declarations?by=hs_chapter&format=csv');
  assert.equal(csv.text, 'key,currency,declarations,value,suppressed\n03,USD,,,true\n85,USD,5,10000.00,false\n');
  assertProblem(await api(s.base, 'GET', '/v1/stats/declarations?by=colour'), 400, 'bad_parameter');
});

test('a trader exports its own declarations as CSV, and only its own', async () => {
  const r = await api(s.base, 'GET', '/v1/exports/declarations', { token: s.token('trader1') });
  assert.equal(r.status, 200, r.text);
  assert.match(r.headers.get('content-type'), /^text\/csv/);
  const lines = r.text.trim().split('\n');
  assert.equal(lines[0], 'number,reference,type,status,office,created_at,updated_at');
  assert.equal(lines.length, 7);
  assert.deepEqual(lines.slice(1).map((l) => l.split(',')[0]).sort(), mine.map((d) => d.number).sort());
  const hs = await api(s.base, 'GET', '/v1/exports/declarations?hs=0306', { token: s.token('trader1') });
  assert.equal(hs.text.trim().split('\n').length, 2);
  const other = await api(s.base, 'GET', '/v1/exports/declarations', { token: s.token('trader2') });
  assert.equal(other.text, 'number,reference,type,status,office,created_at,updated_at\n');
  assert.equal((await api(s.base, 'GET', '/v1/exports/declarations')).status, 401);
  assertProblem(await api(s.base, 'GET', '/v1/exports/declarations?from=x', { token: s.token('trader1') }), 400, 'bad_parameter');
});
