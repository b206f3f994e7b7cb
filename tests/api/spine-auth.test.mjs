// spine-auth.test.mjs - sign-in, sessions, tokens, the login throttle and what the audit
// trail and the log keep of it. One system for the file. The throttle also counts failures
// per address (a quarter of them, since every test connects from 127.0.0.1), so the whole
// file stays well under 20 failed sign-ins.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { system, api, swctlStatus, sql as dbSql } from './lib/harness.mjs';
import { assertProblem } from './lib/assert-problem.mjs';

let sys;
const PW = 'opensw-demo';

before(async () => { sys = await system(); });
after(async () => {
  const r = await sys?.close();
  assert.deepEqual(r, { code: 0, signal: null }, `swd exit: ${sys?.log()}`);
});

const signIn = (login, password = PW) =>
  api(sys.base, 'POST', '/v1/session', { body: { login, password } });
const cookieOf = (res) => {
  const m = /(?:^|,\s*)sw_session=([^;]*)/.exec(res.headers.get('set-cookie') || '');
  return m ? m[1] : null;
};
const sql = (query) => dbSql(sys.dir, query);

describe('browser session', () => {
  let res;
  let cookie;

  before(async () => {
    res = await signIn('trader1');
    cookie = cookieOf(res);
  });

  test('POST /v1/session with demo credentials is 201 with a hardened cookie', () => {
    assert.equal(res.status, 201, res.text);
    const sc = res.headers.get('set-cookie');
    assert.ok(cookie && cookie.length >= 32, `a session secret in ${sc}`);
    assert.match(sc, /;\s*HttpOnly(;|$)/i);
    assert.match(sc, /;\s*SameSite=Strict(;|$)/i);
    assert.match(sc, /;\s*Path=\/(;|$)/);
    assert.match(sc, /;\s*Max-Age=\d+/);
    assert.equal(res.headers.get('cache-control'), 'no-store');
  });

  test('the body names the user and carries a CSRF token, not the cookie', () => {
    assert.equal(res.json.user.login, 'trader1');
    assert.equal(res.json.user.role, 'declarant');
    assert.equal(res.json.user.party, '91310000MA1FL0001X');
    assert.equal(typeof res.json.csrf, 'string');
    assert.ok(res.json.csrf.length >= 32);
    assert.notEqual(res.json.csrf, cookie);
    assert.ok(!res.text.includes(cookie), 'the session secret is only in the cookie');
  });

  test('GET /v1/me with the cookie is 200 and gives the same CSRF token', async () => {
    const me = await api(sys.base, 'GET', '/v1/me', { headers: { cookie: `sw_session=${cookie}` } });
    assert.equal(me.status, 200);
    assert.equal(me.json.login, 'trader1');
    assert.equal(me.json.csrf, res.json.csrf);
  });

  test('a second sign-in gives a different session', async () => {
    const again = await signIn('trader1');
    assert.equal(again.status, 201);
    assert.notEqual(cookieOf(again), cookie);
    assert.notEqual(again.json.csrf, res.json.csrf);
  });

  test('DELETE /v1/session clears the cookie, and the old cookie no longer works', async () => {
    const signed = await signIn('trader1');
    const own = cookieOf(signed);
    const ok = await api(sys.base, 'GET', '/v1/me', { headers: { cookie: `sw_session=${own}` } });
    assert.equal(ok.status, 200);
    // without its CSRF token (as another site would send it) the session stays
    for (const token of [undefined, 'wrong']) {
      const headers = { cookie: `sw_session=${own}`, ...(token ? { 'x-csrf-token': token } : {}) };
      const refused = await api(sys.base, 'DELETE', '/v1/session', { headers });
      assertProblem(refused, 403, 'csrf');
      assert.equal(refused.headers.get('set-cookie'), null);
    }
    assert.equal((await api(sys.base, 'GET', '/v1/me',
      { headers: { cookie: `sw_session=${own}` } })).status, 200);
    const out = await api(sys.base, 'DELETE', '/v1/session',
      { headers: { cookie: `sw_session=${own}`, 'x-csrf-token': signed.json.csrf } });
    assert.equal(out.status, 204);
    const sc = out.headers.get('set-cookie') || '';
    assert.match(sc, /sw_session=;/);
    assert.match(sc, /Max-Age=0/);
    const after = await api(sys.base, 'GET', '/v1/me', { headers: { cookie: `sw_session=${own}` } });
    assertProblem(after, 401, 'session_expired');
    // the other session of the same user is untouched
    const other = await api(sys.base, 'GET', '/v1/me', { headers: { cookie: `sw_session=${cookie}` } });
    assert.equal(other.status, 200);
  });

  test('DELETE /v1/session without a session is 204 too', async () => {
    const out = await api(sys.base, 'DELETE', '/v1/session');
    assert.equal(out.status, 204);
  });

  test('an unknown cookie is 401 on a protected route and ignored on a public one', async () => {
    const headers = { cookie: 'sw_session=not-a-session' };
    assertProblem(await api(sys.base, 'GET', '/v1/me', { headers }), 401, 'session_expired');
    assert.equal((await api(sys.base, 'GET', '/healthz', { headers })).status, 200);
    assert.equal((await api(sys.base, 'GET', '/v1/reference/hs/03', { headers })).status, 200);
  });
});

