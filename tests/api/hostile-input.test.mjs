// hostile-input.test.mjs - issue 8: a corpus of hostile requests against a live swd. Each
// gets a clean 4xx (problem+json where swd itself answers; libmicrohttpd's own refusals of
// oversized heads are HTML) and swd keeps serving everyone else: a /healthz poller on
// fresh connections runs through the whole file and must never fail.
//
// Not repeated here (see spine-http.test.mjs and spine-auth.test.mjs): malformed JSON,
// duplicate keys, trailing data, invalid UTF-8 and nesting on the sign-in route, body
// limits, duplicate or malformed Content-Length, missing Host, the basic path-traversal
// list, 404/405, unknown cookies, bogus tokens and Authorization schemes.
// Slow clients and very large arrays are in hostile-slow.test.mjs.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { system, api, swctl, sql as dbSql } from './lib/harness.mjs';
import { rawRequest, head } from './lib/raw.mjs';
import { assertProblem } from './lib/assert-problem.mjs';
import {
  shrimpImport, vesselArrival, submitOk, closeClean,
} from './lib/declarations.mjs';

let s;
let poller;
let cases = 0; // hostile requests sent
const tk = (login) => s.token(login);
const sql = (q) => dbSql(s.dir, q);
const YEAR = new Date().getUTCFullYear();

/** GET /healthz on a fresh connection every intervalMs until stopped; counts failures. */
function startPoller(port, intervalMs = 100) {
  const st = { ok: 0, failures: [], maxMs: 0 };
  let stop = false;
  const loop = (async () => {
    while (!stop) {
      const t0 = Date.now();
      const r = await rawRequest(port, head('GET', '/healthz', [['Host', 'x'], ['Connection', 'close']]),
        { timeoutMs: 5000 });
      const ms = Date.now() - t0;
      st.maxMs = Math.max(st.maxMs, ms);
      if (r.responses[0]?.status === 200) st.ok += 1;
      else st.failures.push(`${new Date().toISOString()} status ${r.responses[0]?.status} timedOut ${r.timedOut} ${r.writeError?.code || ''}`);
      await new Promise((res) => setTimeout(res, intervalMs));
    }
  })();
  return { st, async stop() { stop = true; await loop; return st; } };
}

before(async () => {
  s = await system();
  poller = startPoller(s.port);
});

after(async () => {
  const st = await poller.stop();
  console.log(`hostile-input: ${cases} hostile requests; /healthz poller ${st.ok} ok, ` +
    `${st.failures.length} failed, slowest ${st.maxMs} ms`);
  assert.deepEqual(st.failures, [], 'the /healthz poller failed while the corpus ran');
  assert.ok(st.ok > 0);
  assert.equal(sql('PRAGMA integrity_check'), 'ok');
  await closeClean(s);
});

/** A hostile request through fetch; counts it; asserts the status is a clean 4xx. */
async function hostile(method, path, opts, want) {
  cases += 1;
  const r = await api(s.base, method, path, opts);
  if (typeof want === 'number') assert.equal(r.status, want, `${method} ${path}: ${r.text.slice(0, 300)}`);
  else assert.ok(r.status >= 400 && r.status < 500, `${method} ${path}: ${r.status} ${r.text.slice(0, 300)}`);
  return r;
}

/** A hostile request as raw bytes; counts it; returns the first response (or none). */
async function raw(chunks, o = {}) {
  cases += 1;
  const r = await rawRequest(s.port, chunks, { timeoutMs: 5000, ...o });
  return r;
}

// ---------------------------------------------------------------------------------------

