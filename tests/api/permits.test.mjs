// permits.test.mjs - issue 4: permits issued electronically, verified online at
// submission, drawn down (pre-deducted -> deducted / released) and never overdrawn.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { system, api, swctlStatus } from './lib/harness.mjs';

let s;
let seq = 0;
before(async () => { s = await system(); });
after(async () => { await s.close(); });

const tk = (login) => s.token(login);
const TRADER1 = '91310000MA1FL0001X';
const TRADER2 = '91330200MA2AB0002Y';
const YEAR = new Date().getUTCFullYear();

/** An import of `qty` KGM of HS `hs` worth `value`, citing `docs`. */
function goods({ hs = '85171300', qty = '300', value = '60000.00', docs = [], importer = TRADER1 } = {}) {
  seq += 1;
  return {
    type: 'IM', reference: `PRM-${process.pid}-${seq}`, procedure: '4000', office: 'CNSHA',
    importer: { id: importer }, exporter: { id: 'KR1234567', name: 'Seoul Devices' },
    transport: { mode: '1', loading: 'VNSGN', discharge: 'CNSHA', arrival: '2026-12-01T06:00:00Z' },
    invoice: { currency: 'USD', incoterm: 'CIF', total: value },
    items: [{ seq: 1, hs, description: 'Goods under licence', origin: 'KR', quantity: qty,
      unit: 'KGM', net_kg: qty, gross_kg: qty, value, documents: docs }],
  };
}

function permit(type, number, { holder = TRADER1, hs = '8517', qty = '1000', usage = 'unlimited',
  from = `${YEAR - 1}-01-01`, to = `${YEAR + 1}-12-31`, extra = {} } = {}) {
  return { type, number, holder, valid_from: from, valid_to: to, usage, ...extra,
    lines: [{ hs_prefix: hs, description: 'licensed goods', unit: 'KGM', quantity: qty }] };
}

async function issue(login, body) {
  const r = await api(s.base, 'POST', '/v1/permits', { token: tk(login), body });
  assert.equal(r.status, 201, r.text);
  return r.json;
}

const submit = (body, login = 'trader1') =>
  api(s.base, 'POST', '/v1/declarations', { token: tk(login), body });
const getPermit = (type, number, login = 'trader1') =>
  api(s.base, 'GET', `/v1/permits/${type}/${number}`, { token: tk(login) });

async function decideAll(d, decision, extra = {}) {
  for (const t of d.tasks.filter((x) => x.state === 'pending')) {
    const login = `${t.agency.toLowerCase()}1`;
    const r = await api(s.base, 'POST', `/v1/tasks/${t.id}/decisions`,
      { token: tk(login), body: { decision, ...extra } });
    assert.equal(r.status, 200, r.text);
    if (decision === 'reject') return r.json;
  }
  return (await api(s.base, 'GET', `/v1/declarations/${d.id}`, { token: tk('trader1') })).json;
}

function codes(r) { return (r.json?.errors || []).map((e) => e.code); }

test('a licence of 1,000 KGM serves three declarations of 300 and refuses the fourth', async () => {
  await issue('commerce1', permit('import_licence', 'IL-T-0001'));
  const cite = [{ type: 'import_licence', number: 'IL-T-0001' }];
  const decls = [];
  for (let i = 0; i < 3; i++) {
    const r = await submit(goods({ docs: cite }));
    assert.equal(r.status, 201, r.text);
    decls.push(r.json);
  }
  let p = (await getPermit('import_licence', 'IL-T-0001')).json;
  assert.equal(p.lines[0].remaining_quantity, '100');
  assert.equal(p.drawings.length, 3);
  assert.ok(p.drawings.every((d) => d.state === 'pre_deducted'));
  assert.equal(p.uses, 3);

  const fourth = await submit(goods({ docs: cite }));
  assert.equal(fourth.status, 422, fourth.text);
  const e = fourth.json.errors.find((x) => x.code === 'permit_insufficient_balance');
  assert.ok(e, fourth.text);
  assert.equal(e.path, '/items/0/documents/0');
  assert.match(e.message, /100 KGM left/);

  // refusal of one restores its 300
  const refused = await decideAll(decls[0], 'reject', { reason_code: 'R01' });
  assert.equal(refused.status, 'refused');
  p = (await getPermit('import_licence', 'IL-T-0001')).json;
  assert.equal(p.lines[0].remaining_quantity, '400');
  assert.equal(p.drawings.find((d) => d.declaration === decls[0].id).state, 'released');

  // release turns pre_deducted into deducted
  const released = await decideAll(decls[1], 'approve');
  assert.equal(released.status, 'released');
  p = (await getPermit('import_licence', 'IL-T-0001')).json;
  assert.equal(p.drawings.find((d) => d.declaration === decls[1].id).state, 'deducted');
  assert.equal(p.drawings.find((d) => d.declaration === decls[2].id).state, 'pre_deducted');

  const ev = await api(s.base, 'GET', `/v1/declarations/${decls[1].id}/events`, { token: tk('trader1') });
  const pe = ev.json.items.find((e) => e.kind === 'permits');
  assert.ok(pe, ev.text);
  assert.equal(pe.detail.state, 'deducted');
  // the issuing agency's view is the same ledger; the customs task shows the verification
  const asIssuer = await getPermit('import_licence', 'IL-T-0001', 'commerce1');
  assert.equal(asIssuer.status, 200);
  assert.equal(asIssuer.json.drawings.length, 3);
});

