// events.test.mjs - issue 3: GET /v1/events?after=&wait= - the caller's event feed,
// resumable by cursor, long-polling so systems are notified without tight polling.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { system, api } from './lib/harness.mjs';
import { assertProblem } from './lib/assert-problem.mjs';
import {
  shrimpImport, phoneImport, submitOk, taskOf, decideOk, TRADER2_PARTY,
  closeClean,
} from './lib/declarations.mjs';

let s;
let t1a; // trader1's shrimp import (CUSTOMS + QUARANTINE)
let t2a; // trader2's phone import (CUSTOMS, green)
const tk = (login) => s.token(login);

before(async () => {
  s = await system();
  t1a = await submitOk(s.base, tk('trader1'), shrimpImport());
  t2a = await submitOk(s.base, tk('trader2'), phoneImport({ importer: { id: TRADER2_PARTY } }));
});
after(async () => { await closeClean(s); });

async function feed(login, query) {
  const r = await api(s.base, 'GET', `/v1/events${query}`, { token: tk(login) });
  assert.equal(r.status, 200, r.text);
  return r.json;
}

/** Every event the caller may see, and the cursor after the last. */
async function drain(login) {
  let after = '0';
  const items = [];
  for (let i = 0; i < 100; i++) {
    const page = await feed(login, `?after=${after}&limit=500`);
    items.push(...page.items);
    if (page.items.length === 0) return { items, next: page.next };
    after = page.next;
  }
  throw new Error('feed did not end');
}

test("after=0 gives the caller's own events only, in order, with a cursor", async () => {
  const mine = await drain('trader1');
  const decls = new Set(mine.items.map((e) => e.declaration));
  assert.ok(decls.has(t1a.id));
  assert.ok(!decls.has(t2a.id), "trader1 sees none of trader2's events");
  for (let i = 1; i < mine.items.length; i++) assert.ok(mine.items[i].seq > mine.items[i - 1].seq);
  assert.equal(mine.next, String(mine.items.at(-1).seq));
  const e = mine.items[0];
  for (const k of ['seq', 'at', 'declaration', 'kind', 'status', 'actor', 'automated', 'detail'])
    assert.ok(k in e, `event has ${k}`);
  const theirs = await drain('trader2');
  assert.ok(theirs.items.length > 0);
  assert.ok(theirs.items.every((x) => x.declaration === t2a.id), "trader2 sees none of trader1's");
  // an agency sees the events of declarations routed to it only
  const com = await drain('commerce1');
  assert.deepEqual(com.items, []);
  const qua = await drain('quarantine1');
  assert.ok(qua.items.some((x) => x.declaration === t1a.id));
  assert.ok(!qua.items.some((x) => x.declaration === t2a.id), 'phones never went to quarantine');
  // resuming from a cursor gives only what came later
  const mid = mine.items[1].seq;
  const rest = await feed('trader1', `?after=${mid}&limit=500`);
  assert.deepEqual(rest.items.map((x) => x.seq), mine.items.slice(2).map((x) => x.seq));
  const one = await feed('trader1', '?after=0&limit=1');
  assert.equal(one.items.length, 1);
  assert.equal(one.next, String(one.items[0].seq));
});

test('long poll: a parked request returns promptly when a routed declaration arrives', async () => {
  const { next } = await drain('customs1');
  const t0 = Date.now();
  const poll = feed('customs1', `?after=${next}&wait=10`);
  await new Promise((r) => setTimeout(r, 300));
  const d = await submitOk(s.base, tk('trader1'), shrimpImport());
  const tSubmit = Date.now();
  const got = await poll;
  const tDone = Date.now();
  assert.ok(tDone - t0 < 5000, `returned after ${tDone - t0} ms`);
  assert.ok(tDone - tSubmit < 4000, `returned ${tDone - tSubmit} ms after the submission`);
  assert.ok(got.items.length > 0);
  assert.ok(got.items.every((e) => e.seq > Number(next)));
  assert.ok(got.items.some((e) => e.declaration === d.id && e.kind === 'registered'));
  assert.equal(got.next, String(got.items.at(-1).seq));
});