describe('request heads', () => {
  test('oversized headers: one of 100 KB, 2,000 small ones, a 200 KB URL -> 431/414', async () => {
    const big = await raw(head('GET', '/healthz', [['Host', 'x'], ['X-Big', 'a'.repeat(100000)]]));
    assert.equal(big.responses[0]?.status, 431);
    const many = await raw(head('GET', '/healthz', [['Host', 'x'],
      ...Array.from({ length: 2000 }, (_, i) => [`X-H${i}`, 'v'.repeat(30)])]));
    assert.equal(many.responses[0]?.status, 431);
    const url = await raw(head('GET', `/${'a'.repeat(200000)}`, [['Host', 'x']]));
    assert.equal(url.responses[0]?.status, 414);
    const tokenHuge = await raw(head('GET', '/v1/me', [['Host', 'x'],
      ['Authorization', `Bearer ${'t'.repeat(20000)}`]]));
    assertProblem(tokenHuge.responses[0], 401, 'bad_credentials');
    const cookieHuge = await raw(head('GET', '/v1/me', [['Host', 'x'],
      ['Cookie', `sw_session=${'c'.repeat(20000)}`]]));
    assertProblem(cookieHuge.responses[0], 401);
  });

  test('a 60 KB query string is a 400 problem, not a crash', async () => {
    const r = await raw(head('GET', `/v1/reference/hs?q=${'a'.repeat(60000)}`, [['Host', 'x']]));
    assertProblem(r.responses[0], 400, 'bad_parameter');
  });

  test('malformed heads: bare LF, HTTP/0.9, an HTTP/2 preface, an unknown transfer coding', async () => {
    const lf = await raw('GET /healthz HTTP/1.1\r\nHost: x\r\nX-A: a\nb\r\n\r\n');
    assert.equal(lf.responses[0]?.status, 400);
    const h09 = await raw('GET /healthz\r\n\r\n');
    assert.equal(h09.responses[0]?.status, 400);
    // 505 HTTP Version Not Supported is the one right answer to an HTTP/2 preface
    const h2 = await raw('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');
    assert.equal(h2.responses[0]?.status, 505);
    const ext = await raw(head('POST', '/v1/session', [['Host', 'x'], ['Content-Type', 'application/json'],
      ['Transfer-Encoding', 'chunked']]) + '2;foo=bar\r\n{}\r\n0\r\n\r\n');
    assertProblem(ext.responses[0], 422);
    const huge = await raw(head('POST', '/v1/session', [['Host', 'x'], ['Content-Type', 'application/json'],
      ['Transfer-Encoding', 'chunked']]) + 'ffffffffffffffffff\r\n{}');
    assert.equal(huge.responses[0]?.status, 413);
    for (const cl of ['+2', '0x2', '18446744073709551616', '2, 2']) {
      const r = await raw(head('POST', '/v1/session', [['Host', 'x'], ['Content-Type', 'application/json'],
        ['Content-Length', cl]]) + '{}', { waitClose: true });
      assert.ok([400, 413].includes(r.responses[0]?.status), `Content-Length ${cl}: ${r.responses[0]?.status}`);
    }
  });

  test('Transfer-Encoding other than chunked is refused at once (RFC 9112 6.1)', async () => {
    const r = await raw(head('POST', '/v1/session', [['Host', 'x'], ['Content-Type', 'application/json'],
      ['Transfer-Encoding', 'gzip']]) + '{}', { timeoutMs: 2000 });
    assert.ok(r.responses[0] && r.responses[0].status >= 400 && r.responses[0].status < 600);
  });

  test('unknown and unusual methods: 405 on known paths, 404 elsewhere, TRACE never echoes', async () => {
    for (const m of ['FOO', 'TRACE', 'PROPFIND', 'get', 'PATCH']) {
      const r = await raw(head(m, '/healthz', [['Host', 'x'], ['X-Echo', 'SECRET-ECHO']]));
      assertProblem(r.responses[0], 405, 'method_not_allowed');
      assert.doesNotMatch(r.responses[0].body, /SECRET-ECHO/);
    }
    for (const [m, p] of [['PUT', '/v1/declarations'], ['DELETE', '/v1/declarations/1'],
      ['PATCH', '/v1/permits'], ['DELETE', '/v1/users'], ['PUT', '/v1/events']]) {
      const r = await hostile(m, p, { token: tk('admin') }, 405);
      assertProblem(r, 405, 'method_not_allowed');
    }
    for (const line of ['CONNECT 127.0.0.1:22 HTTP/1.1', 'OPTIONS * HTTP/1.1',
      'GET http://evil.example/v1/nothing HTTP/1.1', 'GET /v2/declarations HTTP/1.1',
      'GET /v1/declarations/1/../../users HTTP/1.1']) {
      const r = await raw(`${line}\r\nHost: x\r\n\r\n`);
      assert.ok([400, 404].includes(r.responses[0]?.status), `${line}: ${r.responses[0]?.status}`);
    }
  });
});