describe('credentials', () => {
  test('GET /v1/me without credentials is 401 problem+json with WWW-Authenticate', async () => {
    const r = await api(sys.base, 'GET', '/v1/me');
    assertProblem(r, 401, 'unauthenticated');
    assert.match(r.headers.get('www-authenticate') || '', /^Bearer\b/);
  });

  test('a bogus bearer token is 401', async () => {
    const r = await api(sys.base, 'GET', '/v1/me', { token: 'bogus-token-that-was-never-issued' });
    assertProblem(r, 401, 'bad_credentials');
    assert.match(r.headers.get('www-authenticate') || '', /^Bearer\b/);
  });

  test('other Authorization schemes and oversized tokens are 401', async () => {
    for (const authorization of ['Basic dHJhZGVyMTpvcGVuc3ctZGVtbw==', 'Bearer',
      `Bearer ${'x'.repeat(129)}`, sys.token('trader1')]) {
      const r = await api(sys.base, 'GET', '/v1/me', { headers: { authorization } });
      assertProblem(r, 401, 'bad_credentials');
    }
  });

  test('each demo token acts as its account', async () => {
    const cases = [
      ['trader1', { role: 'declarant', party: '91310000MA1FL0001X' }],
      ['broker1', { role: 'declarant', party: '91310115MA1H00033Z' }],
      ['customs1', { role: 'officer', agency: 'CUSTOMS' }],
      ['customs-sup', { role: 'supervisor', agency: 'CUSTOMS' }],
      ['quarantine1', { role: 'officer', agency: 'QUARANTINE' }],
      ['admin', { role: 'administrator' }],
    ];
    for (const [login, want] of cases) {
      const r = await api(sys.base, 'GET', '/v1/me', { token: sys.token(login) });
      assert.equal(r.status, 200, `${login}: ${r.text}`);
      assert.equal(r.json.login, login);
      for (const [k, v] of Object.entries(want)) assert.equal(r.json[k], v, `${login}.${k}`);
      assert.equal(r.json.csrf, undefined, 'no CSRF token for a bearer caller');
    }
  });

  test('the scheme name is case-insensitive', async () => {
    const r = await api(sys.base, 'GET', '/v1/me',
      { headers: { authorization: `bearer ${sys.token('tax1')}` } });
    assert.equal(r.status, 200);
    assert.equal(r.json.login, 'tax1');
  });

  test('a token wins over a cookie, and a bad token is not rescued by a good cookie', async () => {
    const cookie = cookieOf(await signIn('carrier1'));
    const both = await api(sys.base, 'GET', '/v1/me',
      { token: sys.token('bank1'), headers: { cookie: `sw_session=${cookie}` } });
    assert.equal(both.json.login, 'bank1');
    const bad = await api(sys.base, 'GET', '/v1/me',
      { token: 'nope', headers: { cookie: `sw_session=${cookie}` } });
    assertProblem(bad, 401, 'bad_credentials');
  });
});

