// spine-http.test.mjs - the HTTP facade of swd: health, readiness, metrics, reference data,
// strict JSON, body limits, routing errors, static-file confinement, request framing and
// keep-alive. One system for the file; nothing here signs in with a wrong password, so the
// login throttle never comes into play.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { mkdtempSync, writeFileSync, mkdirSync, symlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { system, api } from './lib/harness.mjs';
import { rawRequest, head } from './lib/raw.mjs';
import { assertProblem } from './lib/assert-problem.mjs';

let sys;
let web; // a web/ folder of our own, to test static-file confinement
let outside; // a file next to it that must never be served
let outsideDir; // a folder outside it, linked from inside

before(async () => {
  web = mkdtempSync(join(tmpdir(), 'opensw-web-'));
  writeFileSync(join(web, 'index.html'), '<!doctype html><title>OpenSW test</title>');
  mkdirSync(join(web, 'js'));
  writeFileSync(join(web, 'js', 'app.js'), 'export const x = 1;\n');
  mkdirSync(join(web, '.git'));
  writeFileSync(join(web, '.git', 'config'), '[core]\nSECRET-GIT-CONFIG\n');
  writeFileSync(join(web, '.env'), 'SECRET-DOTENV\n');
  outside = join(web, '..', `opensw-outside-${process.pid}.txt`);
  writeFileSync(outside, 'SECRET-OUTSIDE\n');
  symlinkSync(outside, join(web, 'link.txt'));
  outsideDir = mkdtempSync(join(tmpdir(), 'opensw-outside-'));
  writeFileSync(join(outsideDir, 'secret.txt'), 'SECRET-IN-LINKED-DIR\n');
  symlinkSync(outsideDir, join(web, 'linked-dir'));
  sys = await system(['--web', web]); // later flags win over the harness's --web
});

after(async () => {
  const r = await sys?.close();
  rmSync(web, { recursive: true, force: true });
  rmSync(outside, { force: true });
  if (outsideDir) rmSync(outsideDir, { recursive: true, force: true });
  assert.deepEqual(r, { code: 0, signal: null }, `swd exit: ${sys?.log()}`);
});

const post = (path, raw, contentType = 'application/json') =>
  api(sys.base, 'POST', path, { raw, headers: { 'content-type': contentType } });

async function healthy() {
  const r = await api(sys.base, 'GET', '/healthz');
  assert.equal(r.status, 200, 'swd still answers /healthz');
}

