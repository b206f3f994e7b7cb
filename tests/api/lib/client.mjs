// client.mjs - one keep-alive HTTP/1.1 connection per simulated client (an agent with a
// single socket), for tests that must know which requests were in flight when a server
// died: send() rejects on a reset, an aborted or an incomplete answer.
import http from 'node:http';

/** A client sending as the holder of token. */
export function keepAliveClient(token) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  return {
    /** body: an object (sent as JSON) or a string (sent as it is). */
    send(base, method, path, body, extraHeaders = {}) {
      return new Promise((resolve, reject) => {
        const data = body === undefined ? null
          : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
        const headers = { authorization: `Bearer ${token}`, ...extraHeaders };
        if (data) Object.assign(headers, { 'content-type': 'application/json', 'content-length': data.length });
        const req = http.request(`${base}${path}`, { method, agent, headers, timeout: 20000 }, (res) => {
          const chunks = [];
          res.on('data', (c) => chunks.push(c));
          res.on('aborted', () => reject(new Error('response aborted')));
          res.on('error', reject);
          res.on('end', () => {
            if (!res.complete) { reject(new Error('incomplete response')); return; }
            const text = Buffer.concat(chunks).toString('utf8');
            let json = null;
            try { json = JSON.parse(text); } catch { json = null; }
            resolve({ status: res.statusCode, text, json });
          });
        });
        req.on('timeout', () => req.destroy(new Error('client timeout')));
        req.on('error', reject);
        req.end(data);
      });
    },
    close() { agent.destroy(); },
  };
}
