// declarations-access.test.mjs - issue 3: least privilege. A trader sees its own
// declarations only; an agency only what was routed to it; a broker acts only under a
// mandate; only officers decide.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { system, api } from './lib/harness.mjs';
import { assertProblem } from './lib/assert-problem.mjs';
import {
  shrimpImport, phoneImport, vesselArrival, submit, submitOk, getDecl, taskOf, decide, inbox, allPages,
  TRADER1_PARTY, TRADER2_PARTY, BROKER1_PARTY,
  closeClean,
} from './lib/declarations.mjs';

let s;
let shrimp; // trader1's shrimp import: CUSTOMS + QUARANTINE
let phone; // trader1's green-channel import: CUSTOMS only
before(async () => {
  s = await system();
  shrimp = await submitOk(s.base, s.token('trader1'), shrimpImport());
  phone = await submitOk(s.base, s.token('trader1'), phoneImport());
});
after(async () => { await closeClean(s); });

const tk = (login) => s.token(login);
const listAll = (login) => allPages(s.base, tk(login), '/v1/declarations?limit=200');

test('another trader cannot read, list, see the timeline of, or act on a declaration', async () => {
  assertProblem(await getDecl(s.base, tk('trader2'), shrimp.id), 404, 'not_found');
  assert.equal((await api(s.base, 'GET', `/v1/declarations/${shrimp.id}/events`,
    { token: tk('trader2') })).status, 404);
  const mine = await listAll('trader2');
  assert.ok(!mine.some((d) => d.id === shrimp.id || d.id === phone.id));
  assert.equal((await api(s.base, 'POST', `/v1/declarations/${shrimp.id}/cancel`,
    { token: tk('trader2') })).status, 404);
  assert.equal((await getDecl(s.base, tk('trader1'), shrimp.id)).json.status, 'under_review');
  // the owner lists both
  const t1 = await listAll('trader1');
  assert.ok(t1.some((d) => d.id === shrimp.id));
  assert.ok(t1.some((d) => d.id === phone.id));
  // an unknown id looks the same as someone else's
  assertProblem(await getDecl(s.base, tk('trader2'), 987654), 404, 'not_found');
  assert.equal((await getDecl(s.base, tk('trader2'), 'abc')).status, 404);
});

test('an agency sees only declarations routed to it', async () => {
  // COMMERCE has no task on either
  assertProblem(await getDecl(s.base, tk('commerce1'), shrimp.id), 404);
  assert.equal((await api(s.base, 'GET', `/v1/declarations/${shrimp.id}/events`,
    { token: tk('commerce1') })).status, 404);
  const box = await inbox(s.base, tk('commerce1'), 'COMMERCE');
  assert.ok(!box.some((t) => t.declaration.id === shrimp.id));
  // QUARANTINE sees the shrimp but not the phones
  assert.equal((await getDecl(s.base, tk('quarantine1'), shrimp.id)).status, 200);
  assertProblem(await getDecl(s.base, tk('quarantine1'), phone.id), 404);
  // CUSTOMS sees both
  assert.equal((await getDecl(s.base, tk('customs1'), phone.id)).status, 200);
  assert.equal((await getDecl(s.base, tk('customs-sup'), shrimp.id)).status, 200);
  // the administrator sees everything
  assert.equal((await getDecl(s.base, tk('admin'), shrimp.id)).status, 200);
});

test("an officer reads only the own agency's inbox and decides only its tasks", async () => {
  assertProblem(await api(s.base, 'GET', '/v1/agencies/QUARANTINE/tasks', { token: tk('customs1') }),
    403, 'forbidden');
  assertProblem(await api(s.base, 'GET', '/v1/agencies/CUSTOMS/tasks', { token: tk('trader1') }), 403);
  assert.equal((await api(s.base, 'GET', '/v1/agencies/QUARANTINE/tasks',
    { token: tk('admin') })).status, 200);
  // customs cannot decide the quarantine task (it does not exist for customs)
  const q = taskOf(shrimp, 'QUARANTINE');
  assertProblem(await decide(s.base, tk('customs1'), q.id, { decision: 'approve' }), 404);
  // a trader cannot decide at all, not even on its own declaration
  assertProblem(await decide(s.base, tk('trader1'), q.id, { decision: 'approve' }), 403);
  // nor can the administrator (decisions belong to agencies)
  assertProblem(await decide(s.base, tk('admin'), q.id, { decision: 'approve' }), 403);
  assert.equal(taskOf((await getDecl(s.base, tk('trader1'), shrimp.id)).json, 'QUARANTINE').state,
    'pending');
});

