// portal-routes.test.mjs - the routes the web portal added (issue 7): the public status
// lookup by number and reference, the agencies and parties directories, and the
// administrator's users and API tokens (validated with paths, audited, secrets shown once).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { system, api, sql as dbSql } from './lib/harness.mjs';
import { assertProblem } from './lib/assert-problem.mjs';
import { shrimpImport, submitOk, decideOk, taskOf, TRADER1_PARTY } from './lib/declarations.mjs';

let sys;
before(async () => { sys = await system(); });
after(async () => {
  const r = await sys?.close();
  assert.deepEqual(r, { code: 0, signal: null }, `swd exit: ${sys?.log()}`);
});

const admin = () => sys.token('admin');
const sql = (query) => dbSql(sys.dir, query);
const status = (q) => api(sys.base, 'GET', `/v1/public/declaration-status?${new URLSearchParams(q)}`);

describe('GET /v1/public/declaration-status', () => {
  let d;
  before(async () => {
    d = await submitOk(sys.base, sys.token('trader1'), shrimpImport());
  });

  test('number and reference together give the status and the open agencies, nothing else', async () => {
    const r = await status({ number: d.number, reference: d.reference });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(Object.keys(r.json).sort(), ['number', 'pending', 'status', 'type', 'updated_at']);
    assert.equal(r.json.number, d.number);
    assert.equal(r.json.type, 'IM');
    assert.equal(r.json.status, 'under_review');
    assert.deepEqual(r.json.pending, ['CUSTOMS', 'QUARANTINE']);
    assert.match(r.json.updated_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    assert.doesNotMatch(r.text, /shrimp|91310000MA1FL0001X/i, 'no contents, no parties');
  });

  test('needs no credentials, and follows the decisions', async () => {
    await decideOk(sys.base, sys.token('customs1'), taskOf(d, 'CUSTOMS').id, { decision: 'approve' });
    let r = await status({ number: d.number, reference: d.reference });
    assert.deepEqual(r.json.pending, ['QUARANTINE']);
    await decideOk(sys.base, sys.token('quarantine1'), taskOf(d, 'QUARANTINE').id,
      { decision: 'hold', note: 'certificate please' });
    r = await status({ number: d.number, reference: d.reference });
    assert.deepEqual(r.json.pending, ['QUARANTINE'], 'a held task is still open');
  });

  test('a wrong reference and an unknown number get the same 404', async () => {
    const wrongRef = await status({ number: d.number, reference: `${d.reference}x` });
    const unknown = await status({ number: '999920269999999999', reference: d.reference });
    assertProblem(wrongRef, 404, 'not_found');
    assertProblem(unknown, 404, 'not_found');
    assert.equal(wrongRef.json.detail, unknown.json.detail);
  });

  test('malformed or missing arguments are 400 naming each', async () => {
    const r = await status({ number: '12ab' });
    const doc = assertProblem(r, 400, 'bad_parameter');
    assert.deepEqual(doc.errors.map((e) => e.path).sort(), ['?number', '?reference']);
    assertProblem(await status({ number: d.number, reference: 'x'.repeat(36) }), 400, 'bad_parameter');
  });
});

describe('directories', () => {
  test('GET /v1/agencies is public: codes and names', async () => {
    const r = await api(sys.base, 'GET', '/v1/agencies');
    assert.equal(r.status, 200);
    const codes = r.json.items.map((a) => a.code);
    for (const c of ['CUSTOMS', 'QUARANTINE', 'MARITIME', 'BORDER']) assert.ok(codes.includes(c), c);
    assert.ok(r.json.items.every((a) => typeof a.name === 'string' && a.name));
  });

  test('GET /v1/parties is for administrators', async () => {
    assertProblem(await api(sys.base, 'GET', '/v1/parties'), 401, 'unauthenticated');
    assertProblem(await api(sys.base, 'GET', '/v1/parties', { token: sys.token('trader1') }), 403, 'forbidden');
    const r = await api(sys.base, 'GET', '/v1/parties', { token: admin() });
    assert.equal(r.status, 200);
    assert.ok(r.json.items.some((p) => p.national_id === TRADER1_PARTY && /importer/.test(p.roles)));
  });
});

describe('users', () => {
  const create = (body, token = admin()) => api(sys.base, 'POST', '/v1/users', { token, body });

  test('only administrators list and add users', async () => {
    for (const login of ['trader1', 'customs1', 'customs-sup']) {
      assertProblem(await api(sys.base, 'GET', '/v1/users', { token: sys.token(login) }), 403, 'forbidden');
      assertProblem(await create({ login: 'x', role: 'administrator' }, sys.token(login)), 403, 'forbidden');
    }
    assertProblem(await api(sys.base, 'GET', '/v1/users'), 401, 'unauthenticated');
  });

  test('GET /v1/users lists users with their party or agency, searchable and paged', async () => {
    const r = await api(sys.base, 'GET', '/v1/users', { token: admin() });
    assert.equal(r.status, 200);
    const t1 = r.json.items.find((u) => u.login === 'trader1');
    assert.equal(t1.role, 'declarant');
    assert.equal(t1.party, TRADER1_PARTY);
    assert.equal(t1.disabled, false);
    assert.ok(t1.active_tokens >= 1);
    assert.equal(r.json.items.find((u) => u.login === 'customs1').agency, 'CUSTOMS');
    assert.ok(!r.text.includes('argon2'), 'no password hashes');
    const q = await api(sys.base, 'GET', '/v1/users?q=custom', { token: admin() });
    assert.deepEqual(q.json.items.map((u) => u.login).sort(), ['customs-sup', 'customs1']);
    const pct = await api(sys.base, 'GET', '/v1/users?q=%25', { token: admin() });
    assert.deepEqual(pct.json.items, [], '% is a character, not a wildcard');
    const p1 = await api(sys.base, 'GET', '/v1/users?limit=2', { token: admin() });
    assert.equal(p1.json.items.length, 2);
    const p2 = await api(sys.base, 'GET', `/v1/users?limit=2&after=${p1.json.next}`, { token: admin() });
    assert.ok(p2.json.items[0].id > p1.json.items[1].id);
  });

  test('a user with problems is 422 listing each with its path; nothing is stored', async () => {
    const r = await create({ login: 'bad login', role: 'officer', party: TRADER1_PARTY, password: 'short', colour: 'red' });
    const doc = assertProblem(r, 422);
    const got = doc.errors.map((e) => `${e.path} ${e.code}`).sort();
    assert.deepEqual(got, [' unknown_field', '/agency required', '/login bad_format', '/party not_allowed',
      '/password too_short']);
    const unknown = await create({ login: 'ok-login', role: 'declarant', party: 'NO-SUCH-PARTY' });
    assertProblem(unknown, 422, 'unknown_party');
    assert.equal(unknown.json.errors[0].path, '/party');
    const badRole = await create({ login: 'ok-login', role: 'king' });
    assert.equal(badRole.json.errors[0].path, '/role');
    assert.equal(sql("SELECT COUNT(*) FROM users WHERE login IN ('bad login', 'ok-login')"), '0');
  });

  test('a declarant added with a generated password can sign in; the addition is audited', async () => {
    const r = await create({ login: 'api-trader', name: 'API Trader', role: 'declarant', party: TRADER1_PARTY });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.login, 'api-trader');
    assert.equal(r.json.party, TRADER1_PARTY);
    assert.equal(typeof r.json.password, 'string');
    assert.ok(r.json.password.length >= 12);
    const s = await api(sys.base, 'POST', '/v1/session', { body: { login: 'api-trader', password: r.json.password } });
    assert.equal(s.status, 201);
    assert.equal(sql("SELECT actor || ' ' || action || ' ' || object FROM audit WHERE action = 'user.add' AND object = 'api-trader'"),
      'admin user.add api-trader');
    assert.ok(!sql("SELECT detail FROM audit WHERE object = 'api-trader'").includes(r.json.password));
    assertProblem(await create({ login: 'api-trader', role: 'administrator' }), 409, 'exists');
  });

  test('an officer with a chosen password; it is not echoed back', async () => {
    const r = await create({ login: 'api-officer', role: 'officer', agency: 'CUSTOMS', password: 'officer-pass-1' });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.agency, 'CUSTOMS');
    assert.equal(r.json.password, undefined);
    assertProblem(await create({ login: 'api-officer2', role: 'supervisor', agency: 'NOPE' }), 422, 'unknown_agency');
  });

  test('disabling ends sessions and refuses tokens; enabling restores; no one disables themselves', async () => {
    const s = await api(sys.base, 'POST', '/v1/session', { body: { login: 'api-officer', password: 'officer-pass-1' } });
    const cookie = /sw_session=([^;]*)/.exec(s.headers.get('set-cookie'))[1];
    const tok = await api(sys.base, 'POST', '/v1/users/api-officer/tokens', { token: admin(), body: { name: 'x' } });
    assert.equal(tok.status, 201);
    const d = await api(sys.base, 'POST', '/v1/users/api-officer/disable', { token: admin() });
    assert.equal(d.status, 200);
    assert.equal(d.json.disabled, true);
    assertProblem(await api(sys.base, 'GET', '/v1/me', { headers: { cookie: `sw_session=${cookie}` } }), 401);
    assertProblem(await api(sys.base, 'GET', '/v1/me', { token: tok.json.token }), 401, 'bad_credentials');
    assertProblem(await api(sys.base, 'POST', '/v1/users/api-officer/tokens', { token: admin(), body: { name: 'y' } }),
      409, 'user_disabled');
    const e = await api(sys.base, 'POST', '/v1/users/api-officer/enable', { token: admin() });
    assert.equal(e.json.disabled, false);
    assert.equal((await api(sys.base, 'GET', '/v1/me', { token: tok.json.token })).status, 200);
    assertProblem(await api(sys.base, 'POST', '/v1/users/admin/disable', { token: admin() }), 409, 'own_account');
    assertProblem(await api(sys.base, 'POST', '/v1/users/nobody/disable', { token: admin() }), 404, 'not_found');
    const actions = sql("SELECT group_concat(action, ',') FROM audit WHERE object = 'api-officer'");
    assert.match(actions, /user\.add.*token\.issue.*user\.disable.*user\.enable/);
  });

  test('a browser session must send the CSRF token to add a user', async () => {
    const s = await api(sys.base, 'POST', '/v1/session', { body: { login: 'admin', password: 'opensw-demo' } });
    const cookie = /sw_session=([^;]*)/.exec(s.headers.get('set-cookie'))[1];
    const body = { login: 'csrf-user', role: 'administrator', password: 'long-enough-1' };
    const no = await api(sys.base, 'POST', '/v1/users', { body, headers: { cookie: `sw_session=${cookie}` } });
    assertProblem(no, 403, 'csrf');
    const yes = await api(sys.base, 'POST', '/v1/users',
      { body, headers: { cookie: `sw_session=${cookie}`, 'x-csrf-token': s.json.csrf } });
    assert.equal(yes.status, 201, yes.text);
  });
});

