// spine-openapi.test.mjs - docs/openapi.yaml is served by swd and agrees with the route
// table (`swd --routes`): every API route is documented with the same access, public
// routes say `security: []`, nothing documented is missing from the table, and every
// $ref resolves. The static web UI routes ("/" and "/{path*}") are not API and are left
// out; /healthz, /readyz and /metrics are documented and checked like the rest.
// No YAML library (no npm packages): the document is read by its indentation, which the
// checks below also keep regular.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { system, api, SRC, SWD } from './lib/harness.mjs';

const STATIC = new Set(['/', '/{path*}']);
const METHODS = ['get', 'put', 'post', 'delete', 'patch'];
const file = readFileSync(join(SRC, 'docs', 'openapi.yaml'), 'utf8');
const lines = file.split('\n');

/** The lines of the top-level section `name:` (up to the next top-level key). */
function section(name) {
  const start = lines.findIndex((l) => l === `${name}:`);
  if (start < 0) return [];
  let end = start + 1;
  while (end < lines.length && !/^[A-Za-z]/.test(lines[end])) end++;
  return lines.slice(start + 1, end);
}

/** paths -> {"GET /v1/me": {access: [...], security: 'none'|'some'|'absent', opId}} */
function operations() {
  const ops = new Map();
  let path = null;
  let op = null;
  const body = section('paths');
  for (let i = 0; i < body.length; i++) {
    const l = body[i];
    let m;
    if ((m = /^ {2}(\/\S*):\s*$/.exec(l))) { path = m[1]; op = null; continue; }
    if ((m = /^ {4}([a-z]+):\s*$/.exec(l)) && METHODS.includes(m[1])) {
      op = { key: `${m[1].toUpperCase()} ${path}`, access: null, security: 'absent', opId: null };
      ops.set(op.key, op);
      continue;
    }
    if (!op) continue;
    if ((m = /^ {6}x-access: \[([^\]]*)\]\s*$/.exec(l))) op.access = m[1].split(',').map((s) => s.trim());
    if (/^ {6}security: \[\]\s*$/.test(l)) op.security = 'none';
    if (/^ {6}security:\s*$/.test(l) && /^ {8}- \w+: \[\]/.test(body[i + 1] || '')) op.security = 'some';
    if ((m = /^ {6}operationId: (\S+)\s*$/.exec(l))) op.opId = m[1];
  }
  return ops;
}

/** components -> {schemas: Set(names), responses: ..., parameters: ..., securitySchemes: ...} */
function components() {
  const out = {};
  let kind = null;
  for (const l of section('components')) {
    let m;
    if ((m = /^ {2}(\w+):\s*$/.exec(l))) { kind = m[1]; out[kind] = new Set(); continue; }
    if (kind && (m = /^ {4}([\w.-]+):/.exec(l))) out[kind].add(m[1]);
  }
  return out;
}

/** The block of lines under components/<kind>/<name>. */
function component(kind, name) {
  const body = section('components');
  const k = body.indexOf(`  ${kind}:`);
  const s = body.indexOf(`    ${name}:`, k);
  assert.ok(k >= 0 && s > k, `components.${kind}.${name} exists`);
  let e = s + 1;
  while (e < body.length && (body[e] === '' || /^ {5,}/.test(body[e]))) e++;
  return body.slice(s, e).join('\n');
}

const routes = execFileSync(SWD, ['--routes'], { encoding: 'utf8' }).trim().split('\n')
  .map((l) => JSON.parse(l));

let sys;
before(async () => { sys = await system(); });
after(async () => {
  const r = await sys?.close();
  assert.deepEqual(r, { code: 0, signal: null });
});

