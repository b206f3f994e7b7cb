// hostile-slow.test.mjs - issue 8: slow clients (slowloris) and very large arrays against a
// live swd, while a /healthz poller on fresh connections must never fail. swd runs with a
// config file setting `timeout = 3` (so idle connections close after 3 s and the file
// stays short) and `body-limit = 8388608`, so that arrays of 10^6 elements fit in a body.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { mkdtempSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { system, api } from './lib/harness.mjs';
import { rawRequest, head } from './lib/raw.mjs';
import { assertProblem } from './lib/assert-problem.mjs';
import { shrimpImport, vesselArrival, submitOk, closeClean } from './lib/declarations.mjs';

const TIMEOUT_S = 3;
let s;
let conf;
let poller;
let cases = 0;
const tk = (login) => s.token(login);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function startPoller(port, intervalMs = 100) {
  const st = { ok: 0, failures: [], maxMs: 0 };
  let stop = false;
  const loop = (async () => {
    while (!stop) {
      const t0 = Date.now();
      const r = await rawRequest(port, head('GET', '/healthz', [['Host', 'x'], ['Connection', 'close']]),
        { timeoutMs: 5000 });
      st.maxMs = Math.max(st.maxMs, Date.now() - t0);
      if (r.responses[0]?.status === 200) st.ok += 1;
      else st.failures.push(`${new Date().toISOString()} status ${r.responses[0]?.status} timedOut ${r.timedOut} ${r.writeError?.code || ''}`);
      await sleep(intervalMs);
    }
  })();
  return { st, async stop() { stop = true; await loop; return st; } };
}

const rss = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${s.proc.pid}/status`, 'utf8'))[1]);

before(async () => {
  conf = mkdtempSync(join(tmpdir(), 'opensw-hostile-'));
  writeFileSync(join(conf, 'swd.conf'), `# hostile-slow.test.mjs\ntimeout = ${TIMEOUT_S}\nbody-limit = 8388608\n`);
  s = await system(['--config', join(conf, 'swd.conf')]);
  poller = startPoller(s.port);
});

after(async () => {
  const st = await poller.stop();
  console.log(`hostile-slow: ${cases} hostile requests or connections; /healthz poller ${st.ok} ok, ` +
    `${st.failures.length} failed, slowest ${st.maxMs} ms`);
  assert.deepEqual(st.failures, [], 'the /healthz poller failed');
  assert.ok(st.ok > 0);
  await closeClean(s);
  rmSync(conf, { recursive: true, force: true });
});

/**
 * Opens a connection and sends `chunks` one every intervalMs (then nothing). Resolves with
 * {closedAfterMs} when the server closes it, or {closedAfterMs: null} after observeMs.
 */
function dribble(port, chunks, intervalMs, observeMs) {
  cases += 1;
  return new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1');
    const t0 = Date.now();
    let timer;
    let i = 0;
    let done = false;
    const finish = (closed) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      clearTimeout(watch);
      sock.destroy();
      resolve({ closedAfterMs: closed ? Date.now() - t0 : null, sent: i });
    };
    const watch = setTimeout(() => finish(false), observeMs);
    const next = () => {
      if (done || i >= chunks.length) return;
      sock.write(chunks[i++], () => {});
      timer = setTimeout(next, intervalMs);
    };
    sock.on('connect', next);
    sock.on('data', () => {});
    sock.on('error', () => finish(true));
    sock.on('close', () => finish(true));
  });
}

const slowHead = 'GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: abcdefghijklmnopqrstuvwxyz\r\n\r\n'.split('');

