// declarations-lists.test.mjs - issue 3: a party's own declarations with filters
// (status, type, hs, from, to) and cursor pages; an agency's inbox with filters and pages.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { system, api } from './lib/harness.mjs';
import { assertProblem } from './lib/assert-problem.mjs';
import {
  shrimpImport, phoneImport, submitOk, taskOf, decideOk, allPages, assertNumber,
  TRADER1_PARTY, TRADER2_PARTY,
  closeClean,
} from './lib/declarations.mjs';

let s;
const D = {};
const tk = (login) => s.token(login);
const ids = (items) => items.map((d) => d.id);
const list = async (query, login = 'trader1') => {
  const r = await api(s.base, 'GET', `/v1/declarations${query}`, { token: tk(login) });
  assert.equal(r.status, 200, r.text);
  return r.json;
};

async function releaseAll(d, expected = 'released') {
  let last = d;
  for (const t of d.tasks.filter((x) => x.state === 'pending'))
    last = await decideOk(s.base, tk(t.agency === 'CUSTOMS' ? 'customs1' : 'quarantine1'), t.id,
      { decision: 'approve' });
  assert.equal(last.status, expected);
}

before(async () => {
  s = await system();
  D.a = await submitOk(s.base, tk('trader1'), shrimpImport()); // IM 0306 -> released
  await releaseAll(D.a);
  D.b = await submitOk(s.base, tk('trader1'), shrimpImport()); // IM 0306 under review
  D.c = await submitOk(s.base, tk('trader1'), phoneImport()); // IM 8517 released (green)
  const ex = shrimpImport({ type: 'EX', exporter: { id: TRADER1_PARTY }, destination: 'JP',
    importer: { id: 'JP1234567890', name: 'Tokyo Foods KK' } });
  ex.invoice.total = '9000.00';
  ex.items[0].value = '9000.00';
  D.d = await submitOk(s.base, tk('trader1'), ex); // EX 0306: quarantine, customs green
  await releaseAll(D.d);
  D.e = await submitOk(s.base, tk('trader2'), shrimpImport({ importer: { id: TRADER2_PARTY } }));
  await releaseAll(D.e, 'awaiting_payment'); // trader2 has no guarantee: its duties must be paid

});
after(async () => { await closeClean(s); });

test('an export gets an official number with the E flag (0)', () => {
  assertNumber(D.d.number, '2200', '0');
  assertNumber(D.a.number, '2200', '1');
  assert.equal(taskOf(D.d, 'CUSTOMS').automated, true);
});

test('own declarations, newest first, each with its summary', async () => {
  const all = await list('?limit=200');
  assert.deepEqual(ids(all.items), [D.d.id, D.c.id, D.b.id, D.a.id]);
  assert.equal(all.next, undefined);
  const a = all.items.find((x) => x.id === D.a.id);
  assert.equal(a.number, D.a.number);
  assert.equal(a.status, 'released');
  assert.equal(a.type, 'IM');
  assert.equal(a.reference, D.a.reference);
  assert.deepEqual(ids((await list('?limit=200', 'trader2')).items), [D.e.id]);
});

test('filters: status, type, hs, and their combination', async () => {
  assert.deepEqual(ids((await list('?status=released&type=IM&hs=0306')).items), [D.a.id]);
  assert.deepEqual(ids((await list('?status=released')).items), [D.d.id, D.c.id, D.a.id]);
  assert.deepEqual(ids((await list('?status=under_review')).items), [D.b.id]);
  assert.deepEqual(ids((await list('?type=EX')).items), [D.d.id]);
  assert.deepEqual(ids((await list('?type=VA')).items), []);
  assert.deepEqual(ids((await list('?hs=8517')).items), [D.c.id]);
  assert.deepEqual(ids((await list('?hs=851713')).items), [D.c.id]);
  assert.deepEqual(ids((await list('?hs=03')).items), [D.d.id, D.b.id, D.a.id]);
  assert.deepEqual(ids((await list('?hs=030617')).items), [D.d.id, D.b.id, D.a.id]);
  assert.deepEqual(ids((await list('?hs=0307')).items), []);
  // trader2's released shrimp import never shows in trader1's list
  assert.ok(!ids((await list('?status=released&type=IM&hs=0306')).items).includes(D.e.id));
});

test('filters: from and to (RFC 3339, created_at)', async () => {
  assert.deepEqual(ids((await list('?from=2999-01-01T00:00:00Z')).items), []);
  assert.deepEqual(ids((await list('?to=2000-01-01T00:00:00Z')).items), []);
  const fromC = await list(`?from=${D.c.created_at}`);
  assert.deepEqual(ids(fromC.items), [D.d.id, D.c.id]);
  const toC = await list(`?to=${D.c.created_at}`);
  assert.deepEqual(ids(toC.items), [D.b.id, D.a.id]);
});

test('cursor pagination with limit=1 walks every declaration once', async () => {
  const first = await list('?limit=1');
  assert.equal(first.items.length, 1);
  assert.equal(typeof first.next, 'string');
  const seen = [];
  let page = first;
  for (let i = 0; i < 10; i++) {
    seen.push(...ids(page.items));
    if (!page.next) break;
    page = await list(`?limit=1&after=${page.next}`);
  }
  assert.deepEqual(seen, [D.d.id, D.c.id, D.b.id, D.a.id]);
  // pages combine with filters
  const p1 = await list('?limit=2&hs=03');
  assert.deepEqual(ids(p1.items), [D.d.id, D.b.id]);
  const p2 = await list(`?limit=2&hs=03&after=${p1.next}`);
  assert.deepEqual(ids(p2.items), [D.a.id]);
  assert.equal(p2.next, undefined);
});

test('bad list parameters are 400', async () => {
  for (const q of ['?status=bogus', '?type=ZZ', '?hs=03a', '?hs=0', '?limit=0', '?limit=201',
    '?after=-1', '?from=yesterday', '?to=2026-01-01']) {
    const r = await api(s.base, 'GET', `/v1/declarations${q}`, { token: tk('trader1') });
    assertProblem(r, 400);
  }
});

test("an agency's inbox: only its tasks, filters by state and type, cursor pages", async () => {
  const all = await allPages(s.base, tk('quarantine1'), '/v1/agencies/QUARANTINE/tasks?limit=200');
  const expected = [D.a, D.b, D.d, D.e].map((d) => taskOf(d, 'QUARANTINE').id).sort((x, y) => x - y);
  assert.deepEqual(ids(all), expected, 'the phones were never routed to quarantine');
  assert.ok(all.every((t) => t.agency === 'QUARANTINE'));
  const pend = await allPages(s.base, tk('quarantine1'), '/v1/agencies/QUARANTINE/tasks?state=pending');
  assert.deepEqual(ids(pend), [taskOf(D.b, 'QUARANTINE').id]);
  assert.equal(pend[0].declaration.id, D.b.id);
  assert.equal(pend[0].declaration.status, 'under_review');
  const ex = await allPages(s.base, tk('quarantine1'), '/v1/agencies/QUARANTINE/tasks?type=EX');
  assert.deepEqual(ex.map((t) => t.declaration.id), [D.d.id]);
  // one at a time
  const walked = await allPages(s.base, tk('quarantine1'), '/v1/agencies/QUARANTINE/tasks?limit=1');
  assert.deepEqual(ids(walked), expected);
  for (const q of ['?state=bogus', '?type=ZZ', '?limit=0']) {
    assertProblem(await api(s.base, 'GET', `/v1/agencies/QUARANTINE/tasks${q}`,
      { token: tk('quarantine1') }), 400);
  }
});
