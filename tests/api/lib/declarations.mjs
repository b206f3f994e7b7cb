// declarations.mjs - builders and helpers for the declaration engine's API tests
// (issue 3): valid goods declarations and vessel calls, decisions, inbox paging.
import assert from 'node:assert/strict';
import { api } from './harness.mjs';

export const TRADER1_PARTY = '91310000MA1FL0001X';
export const TRADER2_PARTY = '91330200MA2AB0002Y';
export const BROKER1_PARTY = '91310115MA1H00033Z';
export const CARRIER1_PARTY = '91310000MA1K00044W';

let counter = 0;
/** A reference no other test in this process uses. */
export function ref(prefix = 'T') {
  counter += 1;
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${counter}`.slice(0, 35);
}

/** The DESIGN.md §7 import: frozen shrimps, 98,000 USD (routes to CUSTOMS manual and
 * QUARANTINE). Fields in `over` replace the top-level ones. */
export function shrimpImport(over = {}) {
  return {
    type: 'IM',
    reference: ref('IM'),
    procedure: '4000',
    office: 'CNSHA',
    importer: { id: TRADER1_PARTY },
    exporter: { id: 'VN0301234567', name: 'Saigon Seafood JSC' },
    transport: {
      mode: '1', vessel_imo: '9321483', voyage: '025E', bill_of_lading: 'COSU1234567890',
      loading: 'VNSGN', discharge: 'CNSHA', arrival: '2026-12-01T06:00:00Z',
      containers: ['MSKU9070323'],
    },
    invoice: { currency: 'USD', incoterm: 'CIF', total: '98000.00' },
    items: [{
      seq: 1, hs: '03061711', description: 'Frozen shrimps, peeled', origin: 'VN',
      quantity: '12000', unit: 'KGM', net_kg: '12000', gross_kg: '12600', value: '98000.00',
      documents: [{ type: 'phyto', number: 'VN-PC-2026-8812' }],
    }],
    ...over,
  };
}

/** A low-value import of smartphones (HS 851713): only customs-green applies. */
export function phoneImport(over = {}) {
  return {
    type: 'IM',
    reference: ref('PH'),
    procedure: '4000',
    office: 'CNSHA',
    importer: { id: TRADER1_PARTY },
    exporter: { id: 'KR1208147521', name: 'Busan Mobile Co.' },
    transport: {
      mode: '1', loading: 'KRPUS', discharge: 'CNSHA', containers: ['CSQU3054383'],
    },
    invoice: { currency: 'USD', incoterm: 'FOB', total: '2000.00' },
    items: [{
      seq: 1, hs: '851713', description: 'Smartphones', origin: 'KR', quantity: '10',
      unit: 'NAR', net_kg: '2', gross_kg: '3.5', value: '2000.00',
    }],
    ...over,
  };
}

/** A vessel arrival lodged by carrier1's agency (routes to the four vessel agencies). */
export function vesselArrival(over = {}) {
  return {
    type: 'VA',
    reference: ref('VA'),
    port: 'CNSHA',
    vessel: {
      imo: '9321483', name: 'COSCO ARIES', flag: 'HK', call_sign: 'VRDE7',
      gross_tonnage: 153666,
    },
    voyage: '025E',
    eta: '2026-12-01T06:00:00Z',
    etd: '2026-12-02T18:00:00Z',
    last_port: 'VNSGN',
    next_port: 'KRPUS',
    crew_count: 2,
    crew: [
      { name: 'Chen Hai', nationality: 'CN', rank: 'Master' },
      { name: 'Nguyen Van An', nationality: 'VN', rank: 'Chief Officer' },
    ],
    passenger_count: 0,
    cargo_summary: '1,840 TEU general cargo',
    dangerous_goods: false,
    sanitation_certificate_expiry: '2027-06-30',
    security_level: 1,
    carrier: { id: CARRIER1_PARTY },
    ...over,
  };
}

/** POSTs a declaration; returns the api() result. */
export function submit(base, token, body) {
  return api(base, 'POST', '/v1/declarations', { token, body });
}

/** POSTs a declaration and asserts 201; returns the declaration. */
export async function submitOk(base, token, body) {
  const r = await submit(base, token, body);
  assert.equal(r.status, 201, r.text);
  return r.json;
}

export function getDecl(base, token, id) {
  return api(base, 'GET', `/v1/declarations/${id}`, { token });
}

/** The task of one agency in a declaration document. */
export function taskOf(decl, agency) {
  const t = decl.tasks.find((x) => x.agency === agency);
  assert.ok(t, `a ${agency} task in ${JSON.stringify(decl.tasks)}`);
  return t;
}

/** POST /v1/tasks/{id}/decisions; returns the api() result. */
export function decide(base, token, taskId, body) {
  return api(base, 'POST', `/v1/tasks/${taskId}/decisions`, { token, body });
}

/** Decides and asserts 200; returns the declaration as answered. */
export async function decideOk(base, token, taskId, body) {
  const r = await decide(base, token, taskId, body);
  assert.equal(r.status, 200, r.text);
  return r.json;
}

/** Every item of a cursor-paged list (follows `next` via ?after=). */
export async function allPages(base, token, path) {
  const items = [];
  let after = null;
  for (let guard = 0; guard < 1000; guard++) {
    const sep = path.includes('?') ? '&' : '?';
    const r = await api(base, 'GET', after ? `${path}${sep}after=${after}` : path, { token });
    assert.equal(r.status, 200, r.text);
    items.push(...r.json.items);
    if (!r.json.next) return items;
    after = r.json.next;
  }
  throw new Error('pagination did not end');
}

/** Every task in an agency's inbox. */
export function inbox(base, token, agency, query = '') {
  return allPages(base, token, `/v1/agencies/${agency}/tasks?limit=200${query}`);
}

export const OFFICERS = {
  CUSTOMS: 'customs1', QUARANTINE: 'quarantine1', MARITIME: 'maritime1', BORDER: 'border1',
  COMMERCE: 'commerce1', TAX: 'tax1',
};

/** The official number shape: office code, current year, I/E flag, 9-digit serial. */
export function assertNumber(number, office, flag) {
  assert.match(number, /^\d{18}$/);
  const year = new Date().getUTCFullYear();
  assert.equal(number.slice(0, 9), `${office}${year}${flag}`, `number ${number}`);
}

/** Stops swd and asserts it exited cleanly, with no sanitizer report in its log. */
export async function closeClean(s) {
  const { code, signal } = await s.close();
  const log = s.log();
  assert.doesNotMatch(log, /AddressSanitizer|LeakSanitizer|runtime error:|ThreadSanitizer/,
    'sanitizer report in the swd log');
  assert.equal(signal, null, `swd died of ${signal}: ${log.slice(-2000)}`);
  assert.equal(code, 0, `swd exited ${code}: ${log.slice(-2000)}`);
}
