// multinode.test.mjs - issue 10: two swd nodes share one PostgreSQL database behind nginx
// (Debian's nginx, started here on a free port with a configuration of its own). Several
// keep-alive clients submit through the balancer declarations that draw on one import
// licence; one node is killed with SIGKILL mid-run and the clients retry what was in
// flight (same reference). Then, with the node restarted, twelve clients race on both
// nodes at once for the licence's last balance, which only four of them can get. After:
//   - every acknowledged declaration is stored exactly once, identical to its answer;
//   - nothing is stored that no client sent, and no reference twice;
//   - the licence is never overdrawn: remaining = licensed - live drawings >= 0, and
//     exactly the four drawings that fit were granted in the race;
//   - the audit trail both nodes appended to is one unbroken hash chain;
//   - a session opened on one node works on the other, and a long poll of the event feed
//     on one node is woken by a write on the other (LISTEN/NOTIFY).
// Runs on PostgreSQL only (api-pg.multinode); on SQLite it is skipped with the reason.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, rmSync, mkdirSync, chmodSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BACKEND, prepareData, startSwd, sql, api, swctl } from './lib/harness.mjs';
import { TRADER1_PARTY, phoneImport } from './lib/declarations.mjs';
import { keepAliveClient } from './lib/client.mjs';

const SKIP = BACKEND !== 'postgresql' && 'several nodes share a PostgreSQL database (api-pg.multinode)';
const NGINX = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((p) => existsSync(p));
const CLIENTS = 6;
const RUN_MS = 6000;
const KILL_AT_MS = 2000;
const YEAR = new Date().getUTCFullYear();

const cleanups = [];
after(() => { for (const f of cleanups.reverse()) try { f(); } catch { /* best effort */ } });

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
    s.on('error', reject);
  });
}

