// declarations-flow.test.mjs - issue 3: one declaration, many agencies in parallel, from
// submission to outcome (release, clearance, hold, rejection, inspection, cancellation,
// green channel, idempotency, concurrent decisions).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { system, api } from './lib/harness.mjs';
import { assertProblem } from './lib/assert-problem.mjs';
import {
  shrimpImport, phoneImport, vesselArrival, submit, submitOk, getDecl, taskOf, decide,
  decideOk, inbox, assertNumber, OFFICERS, TRADER2_PARTY,
  closeClean,
} from './lib/declarations.mjs';

let s;
before(async () => { s = await system(); });
after(async () => { await closeClean(s); });

const tk = (login) => s.token(login);

async function events(id, login = 'trader1') {
  const r = await api(s.base, 'GET', `/v1/declarations/${id}/events`, { token: tk(login) });
  assert.equal(r.status, 200, r.text);
  return r.json.items;
}

/** Submits the shrimp import and checks the parallel fan-out; returns the declaration. */
async function submitShrimp() {
  const r = await submit(s.base, tk('trader1'), shrimpImport());
  assert.equal(r.status, 201, r.text);
  assert.equal(r.headers.get('location'), `/v1/declarations/${r.json.id}`);
  return r.json;
}

async function releasedInOrder(order) {
  const d = await submitShrimp();
  assert.equal(typeof d.id, 'number');
  assertNumber(d.number, '2200', '1');
  assert.equal(d.type, 'IM');
  assert.equal(d.status, 'under_review');
  assert.equal(d.tasks.length, 2, JSON.stringify(d.tasks));
  for (const t of d.tasks) {
    assert.deepEqual(Object.keys(t).filter((k) => ['id', 'agency', 'state', 'reason', 'rule',
      'automated', 'since'].includes(k)).sort(),
    ['agency', 'automated', 'id', 'reason', 'rule', 'since', 'state']);
    assert.equal(t.state, 'pending');
    assert.equal(t.automated, false);
    assert.equal(typeof t.reason, 'string');
    assert.ok(t.reason.length > 0);
    assert.match(t.since, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
  }
  const customs = taskOf(d, 'CUSTOMS');
  const quarantine = taskOf(d, 'QUARANTINE');
  assert.equal(quarantine.rule, 'quarantine-food-wood');
  assert.ok(['customs-food-origin-check', 'customs-high-value'].includes(customs.rule), customs.rule);
  assert.deepEqual(d.pending.map((p) => p.agency).sort(), ['CUSTOMS', 'QUARANTINE']);
  for (const p of d.pending) assert.equal(p.state, 'pending');

  // both inboxes hold their task right after submission, before anyone decided
  const [ci, qi] = await Promise.all([
    inbox(s.base, tk('customs1'), 'CUSTOMS'), inbox(s.base, tk('quarantine1'), 'QUARANTINE')]);
  const cIn = ci.find((t) => t.id === customs.id);
  const qIn = qi.find((t) => t.id === quarantine.id);
  assert.ok(cIn, 'customs task in the CUSTOMS inbox');
  assert.ok(qIn, 'quarantine task in the QUARANTINE inbox');
  assert.equal(cIn.state, 'pending');
  assert.equal(qIn.state, 'pending');
  assert.equal(cIn.declaration.id, d.id);
  assert.equal(qIn.declaration.number, d.number);
  assert.ok(!ci.some((t) => t.id === quarantine.id), 'no quarantine task in the customs inbox');

  const tasks = { CUSTOMS: customs, QUARANTINE: quarantine };
  const first = await decideOk(s.base, tk(OFFICERS[order[0]]), tasks[order[0]].id,
    { decision: 'approve', note: 'documents in order' });
  assert.equal(first.status, 'under_review');
  assert.equal(taskOf(first, order[0]).state, 'approved');
  assert.equal(taskOf(first, order[0]).decided_by, OFFICERS[order[0]]);
  assert.equal(taskOf(first, order[1]).state, 'pending');
  assert.deepEqual(first.pending.map((p) => p.agency), [order[1]]);
  const mid = await getDecl(s.base, tk('trader1'), d.id);
  assert.equal(mid.json.status, 'under_review');

  const second = await decideOk(s.base, tk(OFFICERS[order[1]]), tasks[order[1]].id,
    { decision: 'approve' });
  assert.equal(second.status, 'released');
  assert.deepEqual(second.pending, []);
  assert.ok(second.tasks.every((t) => t.state === 'approved'));
  const fin = await getDecl(s.base, tk('trader1'), d.id);
  assert.equal(fin.json.status, 'released');
  assert.equal(fin.json.clearance, undefined, 'goods are released, not cleared');

  const ev = await events(d.id);
  assert.deepEqual(ev.map((e) => e.kind),
    ['registered', 'task_created', 'task_created', 'decision', 'decision', 'payment', 'status']);
  assert.deepEqual(ev.filter((e) => e.kind === 'task_created').map((e) => e.agency).sort(),
    ['CUSTOMS', 'QUARANTINE']);
  const decisions = ev.filter((e) => e.kind === 'decision');
  assert.deepEqual(decisions.map((e) => e.agency), order);
  assert.deepEqual(decisions.map((e) => e.actor), order.map((a) => OFFICERS[a]));
  assert.ok(decisions.every((e) => e.detail.decision === 'approve' && e.automated === false));
  assert.equal(ev.at(-1).status, 'released');
  assert.equal(ev[0].detail.number, d.number);
  for (let i = 1; i < ev.length; i++) assert.ok(ev[i].seq > ev[i - 1].seq, 'seq increases');
  assert.ok(ev.every((e) => e.declaration === d.id));
}

test('goods import: customs then quarantine approve -> released', async () => {
  await releasedInOrder(['CUSTOMS', 'QUARANTINE']);
});

test('goods import: quarantine then customs approve -> released', async () => {
  await releasedInOrder(['QUARANTINE', 'CUSTOMS']);
});

test('vessel arrival: customs, maritime, border, quarantine in parallel -> cleared', async () => {
  const r = await submit(s.base, tk('carrier1'), vesselArrival());
  assert.equal(r.status, 201, r.text);
  const d = r.json;
  assertNumber(d.number, '2200', '1');
  assert.equal(d.type, 'VA');
  assert.equal(d.status, 'under_review');
  const agencies = ['BORDER', 'CUSTOMS', 'MARITIME', 'QUARANTINE'];
  assert.deepEqual(d.tasks.map((t) => t.agency).sort(), agencies);
  assert.deepEqual(d.pending.map((p) => p.agency).sort(), agencies);
  assert.equal(d.content.vessel.imo, '9321483');
  assert.equal(d.content.port, 'CNSHA');
  // every agency sees its task at once
  const inboxes = await Promise.all(agencies.map((a) => inbox(s.base, tk(OFFICERS[a]), a, '&type=VA')));
  agencies.forEach((a, i) => {
    assert.ok(inboxes[i].some((t) => t.id === taskOf(d, a).id && t.state === 'pending'), a);
    assert.ok(inboxes[i].every((t) => t.declaration.type === 'VA'), 'type filter');
  });
  // all four decide at the same moment
  const answers = await Promise.all(agencies.map((a) =>
    decide(s.base, tk(OFFICERS[a]), taskOf(d, a).id, { decision: 'approve' })));
  for (const a of answers) assert.equal(a.status, 200, a.text);
  const fin = (await getDecl(s.base, tk('carrier1'), d.id)).json;
  assert.equal(fin.status, 'cleared');
  assert.equal(typeof fin.clearance, 'string');
  assert.ok(fin.clearance.includes(d.number), fin.clearance);
  assert.ok(fin.tasks.every((t) => t.state === 'approved'));
  const ev = await events(d.id, 'carrier1');
  assert.equal(ev.filter((e) => e.kind === 'decision').length, 4);
  const last = ev.at(-1);
  assert.equal(last.kind, 'status');
  assert.equal(last.status, 'cleared');
  assert.equal(last.detail.clearance, fin.clearance);
  assert.equal(ev.filter((e) => e.kind === 'status').length, 1, 'cleared exactly once');
});

test('vessel departure: four agencies in parallel -> cleared, E-flag number', async () => {
  const body = vesselArrival({ type: 'VD' });
  delete body.eta;
  const d = await submitOk(s.base, tk('carrier1'), body);
  assertNumber(d.number, '2200', '0');
  assert.equal(d.type, 'VD');
  assert.equal(d.tasks.length, 4);
  let last;
  for (const t of d.tasks) last = await decideOk(s.base, tk(OFFICERS[t.agency]), t.id, { decision: 'approve' });
  assert.equal(last.status, 'cleared');
  assert.equal(typeof last.clearance, 'string');
  // a VD requires its departure time
  const noEtd = vesselArrival({ type: 'VD' });
  delete noEtd.etd;
  const doc = assertProblem(await submit(s.base, tk('carrier1'), noEtd), 422, 'required');
  assert.ok(doc.errors.some((e) => e.path === '/etd'));
});

test('vessel call refused by one agency: the others are closed', async () => {
  const d = await submitOk(s.base, tk('carrier1'), vesselArrival());
  await decideOk(s.base, tk('customs1'), taskOf(d, 'CUSTOMS').id, { decision: 'approve' });
  const r = await decideOk(s.base, tk('border1'), taskOf(d, 'BORDER').id,
    { decision: 'reject', reason_code: 'CREW_LIST', note: 'crew list does not match passports' });
  assert.equal(r.status, 'refused');
  assert.equal(r.clearance, undefined);
  assert.deepEqual(Object.fromEntries(r.tasks.map((t) => [t.agency, t.state])),
    { CUSTOMS: 'approved', BORDER: 'rejected', MARITIME: 'closed', QUARANTINE: 'closed' });
});

test('hold: note required, declarant answers, task back to pending, then released', async () => {
  const d = await submitShrimp();
  const q = taskOf(d, 'QUARANTINE');
  const c = taskOf(d, 'CUSTOMS');
  const noNote = await decide(s.base, tk('quarantine1'), q.id, { decision: 'hold' });
  assertProblem(noNote, 422, 'required');
  assert.ok(noNote.json.errors.some((e) => e.path === '/note'));
  assert.equal(taskOf((await getDecl(s.base, tk('trader1'), d.id)).json, 'QUARANTINE').state,
    'pending', 'a refused decision changes nothing');

  // nothing held yet
  const early = await api(s.base, 'POST', `/v1/declarations/${d.id}/responses`,
    { token: tk('trader1'), body: { message: 'here you are' } });
  assertProblem(early, 409);

  const held = await decideOk(s.base, tk('quarantine1'), q.id,
    { decision: 'hold', note: 'Send the health certificate of the exporting country' });
  assert.equal(held.status, 'under_review');
  const hq = taskOf(held, 'QUARANTINE');
  assert.equal(hq.state, 'held');
  assert.equal(hq.note, 'Send the health certificate of the exporting country');
  assert.ok(held.pending.some((p) => p.agency === 'QUARANTINE' && p.state === 'held'));
  // the trader sees which agency waits on what
  const seen = (await getDecl(s.base, tk('trader1'), d.id)).json;
  assert.equal(taskOf(seen, 'QUARANTINE').state, 'held');
  // a held task takes no other decision until answered
  assertProblem(await decide(s.base, tk('quarantine1'), q.id, { decision: 'approve' }), 409);

  // a bad answer is refused and changes nothing
  assertProblem(await api(s.base, 'POST', `/v1/declarations/${d.id}/responses`,
    { token: tk('trader1'), body: {} }), 422);
  // another trader cannot answer
  assert.equal((await api(s.base, 'POST', `/v1/declarations/${d.id}/responses`,
    { token: tk('trader2'), body: { message: 'x' } })).status, 404);

  const ans = await api(s.base, 'POST', `/v1/declarations/${d.id}/responses`, {
    token: tk('trader1'),
    body: { message: 'Certificate attached', documents: [{ type: 'health', number: 'VN-HC-2026-77' }] },
  });
  assert.equal(ans.status, 200, ans.text);
  assert.equal(taskOf(ans.json, 'QUARANTINE').state, 'pending');
  assert.equal(ans.json.status, 'under_review');
  // answering again: nothing is held any more
  assertProblem(await api(s.base, 'POST', `/v1/declarations/${d.id}/responses`,
    { token: tk('trader1'), body: { message: 'again' } }), 409);

  const ev = await events(d.id);
  const resp = ev.find((e) => e.kind === 'response');
  assert.ok(resp, 'a response event');
  assert.equal(resp.actor, 'trader1');
  assert.equal(resp.detail.message, 'Certificate attached');
  assert.deepEqual(resp.detail.documents, [{ type: 'health', number: 'VN-HC-2026-77' }]);

  await decideOk(s.base, tk('quarantine1'), q.id, { decision: 'approve' });
  const fin = await decideOk(s.base, tk('customs1'), c.id, { decision: 'approve' });
  assert.equal(fin.status, 'released');
  assertProblem(await api(s.base, 'POST', `/v1/declarations/${d.id}/responses`,
    { token: tk('trader1'), body: { message: 'late' } }), 409);
});

test('rejection: reason code required; refused; other open task closed; no more decisions', async () => {
  const d = await submitShrimp();
  const q = taskOf(d, 'QUARANTINE');
  const c = taskOf(d, 'CUSTOMS');
  const bad = await decide(s.base, tk('customs1'), c.id, { decision: 'reject', note: 'no' });
  assertProblem(bad, 422, 'required');
  assert.ok(bad.json.errors.some((e) => e.path === '/reason_code'));

  const refused = await decideOk(s.base, tk('customs1'), c.id,
    { decision: 'reject', reason_code: 'ORIGIN_FRAUD', note: 'Certificate of origin is forged' });
  assert.equal(refused.status, 'refused');
  const rc = taskOf(refused, 'CUSTOMS');
  assert.equal(rc.state, 'rejected');
  assert.equal(rc.reason_code, 'ORIGIN_FRAUD');
  assert.equal(taskOf(refused, 'QUARANTINE').state, 'closed');
  assert.deepEqual(refused.pending, []);

  assertProblem(await decide(s.base, tk('quarantine1'), q.id, { decision: 'approve' }), 409,
    'state_conflict');
  assertProblem(await decide(s.base, tk('customs1'), c.id, { decision: 'approve' }), 409);
  assertProblem(await decide(s.base, tk('customs1'), c.id,
    { decision: 'reject', reason_code: 'AGAIN' }), 409);
  assertProblem(await api(s.base, 'POST', `/v1/declarations/${d.id}/cancel`,
    { token: tk('trader1') }), 409, 'already_final');

  const ev = await events(d.id);
  assert.equal(ev.at(-1).kind, 'status');
  assert.equal(ev.at(-1).status, 'refused');
  const dec = ev.find((e) => e.kind === 'decision');
  assert.equal(dec.detail.reason_code, 'ORIGIN_FRAUD');
  assert.equal(ev.filter((e) => e.kind === 'decision').length, 1, 'the refused tries left no trace');
});

test('inspection: inspect -> inspection; hold refused; approve -> approved', async () => {
  const d = await submitShrimp();
  const q = taskOf(d, 'QUARANTINE');
  const bad = await decide(s.base, tk('quarantine1'), q.id,
    { decision: 'inspect', inspection_at: 'tomorrow' });
  assertProblem(bad, 422, 'bad_datetime');
  const insp = await decideOk(s.base, tk('quarantine1'), q.id,
    { decision: 'inspect', inspection_at: '2026-12-02T09:00:00Z', note: 'container to bay 4' });
  const iq = taskOf(insp, 'QUARANTINE');
  assert.equal(iq.state, 'inspection');
  assert.equal(iq.inspection_at, '2026-12-02T09:00:00Z');
  assert.equal(insp.status, 'under_review');
  assertProblem(await decide(s.base, tk('quarantine1'), q.id,
    { decision: 'hold', note: 'more papers' }), 409);
  assertProblem(await decide(s.base, tk('quarantine1'), q.id,
    { decision: 'inspect', inspection_at: '2026-12-03T09:00:00Z' }), 409);
  const ok = await decideOk(s.base, tk('quarantine1'), q.id,
    { decision: 'approve', note: 'inspection passed' });
  assert.equal(taskOf(ok, 'QUARANTINE').state, 'approved');
  assert.equal(taskOf(ok, 'QUARANTINE').inspection_at, '2026-12-02T09:00:00Z', 'kept');
  assert.equal(ok.status, 'under_review');
  const fin = await decideOk(s.base, tk('customs1'), taskOf(d, 'CUSTOMS').id, { decision: 'approve' });
  assert.equal(fin.status, 'released');
});

test('inspection result may reject', async () => {
  const d = await submitShrimp();
  const q = taskOf(d, 'QUARANTINE');
  await decideOk(s.base, tk('quarantine1'), q.id, { decision: 'inspect', inspection_at: '2026-12-02T09:00:00Z' });
  const r = await decideOk(s.base, tk('quarantine1'), q.id,
    { decision: 'reject', reason_code: 'PEST_FOUND' });
  assert.equal(r.status, 'refused');
  assert.equal(taskOf(r, 'CUSTOMS').state, 'closed');
});

test('cancellation before the outcome closes open tasks; then everything is 409', async () => {
  const d = await submitShrimp();
  const c = taskOf(d, 'CUSTOMS');
  const q = taskOf(d, 'QUARANTINE');
  await decideOk(s.base, tk('customs1'), c.id, { decision: 'approve' });
  await decideOk(s.base, tk('quarantine1'), q.id, { decision: 'hold', note: 'photos please' });
  // another trader cannot cancel it
  assert.equal((await api(s.base, 'POST', `/v1/declarations/${d.id}/cancel`,
    { token: tk('trader2') })).status, 404);
  const r = await api(s.base, 'POST', `/v1/declarations/${d.id}/cancel`,
    { token: tk('trader1'), body: { reason: 'order cancelled by the buyer' } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.status, 'cancelled');
  assert.equal(taskOf(r.json, 'CUSTOMS').state, 'approved', 'decided tasks keep their state');
  assert.equal(taskOf(r.json, 'QUARANTINE').state, 'closed');
  assert.deepEqual(r.json.pending, []);

  assertProblem(await api(s.base, 'POST', `/v1/declarations/${d.id}/cancel`,
    { token: tk('trader1') }), 409, 'already_final');
  assertProblem(await decide(s.base, tk('quarantine1'), q.id, { decision: 'approve' }), 409);
  assertProblem(await api(s.base, 'POST', `/v1/declarations/${d.id}/responses`,
    { token: tk('trader1'), body: { message: 'photos' } }), 409);
  const ev = await events(d.id);
  assert.equal(ev.at(-1).kind, 'status');
  assert.equal(ev.at(-1).status, 'cancelled');
  assert.equal(ev.at(-1).actor, 'trader1');
  assert.equal(ev.at(-1).detail.reason, 'order cancelled by the buyer');
  const inb = await inbox(s.base, tk('quarantine1'), 'QUARANTINE');
  assert.equal(inb.find((t) => t.id === q.id).state, 'closed');
  assert.equal(inb.find((t) => t.id === q.id).declaration.status, 'cancelled');
});

test('a released declaration cannot be cancelled', async () => {
  const d = await submitOk(s.base, tk('trader1'), phoneImport());
  assert.equal(d.status, 'released');
  assertProblem(await api(s.base, 'POST', `/v1/declarations/${d.id}/cancel`,
    { token: tk('trader1') }), 409, 'already_final');
});

test('green channel: low-risk import released at once by rule customs-green', async () => {
  const r = await submit(s.base, tk('trader1'), phoneImport());
  assert.equal(r.status, 201, r.text);
  const d = r.json;
  assert.equal(d.status, 'released');
  assert.equal(d.tasks.length, 1, JSON.stringify(d.tasks));
  const c = taskOf(d, 'CUSTOMS');
  assert.equal(c.automated, true);
  assert.equal(c.state, 'approved');
  assert.equal(c.rule, 'customs-green');
  assert.deepEqual(d.pending, []);
  const ev = await events(d.id);
  assert.deepEqual(ev.map((e) => e.kind), ['registered', 'task_created', 'decision', 'payment', 'status']);
  const dec = ev[2];
  assert.equal(dec.automated, true);
  assert.equal(dec.agency, 'CUSTOMS');
  assert.equal(dec.detail.decision, 'approve');
  assert.equal(ev[3].detail.bill, 'secured'); // duties secured by the demo guarantee
  assert.equal(ev[4].status, 'released');
  assert.equal(ev[4].automated, true);
  // an automated task is not waiting in the officers' inbox
  const pend = await inbox(s.base, tk('customs1'), 'CUSTOMS', '&state=pending');
  assert.ok(!pend.some((t) => t.id === c.id));
  // and no officer can decide it any more
  assertProblem(await decide(s.base, tk('customs1'), c.id,
    { decision: 'reject', reason_code: 'LATE' }), 409);
});

test('green channel with a higher value goes to an officer (customs-high-value)', async () => {
  const body = phoneImport();
  body.invoice.total = '60000.00';
  body.items[0].value = '60000.00';
  const d = await submitOk(s.base, tk('trader1'), body);
  assert.equal(d.status, 'under_review');
  const c = taskOf(d, 'CUSTOMS');
  assert.equal(c.automated, false);
  assert.equal(c.state, 'pending');
  assert.equal(c.rule, 'customs-high-value');
});

test('idempotency: identical resubmission 200 same declaration; other content 409', async () => {
  const body = shrimpImport();
  const first = await submit(s.base, tk('trader1'), body);
  assert.equal(first.status, 201, first.text);
  const again = await submit(s.base, tk('trader1'), body);
  assert.equal(again.status, 200, again.text);
  assert.equal(again.json.id, first.json.id);
  assert.equal(again.json.number, first.json.number);
  assert.deepEqual(again.json.tasks.map((t) => t.id), first.json.tasks.map((t) => t.id));
  // the same content with members in another order is the same declaration
  const reordered = Object.fromEntries(Object.entries(body).reverse());
  const third = await submit(s.base, tk('trader1'), reordered);
  assert.equal(third.status, 200, third.text);
  assert.equal(third.json.id, first.json.id);
  // a retry after a decision still answers with the declaration as it is now
  await decideOk(s.base, tk('customs1'), taskOf(first.json, 'CUSTOMS').id, { decision: 'approve' });
  const fourth = await submit(s.base, tk('trader1'), body);
  assert.equal(fourth.status, 200);
  assert.equal(taskOf(fourth.json, 'CUSTOMS').state, 'approved');

  const changed = structuredClone(body);
  changed.items[0].description = 'Frozen shrimps, peeled and deveined';
  const conflict = await submit(s.base, tk('trader1'), changed);
  const doc = assertProblem(conflict, 409, 'reference_conflict');
  assert.ok(doc.errors.some((e) => e.path === '/reference'));

  const ev = await events(first.json.id);
  assert.equal(ev.filter((e) => e.kind === 'registered').length, 1, 'registered once');
  const list = await api(s.base, 'GET', '/v1/declarations?limit=200', { token: tk('trader1') });
  assert.equal(list.json.items.filter((x) => x.reference === body.reference).length, 1);

  // the reference is the declarant's own: another declarant may use the same one
  const other = shrimpImport({ reference: body.reference, importer: { id: TRADER2_PARTY } });
  const o = await submit(s.base, tk('trader2'), other);
  assert.equal(o.status, 201, o.text);
  assert.notEqual(o.json.id, first.json.id);
});

test('concurrent decisions on one task: exactly one wins, the other gets 409', async () => {
  for (let round = 0; round < 5; round++) {
    const d = await submitShrimp();
    const c = taskOf(d, 'CUSTOMS');
    const [a, b] = await Promise.all([
      decide(s.base, tk('customs1'), c.id, { decision: 'approve' }),
      decide(s.base, tk('customs-sup'), c.id, { decision: 'reject', reason_code: 'RISK' }),
    ]);
    const statuses = [a.status, b.status].sort();
    assert.deepEqual(statuses, [200, 409], `${a.text} / ${b.text}`);
    const loser = a.status === 409 ? a : b;
    assertProblem(loser, 409, 'state_conflict');
    const fin = (await getDecl(s.base, tk('trader1'), d.id)).json;
    const state = taskOf(fin, 'CUSTOMS').state;
    if (a.status === 200) {
      assert.equal(state, 'approved');
      assert.equal(fin.status, 'under_review');
    } else {
      assert.equal(state, 'rejected');
      assert.equal(fin.status, 'refused');
    }
    const ev = await events(d.id);
    assert.equal(ev.filter((e) => e.kind === 'decision').length, 1, 'one decision recorded');
  }
});

test('decision body is checked: unknown decision, unknown field', async () => {
  const d = await submitShrimp();
  const c = taskOf(d, 'CUSTOMS');
  assertProblem(await decide(s.base, tk('customs1'), c.id, { decision: 'maybe' }), 422, 'required');
  assertProblem(await decide(s.base, tk('customs1'), c.id,
    { decision: 'approve', colour: 'green' }), 422, 'unknown_field');
  assert.equal(taskOf((await getDecl(s.base, tk('customs1'), d.id)).json, 'CUSTOMS').state, 'pending');
  assert.equal((await decide(s.base, tk('customs1'), 99999999, { decision: 'approve' })).status, 404);
});

test('concurrent identical submissions register one declaration', async () => {
  const body = shrimpImport();
  const rs = await Promise.all(Array.from({ length: 6 }, () => submit(s.base, tk('trader1'), body)));
  assert.deepEqual(rs.map((r) => r.status).sort(), [200, 200, 200, 200, 200, 201], rs.map((r) => r.text).join('\n'));
  assert.equal(new Set(rs.map((r) => r.json.id)).size, 1);
  assert.equal(new Set(rs.map((r) => r.json.number)).size, 1);
  // same reference, different content, at the same moment: one 201, one 409
  const b1 = shrimpImport();
  const b2 = structuredClone(b1);
  b2.items[0].description = 'Frozen prawns';
  const pair = await Promise.all([submit(s.base, tk('trader1'), b1), submit(s.base, tk('trader1'), b2)]);
  assert.deepEqual(pair.map((r) => r.status).sort(), [201, 409]);
});

test('concurrent distinct submissions get distinct, consecutive official numbers', async () => {
  const rs = await Promise.all(Array.from({ length: 20 }, () => submit(s.base, tk('trader1'), phoneImport())));
  for (const r of rs) assert.equal(r.status, 201, r.text);
  const serials = rs.map((r) => BigInt(r.json.number)).sort((a, b) => (a < b ? -1 : 1));
  assert.equal(new Set(serials).size, 20);
  for (let i = 1; i < serials.length; i++) assert.equal(serials[i], serials[i - 1] + 1n);
  assert.ok(rs.every((r) => r.json.status === 'released'));
});

test('cancellation racing the last approval: exactly one wins', async () => {
  for (let round = 0; round < 3; round++) {
    const d = await submitShrimp();
    await decideOk(s.base, tk('customs1'), taskOf(d, 'CUSTOMS').id, { decision: 'approve' });
    const [c, a] = await Promise.all([
      api(s.base, 'POST', `/v1/declarations/${d.id}/cancel`, { token: tk('trader1') }),
      decide(s.base, tk('quarantine1'), taskOf(d, 'QUARANTINE').id, { decision: 'approve' }),
    ]);
    assert.deepEqual([c.status, a.status].sort(), [200, 409], `${c.text} / ${a.text}`);
    const fin = (await getDecl(s.base, tk('trader1'), d.id)).json;
    assert.equal(fin.status, c.status === 200 ? 'cancelled' : 'released');
    assert.equal(taskOf(fin, 'QUARANTINE').state, c.status === 200 ? 'closed' : 'approved');
    const ev = await events(d.id);
    assert.equal(ev.filter((e) => e.kind === 'status').length, 1, 'one outcome');
  }
});

test('a blank answer to a hold is refused and leaves the task held', async () => {
  const d = await submitShrimp();
  const q = taskOf(d, 'QUARANTINE');
  await decideOk(s.base, tk('quarantine1'), q.id, { decision: 'hold', note: 'health certificate' });
  const r = await api(s.base, 'POST', `/v1/declarations/${d.id}/responses`,
    { token: tk('trader1'), body: { message: '   ' } });
  assert.equal(r.status, 422, 'a blank message is no answer');
  assert.equal(taskOf((await getDecl(s.base, tk('trader1'), d.id)).json, 'QUARANTINE').state, 'held');
});
