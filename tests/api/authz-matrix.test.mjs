// authz-matrix.test.mjs - issue 8: the authorisation matrix, generated from the router's
// own table (`swd --routes`): every route x every caller, with real objects in the path.
//
// The gate's answer (401 for anonymous, 403 for a role the route does not admit) follows
// from the route's access list alone. What a caller the gate lets through gets is stated
// per route in SPEC below - in particular 404 for objects of another tenant (a trader
// reading another's declaration or permit, an agency reading a declaration not routed to
// it). A route that swd serves and SPEC does not know fails the test, so a new route
// cannot be forgotten; a SPEC entry for a route that no longer exists fails it too.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { system, api, swctl, SWD } from './lib/harness.mjs';
import {
  shrimpImport, phoneImport, submitOk, taskOf, allPages, TRADER1_PARTY, TRADER2_PARTY,
  closeClean,
} from './lib/declarations.mjs';
import { cusdec, postEdi } from './lib/edifact.mjs';

const CALLERS = ['anonymous', 'trader1', 'trader2', 'broker1', 'bank1', 'customs1',
  'maritime1', 'border1', 'quarantine1', 'commerce1', 'tax1', 'customs-sup', 'admin'];
const YEAR = new Date().getUTCFullYear();
const TODAY = new Date().toISOString().slice(0, 10);
const BANK = '91310000MA1B00055B'; // bank1's party, with a payment agreement from trader1 (demo)
const U = `${process.pid % 100000}`; // keeps fresh identifiers unique per run

let s;
let routes; // [{method, pattern, access}]
const roles = new Map(); // caller -> access classes it has ('party', 'officer', ...)
const fx = {}; // shared objects: declA, declB, permitA, ...
let seq = 0;
const fresh = (p) => `${p}-${U}-${++seq}`;
const tk = (login) => (login === 'anonymous' ? undefined : s.token(login));

/** An import licence of COMMERCE held by trader1 for shrimps (HS 0306). */
function licence(number) {
  return {
    type: 'import_licence', number, holder: TRADER1_PARTY, valid_from: `${YEAR - 1}-01-01`,
    valid_to: `${YEAR + 1}-12-31`, usage: 'unlimited',
    lines: [{ hs_prefix: '0306', description: 'shrimps', unit: 'KGM', quantity: '10000000' }],
  };
}

/** trader1's shrimp import (tasks for CUSTOMS and QUARANTINE), optionally citing a licence. */
async function shrimpOfA(permitNumber) {
  const base = shrimpImport();
  if (permitNumber) {
    base.items[0].documents = [...base.items[0].documents,
      { type: 'import_licence', number: permitNumber }];
  }
  return submitOk(s.base, tk('trader1'), base);
}

async function asAdmin(method, path, body, want) {
  const r = await api(s.base, method, path, { token: tk('admin'), body });
  assert.equal(r.status, want, `${method} ${path}: ${r.text}`);
  return r.json;
}

async function issuePermit(number) {
  const r = await api(s.base, 'POST', '/v1/permits', { token: tk('commerce1'), body: licence(number) });
  assert.equal(r.status, 201, r.text);
  return r.json;
}

const PROBE_RULE = {
  id: 'authz-probe', agency: 'TAX', types: ['EX'], conditions: { hs_prefixes: ['9701'] },
  priority: 1, reason: 'authorisation matrix probe (matches nothing the tests send)',
};
const PROBE_REQ = {
  id: 'authz-probe-req', document_type: 'vet', types: ['EX'], hs_prefixes: ['9701'],
  reason: 'authorisation matrix probe',
};

// Who sees trader1's shrimp import declA: its owner, the two agencies it is routed to (a
// supervisor belongs to CUSTOMS) and the administrator.
const SEES_DECL_A = new Set(['trader1', 'customs1', 'quarantine1', 'customs-sup', 'admin']);
// Who sees permitA: holder, issuer, agencies with a task on a declaration citing it, admin.
const SEES_PERMIT_A = new Set(['trader1', 'commerce1', 'customs1', 'quarantine1',
  'customs-sup', 'admin']);