/** nginx in front of the given ports; resolves with {base, stop}. */
async function startNginx(ports) {
  assert.ok(NGINX, 'nginx is installed (scripts/install-deps.sh installs it)');
  const dir = mkdtempSync(join(tmpdir(), 'opensw-nginx-'));
  chmodSync(dir, 0o755);
  for (const d of ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) { mkdirSync(join(dir, d)); chmodSync(join(dir, d), 0o777); }
  const port = await freePort();
  const asRoot = process.getuid && process.getuid() === 0;
  writeFileSync(join(dir, 'nginx.conf'), `
${asRoot ? 'user root;' : ''}
worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 512; }
http {
  access_log off;
  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi; uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
  upstream opensw {
    ${ports.map((p) => `server 127.0.0.1:${p} max_fails=1 fail_timeout=30s;`).join('\n    ')}
    keepalive 16;
  }
  server {
    listen 127.0.0.1:${port};
    client_max_body_size 16m;
    location / {
      proxy_pass http://opensw;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header X-Forwarded-For $remote_addr;
      # a POST is passed to the next node only when it never reached the first one
      proxy_next_upstream error timeout;
      proxy_connect_timeout 2s;
      proxy_read_timeout 60s;
    }
  }
}
`);
  const proc = spawn(NGINX, ['-p', dir, '-c', join(dir, 'nginx.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (c) => { stderr += c; });
  const stop = () => { if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGQUIT'); rmSync(dir, { recursive: true, force: true }); };
  cleanups.push(stop);
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    if (proc.exitCode !== null) break;
    try { if ((await fetch(`${base}/healthz`)).status === 200) return { base, stop }; } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`nginx did not start: ${stderr} ${existsSync(join(dir, 'error.log')) ? readFileSync(join(dir, 'error.log'), 'utf8') : ''}`);
}

const client = keepAliveClient;

test('two nodes behind nginx, one killed mid-run: nothing lost, nothing twice, the licence never overdrawn', { skip: SKIP, timeout: 300000 }, async () => {
  const data = prepareData();
  cleanups.push(() => rmSync(data.dir, { recursive: true, force: true }));
  const tok = (login) => data.accounts[login].token;
  const nodeA = await startSwd(data);
  const nodeB = await startSwd(data);
  cleanups.push(() => { nodeA.proc.kill('SIGKILL'); nodeB.proc.kill('SIGKILL'); });
  const lb = await startNginx([nodeA.port, nodeB.port]);

  // the licence: 1,000,000 KGM of telephones, more than the run draws
  const NUMBER = `MN-IL-${process.pid}`;
  const LICENSED = 1000000;
  {
    const r = await api(lb.base, 'POST', '/v1/permits', {
      token: tok('commerce1'),
      body: {
        type: 'import_licence', number: NUMBER, holder: TRADER1_PARTY, valid_from: `${YEAR - 1}-01-01`,
        valid_to: `${YEAR + 1}-12-31`, usage: 'unlimited',
        lines: [{ hs_prefix: '8517', description: 'telephones', unit: 'KGM', quantity: String(LICENSED) }],
      },
    });
    assert.equal(r.status, 201, r.text);
  }
  const goods = (reference, qty) => ({
    type: 'IM', reference, procedure: '4000', office: 'CNSHA', importer: { id: TRADER1_PARTY },
    exporter: { id: 'KR1234567', name: 'Seoul Devices' },
    transport: { mode: '1', loading: 'KRPUS', discharge: 'CNSHA', arrival: '2026-12-01T06:00:00Z' },
    invoice: { currency: 'USD', incoterm: 'CIF', total: '2000.00' },
    items: [{ seq: 1, hs: '85171300', description: 'Telephones under licence', origin: 'KR',
      quantity: String(qty), unit: 'KGM', net_kg: String(qty), gross_kg: String(qty),
      value: '2000.00', documents: [{ type: 'import_licence', number: NUMBER }] }],
  });

  const acked = new Map(); // reference -> {id, number, qty}
  const refused = []; // {reference, qty} refused for lack of balance
  const figures = { sent: 0, retries: 0, byNode: {} };
  const t0 = Date.now();
  let killed = false;
  const killer = (async () => {
    await new Promise((r) => setTimeout(r, KILL_AT_MS));
    nodeA.proc.kill('SIGKILL');
    killed = true;
  })();
  const submitter = async (w) => {
    let c = client(tok('trader1'));
    try {
      for (let n = 0; Date.now() - t0 < RUN_MS; n++) {
        const reference = `MN-${w}-${n}-${process.pid}`.slice(0, 35);
        const qty = 5 + ((w * 7 + n * 13) % 40);
        const body = goods(reference, qty);
        figures.sent++;
        let r = null;
        for (let attempt = 0; attempt < 20 && !r; attempt++) {
          try {
            r = await c.send(lb.base, 'POST', '/v1/declarations', body);
            if (r.status === 502 || r.status === 503 || r.status === 504) { r = null; throw new Error('gateway'); }
          } catch {
            // in flight when the node died: the same reference again (idempotent)
            figures.retries++;
            c.close();
            c = client(tok('trader1'));
            await new Promise((res) => setTimeout(res, 50));
          }
        }
        assert.ok(r, `${reference}: no answer after 20 attempts`);
        if (r.status === 201 || r.status === 200) {
          acked.set(reference, { id: r.json.id, number: r.json.number, qty });
        } else {
          assert.equal(r.status, 422, `${reference}: ${r.text}`);
          assert.ok(r.json.errors.some((e) => /permit|quantity|balance|exhaust/i.test(e.code)),
            `${reference}: refused for another reason: ${r.text}`);
          refused.push({ reference, qty });
        }
      }
    } finally {
      c.close();
    }
  };
  await Promise.all([...Array(CLIENTS).keys()].map(submitter).concat([killer]));
  assert.ok(killed, 'node A was killed during the run');
  assert.ok(acked.size > CLIENTS, `load ran: ${acked.size} acknowledged`);

  // the race for the last balance, on both nodes at once (node A restarted)
  const nodeA2 = await startSwd(data);
  cleanups.push(() => nodeA2.proc.kill('SIGKILL'));
  const before = await api(nodeB.base, 'GET', `/v1/permits/import_licence/${NUMBER}`, { token: tok('commerce1') });
  assert.equal(before.status, 200, before.text);
  const rest = Number(before.json.lines[0].remaining_quantity);
  const big = Math.floor(rest / 5) + 1; // four fit, a fifth does not
  const race = await Promise.all([...Array(12).keys()].map(async (k) => {
    const c = client(tok('trader1'));
    try {
      const reference = `MN-R-${k}-${process.pid}`;
      const r = await c.send(k % 2 ? nodeA2.base : nodeB.base, 'POST', '/v1/declarations', goods(reference, big));
      return { reference, r };
    } finally {
      c.close();
    }
  }));
  for (const { reference, r } of race) {
    if (r.status === 201) acked.set(reference, { id: r.json.id, number: r.json.number, qty: big });
    else {
      assert.equal(r.status, 422, `${reference}: ${r.text}`);
      assert.ok(r.json.errors.some((e) => e.code === 'permit_insufficient_balance'), `${reference}: ${r.text}`);
      refused.push({ reference, qty: big });
    }
  }
  assert.equal(race.filter(({ r }) => r.status === 201).length, 4,
    `exactly four of twelve racing drawings of ${big} fit in ${rest}`);

  // every acknowledged declaration exactly once, identical; nothing else stored
  const rows = sql(data.dir, `SELECT reference, id, number FROM declarations WHERE reference LIKE 'MN-%'`)
    .split('\n').filter(Boolean).map((l) => l.split('|'));
  const stored = new Map();
  for (const [reference, id, number] of rows) {
    assert.ok(!stored.has(reference), `${reference} stored twice`);
    stored.set(reference, { id: Number(id), number });
  }
  for (const [reference, a] of acked) {
    const s = stored.get(reference);
    assert.ok(s, `acknowledged ${reference} is stored`);
    assert.equal(s.id, a.id, `${reference}: id`);
    assert.equal(s.number, a.number, `${reference}: official number`);
  }
  assert.equal(stored.size, acked.size, 'nothing stored that was not acknowledged (refusals store nothing)');
  const numbers = new Set([...stored.values()].map((s) => s.number));
  assert.equal(numbers.size, stored.size, 'official numbers are unique across nodes');

  // the licence as its issuer sees it, through the surviving node
  const p = await api(nodeB.base, 'GET', `/v1/permits/import_licence/${NUMBER}`, { token: tok('commerce1') });
  assert.equal(p.status, 200, p.text);
  const drawn = p.json.drawings.filter((d) => d.state !== 'released')
    .reduce((sum, d) => sum + Number(d.quantity), 0);
  const remaining = Number(p.json.lines[0].remaining_quantity);
  assert.ok(remaining >= 0, `remaining ${remaining} is not negative`);
  assert.equal(drawn, [...acked.values()].reduce((s, a) => s + a.qty, 0), 'drawings = acknowledged quantities');
  assert.equal(remaining, LICENSED - drawn, 'remaining = licensed - drawn');
  for (const r of refused) assert.ok(r.qty > remaining, `${r.reference} (${r.qty}) was refused while ${remaining} remain`);
  // both nodes appended to one audit chain: it is still one unbroken chain
  assert.match(swctl(data.dir, 'audit', 'verify'), /ok|verified/i);
  console.log(`multinode: clients=${CLIENTS} sent=${figures.sent} acknowledged=${acked.size}` +
    ` refused_for_balance=${refused.length} retried_in_flight=${figures.retries}` +
    ` drawn=${drawn}/${LICENSED} lost=0 duplicated=0`);
  await nodeB.stop();
  await nodeA2.stop();
});

test('sessions and the event feed span the nodes', { skip: SKIP, timeout: 120000 }, async () => {
  const data = prepareData();
  cleanups.push(() => rmSync(data.dir, { recursive: true, force: true }));
  const tok = (login) => data.accounts[login].token;
  const nodeA = await startSwd(data);
  const nodeB = await startSwd(data);
  cleanups.push(() => { nodeA.proc.kill('SIGKILL'); nodeB.proc.kill('SIGKILL'); });

  // a session cookie opened on A is accepted by B
  const login = await fetch(`${nodeA.base}/v1/session`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ login: 'trader1', password: 'opensw-demo' }),
  });
  assert.equal(login.status, 201, await login.text());
  const cookie = login.headers.get('set-cookie').split(';')[0];
  const mine = await fetch(`${nodeB.base}/v1/declarations`, { headers: { cookie } });
  assert.equal(mine.status, 200, await mine.text());

  // a long poll on B, a submission on A: B answers with it well before the poll's end
  const feed = await api(nodeB.base, 'GET', '/v1/events?wait=0', { token: tok('trader1') });
  assert.equal(feed.status, 200, feed.text);
  const cursor = feed.json.next;
  const t0 = Date.now();
  const poll = api(nodeB.base, 'GET', `/v1/events?after=${cursor}&wait=20`, { token: tok('trader1') });
  await new Promise((r) => setTimeout(r, 300));
  const sub = await api(nodeA.base, 'POST', '/v1/declarations', {
    token: tok('trader1'),
    body: phoneImport({ reference: `MN-FEED-${process.pid}` }),
  });
  assert.equal(sub.status, 201, sub.text);
  const woke = await poll;
  const waited = Date.now() - t0;
  assert.equal(woke.status, 200, woke.text);
  assert.ok(woke.json.items.some((e) => e.declaration === sub.json.id), `the feed on B has A's declaration: ${woke.text}`);
  assert.ok(waited < 5000, `woken after ${waited} ms, not at the end of the 20 s wait`);
  // B learnt of A's commits by NOTIFY (its own commits are not counted)
  const metrics = await api(nodeB.base, 'GET', '/metrics', { token: tok('admin') });
  assert.equal(metrics.status, 200, metrics.text);
  const remote = Number(/^sw_store_remote_commits_total (\d+)$/m.exec(metrics.text)?.[1]);
  assert.ok(remote >= 1, `node B counted commits announced by node A: ${remote}`);
  const own = await api(nodeA.base, 'GET', '/metrics', { token: tok('admin') });
  assert.equal(Number(/^sw_store_remote_commits_total (\d+)$/m.exec(own.text)?.[1]), 0,
    'node A heard no other node');
  await nodeA.stop();
  await nodeB.stop();
});
