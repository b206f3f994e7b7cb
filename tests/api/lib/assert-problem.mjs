// assert-problem.mjs - the RFC 9457 problem+json shape every error of swd has.
import assert from 'node:assert/strict';

/**
 * Asserts res (from api() in harness.mjs, or {status, headers: {...}, body} from raw.mjs)
 * is a problem+json answer with this status and, when given, an errors[] entry with code.
 * Returns the parsed document.
 */
export function assertProblem(res, status, code) {
  const ct = typeof res.headers.get === 'function' ? res.headers.get('content-type')
    : res.headers['content-type'];
  const doc = res.json !== undefined ? res.json : JSON.parse(res.body);
  assert.equal(res.status, status, `status ${res.status}, body ${res.text ?? res.body}`);
  assert.match(ct || '', /^application\/problem\+json/, 'content-type is problem+json');
  assert.ok(doc && typeof doc === 'object', 'a JSON object body');
  assert.equal(doc.status, status, 'status member equals the HTTP status');
  assert.equal(typeof doc.type, 'string');
  assert.ok(doc.type.length > 0);
  assert.equal(typeof doc.title, 'string');
  assert.ok(doc.title.length > 0);
  if (doc.instance !== undefined) assert.equal(typeof doc.instance, 'string');
  assert.ok(Array.isArray(doc.errors), 'an errors array');
  for (const e of doc.errors) {
    assert.equal(typeof e.path, 'string');
    assert.equal(typeof e.code, 'string');
    assert.equal(typeof e.message, 'string');
  }
  if (code !== undefined) {
    assert.ok(doc.errors.some((e) => e.code === code),
      `errors has code ${code}: ${JSON.stringify(doc.errors)}`);
  }
  return doc;
}
