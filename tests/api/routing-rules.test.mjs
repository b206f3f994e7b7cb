// routing-rules.test.mjs - issue 3: routing rules are data, managed by administrators
// through /v1/routing-rules, every change versioned; a declaration records the ruleset
// and the rule versions that routed it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { system, api } from './lib/harness.mjs';
import { assertProblem } from './lib/assert-problem.mjs';
import { phoneImport, submitOk, taskOf, closeClean } from './lib/declarations.mjs';

let s;
before(async () => { s = await system(); });
after(async () => { await closeClean(s); });

const tk = (login) => s.token(login);
const rules = (method, path = '', opts = {}) =>
  api(s.base, method, `/v1/routing-rules${path}`, { token: tk('admin'), ...opts });

const DEMO = ['commerce-licensed', 'customs-food-origin-check', 'customs-green',
  'customs-high-value', 'quarantine-food-wood', 'vessel-border', 'vessel-customs',
  'vessel-maritime', 'vessel-quarantine'];

const TELECOM = {
  id: 'commerce-telecom',
  agency: 'COMMERCE',
  types: ['IM'],
  conditions: { hs_prefixes: ['8517'] },
  priority: 12,
  reason: 'Telecommunication terminals need a network access licence',
};

test('the administrator and supervisors list the demo rules; others may not', async () => {
  const r = await rules('GET');
  assert.equal(r.status, 200, r.text);
  const got = r.json.items.map((x) => x.id);
  for (const id of DEMO) assert.ok(got.includes(id), id);
  const green = r.json.items.find((x) => x.id === 'customs-green');
  assert.equal(green.agency, 'CUSTOMS');
  assert.equal(green.always, true);
  assert.equal(green.auto_decision, 'approve');
  assert.equal(green.enabled, true);
  assert.equal(green.version, 1);
  const quar = r.json.items.find((x) => x.id === 'quarantine-food-wood');
  assert.ok(quar.conditions.hs_prefixes.includes('03'));
  assert.ok(quar.conditions.hs_prefixes.includes('44'));

  const sup = await api(s.base, 'GET', '/v1/routing-rules', { token: tk('customs-sup') });
  assert.equal(sup.status, 200, sup.text);
  assert.deepEqual(sup.json.items.map((x) => x.id), got);
  assert.equal((await api(s.base, 'GET', '/v1/routing-rules/customs-green',
    { token: tk('customs-sup') })).status, 200);
  assertProblem(await api(s.base, 'GET', '/v1/routing-rules', { token: tk('customs1') }), 403);
  assertProblem(await api(s.base, 'GET', '/v1/routing-rules', { token: tk('trader1') }), 403);
  assertProblem(await api(s.base, 'GET', '/v1/routing-rules'), 401);
  assertProblem(await rules('GET', '/no-such-rule'), 404);
});

test('only the administrator changes rules', async () => {
  for (const who of ['customs-sup', 'customs1', 'trader1']) {
    assertProblem(await api(s.base, 'POST', '/v1/routing-rules',
      { token: tk(who), body: { ...TELECOM, id: `by-${who}` } }), 403);
    assertProblem(await api(s.base, 'POST', '/v1/routing-rules/customs-green/disable',
      { token: tk(who) }), 403);
    assertProblem(await api(s.base, 'PUT', '/v1/routing-rules/customs-green',
      { token: tk(who), body: { agency: 'CUSTOMS', types: ['IM'], always: true, reason: 'x' } }), 403);
  }
  assertProblem(await rules('GET', '/by-customs-sup'), 404);
});