const seesA = (c) => (SEES_DECL_A.has(c) ? 200 : 404);
// Who sees declA's bill: its party, its bank (agreement), customs, tax and the administrator.
const SEES_BILL_A = new Set(['trader1', 'bank1', 'customs1', 'tax1', 'customs-sup', 'admin']);

/** A payment confirmation signed with bank1's key, as the bank's system sends it. */
function signed(body) {
  const raw = JSON.stringify(body);
  return { raw, headers: { 'content-type': 'application/json',
    'x-signature': createHmac('sha256', Buffer.from(fx.bankKey, 'hex')).update(raw).digest('hex') } };
}

/**
 * What a caller the gate admits gets, per route. prep(caller, admitted) makes the objects a
 * cell needs (fresh ones for routes that change state, so cells do not depend on each
 * other) and returns the request; expect(caller) is the status for admitted callers.
 */
const SPEC = {
  'GET /healthz': { prep: () => ({ path: '/healthz' }), expect: () => 200 },
  'GET /readyz': { prep: () => ({ path: '/readyz' }), expect: () => 200 },
  'GET /metrics': { prep: () => ({ path: '/metrics' }), expect: () => 200 },
  'GET /v1/openapi.yaml': { prep: () => ({ path: '/v1/openapi.yaml' }), expect: () => 200 },
  // an empty sign-in (422) exercises the route without creating sessions
  'POST /v1/session': { prep: () => ({ path: '/v1/session', body: {} }), expect: () => 422 },
  'DELETE /v1/session': { prep: () => ({ path: '/v1/session' }), expect: () => 204 },
  'GET /v1/me': { prep: () => ({ path: '/v1/me' }), expect: () => 200 },
  'GET /v1/reference/hs': { prep: () => ({ path: '/v1/reference/hs?q=shrimp' }), expect: () => 200 },
  'GET /v1/reference/hs/{code}': { prep: () => ({ path: '/v1/reference/hs/030617' }), expect: () => 200 },
  'GET /v1/reference/countries': { prep: () => ({ path: '/v1/reference/countries?q=viet' }), expect: () => 200 },
  'GET /v1/reference/countries/{code}': { prep: () => ({ path: '/v1/reference/countries/CN' }), expect: () => 200 },
  'GET /v1/reference/currencies': { prep: () => ({ path: '/v1/reference/currencies?q=USD' }), expect: () => 200 },
  'GET /v1/reference/currencies/{code}': { prep: () => ({ path: '/v1/reference/currencies/USD' }), expect: () => 200 },
  'GET /v1/reference/locations': { prep: () => ({ path: '/v1/reference/locations?q=shanghai' }), expect: () => 200 },
  'GET /v1/reference/locations/{code}': { prep: () => ({ path: '/v1/reference/locations/CNSHA' }), expect: () => 200 },
  'GET /v1/reference/check/{kind}/{value}': { prep: () => ({ path: '/v1/reference/check/imo/9321483' }), expect: () => 200 },

  // trader1's import: its own users and its mandated broker may lodge it, nobody else
  'POST /v1/declarations': {
    prep: () => ({ path: '/v1/declarations', body: phoneImport({ reference: fresh('AZ') }) }),
    expect: (c) => (c === 'trader1' || c === 'broker1' ? 201 : 403),
  },
  'GET /v1/declarations': { prep: () => ({ path: '/v1/declarations' }), expect: () => 200 },
  'GET /v1/declarations/{id}': {
    prep: () => ({ path: `/v1/declarations/${fx.declA.id}` }), expect: seesA,
  },
  'GET /v1/declarations/{id}/events': {
    prep: () => ({ path: `/v1/declarations/${fx.declA.id}/events` }), expect: seesA,
  },
  // declE is declA's twin lodged over EDIFACT: same routing, so the same readers
  'GET /v1/declarations/{id}/cusres': {
    prep: () => ({ path: `/v1/declarations/${fx.declE.id}/cusres` }), expect: seesA,
  },
  // nothing is held: the owner gets past every check to 409; other parties see nothing
  'POST /v1/declarations/{id}/responses': {
    prep: () => ({ path: `/v1/declarations/${fx.declA.id}/responses`, body: { message: 'probe' } }),
    expect: (c) => (c === 'trader1' ? 409 : 404),
  },
  'POST /v1/declarations/{id}/cancel': {
    prep: async (c, admitted) => {
      const d = admitted ? await shrimpOfA() : fx.declA;
      return { path: `/v1/declarations/${d.id}/cancel`, body: {} };
    },
    expect: (c) => (c === 'trader1' ? 200 : 404),
  },
  'GET /v1/agencies/{code}/tasks': {
    prep: () => ({ path: '/v1/agencies/CUSTOMS/tasks' }),
    expect: (c) => (['customs1', 'customs-sup', 'admin'].includes(c) ? 200 : 403),
  },
  // the QUARANTINE task of a fresh declaration: only quarantine decides it; to any other
  // agency it does not exist
  'POST /v1/tasks/{id}/decisions': {
    prep: async (c, admitted) => {
      const d = admitted ? await shrimpOfA() : fx.declA;
      return { path: `/v1/tasks/${taskOf(d, 'QUARANTINE').id}/decisions`, body: { decision: 'approve' } };
    },
    expect: (c) => (c === 'quarantine1' ? 200 : 404),
  },
  'GET /v1/events': { prep: () => ({ path: '/v1/events' }), expect: () => 200 },
  'GET /v1/routing-rules': { prep: () => ({ path: '/v1/routing-rules' }), expect: () => 200 },
  'POST /v1/routing-rules': {
    prep: () => ({ path: '/v1/routing-rules', body: { ...PROBE_RULE, id: fresh('authz-rule') } }),
    expect: () => 201,
  },
  'GET /v1/routing-rules/{id}': { prep: () => ({ path: '/v1/routing-rules/authz-probe' }), expect: () => 200 },
  'PUT /v1/routing-rules/{id}': {
    prep: () => ({ path: '/v1/routing-rules/authz-probe', body: PROBE_RULE }), expect: () => 200,
  },
  'POST /v1/routing-rules/{id}/disable': {
    prep: () => ({ path: '/v1/routing-rules/authz-probe/disable' }), expect: () => 200,
  },
  'POST /v1/routing-rules/{id}/enable': {
    prep: () => ({ path: '/v1/routing-rules/authz-probe/enable' }), expect: () => 200,
  },
  'GET /v1/routing-rules/{id}/history': {
    prep: () => ({ path: '/v1/routing-rules/authz-probe/history' }), expect: () => 200,
  },
  // public: the status only, to anyone who knows both number and reference
  'GET /v1/public/declaration-status': {
    prep: () => ({
      path: `/v1/public/declaration-status?number=${fx.declA.number}&reference=${encodeURIComponent(fx.declA.reference)}`,
    }),
    expect: () => 200,
  },
  'GET /v1/agencies': { prep: () => ({ path: '/v1/agencies' }), expect: () => 200 },
  'GET /v1/parties': { prep: () => ({ path: '/v1/parties' }), expect: () => 200 },
  'GET /v1/users': { prep: () => ({ path: '/v1/users' }), expect: () => 200 },
  'POST /v1/users': {
    prep: () => ({
      path: '/v1/users',
      body: { login: fresh('authz-u'), role: 'declarant', party: TRADER2_PARTY },
    }),
    expect: () => 201,
  },
  'POST /v1/users/{login}/disable': {
    prep: async (c, admitted) => ({ path: `/v1/users/${admitted ? await newUser() : 'trader2'}/disable` }),
    expect: () => 200,
  },
  'POST /v1/users/{login}/enable': {
    prep: async (c, admitted) => ({ path: `/v1/users/${admitted ? await newUser() : 'trader2'}/enable` }),
    expect: () => 200,
  },
  'GET /v1/users/{login}/tokens': { prep: () => ({ path: '/v1/users/trader2/tokens' }), expect: () => 200 },
  'POST /v1/users/{login}/tokens': {
    prep: async (c, admitted) => ({
      path: `/v1/users/${admitted ? await newUser() : 'trader2'}/tokens`, body: { name: 'authz' },
    }),
    expect: () => 201,
  },
  'DELETE /v1/tokens/{id}': {
    prep: async (c, admitted) => {
      if (!admitted) return { path: `/v1/tokens/${fx.tokenId}` };
      const t = await asAdmin('POST', `/v1/users/${await newUser()}/tokens`, { name: 'authz' }, 201);
      return { path: `/v1/tokens/${t.id}` };
    },
    expect: () => 204,
  },
  'GET /v1/document-types': { prep: () => ({ path: '/v1/document-types' }), expect: () => 200 },
  // only the agency responsible for the type issues it
  'POST /v1/permits': {
    prep: () => ({ path: '/v1/permits', body: licence(fresh('AZ-IL')) }),
    expect: (c) => (c === 'commerce1' ? 201 : 403),
  },
  'GET /v1/permits': { prep: () => ({ path: '/v1/permits' }), expect: () => 200 },
  'GET /v1/permits/{type}/{number}': {
    prep: () => ({ path: `/v1/permits/import_licence/${fx.permitA.number}` }),
    expect: (c) => (SEES_PERMIT_A.has(c) ? 200 : 404),
  },
  // the issuer amends; an agency that sees the permit (a task on a citing declaration) but
  // did not issue it gets 403; one that does not see it, 404
  'PUT /v1/permits/{type}/{number}': {
    prep: () => ({ path: `/v1/permits/import_licence/${fx.permitA.number}`, body: licence(fx.permitA.number) }),
    expect: (c) => (c === 'commerce1' ? 200 : SEES_PERMIT_A.has(c) ? 403 : 404),
  },
  'GET /v1/permits/{type}/{number}/history': {
    prep: () => ({ path: `/v1/permits/import_licence/${fx.permitA.number}/history` }),
    expect: (c) => (SEES_PERMIT_A.has(c) ? 200 : 404),
  },
  'POST /v1/permits/{type}/{number}/suspend': permitMove('suspend'),
  'POST /v1/permits/{type}/{number}/reinstate': permitMove('reinstate', 'suspend'),
  'POST /v1/permits/{type}/{number}/revoke': permitMove('revoke'),
  'POST /v1/permits/{type}/{number}/close': permitMove('close'),
  'GET /v1/requirement-rules': { prep: () => ({ path: '/v1/requirement-rules' }), expect: () => 200 },
  'POST /v1/requirement-rules': {
    prep: () => ({ path: '/v1/requirement-rules', body: { ...PROBE_REQ, id: fresh('authz-req') } }),
    expect: () => 201,
  },
  'PUT /v1/requirement-rules/{id}': {
    prep: () => ({ path: '/v1/requirement-rules/authz-probe-req', body: PROBE_REQ }), expect: () => 200,
  },
  // duties and payment (docs/duties.md)
  'GET /v1/tariff/{hs}': { prep: () => ({ path: '/v1/tariff/03061711' }), expect: () => 200 },
  'GET /v1/exchange-rates': { prep: () => ({ path: '/v1/exchange-rates' }), expect: () => 200 },
  'PUT /v1/exchange-rates/{currency}': {
    prep: () => ({ path: '/v1/exchange-rates/CHF', body: { rate: '8.05', effective_from: `${YEAR}-01-01` } }),
    expect: () => 200,
  },
  'GET /v1/bills': { prep: () => ({ path: '/v1/bills' }), expect: () => 200 },
  'GET /v1/bills/{number}': {
    prep: () => ({ path: `/v1/bills/${fx.declA.bill.number}` }),
    expect: (c) => (SEES_BILL_A.has(c) ? 200 : 404),
  },
  // only a bank confirms, signed; here the bill of a fresh declaration of its client
  'POST /v1/payments/confirmations': {
    prep: async (c, admitted) => {
      const d = admitted && c === 'bank1' ? await shrimpOfA() : fx.declA;
      const body = { bill: d.bill.number, amount: d.bill.amount, currency: d.bill.currency,
        transaction_id: fresh('AZ-TX') };
      return { path: '/v1/payments/confirmations', ...signed(body) };
    },
    expect: (c) => (c === 'bank1' ? 200 : 403),
  },
  'GET /v1/payment-agreements': { prep: () => ({ path: '/v1/payment-agreements' }), expect: () => 200 },
  // an agreement names a bank; "not a bank" proves the caller got past the gate unchanged
  'POST /v1/payment-agreements': {
    prep: () => ({ path: '/v1/payment-agreements', body: { bank: TRADER2_PARTY, account: 'AZ-1' } }),
    expect: () => 422,
  },
  'GET /v1/guarantees': { prep: () => ({ path: '/v1/guarantees' }), expect: () => 200 },
  'POST /v1/guarantees': {
    prep: () => ({ path: '/v1/guarantees', body: { number: fresh('AZ-G'), party: TRADER2_PARTY,
      kind: 'insurance', issuer: 'Authz Insurance', amount: '10.00', valid_from: `${YEAR}-01-01`,
      valid_to: `${YEAR + 1}-12-31` } }),
    expect: () => 201,
  },
  // the revenue report is for customs, tax and the administrator
  'GET /v1/reports/revenue': {
    prep: () => ({ path: `/v1/reports/revenue?date=${TODAY}` }),
    expect: (c) => (['customs1', 'customs-sup', 'tax1', 'admin'].includes(c) ? 200 : 403),
  },
  // logistics (docs/logistics.md): party users pass the gate, but only port operators,
  // carriers and logistics firms post and read events: the traders and the bank get 403
  'POST /v1/logistics/events': {
    prep: () => ({ path: '/v1/logistics/events', body: { kind: 'arrival', at: '2026-11-20T06:00:00Z', bill_of_lading: 'AZBL0001' } }),
    expect: () => 403,
  },
  'GET /v1/logistics/events': { prep: () => ({ path: '/v1/logistics/events' }), expect: () => 403 },
  'GET /v1/logistics/events/{id}': { prep: () => ({ path: '/v1/logistics/events/1' }), expect: () => 403 },
  'GET /v1/logistics/notices': { prep: () => ({ path: '/v1/logistics/notices' }), expect: () => 403 },
  // release-time statistics and the fee catalogue are public (aggregates only)
  'GET /v1/stats/release-times': { prep: () => ({ path: '/v1/stats/release-times' }), expect: () => 200 },
  'GET /v1/stats/declarations': { prep: () => ({ path: '/v1/stats/declarations?by=type' }), expect: () => 200 },
  'GET /v1/exports/declarations': { prep: () => ({ path: '/v1/exports/declarations' }), expect: () => 200 },
  'GET /v1/fees': { prep: () => ({ path: '/v1/fees?port=CNSHA' }), expect: () => 200 },
  'POST /v1/fees': {
    prep: () => ({ path: '/v1/fees', body: { port: 'CNSHA', item: fresh('az-fee').toLowerCase(),
      entity: 'Authz Port', description: 'probe', unit: 'per_call', rate: '1.00', currency: 'CNY',
      setting: 'market', effective_from: `${YEAR}-01-01` } }),
    expect: () => 201,
  },
  'GET /v1/fees/estimate': { prep: () => ({ path: '/v1/fees/estimate?port=CNSHA&containers_20=1' }), expect: () => 200 },
  // the EDIFACT channel takes party users; a body that is no interchange is 400 for all
  'POST /v1/edi': {
    prep: () => ({ path: '/v1/edi', raw: 'no interchange here',
      headers: { 'content-type': 'application/EDIFACT' } }),
    expect: () => 400,
  },
  'GET /': { prep: () => ({ path: '/' }), expect: () => 200 },
  'GET /{path*}': { prep: () => ({ path: '/js/app.js' }), expect: () => 200 },
};

