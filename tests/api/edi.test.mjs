// edi.test.mjs - issue 6: the UN/EDIFACT channel end to end. A CUSDEC built from the demo
// declaration goes in over POST /v1/edi (CONTRL + APERAK out), is registered exactly like
// its JSON twin (same content, routing, tasks, documents), and its release or refusal is
// served as CUSRES by GET /v1/declarations/{id}/cusres. Failures: wrong content type,
// malformed interchanges (CONTRL rejections with positions), application errors (APERAK
// with the JSON 422 codes), no credentials, another trader, a JSON declaration.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { system, api } from './lib/harness.mjs';
import { assertProblem } from './lib/assert-problem.mjs';
import {
  shrimpImport, phoneImport, submit, submitOk, getDecl, taskOf, decideOk, allPages, ref,
  assertNumber, OFFICERS, closeClean,
} from './lib/declarations.mjs';
import {
  cusdec, readEdifact, messages, val, postEdi, getCusres,
} from './lib/edifact.mjs';

let s;
before(async () => { s = await system(); });
after(async () => { await closeClean(s); });

const tk = (login) => s.token(login);

/** The segments of a message with this tag. */
const segsOf = (m, tag) => m.segs.filter((x) => x.tag === tag);
const one = (m, tag) => {
  const all = segsOf(m, tag);
  assert.equal(all.length, 1, `one ${tag} in ${JSON.stringify(m.segs.map((x) => x.tag))}`);
  return all[0];
};

/** POSTs the CUSDEC of d; returns {contrl, aperak, res}: the CONTRL's UCI/UCM and the
 * APERAK message (if any). */
async function lodge(d, opts = {}, login = 'trader1') {
  const res = await postEdi(s.base, tk(login), cusdec(d, opts));
  assert.equal(res.status, 200, res.text);
  assert.match(res.headers.get('content-type'), /^application\/EDIFACT/i);
  const ics = readEdifact(res.text);
  assert.ok(ics.length >= 1, res.text);
  const [contrl] = messages(ics[0]);
  assert.equal(contrl.type, 'CONTRL');
  const aperaks = ics[1] ? messages(ics[1]) : [];
  return { res, ics, contrl, aperak: aperaks[0], aperaks };
}

/** The declaration of a reference, from the caller's list. */
async function byReference(reference, login = 'trader1') {
  const all = await allPages(s.base, tk(login), '/v1/declarations?limit=200');
  return all.find((d) => d.reference === reference);
}

/** Lodges d over EDIFACT and asserts CONTRL 7 and APERAK 29 with the official number;
 * returns the registered declaration. */
async function lodgeOk(d, opts = {}) {
  const { contrl, aperak, ics } = await lodge(d, opts);
  assert.equal(val(one(contrl, 'UCI'), 4), '7', 'interchange accepted');
  assert.equal(val(one(contrl, 'UCM'), 3), '7', 'message accepted');
  assert.ok(aperak, 'an APERAK');
  assert.equal(aperak.type, 'APERAK');
  assert.equal(val(one(aperak, 'BGM'), 3), '29', 'APERAK 29 accepted');
  const abt = segsOf(aperak, 'RFF').find((x) => val(x, 1) === 'ABT');
  assert.ok(abt, 'RFF+ABT with the official number');
  const number = val(abt, 1, 2);
  assertNumber(number, '2200', d.type === 'EX' ? '0' : '1');
  // the APERAK travels from us to the interchange's sender
  const unb = ics[1][0];
  assert.equal(val(unb, 2), 'OPENSW');
  assert.equal(val(unb, 3), opts.sender ?? 'TRADER1');
  const listed = await byReference(d.reference);
  assert.ok(listed, 'the declaration is in the declarant\'s list');
  assert.equal(listed.number, number);
  const full = await getDecl(s.base, tk('trader1'), listed.id);
  assert.equal(full.status, 200, full.text);
  return full.json;
}

/** GET .../cusres as login; asserts 200 and returns {ic, msgs}. */
async function cusres(id, login = 'trader1') {
  const r = await getCusres(s.base, tk(login), id);
  assert.equal(r.status, 200, r.text);
  assert.match(r.headers.get('content-type'), /^application\/EDIFACT/i);
  const ics = readEdifact(r.text);
  assert.equal(ics.length, 1, r.text);
  const msgs = messages(ics[0]);
  assert.ok(msgs.every((m) => m.type === 'CUSRES'), r.text);
  assert.ok(msgs.every((m) => val(m.segs[0], 2, 3) === '96B'));
  assert.equal(val(ics[0].at(-1), 1), String(msgs.length), 'UNZ count');
  return { ic: ics[0], msgs, text: r.text };
}