describe('tokens', () => {
  test('issued once, listed without the secret, revoked at once, audited', async () => {
    const r = await api(sys.base, 'POST', '/v1/users/trader2/tokens', { token: admin(), body: { name: 'erp-sync', days: 30 } });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.name, 'erp-sync');
    assert.equal(r.json.user, 'trader2');
    assert.ok(r.json.token.length >= 40);
    const days = (Date.parse(r.json.expires_at) - Date.now()) / 86400000;
    assert.ok(days > 29.9 && days <= 30, `expires in ${days} days`);
    const me = await api(sys.base, 'GET', '/v1/me', { token: r.json.token });
    assert.equal(me.json.login, 'trader2');
    const list = await api(sys.base, 'GET', '/v1/users/trader2/tokens', { token: admin() });
    assert.equal(list.status, 200);
    assert.ok(!list.text.includes(r.json.token), 'the secret is never shown again');
    const mine = list.json.items.find((t) => t.id === r.json.id);
    assert.deepEqual(Object.keys(mine).sort(), ['created_at', 'expires_at', 'id', 'name', 'revoked_at']);
    assert.equal(mine.revoked_at, null);
    const del = await api(sys.base, 'DELETE', `/v1/tokens/${r.json.id}`, { token: admin() });
    assert.equal(del.status, 204);
    assertProblem(await api(sys.base, 'GET', '/v1/me', { token: r.json.token }), 401, 'bad_credentials');
    assertProblem(await api(sys.base, 'DELETE', `/v1/tokens/${r.json.id}`, { token: admin() }), 404, 'not_found');
    assertProblem(await api(sys.base, 'DELETE', '/v1/tokens/abc', { token: admin() }), 404, 'not_found');
    const after = await api(sys.base, 'GET', '/v1/users/trader2/tokens', { token: admin() });
    assert.ok(after.json.items.find((t) => t.id === r.json.id).revoked_at);
    assert.equal(sql(`SELECT COUNT(*) FROM audit WHERE action = 'token.revoke' AND object = '${r.json.id}'`), '1');
    assert.ok(!sql("SELECT group_concat(detail) FROM audit WHERE action = 'token.issue'").includes(r.json.token));
  });

  test('a token request with problems is 422 with paths; unknown users are 404', async () => {
    const r = await api(sys.base, 'POST', '/v1/users/trader2/tokens', { token: admin(), body: { days: 0, scope: 'all' } });
    const doc = assertProblem(r, 422);
    assert.deepEqual(doc.errors.map((e) => `${e.path} ${e.code}`).sort(),
      [' unknown_field', '/days out_of_range', '/name required']);
    assertProblem(await api(sys.base, 'POST', '/v1/users/nobody/tokens', { token: admin(), body: { name: 'x' } }), 404);
    assertProblem(await api(sys.base, 'GET', '/v1/users/nobody/tokens', { token: admin() }), 404);
  });
});
