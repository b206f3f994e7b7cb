// raw.mjs - HTTP/1.1 over a bare TCP socket, for what fetch would normalise or refuse to
// send (duplicate Content-Length, pipelining, undecoded paths, oversized bodies).
import net from 'node:net';

/**
 * Parses as many complete HTTP/1.1 responses (Content-Length framed; a response without
 * one runs to the end of the data) as buf holds. Returns {responses, rest}.
 */
export function parseResponses(buf, { eof = false } = {}) {
  const responses = [];
  let off = 0;
  for (;;) {
    const end = buf.indexOf('\r\n\r\n', off, 'latin1');
    if (end < 0) break;
    const head = buf.subarray(off, end).toString('latin1').split('\r\n');
    const m = /^HTTP\/1\.[01] (\d{3})/.exec(head[0]);
    if (!m) throw new Error(`not an HTTP response: ${JSON.stringify(head[0])}`);
    const headers = {};
    const headerList = [];
    for (const line of head.slice(1)) {
      const i = line.indexOf(':');
      const k = line.slice(0, i).trim().toLowerCase();
      const v = line.slice(i + 1).trim();
      headerList.push([k, v]);
      headers[k] = headers[k] === undefined ? v : `${headers[k]}, ${v}`;
    }
    const bodyStart = end + 4;
    let bodyEnd;
    if (headers['content-length'] !== undefined) {
      bodyEnd = bodyStart + Number(headers['content-length']);
      if (bodyEnd > buf.length) break; // incomplete
    } else if (eof) {
      bodyEnd = buf.length;
    } else {
      break;
    }
    const body = buf.subarray(bodyStart, bodyEnd).toString('utf8');
    responses.push({ status: Number(m[1]), headers, headerList, body, head: head.join('\n') });
    off = bodyEnd;
  }
  return { responses, rest: buf.subarray(off) };
}

/**
 * Sends the chunks (strings are latin1, Buffers as they are) on one fresh connection and
 * collects what comes back. Resolves when `expect` responses have arrived (unless
 * waitClose), the server closed the connection, or `timeoutMs` passed. Write errors (the
 * server closing while we still send) are recorded, not thrown.
 * Returns {responses, closed, timedOut, writeError, raw}.
 */
export function rawRequest(port, chunks, { expect = 1, timeoutMs = 5000, waitClose = false } = {}) {
  if (!Array.isArray(chunks)) chunks = [chunks];
  return new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1');
    let data = Buffer.alloc(0);
    let closed = false;
    let writeError = null;
    let done = false;
    const finish = (timedOut) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      const { responses } = parseResponses(data, { eof: closed });
      sock.destroy();
      resolve({ responses, closed, timedOut, writeError, raw: data });
    };
    const timer = setTimeout(() => finish(true), timeoutMs);
    sock.on('data', (d) => {
      data = Buffer.concat([data, d]);
      try {
        if (!waitClose && parseResponses(data).responses.length >= expect) finish(false);
      } catch {
        /* garbage so far; wait for more or the close */
      }
    });
    sock.on('error', (e) => { writeError = writeError || e; });
    sock.on('end', () => { closed = true; finish(false); });
    sock.on('close', () => { closed = true; finish(false); });
    sock.on('connect', async () => {
      for (const c of chunks) {
        if (done || sock.destroyed) break;
        const ok = sock.write(typeof c === 'string' ? Buffer.from(c, 'latin1') : c);
        if (!ok) await new Promise((r) => { sock.once('drain', r); sock.once('close', r); });
      }
    });
  });
}

/** A request head with CRLFs; headers as [name, value] pairs (duplicates allowed). */
export function head(method, path, headers = [['Host', '127.0.0.1']]) {
  return `${method} ${path} HTTP/1.1\r\n${headers.map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`;
}