describe('static files: more traversal tricks', () => {
  const leak = /root:|SECRET-|\[core\]|BEGIN .*PRIVATE KEY/;
  for (const p of ['/%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd', '/%252e%252e/%252e%252e/etc/passwd',
    '/%5c..%5c..%5cetc%5cpasswd', '/js/.%2e/.%2e/etc/passwd', '/./././../etc/passwd',
    '/js/app.js/../../../etc/passwd', `/${'a'.repeat(5000)}`, '/..;/..;/etc/passwd',
    '/%2e%2e%2f%2e%2e%2fetc%2fpasswd', '/.%00./etc/passwd', '/js/%00/../../etc/passwd',
    '/web/../docs/openapi.yaml', '/proc/self/environ', '/%2fetc%2fpasswd']) {
    test(`GET ${p.slice(0, 60)} is 400/404 and leaks nothing`, async () => {
      const r = await raw(head('GET', p, [['Host', 'x'], ['Connection', 'close']]));
      const res = r.responses[0];
      assert.ok(res, `an answer for ${p}`);
      assert.ok(res.status === 404 || res.status === 400, `${p}: ${res.status}`);
      assert.doesNotMatch(res.body, leak);
    });
  }

  test('a NUL byte (%00) in a static path is refused, not cut short', async () => {
    const r = await raw(head('GET', '/index.html%00.js', [['Host', 'x'], ['Connection', 'close']]));
    assert.ok([400, 404].includes(r.responses[0]?.status), `status ${r.responses[0]?.status}`);
  });
});

// ---------------------------------------------------------------------------------------

