// declarations-validation.test.mjs - issue 3: a submission with many mistakes gets ONE
// 422 listing every problem with its JSON path and stable code, and stores nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { system, api } from './lib/harness.mjs';
import { assertProblem } from './lib/assert-problem.mjs';
import { shrimpImport, vesselArrival, submit, submitOk, allPages, closeClean } from './lib/declarations.mjs';

let s;
before(async () => { s = await system(); });
after(async () => { await closeClean(s); });

const tk = (login) => s.token(login);

/** Asserts errors holds exactly these [path, code] pairs (in any order). */
function assertErrors(doc, expected) {
  const got = doc.errors.map((e) => `${e.path} ${e.code}`).sort();
  assert.deepEqual(got, expected.map(([p, c]) => `${p} ${c}`).sort());
  for (const e of doc.errors) assert.ok(e.message.length > 0, `a message for ${e.path}`);
}

async function snapshot(login) {
  const list = await allPages(s.base, tk(login), '/v1/declarations?limit=200');
  const ev = await api(s.base, 'GET', '/v1/events?after=0&limit=500', { token: tk(login) });
  assert.equal(ev.status, 200, ev.text);
  return { ids: list.map((d) => d.id), events: ev.json.items.length, next: ev.json.next };
}

test('one submission with twelve different mistakes: one 422 listing all, nothing stored', async () => {
  const ok1 = await submitOk(s.base, tk('trader1'), shrimpImport());
  const before1 = await snapshot('trader1');
  const adminBefore = await snapshot('admin');

  const b = shrimpImport();
  b.items[0].hs = '777777'; //                       1 unknown_hs (chapter 77 is reserved)
  b.items[0].origin = 'XX'; //                        2 unknown_country
  b.invoice.currency = 'ABC'; //                      3 unknown_currency
  b.transport.loading = 'ZZZZZ'; //                   4 unknown_locode
  b.transport.containers = ['MSKU9070324']; //        5 bad_container_check_digit (3 is right)
  b.transport.vessel_imo = '9321484'; //              6 bad_imo (3 is right)
  b.items[0].quantity = '12,000'; //                  7 bad_decimal
  b.items.push({ //                                   8 net_exceeds_gross
    seq: 2, hs: '030617', description: 'Frozen prawns', origin: 'VN', quantity: '500',
    unit: 'KGM', net_kg: '600', gross_kg: '550', value: '1000.00',
  }); //                                              9 total_mismatch (98000 vs 99000)
  b.transport.arrival = '2026-13-01T06:00:00Z'; //   10 bad_datetime
  b.invoice.incoterm = 'XXX'; //                     11 unknown_incoterm
  delete b.procedure; //                             12 required
  const r = await submit(s.base, tk('trader1'), b);
  const doc = assertProblem(r, 422);
  assert.equal(doc.type.length > 0, true);
  assertErrors(doc, [
    ['/items/0/hs', 'unknown_hs'],
    ['/items/0/origin', 'unknown_country'],
    ['/invoice/currency', 'unknown_currency'],
    ['/transport/loading', 'unknown_locode'],
    ['/transport/containers/0', 'bad_container_check_digit'],
    ['/transport/vessel_imo', 'bad_imo'],
    ['/items/0/quantity', 'bad_decimal'],
    ['/items/1/net_kg', 'net_exceeds_gross'],
    ['/invoice/total', 'total_mismatch'],
    ['/transport/arrival', 'bad_datetime'],
    ['/invoice/incoterm', 'unknown_incoterm'],
    ['/procedure', 'required'],
  ]);
  assert.ok(new Set(doc.errors.map((e) => e.code)).size >= 10, 'at least ten different codes');

  // nothing stored: no declaration, no event, no official number consumed
  assert.deepEqual(await snapshot('trader1'), before1);
  assert.deepEqual(await snapshot('admin'), adminBefore);
  const ok2 = await submitOk(s.base, tk('trader1'), shrimpImport());
  assert.equal(BigInt(ok2.number), BigInt(ok1.number) + 1n, 'the serial was not consumed');
});

test('a vessel call with a bad IMO check digit: 422 at /vessel/imo', async () => {
  const v = vesselArrival();
  v.vessel.imo = '9321484';
  const doc = assertProblem(await submit(s.base, tk('carrier1'), v), 422, 'bad_imo');
  assertErrors(doc, [['/vessel/imo', 'bad_imo']]);
  // "IMO 9321483" is the same number in canonical form
  const ok = vesselArrival();
  ok.vessel.imo = 'IMO 9321483';
  const d = await submitOk(s.base, tk('carrier1'), ok);
  assert.equal(d.content.vessel.imo, '9321483');
});

test('a vessel call with many mistakes lists them all', async () => {
  const v = vesselArrival();
  v.vessel.imo = '9321484';
  v.vessel.flag = 'QQ';
  v.etd = '2026-11-30T00:00:00Z';
  v.last_port = 'XXXXX';
  v.crew_count = 3;
  v.sanitation_certificate_expiry = '2026-11-01';
  v.security_level = 7;
  delete v.carrier;
  const doc = assertProblem(await submit(s.base, tk('carrier1'), v), 422);
  assertErrors(doc, [
    ['/vessel/imo', 'bad_imo'],
    ['/vessel/flag', 'unknown_country'],
    ['/etd', 'etd_before_eta'],
    ['/last_port', 'unknown_locode'],
    ['/crew', 'crew_count_mismatch'],
    ['/sanitation_certificate_expiry', 'certificate_expired'],
    ['/security_level', 'out_of_range'],
    ['/carrier', 'required'],
  ]);
});