const bgm = (m) => one(m, 'BGM').els.map((e) => e[0]);
const gis = (m) => val(one(m, 'GIS'), 1);
const abtOf = (m) => val(segsOf(m, 'RFF').find((x) => val(x, 1) === 'ABT'), 1, 2);

test('CUSDEC of the demo import: registered exactly like its JSON twin', async () => {
  const base = shrimpImport();
  const e = await lodgeOk(base);
  const j = await submitOk(s.base, tk('trader1'), shrimpImport({ reference: ref('TW') }));
  // same canonical content but for the reference
  const strip = (c) => ({ ...c, reference: undefined });
  assert.deepEqual(strip(e.content), strip(j.content));
  assert.equal(e.content.reference, base.reference);
  // same routing: same agencies, same rules, same state; same documents
  const route = (d) => d.tasks.map((t) => ({ agency: t.agency, rule: t.rule, rules: t.rules.map((r) => r.id), state: t.state, automated: t.automated }))
    .sort((a, b) => a.agency.localeCompare(b.agency));
  assert.deepEqual(route(e), route(j));
  assert.deepEqual(e.tasks.map((t) => t.agency).sort(), ['CUSTOMS', 'QUARANTINE']);
  assert.equal(e.status, j.status);
  assert.equal(e.type, 'IM');
  const docs = (d) => (d.documents ?? d.content.items.flatMap((it) => it.documents ?? []))
    .map((x) => `${x.type}/${x.number}/${x.status ?? ''}`).sort();
  assert.deepEqual(docs(e), docs(j));
  assert.deepEqual(e.content.items[0].documents.map((x) => x.type), ['phyto']);
  if (e.bill || j.bill) assert.equal(e.bill?.amount, j.bill?.amount, 'same duties');
  // the same timeline shape
  const kinds = async (id) => (await api(s.base, 'GET', `/v1/declarations/${id}/events`,
    { token: tk('trader1') })).json.items.map((x) => `${x.kind}:${x.agency ?? ''}`).sort();
  assert.deepEqual(await kinds(e.id), await kinds(j.id));

  // the JSON twin has no CUSRES: 409 not_edifact
  assertProblem(await getCusres(s.base, tk('trader1'), j.id), 409, 'not_edifact');

  // lodging the same CUSDEC again is idempotent: APERAK 29 with the same number
  const again = await lodge(base);
  assert.equal(val(one(again.aperak, 'BGM'), 3), '29');
  assert.equal(val(segsOf(again.aperak, 'RFF').find((x) => val(x, 1) === 'ABT'), 1, 2), e.number);

  // the JSON twin sent identically as a CUSDEC: the same declaration (same number), now
  // followed as EDIFACT too; a CUSDEC with other content under that reference is a conflict
  const twin = await lodge(shrimpImport({ reference: j.reference }));
  assert.equal(val(one(twin.aperak, 'BGM'), 3), '29');
  assert.equal(val(segsOf(twin.aperak, 'RFF').find((x) => val(x, 1) === 'ABT'), 1, 2), j.number);
  const jc = await cusres(j.id);
  assert.equal(abtOf(jc.msgs[0]), j.number);
  const clash = await lodge(shrimpImport({ reference: j.reference, procedure: '4071' }));
  assert.equal(val(one(clash.aperak, 'BGM'), 3), '27');
  assert.ok(segsOf(clash.aperak, 'FTX').some((f) => f.els[3][0] === 'reference_conflict'));
});

test('release: every agency approves -> CUSRES registered (official number) then released', async () => {
  const d = await lodgeOk(shrimpImport(), { sender: 'TRADER1-EDI', qual: '14' });
  // before any decision: one CUSRES, accepted with the official number
  const early = await cusres(d.id);
  assert.equal(early.msgs.length, 1);
  assert.deepEqual(bgm(early.msgs[0]), ['962', d.reference, '29', 'AP']);
  assert.equal(gis(early.msgs[0]), '1');
  assert.equal(abtOf(early.msgs[0]), d.number);
  // addressed to the CUSDEC's sender, from us, UNOC level 3
  const unb = early.ic[0];
  assert.deepEqual(unb.els[0], ['UNOC', '3']);
  assert.equal(val(unb, 2), 'OPENSW');
  assert.deepEqual(unb.els[2], ['TRADER1-EDI', '14']);

  let last;
  for (const agency of ['QUARANTINE', 'CUSTOMS']) {
    last = await decideOk(s.base, tk(OFFICERS[agency]), taskOf(d, agency).id, { decision: 'approve' });
  }
  assert.equal(last.status, 'released');
  const { msgs, text } = await cusres(d.id);
  assert.equal(msgs.length, 2, text);
  const [reg, rel] = msgs;
  assert.deepEqual(bgm(reg), ['962', d.reference, '29', 'AP']);
  assert.equal(gis(reg), '1');
  assert.equal(abtOf(reg), d.number);
  assert.ok(segsOf(reg, 'DTM').some((x) => val(x, 1) === '148'), 'acceptance date');
  assert.deepEqual(bgm(rel), ['962', d.reference, '29', 'AP']);
  assert.equal(gis(rel), '4', 'GIS 4: goods released');
  assert.equal(abtOf(rel), d.number);
  assert.ok(segsOf(rel, 'DTM').some((x) => val(x, 1) === '204'), 'release date');
  assert.equal(val(one(rel, 'LOC'), 2), 'CNSHA');
  assert.deepEqual(msgs.map((m) => m.ref), ['1', '2']);
  // UNT counts match
  for (const m of msgs) assert.equal(val(m.segs.at(-1), 1), String(m.segs.length));
  // the agencies the declaration was routed to and the administrator may read it too
  await cusres(d.id, 'customs1');
  await cusres(d.id, 'admin');
});