test('officers cannot submit, answer or cancel declarations', async () => {
  assertProblem(await submit(s.base, tk('customs1'), shrimpImport()), 403);
  assertProblem(await api(s.base, 'GET', '/v1/declarations', { token: tk('customs1') }), 403);
  assertProblem(await api(s.base, 'POST', `/v1/declarations/${shrimp.id}/cancel`,
    { token: tk('customs1') }), 403);
});

test('unauthenticated calls are 401', async () => {
  assertProblem(await submit(s.base, undefined, shrimpImport()), 401);
  assertProblem(await submit(s.base, 'not-a-token', shrimpImport()), 401);
  assertProblem(await getDecl(s.base, undefined, shrimp.id), 401);
  assertProblem(await api(s.base, 'GET', '/v1/declarations'), 401);
  assertProblem(await api(s.base, 'GET', '/v1/events'), 401);
  assertProblem(await decide(s.base, undefined, taskOf(shrimp, 'CUSTOMS').id, { decision: 'approve' }), 401);
});

test('a broker declares for a principal with a mandate; both see it', async () => {
  const r = await submit(s.base, tk('broker1'), shrimpImport({ importer: { id: TRADER1_PARTY } }));
  assert.equal(r.status, 201, r.text);
  const d = r.json;
  assert.equal(d.declarant, BROKER1_PARTY);
  assert.equal(d.principal, TRADER1_PARTY);
  assert.equal((await getDecl(s.base, tk('broker1'), d.id)).status, 200);
  assert.equal((await getDecl(s.base, tk('trader1'), d.id)).status, 200);
  assert.ok((await listAll('broker1')).some((x) => x.id === d.id));
  assert.ok((await listAll('trader1')).some((x) => x.id === d.id));
  assertProblem(await getDecl(s.base, tk('trader2'), d.id), 404);
  // the broker does not see trader1's own declarations
  assertProblem(await getDecl(s.base, tk('broker1'), shrimp.id), 404);
  // the principal may answer and cancel it too
  const c = await api(s.base, 'POST', `/v1/declarations/${d.id}/cancel`, { token: tk('trader1') });
  assert.equal(c.status, 200, c.text);
  assert.equal(c.json.status, 'cancelled');
});

test('no mandate, no declaration: 403 no_mandate and nothing stored', async () => {
  const before2 = (await listAll('trader2')).length;
  const beforeB = (await listAll('broker1')).length;
  const r = await submit(s.base, tk('broker1'), shrimpImport({ importer: { id: TRADER2_PARTY } }));
  const doc = assertProblem(r, 403, 'no_mandate');
  assert.ok(doc.errors.some((e) => e.path === '/importer/id'));
  // a trader cannot declare for another trader either
  assertProblem(await submit(s.base, tk('trader2'), shrimpImport({ importer: { id: TRADER1_PARTY } })),
    403, 'no_mandate');
  // a vessel call's principal is its carrier
  const va = await submit(s.base, tk('trader1'), vesselArrival());
  const vdoc = assertProblem(va, 403, 'no_mandate');
  assert.ok(vdoc.errors.some((e) => e.path === '/carrier/id'));
  assert.equal((await listAll('trader2')).length, before2);
  assert.equal((await listAll('broker1')).length, beforeB);
});

test('an importer that is not registered is a validation problem', async () => {
  const r = await submit(s.base, tk('trader1'), shrimpImport({ importer: { id: '91110000NOTHERE01' } }));
  const doc = assertProblem(r, 422, 'unknown_party');
  assert.ok(doc.errors.some((e) => e.path === '/importer/id'));
});