test('required fields per type', async () => {
  assertErrors(assertProblem(await submit(s.base, tk('trader1'), { type: 'IM' }), 422), [
    ['/reference', 'required'], ['/office', 'required'], ['/procedure', 'required'],
    ['/importer', 'required'], ['/transport', 'required'], ['/invoice', 'required'],
    ['/items', 'required'],
  ]);
  assertErrors(assertProblem(await submit(s.base, tk('carrier1'), { type: 'VA' }), 422), [
    ['/reference', 'required'], ['/port', 'required'], ['/vessel', 'required'],
    ['/eta', 'required'], ['/crew_count', 'required'], ['/carrier', 'required'],
  ]);
  const ex = shrimpImport({ type: 'EX', exporter: undefined });
  delete ex.exporter;
  const exDoc = assertProblem(await submit(s.base, tk('trader1'), ex), 422, 'required');
  assert.ok(exDoc.errors.some((e) => e.path === '/exporter'));
  assert.ok(exDoc.errors.some((e) => e.path === '/destination'));
});

test('shape problems: unknown fields, floats, non-objects, unknown type, unknown office', async () => {
  assertErrors(assertProblem(await submit(s.base, tk('trader1'),
    shrimpImport({ colour: 'red', eta: '2026-12-01T06:00:00Z' })), 422),
  [['/colour', 'unknown_field'], ['/eta', 'unknown_field']]);
  const f = shrimpImport();
  f.items[0].value = 98000.5;
  assertErrors(assertProblem(await submit(s.base, tk('trader1'), f), 422),
    [['/items/0/value', 'bad_type']]);
  assertErrors(assertProblem(await submit(s.base, tk('trader1'), []), 422), [['', 'bad_type']]);
  assertProblem(await submit(s.base, tk('trader1'), shrimpImport({ type: 'XX' })), 422, 'bad_value');
  assertErrors(assertProblem(await submit(s.base, tk('trader1'), shrimpImport({ office: 'CNNBO' })),
    422), [['/office', 'unknown_office']]);
  const bad = await api(s.base, 'POST', '/v1/declarations', {
    token: tk('trader1'), raw: '{"type": "IM",', headers: { 'content-type': 'application/json' },
  });
  assertProblem(bad, 400, 'malformed_json');
});

test('at most 999 items', async () => {
  const b = shrimpImport();
  b.items = Array.from({ length: 1000 }, (_, i) => ({ ...b.items[0], seq: (i % 999) + 1,
    value: '1.00', documents: undefined }));
  b.invoice.total = '1000.00';
  const doc = assertProblem(await submit(s.base, tk('trader1'), b), 422, 'too_many_items');
  assert.ok(doc.errors.some((e) => e.path === '/items'));
});

test('canonical form: codes are upper-cased and HS dots removed before validation', async () => {
  const b = shrimpImport();
  b.items[0].hs = '0306.17.11';
  b.items[0].origin = 'vn';
  b.invoice.currency = 'usd';
  b.transport.containers = ['msku 907032-3'];
  const d = await submitOk(s.base, tk('trader1'), b);
  assert.equal(d.content.items[0].hs, '03061711');
  assert.equal(d.content.items[0].origin, 'VN');
  assert.equal(d.content.invoice.currency, 'USD');
  assert.deepEqual(d.content.transport.containers, ['MSKU9070323']);
});

test('HS 999999 (a statistical "not specified" code, not in HS 2022) is unknown', async () => {
    const b = shrimpImport();
    b.items[0].hs = '999999';
    const r = await submit(s.base, tk('trader1'), b);
    assert.equal(r.status, 422, `status ${r.status}`);
    assert.ok(r.json.errors.some((e) => e.path === '/items/0/hs' && e.code === 'unknown_hs'));
  });

test('too many items: no spurious total_mismatch from the truncated list', async () => {
    const b = shrimpImport();
    b.items = Array.from({ length: 1000 }, (_, i) => ({ ...b.items[0], seq: (i % 999) + 1,
      value: '10.00', documents: undefined }));
    b.invoice.total = '10000.00'; // right for 1000 items; 9990.00 for the 999 kept
    const doc = (await submit(s.base, tk('trader1'), b)).json;
    assert.deepEqual(doc.errors.map((e) => e.code), ['too_many_items']);
  });

/** The shrimp import with its invoice total off by `cents` hundredths. */
function offBy(cents) {
  const b = shrimpImport();
  b.invoice.total = (BigInt(9800000 + cents)).toString().replace(/(\d\d)$/, '.$1');
  return b;
}

test('invoice total vs sum of item values: default tolerance 1.00 (docs/operations.md)', async () => {
  assert.equal(offBy(100).invoice.total, '98001.00');
  assert.equal((await submit(s.base, tk('trader1'), offBy(100))).status, 201);
  assert.equal((await submit(s.base, tk('trader1'), offBy(-100))).status, 201);
  const doc = assertProblem(await submit(s.base, tk('trader1'), offBy(101)), 422, 'total_mismatch');
  assertErrors(doc, [['/invoice/total', 'total_mismatch']]);
  assertProblem(await submit(s.base, tk('trader1'), offBy(-101)), 422, 'total_mismatch');
});

test('the tolerance is configurable (total-tolerance = 0.00)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'opensw-conf-'));
  const conf = join(dir, 'swd.conf');
  writeFileSync(conf, 'total-tolerance = 0.00\n');
  const strict = await system(['--config', conf]);
  try {
    const t = strict.token('trader1');
    assertProblem(await submit(strict.base, t, offBy(1)), 422, 'total_mismatch');
    assert.equal((await submit(strict.base, t, offBy(0))).status, 201);
  } finally {
    await closeClean(strict);
    rmSync(dir, { recursive: true, force: true });
  }
});