test('long poll wakes on a decision too', async () => {
  const { next } = await drain('trader1');
  const poll = feed('trader1', `?after=${next}&wait=10`);
  await new Promise((r) => setTimeout(r, 200));
  const t0 = Date.now();
  await decideOk(s.base, tk('quarantine1'), taskOf(t1a, 'QUARANTINE').id, { decision: 'approve' });
  const got = await poll;
  assert.ok(Date.now() - t0 < 4000, `woke ${Date.now() - t0} ms after the decision`);
  assert.ok(got.items.some((e) => e.kind === 'decision' && e.agency === 'QUARANTINE'
    && e.declaration === t1a.id));
});

test("long poll is not woken by others' events: it waits, then returns empty", async () => {
  const { next } = await drain('trader2');
  const t0 = Date.now();
  const poll = feed('trader2', `?after=${next}&wait=2`);
  await new Promise((r) => setTimeout(r, 200));
  await submitOk(s.base, tk('trader1'), shrimpImport());
  const got = await poll;
  const took = Date.now() - t0;
  assert.deepEqual(got.items, []);
  assert.equal(got.next, next, 'the cursor stays');
  assert.ok(took >= 1800, `waited ${took} ms`);
  assert.ok(took < 5000, `waited ${took} ms`);
});

test('wait=0 returns at once; wait beyond the maximum is 400', async () => {
  const { next } = await drain('customs1');
  const t0 = Date.now();
  const got = await feed('customs1', `?after=${next}&wait=0`);
  assert.ok(Date.now() - t0 < 2000);
  assert.deepEqual(got.items, []);
  assert.equal(got.next, next);
  const t1 = Date.now();
  await feed('customs1', `?after=${next}`); // no wait given: immediate
  assert.ok(Date.now() - t1 < 2000);
  assertProblem(await api(s.base, 'GET', '/v1/events?after=0&wait=99', { token: tk('customs1') }), 400);
  assertProblem(await api(s.base, 'GET', '/v1/events?after=x', { token: tk('customs1') }), 400);
  assertProblem(await api(s.base, 'GET', '/v1/events?limit=0', { token: tk('customs1') }), 400);
});

test('many parked polls are all answered by one commit', async () => {
  const { next } = await drain('customs1');
  const polls = Array.from({ length: 8 }, () => feed('customs1', `?after=${next}&wait=10`));
  await new Promise((r) => setTimeout(r, 300));
  const t0 = Date.now();
  const d = await submitOk(s.base, tk('trader1'), phoneImport());
  const got = await Promise.all(polls);
  assert.ok(Date.now() - t0 < 4000, `answered ${Date.now() - t0} ms after the commit`);
  for (const g of got) assert.ok(g.items.some((e) => e.declaration === d.id));
});

test('a client that gives up on a parked poll does not disturb the server', async () => {
  const { next } = await drain('customs1');
  const ctrls = Array.from({ length: 4 }, () => new AbortController());
  const polls = ctrls.map((c) => fetch(`${s.base}/v1/events?after=${next}&wait=10`,
    { headers: { authorization: `Bearer ${tk('customs1')}` }, signal: c.signal }).catch((e) => e));
  await new Promise((r) => setTimeout(r, 300));
  for (const c of ctrls) c.abort();
  const aborted = await Promise.all(polls);
  assert.ok(aborted.every((e) => e instanceof Error && e.name === 'AbortError'));
  // the server resumes the abandoned requests on the next commit without harm
  const d = await submitOk(s.base, tk('trader1'), shrimpImport());
  await new Promise((r) => setTimeout(r, 500));
  assert.equal((await api(s.base, 'GET', '/healthz')).status, 200);
  const got = await feed('customs1', `?after=${next}&wait=5`);
  assert.ok(got.items.some((e) => e.declaration === d.id));
});