test('cancellation releases the reservation; closing writes deducted drawings off', async () => {
  await issue('commerce1', permit('import_licence', 'IL-T-0002', { qty: '600' }));
  const cite = [{ type: 'import_licence', number: 'IL-T-0002' }];
  const a = (await submit(goods({ docs: cite }))).json;
  const b = (await submit(goods({ docs: cite }))).json;
  const c = await api(s.base, 'POST', `/v1/declarations/${a.id}/cancel`, { token: tk('trader1'), body: {} });
  assert.equal(c.status, 200, c.text);
  assert.equal(c.json.status, 'cancelled');
  await decideAll(b, 'approve');
  let p = (await getPermit('import_licence', 'IL-T-0002')).json;
  assert.equal(p.lines[0].remaining_quantity, '300');
  assert.deepEqual(p.drawings.map((d) => d.state), ['released', 'deducted']);
  const closed = await api(s.base, 'POST', '/v1/permits/import_licence/IL-T-0002/close', { token: tk('commerce1') });
  assert.equal(closed.status, 200, closed.text);
  assert.equal(closed.json.status, 'closed');
  assert.deepEqual(closed.json.drawings.map((d) => d.state), ['released', 'written_off']);
  const again = await submit(goods({ docs: cite }));
  assert.equal(again.status, 422);
  assert.ok(codes(again).includes('permit_closed'), again.text);
});

test('a single-use certificate cannot be cited twice', async () => {
  await issue('quarantine1', permit('quarantine_permit', 'QP-T-0001', { hs: '0202', qty: '10000', usage: 'single' }));
  const cite = [{ type: 'quarantine_permit', number: 'QP-T-0001' }];
  const first = await submit(goods({ hs: '02023000', qty: '100', docs: cite }));
  assert.equal(first.status, 201, first.text);
  const second = await submit(goods({ hs: '02023000', qty: '100', docs: cite }));
  assert.equal(second.status, 422);
  assert.ok(codes(second).includes('permit_uses_exhausted'), second.text);
});

test('expired, revoked, wrong-holder and wrong-HS permits are refused, each with its code', async () => {
  await issue('commerce1', permit('import_licence', 'IL-T-EXP', { from: `${YEAR - 2}-01-01`, to: `${YEAR - 1}-01-01` }));
  await issue('commerce1', permit('import_licence', 'IL-T-REV'));
  await issue('commerce1', permit('import_licence', 'IL-T-OTHER', { holder: TRADER2 }));
  await issue('commerce1', permit('import_licence', 'IL-T-HS', { hs: '9303' }));
  const rv = await api(s.base, 'POST', '/v1/permits/import_licence/IL-T-REV/revoke', { token: tk('commerce1') });
  assert.equal(rv.status, 200, rv.text);
  assert.equal(rv.json.status, 'revoked');
  const cases = [['IL-T-EXP', 'permit_expired'], ['IL-T-REV', 'permit_revoked'],
    ['IL-T-OTHER', 'permit_wrong_holder'], ['IL-T-HS', 'permit_hs_mismatch'],
    ['IL-T-NONE', 'permit_not_found']];
  for (const [number, code] of cases) {
    const r = await submit(goods({ docs: [{ type: 'import_licence', number }] }));
    assert.equal(r.status, 422, `${number}: ${r.text}`);
    assert.deepEqual(codes(r), [code], `${number}: ${r.text}`);
    assert.equal(r.json.errors[0].path, '/items/0/documents/0');
  }
});

test('a missing required certificate is refused naming the rule', async () => {
  const r = await submit(goods({ hs: '02023000', qty: '100' }));
  assert.equal(r.status, 422);
  const e = r.json.errors.find((x) => x.code === 'missing_required_document');
  assert.ok(e, r.text);
  assert.equal(e.path, '/items/0/documents');
  assert.match(e.message, /meat-quarantine-permit/);
  assert.match(e.message, /quarantine_permit/);
});