/** Status changes of a fresh permit cited by a fresh declaration of trader1 (so CUSTOMS
 * and QUARANTINE see it, without being its issuer). */
function permitMove(action, before) {
  return {
    prep: async (c, admitted) => {
      let number = fx.permitA.number;
      if (admitted) {
        number = fresh('AZ-MV');
        await issuePermit(number);
        await shrimpOfA(number);
        if (before) {
          const r = await api(s.base, 'POST', `/v1/permits/import_licence/${number}/${before}`,
            { token: tk('commerce1') });
          assert.equal(r.status, 200, r.text);
        }
      }
      return { path: `/v1/permits/import_licence/${number}/${action}` };
    },
    expect: (c) => (c === 'commerce1' ? 200 : SEES_PERMIT_A.has(c) ? 403 : 404),
  };
}

async function newUser() {
  const login = fresh('authz-x');
  await asAdmin('POST', '/v1/users', { login, role: 'declarant', party: TRADER2_PARTY }, 201);
  return login;
}

before(async () => {
  s = await system();
  routes = execFileSync(SWD, ['--routes'], { encoding: 'utf8' }).trim().split('\n')
    .map((l) => JSON.parse(l));
  // what each caller is, as swd sees it
  const classes = { declarant: ['party'], officer: ['officer'], supervisor: ['supervisor', 'officer'],
    administrator: ['admin'] };
  roles.set('anonymous', []);
  for (const c of CALLERS.slice(1)) {
    const me = await api(s.base, 'GET', '/v1/me', { token: tk(c) });
    assert.equal(me.status, 200, `${c}: ${me.text}`);
    assert.ok(classes[me.json.role], `${c} has role ${me.json.role}`);
    roles.set(c, classes[me.json.role]);
  }
  assert.deepEqual(roles.get('bank1'), ['party'], 'the bank is a party user');

  fx.bankKey = swctl(s.dir, 'bank', 'key', BANK).trim();
  fx.permitA = await issuePermit(`AZ-IL-${U}-A`);
  fx.declA = await shrimpOfA(fx.permitA.number);
  assert.deepEqual(fx.declA.tasks.map((t) => t.agency).sort(), ['CUSTOMS', 'QUARANTINE'],
    'declA is routed to CUSTOMS and QUARANTINE only');
  assert.ok(fx.declA.bill?.number, `declA has a bill: ${JSON.stringify(fx.declA.bill)}`);
  const twin = shrimpImport();
  const lodged = await postEdi(s.base, tk('trader1'), cusdec(twin));
  assert.equal(lodged.status, 200, lodged.text);
  fx.declE = (await allPages(s.base, tk('trader1'), '/v1/declarations?limit=200'))
    .find((d) => d.reference === twin.reference);
  assert.ok(fx.declE, `the EDIFACT twin is registered: ${lodged.text}`);
  fx.declB = await submitOk(s.base, tk('trader2'), phoneImport({ importer: { id: TRADER2_PARTY } }));
  await asAdmin('POST', '/v1/routing-rules', PROBE_RULE, 201);
  await asAdmin('POST', '/v1/requirement-rules', PROBE_REQ, 201);
  fx.tokenId = (await asAdmin('POST', '/v1/users/trader2/tokens', { name: 'authz-shared' }, 201)).id;
});