// the two groups run at the same time: slow clients while large bodies are parsed
describe('slow clients and large arrays', { concurrency: true }, () => {
  describe('slow clients', () => {
    test(`an idle connection and one sending a head byte every 4 s are closed after ~${TIMEOUT_S} s`, async () => {
      const [idle, slower] = await Promise.all([
        dribble(s.port, [], 1000, 10000),
        dribble(s.port, slowHead, 4000, 10000),
      ]);
      assert.ok(idle.closedAfterMs !== null && idle.closedAfterMs <= (TIMEOUT_S + 2) * 1000,
        `idle connection closed after ${idle.closedAfterMs} ms`);
      assert.ok(slower.closedAfterMs !== null && slower.closedAfterMs <= (TIMEOUT_S + 2) * 1000,
        `slow head closed after ${slower.closedAfterMs} ms (${slower.sent} bytes)`);
    });

    test('300 slowloris connections at once do not keep swd from serving others', async () => {
      const attack = Array.from({ length: 300 }, () => dribble(s.port, slowHead, 1000, 8000));
      await sleep(1500);
      // meanwhile a trader submits and reads, and the poller (after()) keeps going
      const d = await submitOk(s.base, tk('trader1'), shrimpImport());
      assert.equal((await api(s.base, 'GET', `/v1/declarations/${d.id}`, { token: tk('trader1') })).status, 200);
      await Promise.all(attack);
    });

    test(`a head sent one byte a second is closed within the ${TIMEOUT_S} s timeout (or soon after)`, async () => {
      const [headSlow, bodySlow] = await Promise.all([
        dribble(s.port, slowHead, 1000, 9000),
        dribble(s.port, [head('POST', '/v1/session', [['Host', 'x'], ['Content-Type', 'application/json'],
          ['Content-Length', '40']]), ...'{"login":"a","password":"bbbbbbbbbbbbb"}'.split('')], 1000, 9000),
      ]);
      assert.ok(headSlow.closedAfterMs !== null && headSlow.closedAfterMs <= 2 * TIMEOUT_S * 1000,
        `slow head still open after ${headSlow.sent} bytes`);
      assert.ok(bodySlow.closedAfterMs !== null && bodySlow.closedAfterMs <= 2 * TIMEOUT_S * 1000,
        `slow body still open after ${bodySlow.sent} chunks`);
    });
  });

  describe('arrays of 10^6 elements and objects of 10^5 keys (bodies up to 8 MiB)', () => {
    const N = 1000000;
    const zeros = (n) => `[${'0,'.repeat(n - 1)}0]`;
    const empties = (n) => `[${'{},'.repeat(n - 1)}{}]`;
    const strings = (n) => `[${'"",'.repeat(n - 1)}""]`;
    /** A valid declaration whose member at `key` (top level, or inside items[0] / transport)
     * is replaced by the raw JSON `value`. */
    function withRaw(build, where, key, value) {
      const body = build();
      const target = where === 'item' ? body.items[0] : where === 'transport' ? body.transport : body;
      target[key] = '@@RAW@@';
      return JSON.stringify(body).replace('"@@RAW@@"', value);
    }
    const post = async (path, login, text) => {
      cases += 1;
      const t0 = Date.now();
      const r = await api(s.base, 'POST', path, { token: tk(login), raw: text,
        headers: { 'content-type': 'application/json' } });
      return { ...r, ms: Date.now() - t0, bytes: text.length };
    };

    test('each is a 4xx in reasonable time, nothing is stored, and swd keeps serving', async () => {
      const rss0 = rss();
      const list = [
        ['top-level [0 x 10^6]', '/v1/declarations', 'trader1', zeros(N)],
        ['items: [0 x 10^6]', '/v1/declarations', 'trader1', withRaw(shrimpImport, 'top', 'items', zeros(N))],
        ['items: [{} x 10^6]', '/v1/declarations', 'trader1', withRaw(shrimpImport, 'top', 'items', empties(N))],
        ['containers: ["" x 10^6]', '/v1/declarations', 'trader1', withRaw(shrimpImport, 'transport', 'containers', strings(N))],
        ['documents: [{} x 10^6]', '/v1/declarations', 'trader1', withRaw(shrimpImport, 'item', 'documents', empties(N))],
        ['crew: [{} x 10^6]', '/v1/declarations', 'carrier1', withRaw(vesselArrival, 'top', 'crew', empties(N))],
        ['items within 1 MiB: [0 x 524000]', '/v1/declarations', 'trader1', withRaw(shrimpImport, 'top', 'items', zeros(524000))],
        ['10^5 unknown keys', '/v1/declarations', 'trader1',
          `{${Array.from({ length: 100000 }, (_, i) => `"k${i}":0`).join(',')}}`],
        ['routing rule hs_prefixes: ["01" x 10^6]', '/v1/routing-rules', 'admin',
          `{"id":"big","agency":"CUSTOMS","types":["IM"],"reason":"x","conditions":{"hs_prefixes":[${'"01",'.repeat(N - 1)}"01"]}}`],
        ['permit lines: [{} x 10^6]', '/v1/permits', 'commerce1',
          `{"type":"import_licence","number":"BIG-1","holder":"91310000MA1FL0001X","valid_from":"2026-01-01","valid_to":"2026-12-31","usage":"unlimited","lines":${empties(N)}}`],
        ['users: name of 10^6 chars', '/v1/users', 'admin', `{"login":"big","role":"declarant","party":"91310000MA1FL0001X","name":"${'n'.repeat(N)}"}`],
      ];
      const lines = [];
      for (const [what, path, login, text] of list) {
        const r = await post(path, login, text);
        assert.ok(r.status >= 400 && r.status < 500, `${what}: ${r.status} ${r.text.slice(0, 200)}`);
        assertProblem(r, r.status);
        assert.ok(r.json.errors.length <= 1000, `${what}: ${r.json.errors.length} problems listed`);
        lines.push(`${what}: ${r.status} ${r.json.errors[0]?.code} in ${r.ms} ms (${(r.bytes / 1048576).toFixed(1)} MiB)`);
        assert.equal((await api(s.base, 'GET', '/healthz')).status, 200);
      }
      // the answer to a declaration with a million items is one problem, not a million
      const first = await post('/v1/declarations', 'trader1', withRaw(shrimpImport, 'top', 'items', zeros(N)));
      assert.ok(first.text.length < 100000, `answer of ${first.text.length} bytes`);
      const rss1 = rss();
      console.log(`hostile-slow: large arrays\n  ${lines.join('\n  ')}\n  swd RSS ${rss0} kB before, ${rss1} kB after`);
      const count = await api(s.base, 'GET', '/v1/declarations?limit=200', { token: tk('trader1') });
      assert.ok(count.json.items.every((d) => d.status), 'only real declarations are listed');
    });
  });
});