test('refusal: CUSRES with the agency\'s reason code and note', async () => {
  const d = await lodgeOk(shrimpImport());
  const r = await decideOk(s.base, tk('quarantine1'), taskOf(d, 'QUARANTINE').id,
    { decision: 'reject', reason_code: 'PEST', note: 'Live pests: consignment refused (see report Q-17)' });
  assert.equal(r.status, 'refused');
  const { msgs } = await cusres(d.id);
  assert.equal(msgs.length, 2);
  const ref2 = msgs[1];
  assert.deepEqual(bgm(ref2), ['962', d.reference, '27', 'RE']);
  assert.equal(gis(ref2), '2', 'GIS 2: rejected with comment');
  assert.equal(abtOf(ref2), d.number);
  assert.equal(val(one(ref2, 'ERC'), 1), 'PEST');
  const ftx = one(ref2, 'FTX');
  assert.equal(val(ftx, 1), 'ACD');
  assert.deepEqual(ftx.els[3], ['PEST', 'QUARANTINE', 'Live pests: consignment refused (see report Q-17)']);
  assert.equal(one(ref2, 'ERP').els[0][0], '1');
});

test('cancellation by the declarant: CUSRES with message function 1', async () => {
  const d = await lodgeOk(shrimpImport());
  const c = await api(s.base, 'POST', `/v1/declarations/${d.id}/cancel`,
    { token: tk('trader1'), body: { reason: 'lodged twice' } });
  assert.equal(c.status, 200, c.text);
  const { msgs } = await cusres(d.id);
  assert.equal(msgs.length, 2);
  assert.deepEqual(bgm(msgs[1]), ['962', d.reference, '1']);
  assert.ok(segsOf(msgs[1], 'DTM').some((x) => val(x, 1) === '46'), 'cancellation date');
  assert.equal(val(one(msgs[1], 'FTX'), 4), 'lodged twice');
});

test('wrong content type: 415; no credentials: 401', async () => {
  const text = cusdec(shrimpImport());
  assertProblem(await postEdi(s.base, tk('trader1'), text, 'application/json'), 415,
    'unsupported_media_type');
  assertProblem(await postEdi(s.base, tk('trader1'), text, 'text/plain'), 415);
  assertProblem(await postEdi(s.base, undefined, text), 401, 'unauthenticated');
  assertProblem(await getCusres(s.base, undefined, 1), 401, 'unauthenticated');
  // officers do not lodge declarations
  assertProblem(await postEdi(s.base, tk('customs1'), text), 403, 'forbidden');
  // nothing was registered by any of these
  const d = JSON.parse(JSON.stringify(shrimpImport()));
  assert.equal(await byReference(d.reference), undefined);
});