after(async () => { await closeClean(s); });

test('every route swd serves has a matrix expectation, and every expectation a route', () => {
  const keys = routes.map((r) => `${r.method} ${r.pattern}`);
  const missing = keys.filter((k) => !SPEC[k]);
  assert.deepEqual(missing, [], `routes without an expectation in authz-matrix.test.mjs: ${missing.join(', ')}`);
  const stale = Object.keys(SPEC).filter((k) => !keys.includes(k));
  assert.deepEqual(stale, [], `expectations for routes swd no longer has: ${stale.join(', ')}`);
  for (const r of routes) {
    assert.ok(Array.isArray(r.access) && r.access.length > 0, `${r.method} ${r.pattern} declares access`);
    for (const a of r.access) assert.ok(['public', 'party', 'officer', 'supervisor', 'admin'].includes(a), a);
  }
});

test('route x caller: the gate and the object rules', async () => {
  let cells = 0;
  const failures = [];
  for (const r of routes) {
    const spec = SPEC[`${r.method} ${r.pattern}`];
    if (!spec) continue; // reported by the test above
    for (const c of CALLERS) {
      const have = roles.get(c);
      const pub = r.access.includes('public');
      const admitted = pub || have.some((x) => r.access.includes(x));
      const want = !admitted ? (c === 'anonymous' ? 401 : 403) : spec.expect(c);
      const req = await spec.prep(c, admitted);
      const res = await api(s.base, r.method, req.path,
        { token: tk(c), body: req.body, raw: req.raw, headers: req.headers });
      cells += 1;
      const cell = `${r.method} ${r.pattern} as ${c} (${req.path})`;
      if (res.status !== want) {
        failures.push(`${cell}: want ${want}, got ${res.status} ${res.text.slice(0, 160)}`);
        continue;
      }
      if (!admitted) {
        const code = res.json?.errors?.[0]?.code;
        const wantCode = c === 'anonymous' ? 'unauthenticated' : 'forbidden';
        if (code !== wantCode) failures.push(`${cell}: gate answer code ${code}, want ${wantCode}`);
      }
      if (pub && (res.status === 401 || res.status === 403)) failures.push(`${cell}: public route refused`);
    }
  }
  console.log(`authz matrix: ${cells} cells checked (${routes.length} routes x ${CALLERS.length} callers)`);
  assert.deepEqual(failures, []);
  assert.equal(cells, routes.length * CALLERS.length);
});