test('bad rules are 422 with every problem', async () => {
  const unknownAgency = await rules('POST', '', { body: { ...TELECOM, id: 'r-unknown', agency: 'SPACE' } });
  const d1 = assertProblem(unknownAgency, 422, 'unknown_agency');
  assert.ok(d1.errors.some((e) => e.path === '/agency'));
  const noCond = await rules('POST', '', { body: { id: 'r-nocond', agency: 'COMMERCE', types: ['IM'],
    reason: 'nothing to match' } });
  const d2 = assertProblem(noCond, 422, 'no_conditions');
  assert.ok(d2.errors.some((e) => e.path === '/conditions'));
  const many = await rules('POST', '', { body: { id: 'bad id!', agency: 'COMMERCE', types: ['XX'],
    conditions: { hs_prefixes: ['8'], origins: ['QQ'], colour: 'red' } } });
  const d3 = assertProblem(many, 422);
  const codes = d3.errors.map((e) => `${e.path} ${e.code}`);
  for (const want of ['/id bad_format', '/types/0 bad_value', '/conditions/hs_prefixes/0 bad_format',
    '/conditions/origins/0 unknown_country', '/conditions/colour unknown_field', '/reason required'])
    assert.ok(codes.includes(want), `${want} in ${JSON.stringify(codes)}`);
  // none of them was stored
  for (const id of ['r-unknown', 'r-nocond']) assertProblem(await rules('GET', `/${id}`), 404);
});

test('create, conflict, replace, history, disable, enable: versioned, audited, applied', async () => {
  // before: smartphones pass the green channel, no COMMERCE task
  const d0 = await submitOk(s.base, tk('trader1'), phoneImport());
  assert.equal(d0.status, 'released');
  assert.ok(!d0.tasks.some((t) => t.agency === 'COMMERCE'));
  assert.equal(typeof d0.ruleset, 'number');

  const created = await rules('POST', '', { body: TELECOM });
  assert.equal(created.status, 201, created.text);
  assert.equal(created.json.id, TELECOM.id);
  assert.equal(created.json.version, 1);
  assert.equal(created.json.enabled, true);
  assert.equal(created.json.agency, 'COMMERCE');
  assert.deepEqual(created.json.conditions.hs_prefixes, ['8517']);
  assertProblem(await rules('POST', '', { body: TELECOM }), 409, 'exists');
  assert.equal((await rules('GET', `/${TELECOM.id}`)).json.version, 1, 'the conflict changed nothing');

  // a declaration now goes to COMMERCE too, and records the ruleset that routed it
  const d1 = await submitOk(s.base, tk('trader1'), phoneImport());
  assert.equal(d1.status, 'under_review');
  const com = taskOf(d1, 'COMMERCE');
  assert.equal(com.state, 'pending');
  assert.equal(com.rule, TELECOM.id);
  assert.equal(com.reason, TELECOM.reason);
  assert.deepEqual(com.rules, [{ id: TELECOM.id, version: 1 }]);
  assert.equal(taskOf(d1, 'CUSTOMS').state, 'approved');
  assert.ok(d1.ruleset > d0.ruleset, `ruleset ${d0.ruleset} -> ${d1.ruleset}`);
  const box = await api(s.base, 'GET', '/v1/agencies/COMMERCE/tasks?state=pending', { token: tk('commerce1') });
  assert.ok(box.json.items.some((t) => t.id === com.id));
  assert.equal((await api(s.base, 'GET', `/v1/declarations/${d1.id}`, { token: tk('commerce1') })).status, 200);

  // replace: version 2
  const v2body = { ...TELECOM, reason: 'Radio equipment type approval (SRRC) required' };
  delete v2body.id;
  const put = await rules('PUT', `/${TELECOM.id}`, { body: v2body });
  assert.equal(put.status, 200, put.text);
  assert.equal(put.json.version, 2);
  assert.equal(put.json.reason, v2body.reason);
  assertProblem(await rules('PUT', '/no-such-rule', { body: v2body }), 404);
  assertProblem(await rules('PUT', `/${TELECOM.id}`, { body: { ...v2body, id: 'other-id' } }), 422,
    'id_mismatch');
  const d2 = await submitOk(s.base, tk('trader1'), phoneImport());
  assert.deepEqual(taskOf(d2, 'COMMERCE').rules, [{ id: TELECOM.id, version: 2 }]);
  assert.equal(taskOf(d2, 'COMMERCE').reason, v2body.reason);
  assert.ok(d2.ruleset > d1.ruleset);
  // d1 keeps the routing it was registered with
  const d1again = await api(s.base, 'GET', `/v1/declarations/${d1.id}`, { token: tk('trader1') });
  assert.deepEqual(taskOf(d1again.json, 'COMMERCE').rules, [{ id: TELECOM.id, version: 1 }]);
  assert.equal(d1again.json.ruleset, d1.ruleset);

  const hist = await rules('GET', `/${TELECOM.id}/history`);
  assert.equal(hist.status, 200, hist.text);
  assert.deepEqual(hist.json.items.map((h) => h.version).sort(), [1, 2]);
  for (const h of hist.json.items) {
    assert.equal(h.changed_by, 'admin');
    assert.equal(h.rule.id, TELECOM.id);
  }
  const byVersion = Object.fromEntries(hist.json.items.map((h) => [h.version, h]));
  assert.equal(byVersion[1].rule.reason, TELECOM.reason);
  assert.equal(byVersion[2].rule.reason, v2body.reason);
  assert.equal(byVersion[1].ruleset, d1.ruleset, 'd1 was routed by the ruleset of version 1');
  assert.equal(byVersion[2].ruleset, d2.ruleset, 'd2 was routed by the ruleset of version 2');
  assertProblem(await rules('GET', '/no-such-rule/history'), 404);

  // disable: version 3, enabled false, no longer routes
  const dis = await rules('POST', `/${TELECOM.id}/disable`);
  assert.equal(dis.status, 200, dis.text);
  assert.equal(dis.json.enabled, false);
  assert.equal(dis.json.version, 3);
  const listed = (await rules('GET')).json.items.find((x) => x.id === TELECOM.id);
  assert.equal(listed.enabled, false, 'a disabled rule is still listed');
  const d3 = await submitOk(s.base, tk('trader1'), phoneImport());
  assert.ok(!d3.tasks.some((t) => t.agency === 'COMMERCE'), JSON.stringify(d3.tasks));
  assert.equal(d3.status, 'released');
  assert.ok(d3.ruleset > d2.ruleset);
  assertProblem(await rules('POST', '/no-such-rule/disable'), 404);

  // enable again: version 4, routes again
  const en = await rules('POST', `/${TELECOM.id}/enable`);
  assert.equal(en.status, 200, en.text);
  assert.equal(en.json.enabled, true);
  assert.equal(en.json.version, 4);
  const d4 = await submitOk(s.base, tk('trader1'), phoneImport());
  assert.deepEqual(taskOf(d4, 'COMMERCE').rules, [{ id: TELECOM.id, version: 4 }]);
  assert.equal((await rules('GET', `/${TELECOM.id}/history`)).json.items.length, 4);
});