describe('the OpenAPI document', () => {
  test('GET /v1/openapi.yaml serves docs/openapi.yaml as it is', async () => {
    const r = await api(sys.base, 'GET', '/v1/openapi.yaml');
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type'), /^application\/yaml/);
    assert.equal(r.text, file);
    assert.match(r.text, /^openapi: 3\.1\.\d+$/m);
  });

  test('every API route of swd --routes is documented, with the same access', () => {
    const ops = operations();
    const api = routes.filter((r) => !STATIC.has(r.pattern));
    assert.ok(api.length >= 16);
    const missing = [];
    for (const r of api) {
      const key = `${r.method} ${r.pattern}`;
      const op = ops.get(key);
      if (!op) { missing.push(key); continue; }
      assert.deepEqual([...(op.access || [])].sort(), [...r.access].sort(), `${key}: x-access`);
      if (r.access.includes('public'))
        assert.equal(op.security, 'none', `${key} is public: security: []`);
      else
        assert.equal(op.security, 'some', `${key} needs credentials: a security requirement`);
    }
    assert.deepEqual(missing, [], 'routes missing from docs/openapi.yaml');
  });

  test('nothing is documented that swd does not route', () => {
    const table = new Set(routes.map((r) => `${r.method} ${r.pattern}`));
    const extra = [...operations().keys()].filter((k) => !table.has(k));
    assert.deepEqual(extra, []);
  });

  test('operation ids are unique', () => {
    const ids = [...operations().values()].map((o) => o.opId);
    assert.ok(ids.every(Boolean), 'every operation has an operationId');
    assert.equal(new Set(ids).size, ids.length);
  });

  test('every $ref points at a defined component', () => {
    const defined = components();
    const refs = [...file.matchAll(/\$ref: '#\/components\/(\w+)\/([\w.-]+)'/g)];
    assert.ok(refs.length > 50);
    const dangling = refs.filter((m) => !defined[m[1]]?.has(m[2])).map((m) => `${m[1]}/${m[2]}`);
    assert.deepEqual([...new Set(dangling)], []);
    const anyOther = [...file.matchAll(/\$ref:\s*(\S+)/g)].filter((m) => !/^'#\/components\//.test(m[1]));
    assert.deepEqual(anyOther.map((m) => m[1]), [], 'only local component references');
  });

  test('the security schemes are a bearer token and the session cookie', () => {
    const bearer = component('securitySchemes', 'bearerAuth');
    assert.match(bearer, /type: http/);
    assert.match(bearer, /scheme: bearer/);
    const cookie = component('securitySchemes', 'sessionCookie');
    assert.match(cookie, /type: apiKey/);
    assert.match(cookie, /in: cookie/);
    assert.match(cookie, /name: sw_session/);
  });

  test('the Problem schema has every member swd sends in an error', async () => {
    const problem = component('schemas', 'Problem');
    const members = new Set([...problem.matchAll(/^ {8}(\w+):/gm)].map((m) => m[1]));
    for (const k of ['type', 'title', 'status', 'detail', 'instance', 'errors'])
      assert.ok(members.has(k), `Problem.${k}`);
    const item = component('schemas', 'ProblemError');
    for (const k of ['path', 'code', 'message']) assert.match(item, new RegExp(`^ {8}${k}:`, 'm'));
    // a real error answer has no member the schema does not describe
    for (const r of [await api(sys.base, 'GET', '/v1/me'),
      await api(sys.base, 'POST', '/v1/session', { body: {} }),
      await api(sys.base, 'GET', '/v1/reference/hs/000000')]) {
      for (const k of Object.keys(r.json)) assert.ok(members.has(k), `undocumented member ${k}`);
      for (const e of r.json.errors) assert.deepEqual(Object.keys(e).sort(), ['code', 'message', 'path']);
    }
  });

  test('the layout is regular: spaces only, two-space steps, flow mappings well formed', () => {
    lines.forEach((l, i) => {
      assert.ok(!l.includes('\t'), `line ${i + 1}: a tab`);
      const indent = /^ */.exec(l)[0].length;
      assert.equal(indent % 2, 0, `line ${i + 1}: odd indentation`);
      assert.ok(!/\s$/.test(l), `line ${i + 1}: trailing white space`);
      // {a: b, c: d} on one line: every comma-separated part outside quotes is "key: value"
      const m = /^\s*(?:- )?[\w$'-]+: (\{.*\})$/.exec(l) || /^\s*- (\{.*\})$/.exec(l);
      if (!m) return;
      const parts = [];
      let depth = 0;
      let quote = null;
      let cur = '';
      for (const ch of m[1].slice(1, -1)) {
        if (quote) { if (ch === quote) quote = null; cur += ch; continue; }
        if (ch === "'" || ch === '"') { quote = ch; cur += ch; continue; }
        if (ch === '{' || ch === '[') depth++;
        if (ch === '}' || ch === ']') depth--;
        if (ch === ',' && depth === 0) { parts.push(cur); cur = ''; continue; }
        cur += ch;
      }
      parts.push(cur);
      for (const p of parts)
        assert.match(p, /^\s*[\w$-]+: \S/, `line ${i + 1}: "${p.trim()}" is not key: value (quote text with commas)`);
    });
  });
});
