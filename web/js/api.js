// api.js - the one way the portal talks to swd: JSON in and out, the session cookie sent
// by the browser (HttpOnly, SameSite=Strict), and the CSRF token in X-CSRF-Token on every
// state-changing request. Errors become ApiError carrying the RFC 9457 problem document.

let csrf = null;

export function setCsrf(token) { csrf = token || null; }

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem || {};
  }

  /** The problem's errors ([{path, code, message}]), never undefined. */
  get errors() { return Array.isArray(this.problem.errors) ? this.problem.errors : []; }

  /** The first error's code, or the problem type's last segment. */
  get code() {
    return this.errors[0]?.code || String(this.problem.type || '').split(':').pop() || '';
  }
}

/** Listeners told when the server says the caller is no longer signed in. */
const onUnauthorized = new Set();
export function whenUnauthorized(fn) { onUnauthorized.add(fn); }

/**
 * api('GET', '/v1/declarations', {query: {status: 'released'}})
 * opts: body (JSON), query (object; empty values left out), signal (AbortSignal),
 * quiet401 (do not announce an expired session: used by the sign-in check).
 */
export async function api(method, path, opts = {}) {
  const headers = { accept: 'application/json, application/problem+json' };
  let body;
  if (opts.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  if (method !== 'GET' && method !== 'HEAD' && csrf) headers['x-csrf-token'] = csrf;
  let url = path;
  if (opts.query) {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(opts.query)) {
      if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
    }
    const s = q.toString();
    if (s) url += (url.includes('?') ? '&' : '?') + s;
  }
  let res;
  try {
    res = await fetch(url, { method, headers, body, credentials: 'same-origin', signal: opts.signal, cache: 'no-store' });
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError(0, { title: 'network', detail: '' });
  }
  if (res.status === 204) return null;
  const text = await res.text();
  let doc = null;
  try { doc = text ? JSON.parse(text) : null; } catch { doc = null; }
  if (!res.ok) {
    const err = new ApiError(res.status, doc || { title: res.statusText });
    if (res.status === 401 && !opts.quiet401 && path !== '/v1/session') {
      for (const fn of onUnauthorized) fn(err);
    }
    throw err;
  }
  return doc;
}

/** Runs up to `limit` async jobs at once over items; resolves to their results in order. */
export async function mapLimit(items, limit, fn) {
  const out = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      try { out[i] = await fn(items[i], i); } catch (e) { out[i] = e; }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