test('unknown document types are refused; foreign certificates go to the agency for review', async () => {
  const bad = await submit(goods({ docs: [{ type: 'magic_paper', number: 'X1' }] }));
  assert.equal(bad.status, 422);
  assert.deepEqual(codes(bad), ['unknown_document_type']);
  assert.equal(bad.json.errors[0].path, '/items/0/documents/0/type');

  // a foreign certificate of origin on cheap goods: customs would be automatic (green
  // channel) but must now look at the certificate by hand
  const r = await submit(goods({ value: '2000.00', docs: [{ type: 'origin', number: 'KR-CO-77' }] }));
  assert.equal(r.status, 201, r.text);
  const customs = r.json.tasks.find((t) => t.agency === 'CUSTOMS');
  assert.equal(customs.state, 'pending');
  assert.equal(customs.automated, false);
  assert.ok(customs.rules.some((x) => x.id === 'document-review'));
  assert.equal(customs.documents[0].result, 'manual_review');
  assert.equal(customs.documents[0].number, 'KR-CO-77');
});

test('permits are visible to holder, issuer and agencies with a task, and to no one else', async () => {
  await issue('commerce1', permit('import_licence', 'IL-T-VIS'));
  const d = await submit(goods({ docs: [{ type: 'import_licence', number: 'IL-T-VIS' }] }));
  assert.equal(d.status, 201, d.text);
  const customsTask = d.json.tasks.find((t) => t.agency === 'CUSTOMS');
  assert.ok(customsTask);
  for (const [login, want] of [['trader1', 200], ['commerce1', 200], ['customs1', 200],
    ['trader2', 404], ['quarantine1', 404], ['broker1', 404]]) {
    const r = await getPermit('import_licence', 'IL-T-VIS', login);
    assert.equal(r.status, want, `${login}: ${r.text}`);
  }
  // only the issuer changes it
  const other = await api(s.base, 'POST', '/v1/permits/import_licence/IL-T-VIS/suspend', { token: tk('quarantine1') });
  assert.equal(other.status, 404);
  const byTrader = await api(s.base, 'POST', '/v1/permits/import_licence/IL-T-VIS/suspend', { token: tk('trader1') });
  assert.equal(byTrader.status, 403);
  // holder's list shows balances
  const list = await api(s.base, 'GET', '/v1/permits', { token: tk('trader1') });
  assert.equal(list.status, 200);
  assert.ok(list.json.items.some((p) => p.number === 'IL-T-VIS' && p.lines[0].remaining_quantity === '700'));
  const list2 = await api(s.base, 'GET', '/v1/permits', { token: tk('trader2') });
  assert.ok(!list2.json.items.some((p) => p.number === 'IL-T-VIS'));
});

test('issuing: validation, type ownership, duplicates, amendments are versioned', async () => {
  const bad = await api(s.base, 'POST', '/v1/permits', { token: tk('commerce1'),
    body: { type: 'import_licence', number: '', holder: 'NOPE', valid_from: '2026-13-01',
      valid_to: '2026-01-01', usage: 'sometimes', lines: [{ hs_prefix: 'ab', quantity: '-1' }] } });
  assert.equal(bad.status, 422, bad.text);
  for (const p of ['/number', '/valid_from', '/usage', '/lines/0/hs_prefix', '/lines/0/quantity'])
    assert.ok(bad.json.errors.some((e) => e.path === p), `${p}: ${bad.text}`);
  const wrongAgency = await api(s.base, 'POST', '/v1/permits', { token: tk('quarantine1'),
    body: permit('import_licence', 'IL-T-Q') });
  assert.equal(wrongAgency.status, 403);
  const foreign = await api(s.base, 'POST', '/v1/permits', { token: tk('quarantine1'),
    body: permit('phyto', 'PH-1') });
  assert.equal(foreign.status, 422);
  await issue('commerce1', permit('import_licence', 'IL-T-AMD'));
  const dup = await api(s.base, 'POST', '/v1/permits', { token: tk('commerce1'), body: permit('import_licence', 'IL-T-AMD') });
  assert.equal(dup.status, 409);
  const amend = await api(s.base, 'PUT', '/v1/permits/import_licence/IL-T-AMD', { token: tk('commerce1'),
    body: permit('import_licence', 'IL-T-AMD', { qty: '2000' }) });
  assert.equal(amend.status, 200, amend.text);
  assert.equal(amend.json.lines[0].quantity, '2000');
  const hist = await api(s.base, 'GET', '/v1/permits/import_licence/IL-T-AMD/history', { token: tk('commerce1') });
  assert.deepEqual(hist.json.items.map((v) => v.version), [2, 1]);
  const byTrader = await api(s.base, 'POST', '/v1/permits', { token: tk('trader1'), body: permit('import_licence', 'X') });
  assert.equal(byTrader.status, 403);
});

