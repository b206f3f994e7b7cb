// declarations-abandon.test.mjs - issue 3: a submission waits for its write without a
// worker thread (its connection sleeps until the group commit is durable). A client that
// hangs up meanwhile changes nothing: what it sent is registered or not as a whole, the
// server answers everyone else, leaks nothing and exits cleanly.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { system, api } from './lib/harness.mjs';
import { phoneImport, submitOk, closeClean } from './lib/declarations.mjs';

let s;
before(async () => { s = await system(['--threads', '2']); });
after(async () => { await closeClean(s); });

/** Sends one complete submission on a raw socket and hangs up at once. */
function submitAndHangUp(body) {
  return new Promise((resolve) => {
    const text = JSON.stringify(body);
    const sock = net.connect(s.port, '127.0.0.1', () => {
      sock.end(`POST /v1/declarations HTTP/1.1\r\nHost: t\r\n`
        + `Authorization: Bearer ${s.token('trader1')}\r\nContent-Type: application/json\r\n`
        + `Content-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`);
      sock.destroy();
    });
    sock.on('error', () => {});
    sock.on('close', resolve);
  });
}

test('clients hanging up during their write leave whole declarations and a working server', async () => {
  const bodies = Array.from({ length: 40 }, () => phoneImport());
  // abandoned submissions interleaved with ones that wait for their answer
  const waited = [];
  await Promise.all(bodies.map(async (b, i) => {
    if (i % 4 === 0) waited.push(await submitOk(s.base, s.token('trader1'), phoneImport()));
    await submitAndHangUp(b);
  }));
  assert.equal(waited.length, 10);
  for (const d of waited) assert.equal(d.status, 'released');
  // each abandoned one is registered completely or not at all: resubmitting it answers
  // 200 (it was registered, with its tasks) or 201 (it was not), never a conflict
  for (const b of bodies) {
    const res = await api(s.base, 'POST', '/v1/declarations', { token: s.token('trader1'), body: b });
    assert.ok(res.status === 200 || res.status === 201, `status ${res.status}`);
    assert.equal(res.json.status, 'released');
    assert.ok(res.json.tasks.length >= 1);
  }
});