test('malformed interchanges: CONTRL rejection with the position, nothing registered', async () => {
  // a code outside the directory's list in segment 4 (LOC), element 1
  const d = shrimpImport();
  const bad = cusdec(d).replace("LOC+22+CNSHA'", "LOC+QQQ+CNSHA'");
  const res = await postEdi(s.base, tk('trader1'), bad);
  assert.equal(res.status, 200, res.text);
  const ics = readEdifact(res.text);
  const contrl = messages(ics[0])[0];
  const aperak = ics[1] ? messages(ics[1])[0] : undefined;
  assert.equal(val(one(contrl, 'UCI'), 4), '7', 'the interchange itself is fine');
  const ucm = one(contrl, 'UCM');
  assert.equal(val(ucm, 3), '4', 'the message is rejected');
  const ucs = one(contrl, 'UCS');
  assert.equal(val(ucs, 1), '4', 'segment 4 (UNH is 1)');
  const ucd = one(contrl, 'UCD');
  assert.equal(val(ucd, 1), '12', '0085 code 12: invalid value');
  assert.equal(val(ucd, 2), '1', 'element 1');
  assert.ok(aperak, 'an APERAK for the message');
  assert.equal(val(one(aperak, 'BGM'), 3), '27');
  assert.equal(val(one(aperak, 'FTX'), 4), 'edi_syntax');
  assert.equal(await byReference(d.reference), undefined, 'nothing registered');

  // a wrong UNT count: message-level rejection (29 count, tag UNT)
  const d2 = shrimpImport();
  const badCount = cusdec(d2).replace(/UNT\+\d+\+1'/, "UNT+99+1'");
  const r2 = await postEdi(s.base, tk('trader1'), badCount);
  assert.equal(r2.status, 200, r2.text);
  const ucm2 = one(messages(readEdifact(r2.text)[0])[0], 'UCM');
  assert.equal(val(ucm2, 3), '4');
  assert.equal(val(ucm2, 4), '29');
  assert.equal(val(ucm2, 5), 'UNT');
  assert.equal(await byReference(d2.reference), undefined);

  // no UNZ: the interchange is rejected (UCI action 4, 13 missing, UNZ)
  const d3 = shrimpImport();
  const noUnz = cusdec(d3).replace(/UNZ\+1\+[^']*'\n$/, '');
  const r3 = await postEdi(s.base, tk('trader1'), noUnz);
  assert.equal(r3.status, 200, r3.text);
  const uci = one(messages(readEdifact(r3.text)[0])[0], 'UCI');
  assert.deepEqual([val(uci, 4), val(uci, 5), val(uci, 6)], ['4', '13', 'UNZ']);

  // not EDIFACT at all: 400 no_interchange; an empty body too
  assertProblem(await postEdi(s.base, tk('trader1'), 'hello'), 400, 'no_interchange');
  assertProblem(await postEdi(s.base, tk('trader1'), '\u0000\u00ff\'+:?'), 400);
});

test('application errors: APERAK 27 with the same codes and paths as the JSON 422', async () => {
  const over = {
    items: [{ ...shrimpImport().items[0], hs: '99999999' }],
    transport: { ...shrimpImport().transport, containers: ['MSKU9070324'] },
  };
  const json = await submit(s.base, tk('trader1'), shrimpImport(over));
  const doc = assertProblem(json, 422);
  const want = doc.errors.map((e) => `${e.code} ${e.path}`).sort();
  assert.ok(want.some((w) => w.startsWith('unknown_hs ')), JSON.stringify(want));
  assert.ok(want.some((w) => w.startsWith('bad_container_check_digit ')), JSON.stringify(want));

  const d = shrimpImport(over);
  const { contrl, aperak } = await lodge(d);
  assert.equal(val(one(contrl, 'UCM'), 3), '7', 'syntactically fine');
  assert.equal(val(one(aperak, 'BGM'), 3), '27', 'APERAK 27 not accepted');
  const got = segsOf(aperak, 'FTX').map((f) => `${f.els[3][0]} ${f.els[3][1]}`).sort();
  assert.deepEqual(got, want);
  assert.equal(segsOf(aperak, 'ERC').length, want.length);
  assert.equal(await byReference(d.reference), undefined, 'nothing registered');

  // a message that is not a CUSDEC is answered, not processed
  const text = cusdec(phoneImport()).replace('CUSDEC:D:96B:UN', 'CUSDEC:D:03B:UN');
  const r = await postEdi(s.base, tk('trader1'), text);
  assert.equal(r.status, 200, r.text);
  const ap = messages(readEdifact(r.text)[1])[0];
  assert.equal(val(one(ap, 'FTX'), 4), 'unsupported_message');
});

test('another trader cannot read the CUSRES; unknown ids are 404', async () => {
  const d = await lodgeOk(shrimpImport());
  assertProblem(await getCusres(s.base, tk('trader2'), d.id), 404, 'not_found');
  assertProblem(await getCusres(s.base, tk('maritime1'), d.id), 404, 'not_found');
  assertProblem(await getCusres(s.base, tk('trader1'), 987654321), 404, 'not_found');
  assertProblem(await getCusres(s.base, tk('trader1'), 'abc'), 404, 'not_found');
  assertProblem(await getCusres(s.base, tk('trader1'), '-1'), 404, 'not_found');
  // trader2's own JSON declaration: visible, but not EDIFACT
  const j = await submitOk(s.base, tk('trader2'), phoneImport({ importer: { id: '91330200MA2AB0002Y' } }));
  assertProblem(await getCusres(s.base, tk('trader2'), j.id), 409, 'not_edifact');
});