describe('strict JSON on every route that reads JSON', () => {
  let decl;
  let permitNumber;
  before(async () => {
    decl = await submitOk(s.base, tk('trader1'), shrimpImport());
    permitNumber = `HX-${process.pid}`;
    const p = await api(s.base, 'POST', '/v1/permits', { token: tk('commerce1'), body: {
      type: 'import_licence', number: permitNumber, holder: '91310000MA1FL0001X',
      valid_from: `${YEAR}-01-01`, valid_to: `${YEAR}-12-31`, usage: 'unlimited',
      lines: [{ hs_prefix: '0306', unit: 'KGM', quantity: '100' }] } });
    assert.equal(p.status, 201, p.text);
  });
  const routes = () => [
    ['POST', '/v1/declarations', 'trader1'],
    ['POST', `/v1/declarations/${decl.id}/responses`, 'trader1'],
    ['POST', `/v1/declarations/${decl.id}/cancel`, 'trader1'],
    ['POST', `/v1/tasks/${decl.tasks[0].id}/decisions`, decl.tasks[0].agency === 'CUSTOMS' ? 'customs1' : 'quarantine1'],
    ['POST', '/v1/routing-rules', 'admin'],
    ['PUT', '/v1/routing-rules/customs-green', 'admin'],
    ['POST', '/v1/users', 'admin'],
    ['POST', '/v1/users/trader2/tokens', 'admin'],
    ['POST', '/v1/permits', 'commerce1'],
    ['PUT', `/v1/permits/import_licence/${permitNumber}`, 'commerce1'],
    ['POST', '/v1/requirement-rules', 'admin'],
    ['PUT', '/v1/requirement-rules/meat-quarantine-permit', 'admin'],
  ];
  const bodies = [
    ['invalid UTF-8', Buffer.concat([Buffer.from('{"reference":"a'), Buffer.from([0xc0, 0xaf]), Buffer.from('"}')])],
    ['a lone surrogate escape', Buffer.from('{"reference":"\\udc00"}')],
    ['a duplicate key, nested', Buffer.from('{"items":[{"hs":"0306","hs":"0307"}]}')],
    ['65 levels of nesting', Buffer.from(`{"a":${'['.repeat(64)}${']'.repeat(64)}}`)],
    ['100,000 levels of nesting', Buffer.from('['.repeat(100000) + ']'.repeat(100000))],
    ['trailing garbage', Buffer.from('{} {}')],
    ['a NUL escape', Buffer.from('{"reference":"a\\u0000b"}')],
    ['a bare NUL byte', Buffer.from('{"reference":"a\u0000b"}')],
    ['an integer beyond 64 bits', Buffer.from('{"seq":123456789012345678901234567890}')],
    ['a real that overflows', Buffer.from('{"seq":1e400}')],
    ['NaN', Buffer.from('{"seq":NaN}')],
    ['a UTF-8 BOM', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{}')])],
  ];
  test('each malformed body is 400 problem+json and changes nothing', async () => {
    const before0 = sql('SELECT COUNT(*) FROM audit');
    for (const [m, path, login] of routes()) {
      for (const [what, body] of bodies) {
        const r = await hostile(m, path, { token: tk(login), raw: body,
          headers: { 'content-type': 'application/json' } }, 400);
        assertProblem(r, 400);
        assert.ok(what, 'named');
      }
    }
    assert.equal(sql('SELECT COUNT(*) FROM audit'), before0, 'nothing was written');
    const d = await api(s.base, 'GET', `/v1/declarations/${decl.id}`, { token: tk('trader1') });
    assert.equal(d.json.status, 'under_review');
  });
});

describe('numbers: huge, negative, real, malformed', () => {
  // [field, the JSON token sent as its value, verbatim]
  const cases2 = [
    ['/items/0/seq', '9223372036854775807'], ['/items/0/seq', '-9223372036854775808'],
    ['/items/0/seq', '9223372036854775808'], ['/items/0/seq', '123456789012345678901234567890'],
    ['/items/0/seq', '0'], ['/items/0/seq', '1.5'], ['/items/0/seq', '1e400'], ['/items/0/seq', '-0'],
    ['/items/0/seq', '"1"'], ['/items/0/seq', '1E2'],
    ['/items/0/quantity', '"99999999999999999999999999.999"'], ['/items/0/quantity', '"1e5"'],
    ['/items/0/quantity', '"NaN"'], ['/items/0/quantity', '"Infinity"'], ['/items/0/quantity', '"0x10"'],
    ['/items/0/quantity', '" 12"'], ['/items/0/quantity', '"+12"'], ['/items/0/quantity', '"\u0661\u0662"'],
    ['/items/0/quantity', '"-12000"'], ['/items/0/quantity', '"12,000"'], ['/items/0/quantity', '""'],
    ['/items/0/quantity', '12000.5'], ['/items/0/quantity', '"0.0000000000000000000001"'],
    ['/items/0/quantity', '1e999'], ['/items/0/quantity', '-1'],
    ['/items/0/value', '"98000.001"'], ['/items/0/value', '98000.0'], ['/items/0/value', '"-98000.00"'],
    ['/items/0/value', `"${'9'.repeat(100000)}"`], ['/items/0/value', '"92233720368547758.08"'],
    ['/items/0/value', '9223372036854775807'],
    ['/invoice/total', '"1e308"'], ['/invoice/total', '1e308'], ['/invoice/total', '1.7976931348623157e309'],
    ['/items/0/gross_kg', '"18446744073709551616"'], ['/items/0/net_kg', '".5."'],
  ];
  test('each is refused with 400 (parser) or 422 naming the field, and nothing is stored', async () => {
    const n0 = sql('SELECT COUNT(*) FROM declarations');
    for (const [path, token] of cases2) {
      const body = shrimpImport();
      setAt(body, path, '@@VALUE@@');
      const text = JSON.stringify(body).replace('"@@VALUE@@"', token);
      const r = await hostile('POST', '/v1/declarations', { token: tk('trader1'), raw: text,
        headers: { 'content-type': 'application/json' } });
      const what = `${path}=${token.slice(0, 40)}`;
      assert.ok(r.status === 422 || r.status === 400, `${what}: ${r.status}`);
      const doc = assertProblem(r, r.status);
      if (r.status === 422)
        assert.ok(doc.errors.some((e) => e.path === path), `${what}: problem paths ${doc.errors.map((e) => e.path)}`);
    }
    // a vessel's gross tonnage past 64 bits is refused by the JSON parser itself
    const text = JSON.stringify(vesselArrival()).replace(/"gross_tonnage":\d+/, '"gross_tonnage":18446744073709551615');
    assertProblem(await hostile('POST', '/v1/declarations', { token: tk('carrier1'), raw: text,
      headers: { 'content-type': 'application/json' } }, 400), 400);
    assert.equal(sql('SELECT COUNT(*) FROM declarations'), n0, 'nothing stored');
  });
});

// ---------------------------------------------------------------------------------------

/** String leaves of a JSON value as JSON Pointers. */
function leaves(v, path = '') {
  if (typeof v === 'string') return [path];
  if (v && typeof v === 'object')
    return Object.entries(v).flatMap(([k, x]) => leaves(x, `${path}/${k}`));
  return [];
}
function getAt(o, path) { return path.split('/').slice(1).reduce((x, k) => x?.[k], o); }
function setAt(o, path, value) {
  const keys = path.split('/').slice(1);
  const last = keys.pop();
  keys.reduce((x, k) => x[k], o)[last] = value;
}

describe('SQL metacharacters in every string field are data', () => {
  const PAYLOADS = [
    "Robert'); DROP TABLE declarations;-- \"x\" \\ %_ ?1 $1 :a @b",
    "'OR'1'='1';--%_?1",
    "';--",
  ];
  const stored = [];
  const refused = [];

  for (const [kind, build, login] of [['goods', shrimpImport, 'trader1'], ['vessel', vesselArrival, 'carrier1']]) {
    test(`${kind} declaration: each string field with injection text is stored verbatim or refused by validation`, async () => {
      for (const path of leaves(build())) {
        let done = false;
        for (const [i, p] of PAYLOADS.entries()) {
          const body = build();
          const value = path === '/reference' ? `${p.slice(0, 24)}${process.pid % 1000}${i}${stored.length}` : p;
          setAt(body, path, value);
          cases += 1;
          const r = await api(s.base, 'POST', '/v1/declarations', { token: tk(login), body });
          if (r.status === 201) {
            const back = await api(s.base, 'GET', `/v1/declarations/${r.json.id}`, { token: tk(login) });
            assert.equal(back.status, 200);
            const got = path === '/reference' ? back.json.reference : getAt(back.json.content, path);
            assert.equal(got, value, `${kind} ${path} comes back verbatim`);
            stored.push(`${kind}${path}`);
            done = true;
            break;
          }
          const doc = assertProblem(r, 422);
          assert.ok(doc.errors.length > 0);
        }
        if (!done) refused.push(`${kind}${path}`);
      }
    });
  }

  test('the tables are all there and every stored text is a row like any other', () => {
    console.log(`hostile-input: injection text stored verbatim in ${stored.length} fields ` +
      `(${stored.join(' ')}); refused by validation in ${refused.length} (${refused.join(' ')})`);
    assert.ok(stored.length >= 10, 'free-text fields accept the text and keep it as data');
    for (const t of ['declarations', 'events', 'tasks', 'audit', 'users', 'tokens', 'permits'])
      assert.match(sql(`SELECT COUNT(*) FROM ${t}`), /^\d+$/, `table ${t}`);
    assert.equal(sql('PRAGMA integrity_check'), 'ok');
  });

  test('query parameters and path segments with injection text', async () => {
    const inj = encodeURIComponent("x' OR '1'='1' --");
    const hs = await hostile('GET', `/v1/reference/hs?q=${inj}`, {}, 200);
    assert.ok(Array.isArray(hs.json.items));
    assert.equal((await hostile('GET', `/v1/reference/locations?q=${encodeURIComponent('%')}`, {}, 200)).status, 200);
    await hostile('GET', `/v1/declarations?status=${inj}`, { token: tk('trader1') }, 400);
    await hostile('GET', `/v1/declarations?hs=${inj}`, { token: tk('trader1') }, 400);
    await hostile('GET', `/v1/declarations?type=${inj}`, { token: tk('trader1') }, 400);
    await hostile('GET', `/v1/declarations?after=${inj}`, { token: tk('trader1') }, 400);
    await hostile('GET', `/v1/agencies/CUSTOMS/tasks?state=${inj}`, { token: tk('customs1') }, 400);
    await hostile('GET', `/v1/public/declaration-status?number=220020261000000001&reference=${inj}`, {}, 404);
    await hostile('GET', `/v1/permits/import_licence/${inj}`, { token: tk('trader1') }, 404);
    await hostile('GET', `/v1/routing-rules/${inj}`, { token: tk('admin') }, 404);
    await hostile('GET', `/v1/users/${inj}/tokens`, { token: tk('admin') }, 404);
    await hostile('GET', `/v1/declarations/${encodeURIComponent('1 OR 1=1')}`, { token: tk('trader2') }, 404);
    await hostile('GET', `/v1/reference/check/imo/${inj}`, {}, 200);
    assertProblem(await hostile('POST', '/v1/session', { body: { login: "admin'--", password: "' OR '1'='1" } }, 401), 401);
  });
});

// ---------------------------------------------------------------------------------------

describe('credentials: revoked, expired, disabled, malformed', () => {
  const me = (headers) => api(s.base, 'GET', '/v1/me', { headers });

  test('a revoked token, an expired token and a disabled user\'s token are 401', async () => {
    const issue = async (login) => {
      const r = await api(s.base, 'POST', `/v1/users/${login}/tokens`, { token: tk('admin'), body: { name: 'hostile' } });
      assert.equal(r.status, 201, r.text);
      return r.json;
    };
    const revoked = await issue('port1');
    assert.equal((await me({ authorization: `Bearer ${revoked.token}` })).status, 200);
    assert.equal((await api(s.base, 'DELETE', `/v1/tokens/${revoked.id}`, { token: tk('admin') })).status, 204);
    cases += 1;
    assertProblem(await me({ authorization: `Bearer ${revoked.token}` }), 401, 'bad_credentials');

    const expired = await issue('port1');
    sql(`UPDATE tokens SET expires_at = 1 WHERE id = ${expired.id}`);
    cases += 1;
    assertProblem(await me({ authorization: `Bearer ${expired.token}` }), 401, 'bad_credentials');

    const u = await api(s.base, 'POST', '/v1/users', { token: tk('admin'),
      body: { login: `hostile-${process.pid}`, role: 'declarant', party: '91330200MA2AB0002Y' } });
    assert.equal(u.status, 201, u.text);
    const t = await issue(u.json.login);
    assert.equal((await me({ authorization: `Bearer ${t.token}` })).status, 200);
    assert.equal((await api(s.base, 'POST', `/v1/users/${u.json.login}/disable`, { token: tk('admin') })).status, 200);
    cases += 1;
    assertProblem(await me({ authorization: `Bearer ${t.token}` }), 401);
  });

  test('tokens with odd bytes, two Authorization headers, a token in the cookie', async () => {
    for (const line of ['Authorization: Bearer \xff\xfe\xe9', 'Authorization: Bearer a b c',
      `Authorization: Bearer ${'x'.repeat(128)}`, 'Authorization: Bearer a\r\nAuthorization: Bearer b',
      `Authorization: Bearer\t${s.token('trader1')}`, 'Authorization:  ', 'Authorization: Bearer \'OR 1=1--']) {
      const r = await raw(`GET /v1/me HTTP/1.1\r\nHost: x\r\n${line}\r\n\r\n`);
      assert.equal(r.responses[0]?.status, 401, `${JSON.stringify(line)}: ${r.responses[0]?.status}`);
    }
    // an API token is not a session: as a cookie it is no credential
    const r = await raw(`GET /v1/me HTTP/1.1\r\nHost: x\r\nCookie: sw_session=${s.token('trader1')}\r\n\r\n`);
    assert.equal(r.responses[0]?.status, 401);
  });
});

describe('browser sessions: expiry and CSRF', () => {
  let cookie;
  let csrf;
  const signIn = async (login) => {
    const r = await api(s.base, 'POST', '/v1/session', { body: { login, password: 'opensw-demo' } });
    assert.equal(r.status, 201, r.text);
    return { cookie: /sw_session=([^;]*)/.exec(r.headers.get('set-cookie'))[1], csrf: r.json.csrf };
  };
  before(async () => { ({ cookie, csrf } = await signIn('trader1')); });

  test('a state-changing request on a cookie session without the CSRF token is 403 and stores nothing', async () => {
    const n0 = sql('SELECT COUNT(*) FROM declarations');
    const body = shrimpImport();
    assertProblem(await hostile('POST', '/v1/declarations', { body, headers: { cookie: `sw_session=${cookie}` } }, 403), 403, 'csrf');
    assertProblem(await hostile('POST', '/v1/declarations', { body,
      headers: { cookie: `sw_session=${cookie}`, 'x-csrf-token': 'not-the-token' } }, 403), 403, 'csrf');
    assertProblem(await hostile('POST', '/v1/declarations', { body,
      headers: { cookie: `sw_session=${cookie}`, 'x-csrf-token': '' } }, 403), 403, 'csrf');
    const other = await signIn('trader1'); // the CSRF token of another session does not fit
    assertProblem(await hostile('POST', '/v1/declarations', { body,
      headers: { cookie: `sw_session=${cookie}`, 'x-csrf-token': other.csrf } }, 403), 403, 'csrf');
    assert.equal(sql('SELECT COUNT(*) FROM declarations'), n0);
    // the same request with the token is accepted; reads never need it
    const ok = await api(s.base, 'POST', '/v1/declarations', { body,
      headers: { cookie: `sw_session=${cookie}`, 'x-csrf-token': csrf } });
    assert.equal(ok.status, 201, ok.text);
    assertProblem(await hostile('POST', `/v1/declarations/${ok.json.id}/cancel`, {
      body: {}, headers: { cookie: `sw_session=${cookie}` } }, 403), 403, 'csrf');
    const ad = await signIn('admin');
    assertProblem(await hostile('POST', '/v1/users/trader2/disable', {
      headers: { cookie: `sw_session=${ad.cookie}` } }, 403), 403, 'csrf');
    assert.equal((await api(s.base, 'GET', `/v1/declarations/${ok.json.id}`,
      { headers: { cookie: `sw_session=${cookie}` } })).json.status, 'under_review');
  });

  test('an expired session is 401 session_expired, with or without its CSRF token', async () => {
    const x = await signIn('broker1');
    assert.equal((await api(s.base, 'GET', '/v1/me', { headers: { cookie: `sw_session=${x.cookie}` } })).status, 200);
    sql("UPDATE sessions SET expires_at = 1 WHERE user_id = (SELECT id FROM users WHERE login = 'broker1')");
    assertProblem(await hostile('GET', '/v1/me', { headers: { cookie: `sw_session=${x.cookie}` } }, 401), 401, 'session_expired');
    assertProblem(await hostile('POST', '/v1/declarations', { body: shrimpImport(),
      headers: { cookie: `sw_session=${x.cookie}`, 'x-csrf-token': x.csrf } }, 401), 401, 'session_expired');
    // on public routes an expired cookie is simply no session
    assert.equal((await api(s.base, 'GET', '/v1/agencies', { headers: { cookie: `sw_session=${x.cookie}` } })).status, 200);
  });
});

test('after the whole corpus swd still answers and the audit chain verifies', async () => {
  assert.equal((await api(s.base, 'GET', '/readyz')).status, 200);
  const v = swctl(s.dir, 'audit', 'verify');
  assert.match(v, /ok/);
});