describe('failed sign-ins', () => {
  test('a sign-in request without login or password is 422 naming both', async () => {
    const r = await api(sys.base, 'POST', '/v1/session', { body: { login: 7 } });
    const doc = assertProblem(r, 422, 'required');
    assert.deepEqual(doc.errors.map((e) => e.path).sort(), ['/login', '/password']);
  });

  test('a wrong password is 401 problem+json and sets no cookie', async () => {
    const r = await signIn('port1', 'not-the-password');
    assertProblem(r, 401, 'bad_credentials');
    assert.equal(r.headers.get('set-cookie'), null);
  });

  test('an unknown login gets the same answer as a wrong password', async () => {
    const a = await signIn('no-such-user', 'whatever');
    const b = await signIn('bank1', 'whatever');
    assertProblem(a, 401, 'bad_credentials');
    assertProblem(b, 401, 'bad_credentials');
    assert.equal(a.json.detail, b.json.detail);
    assert.equal(a.json.title, b.json.title);
  });

  test('after 5 failures a login is throttled: 429 with Retry-After, even with the right password', async () => {
    for (let i = 1; i <= 5; i++)
      assertProblem(await signIn('trader2', `wrong-${i}`), 401, 'bad_credentials');
    const r = await signIn('trader2', 'wrong-6');
    assertProblem(r, 429, 'too_many_failures');
    const ra = r.headers.get('retry-after');
    assert.match(ra || '', /^\d+$/, 'Retry-After in seconds');
    assert.ok(Number(ra) > 0);
    const right = await signIn('trader2');
    assertProblem(right, 429, 'too_many_failures');
    assert.equal(right.headers.get('set-cookie'), null);
  });

  test('the throttle of one login leaves other logins alone', async () => {
    assert.equal((await signIn('broker1')).status, 201);
    // and a throttled login's API token still works: the throttle guards passwords only
    assert.equal((await api(sys.base, 'GET', '/v1/me', { token: sys.token('trader2') })).status, 200);
  });
});

describe('what is recorded', () => {
  test('sign-ins and failures are in the audit trail with the address, and it verifies', () => {
    const rows = sql("SELECT action || '|' || actor || '|' || origin FROM audit" +
      " WHERE action LIKE 'session.%' ORDER BY seq");
    assert.match(rows, /^session\.create\|trader1\|127\.0\.0\.1$/m);
    assert.match(rows, /^session\.failed\|trader2\|127\.0\.0\.1$/m);
    assert.doesNotMatch(sql('SELECT group_concat(detail) FROM audit'), /wrong-|opensw-demo/);
    const v = swctlStatus(sys.dir, 'audit', 'verify');
    assert.equal(v.code, 0, v.stdout + v.stderr);
    assert.match(v.stdout, /ok/);
  });

  test('sessions and tokens are stored hashed, never as issued', async () => {
    const res = await signIn('commerce1');
    const cookie = cookieOf(res);
    const sessions = sql('SELECT group_concat(hash) FROM sessions');
    assert.ok(!sessions.includes(cookie), 'the session secret is not in the database');
    assert.ok(!sql('SELECT group_concat(hash) FROM tokens').includes(sys.token('commerce1')));
  });

  test('the request log has one JSON line per request, and no secrets', async () => {
    await api(sys.base, 'GET', '/v1/me', { token: sys.token('maritime1') });
    // the log line is written when the request completes, just after the answer is sent
    for (let i = 0; i < 200 && !/"login":"maritime1"/.test(sys.log()); i++)
      await new Promise((r) => setTimeout(r, 10));
    const lines = sys.log().split('\n').filter((l) => l.includes('"route"'));
    assert.ok(lines.length > 10);
    for (const l of lines) {
      const j = JSON.parse(l);
      assert.equal(typeof j.status, 'number');
      assert.equal(typeof j.latency_us, 'number');
    }
    const me = lines.map((l) => JSON.parse(l)).filter((j) => j.route === '/v1/me' && j.login === 'maritime1');
    assert.equal(me.length, 1);
    assert.equal(me[0].status, 200);
    assert.ok(me[0].caller > 0);
    const log = sys.log();
    assert.ok(!log.includes(PW), 'no password in the log');
    assert.ok(!log.includes('wrong-'), 'no wrong password in the log');
    for (const login of ['trader1', 'maritime1', 'bank1'])
      assert.ok(!log.includes(sys.token(login)), `no token of ${login} in the log`);
  });
});