describe('health, readiness, metrics', () => {
  test('GET /healthz is 200 {"status":"ok"}', async () => {
    const r = await api(sys.base, 'GET', '/healthz');
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type'), /^application\/json/);
    assert.deepEqual(r.json, { status: 'ok' });
  });

  test('HEAD /healthz answers like GET without a body', async () => {
    const res = await fetch(`${sys.base}/healthz`, { method: 'HEAD' });
    assert.equal(res.status, 200);
    assert.equal(await res.text(), '');
  });

  test('GET /readyz is 200 with the HS nomenclature loaded', async () => {
    const r = await api(sys.base, 'GET', '/readyz');
    assert.equal(r.status, 200);
    assert.equal(r.json.status, 'ready');
    assert.ok(r.json.hs_codes > 6000, `hs_codes ${r.json.hs_codes}`);
    assert.ok(r.json.locations > 10000, `locations ${r.json.locations}`);
    assert.ok(Number.isInteger(r.json.schema) && r.json.schema >= 1);
  });

  test('GET /metrics is Prometheus text with request counters and histograms', async () => {
    await api(sys.base, 'GET', '/healthz');
    const r = await api(sys.base, 'GET', '/metrics');
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type'), /^text\/plain/);
    const text = r.text;
    assert.match(text, /^# TYPE sw_http_requests_total counter$/m);
    assert.match(text, /^# TYPE sw_store_commits_total counter$/m);
    assert.match(text, /^# TYPE sw_http_request_duration_seconds histogram$/m);
    assert.match(text, /^sw_store_commits_total \d+$/m);
    assert.match(text, /^sw_store_write_queue_depth \d+$/m);
    assert.match(text, /^sw_store_commit_batch_size_bucket\{le="\+Inf"\} \d+$/m);

    // Every sample line is well formed, and belongs to a family that has a TYPE line.
    const types = new Map();
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*",?)*\})? (-?[0-9.eE+-]+|\+Inf|NaN)$/;
    for (const line of text.split('\n')) {
      if (!line) continue;
      const t = /^# TYPE (\S+) (counter|gauge|histogram|summary|untyped)$/.exec(line);
      if (t) { types.set(t[1], t[2]); continue; }
      if (line.startsWith('# HELP ')) continue;
      const m = sample.exec(line);
      assert.ok(m, `malformed sample line: ${line}`);
      const family = m[1].replace(/_(bucket|sum|count)$/, '');
      assert.ok(types.has(m[1]) || types.get(family) === 'histogram', `no TYPE for ${m[1]}`);
    }

    // Histogram buckets: cumulative, ending with +Inf equal to _count.
    const series = new Map();
    for (const m of text.matchAll(
      /^sw_http_request_duration_seconds_bucket\{method="([^"]*)",route="([^"]*)",le="([^"]+)"\} (\d+)$/gm)) {
      const key = `${m[1]} ${m[2]}`;
      if (!series.has(key)) series.set(key, []);
      series.get(key).push([m[3], Number(m[4])]);
    }
    assert.ok(series.has('GET /healthz'), 'a latency histogram for GET /healthz');
    for (const [key, buckets] of series) {
      for (let i = 1; i < buckets.length; i++)
        assert.ok(buckets[i][1] >= buckets[i - 1][1], `${key}: buckets not cumulative`);
      const last = buckets[buckets.length - 1];
      assert.equal(last[0], '+Inf', `${key}: last bucket is +Inf`);
      const [meth, route] = key.split(' ');
      const count = new RegExp(
        `^sw_http_request_duration_seconds_count\\{method="${meth}",route="${route.replace(/[{}*]/g, '\\$&')}"\\} (\\d+)$`, 'm').exec(text);
      assert.ok(count, `${key}: a _count line`);
      assert.equal(Number(count[1]), last[1], `${key}: +Inf bucket equals _count`);
    }
  });

  test('the request counter of a route goes up with each request', async () => {
    const read = async () => {
      const t = (await api(sys.base, 'GET', '/metrics')).text;
      const m = /^sw_http_requests_total\{method="GET",route="\/v1\/reference\/currencies\/\{code\}",code="2xx"\} (\d+)$/m.exec(t);
      return m ? Number(m[1]) : 0;
    };
    const before = await read();
    for (let i = 0; i < 3; i++)
      assert.equal((await api(sys.base, 'GET', '/v1/reference/currencies/EUR')).status, 200);
    // counted when the request completes, which may be just after the client has the answer
    let now = await read();
    for (let i = 0; i < 100 && now < before + 3; i++) {
      await new Promise((r) => setTimeout(r, 20));
      now = await read();
    }
    assert.equal(now, before + 3);
  });
});

describe('reference data', () => {
  test('GET /v1/reference/hs/030617 is the HS 2022 subheading with its parents', async () => {
    const r = await api(sys.base, 'GET', '/v1/reference/hs/030617');
    assert.equal(r.status, 200);
    assert.equal(r.json.code, '030617');
    assert.equal(r.json.level, 6);
    assert.equal(r.json.parent, '0306');
    assert.equal(r.json.section, 'I');
    assert.match(r.json.description, /shrimps and prawns/i);
    assert.deepEqual(r.json.parents.map((p) => p.code), ['03', '0306']);
    assert.deepEqual(r.json.parents.map((p) => p.level), [2, 4]);
    assert.match(r.json.parents[0].description, /^Fish and crustaceans/);
  });

  test('a chapter has no parents', async () => {
    const r = await api(sys.base, 'GET', '/v1/reference/hs/03');
    assert.equal(r.status, 200);
    assert.equal(r.json.level, 2);
    assert.deepEqual(r.json.parents, []);
  });

  test('?q=shrimp ranks 030616 and 030617 first', async () => {
    const r = await api(sys.base, 'GET', '/v1/reference/hs?q=shrimp');
    assert.equal(r.status, 200);
    const codes = r.json.items.map((e) => e.code);
    assert.ok(codes.length >= 2 && codes.length <= 20, `default limit: ${codes.length}`);
    const top = codes.slice(0, 3);
    assert.ok(top.includes('030616') && top.includes('030617'), `top results ${top}`);
    for (const e of r.json.items) assert.match(e.description, /shrimp/i);
  });

  test('search honours limit, and refuses empty q or a limit out of range', async () => {
    const r = await api(sys.base, 'GET', '/v1/reference/hs?q=shrimp&limit=2');
    assert.equal(r.json.items.length, 2);
    assertProblem(await api(sys.base, 'GET', '/v1/reference/hs?q='), 400, 'bad_parameter');
    assertProblem(await api(sys.base, 'GET', '/v1/reference/hs'), 400, 'bad_parameter');
    assertProblem(await api(sys.base, 'GET', '/v1/reference/hs?q=x&limit=0'), 400, 'bad_parameter');
    assertProblem(await api(sys.base, 'GET', '/v1/reference/hs?q=x&limit=51'), 400, 'bad_parameter');
    assertProblem(await api(sys.base, 'GET', '/v1/reference/hs?q=x&limit=2x'), 400, 'bad_parameter');
    const none = await api(sys.base, 'GET', '/v1/reference/hs?q=zzzqqqxxy');
    assert.equal(none.status, 200);
    assert.deepEqual(none.json.items, []);
  });

  test('an unknown HS code is 404 problem+json', async () => {
    const r = await api(sys.base, 'GET', '/v1/reference/hs/000000');
    const doc = assertProblem(r, 404, 'unknown_hs');
    assert.equal(doc.instance, '/v1/reference/hs/000000');
  });

  test('countries: CN, and a search', async () => {
    const r = await api(sys.base, 'GET', '/v1/reference/countries/CN');
    assert.equal(r.status, 200);
    assert.deepEqual(r.json, { code: 'CN', alpha3: 'CHN', numeric: '156', name: 'China' });
    const s = await api(sys.base, 'GET', '/v1/reference/countries?q=viet');
    assert.equal(s.status, 200);
    assert.ok(s.json.items.some((c) => c.code === 'VN'));
    assertProblem(await api(sys.base, 'GET', '/v1/reference/countries/XX'), 404, 'unknown_country');
  });

  test('currencies: USD has minor_unit 2, and a search', async () => {
    const r = await api(sys.base, 'GET', '/v1/reference/currencies/USD');
    assert.equal(r.status, 200);
    assert.equal(r.json.code, 'USD');
    assert.equal(r.json.numeric, '840');
    assert.equal(r.json.minor_unit, 2);
    assert.equal((await api(sys.base, 'GET', '/v1/reference/currencies/JPY')).json.minor_unit, 0);
    const s = await api(sys.base, 'GET', '/v1/reference/currencies?q=USD');
    assert.ok(s.json.items.some((c) => c.code === 'USD'));
    assertProblem(await api(sys.base, 'GET', '/v1/reference/currencies/QQQ'), 404, 'unknown_currency');
  });

  test('locations: CNSHA and VNSGN exist, and a search', async () => {
    const sha = await api(sys.base, 'GET', '/v1/reference/locations/CNSHA');
    assert.equal(sha.status, 200);
    assert.equal(sha.json.code, 'CNSHA');
    assert.equal(sha.json.country, 'CN');
    const sgn = await api(sys.base, 'GET', '/v1/reference/locations/VNSGN');
    assert.equal(sgn.status, 200);
    assert.equal(sgn.json.country, 'VN');
    assert.match(sgn.json.function, /^1/, 'VNSGN is a port');
    const s = await api(sys.base, 'GET', '/v1/reference/locations?q=ho%20chi%20minh');
    assert.ok(s.json.items.some((l) => l.code === 'VNSGN'));
    assertProblem(await api(sys.base, 'GET', '/v1/reference/locations/ZZZZZ'), 404, 'unknown_locode');
  });

  test('check digits: ISO 6346 containers and IMO numbers', async () => {
    const ok = await api(sys.base, 'GET', '/v1/reference/check/container/CSQU3054383');
    assert.equal(ok.status, 200);
    assert.deepEqual(ok.json, { kind: 'container', value: 'CSQU3054383', valid: true, result: 'valid' });
    const bad = await api(sys.base, 'GET', '/v1/reference/check/container/CSQU3054384');
    assert.equal(bad.status, 200);
    assert.equal(bad.json.valid, false);
    assert.equal(bad.json.result, 'bad_check_digit');
    const imo = await api(sys.base, 'GET', '/v1/reference/check/imo/9321483');
    assert.equal(imo.status, 200);
    assert.equal(imo.json.valid, true);
    const imoBad = await api(sys.base, 'GET', '/v1/reference/check/imo/9321484');
    assert.equal(imoBad.json.valid, false);
    const short = await api(sys.base, 'GET', '/v1/reference/check/imo/93214');
    assert.equal(short.json.valid, false);
    assert.equal(short.json.result, 'bad_length');
    assertProblem(await api(sys.base, 'GET', '/v1/reference/check/vin/123'), 404, 'unknown_kind');
  });
});

describe('strict JSON bodies', () => {
  test('malformed JSON is 400 malformed_json', async () => {
    assertProblem(await post('/v1/session', '{"login":'), 400, 'malformed_json');
    assertProblem(await post('/v1/session', "{'login':'a'}"), 400, 'malformed_json');
  });

  test('duplicate keys are 400 duplicate_key', async () => {
    const doc = assertProblem(await post('/v1/session', '{"login":"a","login":"b"}'), 400, 'duplicate_key');
    assert.match(doc.detail, /duplicate/);
  });

  test('trailing data after the JSON value is 400 trailing_data', async () => {
    assertProblem(await post('/v1/session', '{"login":"a"} x'), 400, 'trailing_data');
    assertProblem(await post('/v1/session', '{"login":"a"}{}'), 400, 'trailing_data');
  });

  test('invalid UTF-8 in a string is 400', async () => {
    for (const bytes of [[0xff], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xe4, 0xb8]]) {
      const body = Buffer.concat([Buffer.from('{"login":"a'), Buffer.from(bytes),
        Buffer.from('b","password":"x"}')]);
      assertProblem(await post('/v1/session', body), 400);
    }
    assertProblem(await post('/v1/session', '{"login":"\\ud800","password":"x"}'), 400, 'invalid_utf8');
  });

  test('invalid UTF-8 bytes are named invalid_utf8', async () => {
    const body = Buffer.concat([Buffer.from('{"login":"a'), Buffer.from([0xff]),
      Buffer.from('","password":"x"}')]);
    assertProblem(await post('/v1/session', body), 400, 'invalid_utf8');
  });

  test('nesting deeper than 64 is 400 too_deep; 64 levels and brackets in strings are fine', async () => {
    assertProblem(await post('/v1/session', '['.repeat(65) + ']'.repeat(65)), 400, 'too_deep');
    assertProblem(await post('/v1/session', `{"a":${'['.repeat(64)}${']'.repeat(64)}}`), 400, 'too_deep');
    // 64 levels parse (the request then fails validation, 422, not the depth check)
    assertProblem(await post('/v1/session', '['.repeat(64) + ']'.repeat(64)), 422, 'required');
    const inString = JSON.stringify({ login: '['.repeat(200), note: '\\"{{{{' });
    assertProblem(await post('/v1/session', inString), 422, 'required');
  });

  test('an empty body and a non-JSON media type are refused', async () => {
    assertProblem(await post('/v1/session', ''), 400, 'empty_body');
    assertProblem(await post('/v1/session', '{}', 'text/plain'), 415, 'unsupported_media_type');
  });

  test('NUL escapes are refused', async () => {
    assertProblem(await post('/v1/session', '{"login":"a\\u0000b","password":"x"}'), 400);
  });

  test('the daemon is still up after all of that', healthy);
});

describe('body limit', () => {
  test('a Content-Length far past the limit is answered 413 at once, before the body', async () => {
    const r = await rawRequest(sys.port, head('POST', '/v1/session', [['Host', 'x'],
      ['Content-Type', 'application/json'], ['Content-Length', String(64 * 1024 * 1024)]]),
    { waitClose: true });
    assert.equal(r.responses.length, 1, `one answer; got ${r.raw.subarray(0, 200)}`);
    const doc = assertProblem(r.responses[0], 413, 'body_too_large');
    assert.match(doc.detail, /1048576/);
    assert.ok(r.closed, 'the connection is closed: the unread body cannot follow');
    await healthy();
  });

  test('sending the whole 2 MiB body gets 413 or a reset, never anything else', async () => {
    const body = Buffer.alloc(2 * 1024 * 1024, 0x61);
    const r = await rawRequest(sys.port, [head('POST', '/v1/session', [['Host', 'x'],
      ['Content-Type', 'application/json'], ['Content-Length', String(body.length)]]), body]);
    if (r.responses.length) assertProblem(r.responses[0], 413, 'body_too_large');
    else assert.ok(r.writeError, 'no answer only because the server reset the connection');
    await healthy();
  });

  test('a fetch() client that sends the whole 2 MiB body always sees the 413', async () => {
    for (let i = 0; i < 10; i++) {
      const r = await api(sys.base, 'POST', '/v1/session', {
        raw: Buffer.alloc(2 * 1024 * 1024, 0x61), headers: { 'content-type': 'application/json' },
      });
      assert.equal(r.status, 413);
    }
  });

  test('a 2 MiB chunked body (no Content-Length) is 413 too', async () => {
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    const chunks = [head('POST', '/v1/session', [['Host', 'x'],
      ['Content-Type', 'application/json'], ['Transfer-Encoding', 'chunked']])];
    for (let i = 0; i < 32; i++) chunks.push(`${chunk.length.toString(16)}\r\n`, chunk, '\r\n');
    chunks.push('0\r\n\r\n');
    const r = await rawRequest(sys.port, chunks);
    assert.equal(r.responses.length, 1);
    assertProblem(r.responses[0], 413, 'body_too_large');
    await healthy();
  });

  test('exactly 1 MiB is accepted, one byte more is not', async () => {
    const mk = (n) => `{"pad":"${'a'.repeat(n - '{"pad":""}'.length)}"}`;
    const atLimit = await post('/v1/session', mk(1024 * 1024));
    assertProblem(atLimit, 422, 'required'); // parsed, then validated
    // one byte more, sent chunked so the server reads it all before answering
    const body = Buffer.from(mk(1024 * 1024 + 1));
    const r = await rawRequest(sys.port, [head('POST', '/v1/session', [['Host', 'x'],
      ['Content-Type', 'application/json'], ['Transfer-Encoding', 'chunked']]),
    `${body.length.toString(16)}\r\n`, body, '\r\n0\r\n\r\n']);
    assert.equal(r.responses.length, 1);
    assertProblem(r.responses[0], 413, 'body_too_large');
    await healthy();
  });
});

describe('routing', () => {
  test('an unknown API route is 404 problem+json', async () => {
    const doc = assertProblem(await api(sys.base, 'GET', '/v1/no-such-thing'), 404, 'not_found');
    assert.equal(doc.instance, '/v1/no-such-thing');
  });

  test('a known path with the wrong method is 405 problem+json', async () => {
    assertProblem(await api(sys.base, 'PUT', '/healthz'), 405, 'method_not_allowed');
    assertProblem(await api(sys.base, 'DELETE', '/v1/reference/hs/030617'), 405, 'method_not_allowed');
    assertProblem(await api(sys.base, 'PATCH', '/v1/session', { body: {} }), 405, 'method_not_allowed');
  });

  test('a 405 answer lists the allowed methods in Allow (RFC 9110 15.5.6)', async () => {
    const r = await api(sys.base, 'PUT', '/healthz');
    assert.equal(r.status, 405);
    assert.match(r.headers.get('allow') || '', /GET/);
  });

  test('path parameters never span a slash', async () => {
    const r = await rawRequest(sys.port, head('GET', '/v1/reference/hs/03%2F06',
      [['Host', 'x'], ['Connection', 'close']]));
    assert.equal(r.responses[0].status, 404);
  });
});

describe('static files stay inside --web', () => {
  test('/ and files under web/ are served with their type', async () => {
    const root = await fetch(`${sys.base}/`);
    assert.equal(root.status, 200);
    assert.match(root.headers.get('content-type'), /^text\/html/);
    assert.match(await root.text(), /OpenSW test/);
    assert.match(root.headers.get('content-security-policy') || '', /default-src 'self'/);
    const js = await fetch(`${sys.base}/js/app.js`);
    assert.equal(js.status, 200);
    assert.match(js.headers.get('content-type'), /^text\/javascript/);
    await js.text();
  });

  for (const path of ['/../../etc/passwd', '/%2e%2e/%2e%2e/etc/passwd', '/..%2f..%2fetc%2fpasswd',
    '/js/../../etc/passwd', '/js/%2e%2e/%2e%2e/etc/passwd', '/.git/config', '/.env',
    '/js/../.git/config', '/%2egit/config', '/link.txt', '/js\\..\\..\\etc\\passwd',
    `/../opensw-outside-${process.pid}.txt`, '//etc/passwd']) {
    test(`GET ${path} is 404 and leaks nothing`, async () => {
      const r = await rawRequest(sys.port, head('GET', path, [['Host', 'x'], ['Connection', 'close']]));
      assert.equal(r.responses.length, 1, `an answer for ${path}: ${r.raw.subarray(0, 200)}`);
      const res = r.responses[0];
      assert.ok(res.status === 404 || res.status === 400, `${path}: ${res.status}`);
      assert.doesNotMatch(res.body, /root:|SECRET-/);
    });
  }

  test('a symlinked folder inside web/ does not lead outside it', async () => {
    const r = await rawRequest(sys.port, head('GET', '/linked-dir/secret.txt',
      [['Host', 'x'], ['Connection', 'close']]));
    assert.equal(r.responses[0].status, 404);
    assert.doesNotMatch(r.responses[0].body, /SECRET-/);
  });

  test('an API path never falls through to static files', async () => {
    assertProblem(await api(sys.base, 'GET', '/v1/index.html'), 404, 'not_found');
  });
});

describe('request framing (raw bytes)', () => {
  const cl2 = (a, b, body) => head('POST', '/v1/session', [['Host', 'x'],
    ['Content-Type', 'application/json'], ['Content-Length', a], ['Content-Length', b]]) + body;

  test('two Content-Length headers are 400 bad_framing problem+json', async () => {
    for (const [a, b] of [['2', '2'], ['2', '5']]) {
      const r = await rawRequest(sys.port, cl2(a, b, '{}'));
      assert.ok(r.responses.length >= 1, `an answer: ${r.raw}`);
      assertProblem(r.responses[0], 400, 'bad_framing');
    }
    await healthy();
  });

  test('after ambiguous framing the rest of the bytes are not run as a request', async () => {
    const smuggled = 'GET /v1/smuggled HTTP/1.1\r\nHost: x\r\n\r\n';
    const body = `{}${smuggled}`;
    const r = await rawRequest(sys.port, cl2('2', String(body.length), body),
      { expect: 2, timeoutMs: 2000 });
    assert.equal(r.responses[0].status, 400);
    assert.equal(r.responses.length, 1, 'the smuggled request got an answer');
    assert.ok(r.closed, 'the connection is closed after a framing error');
  });

  test('Content-Length together with Transfer-Encoding closes the connection (RFC 9112 6.1)', async () => {
    const r = await rawRequest(sys.port, head('POST', '/v1/session', [['Host', 'x'],
      ['Content-Type', 'application/json'], ['Content-Length', '40'],
      ['Transfer-Encoding', 'chunked']]) + '2\r\n{}\r\n0\r\n\r\n', { expect: 2, timeoutMs: 1500 });
    assert.ok(r.responses.length <= 1);
    assert.ok(r.closed || (r.responses[0] && r.responses[0].status === 400),
      `status ${r.responses[0]?.status}, closed ${r.closed}`);
  });

  test('a malformed Content-Length is 400 and the connection is closed', async () => {
    for (const v of ['abc', '-1']) {
      const r = await rawRequest(sys.port, head('POST', '/v1/session',
        [['Host', 'x'], ['Content-Length', v]]), { waitClose: true });
      assert.equal(r.responses[0]?.status, 400, `Content-Length ${v}`);
      assert.ok(r.closed);
    }
    await healthy();
  });

  test('an HTTP/1.1 request without Host is 400', async () => {
    const r = await rawRequest(sys.port, 'GET /healthz HTTP/1.1\r\n\r\n');
    assert.equal(r.responses[0]?.status, 400);
    await healthy();
  });

  test('garbage and a half-sent request do not take the daemon down', async () => {
    await rawRequest(sys.port, '\x00\x01\x02 not http at all\r\n\r\n', { timeoutMs: 1000 });
    await rawRequest(sys.port, 'GET /healthz HTTP/1.1\r\nHost: x\r\nX-A: ', { timeoutMs: 200 });
    await rawRequest(sys.port, `GET /${'a'.repeat(70000)} HTTP/1.1\r\nHost: x\r\n\r\n`, { timeoutMs: 2000 });
    await healthy();
  });
});

describe('keep-alive', () => {
  test('requests on one connection reuse it (node:http agent)', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const sockets = new Set();
    const send = (method, path, body) => new Promise((resolve, reject) => {
      const req = http.request(`${sys.base}${path}`, {
        method, agent,
        headers: body ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {},
      }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d) => { text += d; });
        res.on('end', () => resolve({ status: res.statusCode, text, reused: req.reusedSocket,
          keepAlive: res.headers.connection !== 'close' }));
      });
      req.on('socket', (s) => sockets.add(s));
      req.on('error', reject);
      req.end(body);
    });
    try {
      const a = await send('GET', '/healthz');
      const b = await send('GET', '/v1/reference/hs/030617');
      const c = await send('POST', '/v1/session', '{"pad":1}'); // 422 with a body read
      const d = await send('GET', '/v1/no-such-route'); // an error answer
      const e = await send('GET', '/healthz');
      assert.deepEqual([a, b, c, d, e].map((x) => x.status), [200, 200, 422, 404, 200]);
      assert.equal(a.reused, false);
      assert.equal(b.reused, true, 'second request reused the socket');
      assert.equal(c.reused, true, 'a POST with a body reused it');
      assert.equal(d.reused, true, 'after a POST');
      assert.equal(e.reused, true, 'after a 404');
      assert.equal(sockets.size, 1, 'one TCP connection for all five');
    } finally {
      agent.destroy();
    }
  });

  test('two pipelined requests on one raw socket get two complete answers', async () => {
    const req = (p) => head('GET', p, [['Host', 'x']]);
    const r = await rawRequest(sys.port, req('/healthz') + req('/v1/reference/currencies/USD'),
      { expect: 2 });
    assert.equal(r.responses.length, 2);
    assert.equal(r.closed, false, 'the server kept the connection');
    assert.deepEqual(JSON.parse(r.responses[0].body), { status: 'ok' });
    assert.equal(JSON.parse(r.responses[1].body).code, 'USD');
    for (const res of r.responses) assert.notEqual(res.headers.connection, 'close');
  });
});