test('tenant isolation on lists and feeds: nobody lists what they may not read', async () => {
  const ids = async (login, path) => new Set((await allPages(s.base, tk(login), path)).map((d) => d.id));
  // declarations
  for (const c of ['trader2', 'broker1', 'bank1']) {
    const mine = await ids(c, '/v1/declarations?limit=200');
    assert.ok(!mine.has(fx.declA.id), `${c} lists trader1's declaration`);
  }
  const t1 = await ids('trader1', '/v1/declarations?limit=200');
  assert.ok(t1.has(fx.declA.id));
  assert.ok(!t1.has(fx.declB.id), "trader1 lists trader2's declaration");
  const all = await ids('admin', '/v1/declarations?limit=200');
  assert.ok(all.has(fx.declA.id) && all.has(fx.declB.id));
  // trader2's declaration is as closed to trader1 as the other way round
  for (const [m, p] of [['GET', ''], ['GET', '/events'], ['POST', '/cancel'], ['POST', '/responses']]) {
    const r = await api(s.base, m, `/v1/declarations/${fx.declB.id}${p}`,
      { token: tk('trader1'), body: m === 'POST' ? { message: 'x' } : undefined });
    assert.equal(r.status, 404, `trader1 ${m} declB${p}: ${r.status}`);
  }
  // agency inboxes
  const inboxIds = async (login, agency) =>
    new Set((await allPages(s.base, tk(login), `/v1/agencies/${agency}/tasks?limit=200`))
      .map((t) => t.declaration.id));
  assert.ok((await inboxIds('customs1', 'CUSTOMS')).has(fx.declA.id));
  assert.ok((await inboxIds('quarantine1', 'QUARANTINE')).has(fx.declA.id));
  for (const [login, agency] of [['commerce1', 'COMMERCE'], ['maritime1', 'MARITIME'], ['tax1', 'TAX']])
    assert.ok(!(await inboxIds(login, agency)).has(fx.declA.id), `${agency} inbox has declA`);
  // event feeds
  const feedDecls = async (login) => {
    const seen = new Set();
    let after = '0';
    for (let i = 0; i < 200; i++) {
      const r = await api(s.base, 'GET', `/v1/events?after=${after}&limit=500`, { token: tk(login) });
      assert.equal(r.status, 200, r.text);
      for (const e of r.json.items) seen.add(e.declaration);
      if (r.json.items.length === 0) return seen;
      after = r.json.next;
    }
    throw new Error('feed did not end');
  };
  for (const c of ['trader2', 'broker1', 'bank1', 'maritime1', 'border1', 'commerce1', 'tax1'])
    assert.ok(!(await feedDecls(c)).has(fx.declA.id), `${c}'s event feed has declA`);
  for (const c of ['trader1', 'customs1', 'quarantine1', 'customs-sup', 'admin'])
    assert.ok((await feedDecls(c)).has(fx.declA.id), `${c}'s event feed lacks declA`);
  // permits
  const permitNumbers = async (login) => {
    const r = await api(s.base, 'GET', '/v1/permits', { token: tk(login) });
    assert.equal(r.status, 200, r.text);
    return new Set(r.json.items.map((p) => p.number));
  };
  for (const c of ['trader2', 'broker1', 'bank1', 'maritime1', 'tax1'])
    assert.ok(!(await permitNumbers(c)).has(fx.permitA.number), `${c} lists permitA`);
  for (const c of ['trader1', 'commerce1'])
    assert.ok((await permitNumbers(c)).has(fx.permitA.number), `${c} does not list permitA`);
  // bills and guarantees
  const list = async (login, path, key) => {
    const r = await api(s.base, 'GET', path, { token: tk(login) });
    assert.equal(r.status, 200, r.text);
    return new Set(r.json.items.map((x) => x[key]));
  };
  for (const c of ['trader2', 'broker1', 'maritime1', 'quarantine1', 'commerce1'])
    assert.ok(!(await list(c, '/v1/bills', 'number')).has(fx.declA.bill.number), `${c} lists declA's bill`);
  for (const c of SEES_BILL_A)
    assert.ok((await list(c, '/v1/bills', 'number')).has(fx.declA.bill.number), `${c} does not list declA's bill`);
  for (const c of ['trader2', 'broker1', 'bank1', 'maritime1'])
    assert.ok(!(await list(c, '/v1/guarantees', 'number')).has('G-DEMO-0001'), `${c} lists trader1's guarantee`);
  assert.ok((await list('trader1', '/v1/guarantees', 'number')).has('G-DEMO-0001'));
  // a bank confirms only bills of its own clients: trader2 has no agreement with bank1
  const d2 = await submitOk(s.base, tk('trader2'), shrimpImport({ importer: { id: TRADER2_PARTY } }));
  assert.ok(d2.bill?.number);
  assert.equal((await api(s.base, 'GET', `/v1/bills/${d2.bill.number}`, { token: tk('bank1') })).status, 404);
  const pay = await api(s.base, 'POST', '/v1/payments/confirmations', { token: tk('bank1'),
    ...signed({ bill: d2.bill.number, amount: d2.bill.amount, currency: d2.bill.currency, transaction_id: fresh('AZ-TX') }) });
  assert.equal(pay.status, 404, pay.text);
  assert.equal((await api(s.base, 'GET', `/v1/bills/${d2.bill.number}`, { token: tk('trader2') })).json.status, 'unpaid');
});

test('the public status lookup needs both number and reference, and shows no contents', async () => {
  const q = (n, r) => api(s.base, 'GET', `/v1/public/declaration-status?number=${n}&reference=${encodeURIComponent(r)}`);
  const ok = await q(fx.declA.number, fx.declA.reference);
  assert.equal(ok.status, 200);
  assert.deepEqual(Object.keys(ok.json).sort(), ['number', 'pending', 'status', 'type', 'updated_at']);
  assert.equal((await q(fx.declA.number, fx.declB.reference)).status, 404);
  assert.equal((await q(fx.declB.number, fx.declA.reference)).status, 404);
});