test('the registered event records the ruleset', async () => {
  const d = await submitOk(s.base, tk('trader1'), phoneImport());
  const ev = await api(s.base, 'GET', `/v1/declarations/${d.id}/events`, { token: tk('trader1') });
  const reg = ev.json.items.find((e) => e.kind === 'registered');
  assert.equal(reg.detail.ruleset, d.ruleset);
  const created = ev.json.items.filter((e) => e.kind === 'task_created');
  assert.ok(created.every((e) => Array.isArray(e.detail.rules) && e.detail.rules.length > 0));
});

test('with the green channel disabled, a declaration no rule matches is refused (503 no_route)', async () => {
  const dis = await rules('POST', '/customs-green/disable');
  assert.equal(dis.status, 200, dis.text);
  try {
    const body = phoneImport();
    body.items[0].hs = '851830'; // headphones: no other rule applies
    const r = await api(s.base, 'POST', '/v1/declarations', { token: tk('trader1'), body });
    // no rule routes it any more: refused, never silently released
    assertProblem(r, 503, 'no_route');
  } finally {
    const en = await rules('POST', '/customs-green/enable');
    assert.equal(en.status, 200, en.text);
  }
  const ok = phoneImport();
  ok.items[0].hs = '851830';
  const d = await submitOk(s.base, tk('trader1'), ok);
  assert.equal(d.status, 'released');
});