test('100 simultaneous submissions of 10 units against 500: exactly 50 registered', async () => {
  await issue('commerce1', permit('import_licence', 'IL-T-RACE', { qty: '500' }));
  const cite = [{ type: 'import_licence', number: 'IL-T-RACE' }];
  const results = await Promise.all(Array.from({ length: 100 }, () =>
    submit(goods({ qty: '10', value: '1000.00', docs: cite }))));
  const created = results.filter((r) => r.status === 201).length;
  const refused = results.filter((r) => r.status === 422);
  assert.equal(created, 50);
  assert.equal(refused.length, 50);
  assert.ok(refused.every((r) => codes(r).includes('permit_insufficient_balance')));
  const p = (await getPermit('import_licence', 'IL-T-RACE')).json;
  const sum = p.drawings.reduce((acc, d) => acc + Number(d.quantity), 0);
  assert.equal(sum, 500);
  assert.equal(p.lines[0].remaining_quantity, '0');
  assert.equal(p.status, 'exhausted');
});

test('requirement rules are managed by administrators', async () => {
  const list = await api(s.base, 'GET', '/v1/requirement-rules', { token: tk('admin') });
  assert.equal(list.status, 200);
  assert.ok(list.json.items.some((r) => r.id === 'meat-quarantine-permit'));
  const rule = { id: 'shrimp-vet', document_type: 'vet', types: ['IM'], hs_prefixes: ['0306'],
    reason: 'Crustaceans need a veterinary certificate' };
  const c = await api(s.base, 'POST', '/v1/requirement-rules', { token: tk('admin'), body: rule });
  assert.equal(c.status, 201, c.text);
  const r = await submit(goods({ hs: '03061711', qty: '100' }));
  assert.equal(r.status, 422);
  assert.ok(r.json.errors.some((e) => e.code === 'missing_required_document' && /shrimp-vet/.test(e.message)), r.text);
  const off = await api(s.base, 'PUT', '/v1/requirement-rules/shrimp-vet', { token: tk('admin'), body: { ...rule, enabled: false } });
  assert.equal(off.status, 200, off.text);
  assert.equal(off.json.version, 2);
  const bad = await api(s.base, 'POST', '/v1/requirement-rules', { token: tk('admin'), body: { id: 'x', document_type: 'nope', reason: 'r' } });
  assert.equal(bad.status, 422);
  const notAdmin = await api(s.base, 'POST', '/v1/requirement-rules', { token: tk('customs1'), body: rule });
  assert.equal(notAdmin.status, 403);
});

test('swctl permits import: CSV and JSON lines, all or nothing', async () => {
  const csv = join(s.dir, 'permits.csv');
  writeFileSync(csv, 'type,number,issuer,holder,valid_from,valid_to,usage,max_uses,hs_prefix,description,unit,quantity,value\n'
    + `import_licence,CSV-1,COMMERCE,${TRADER1},${YEAR}-01-01,${YEAR}-12-31,limited,3,8517,phones,KGM,1000,\n`
    + `import_licence,CSV-1,COMMERCE,${TRADER1},${YEAR}-01-01,${YEAR}-12-31,limited,3,8471,computers,NAR,,50000.00\n`
    + `dual_use_licence,CSV-2,COMMERCE,${TRADER2},${YEAR}-01-01,${YEAR}-12-31,single,,2844,uranium,KGM,10,\n`);
  const ok = swctlStatus(s.dir, 'permits', 'import', csv);
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /issued 2 permits/);
  const p = await getPermit('import_licence', 'CSV-1', 'commerce1');
  assert.equal(p.status, 200);
  assert.equal(p.json.lines.length, 2);
  assert.equal(p.json.max_uses, 3);

  const jsonl = join(s.dir, 'permits.jsonl');
  const good = { issuer: 'QUARANTINE', type: 'quarantine_permit', number: 'J-1', holder: TRADER1,
    valid_from: `${YEAR}-01-01`, valid_to: `${YEAR}-12-31`, lines: [{ hs_prefix: '0203', unit: 'KGM', quantity: '500' }] };
  writeFileSync(jsonl, `${JSON.stringify(good)}\n${JSON.stringify({ ...good, number: 'J-2', holder: 'NOBODY' })}\n`);
  const bad = swctlStatus(s.dir, 'permits', 'import', jsonl);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /line 2: holder NOBODY/);
  assert.match(bad.stderr, /nothing was issued/);
  const absent = await getPermit('quarantine_permit', 'J-1', 'quarantine1');
  assert.equal(absent.status, 404);
});
