// refdata-reload.test.mjs - issue 10: reference data held in memory follows the database.
// An import (swctl import) bumps the reference-data version; every running node reloads
// within a few seconds, so that with several nodes none keeps serving an old copy. On
// PostgreSQL two nodes share the database; on SQLite the one node and swctl do.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { BACKEND, prepareData, startSwd, sql, api, swctl } from './lib/harness.mjs';

const running = [];
const dirs = [];
after(() => {
  for (const n of running) n.proc.kill('SIGKILL');
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function eventually(what, fn, ms = 10000) {
  const t0 = Date.now();
  for (;;) {
    const v = await fn();
    if (v) return v;
    assert.ok(Date.now() - t0 < ms, `${what} within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

test('a reference-data change reaches every running node without a restart', { timeout: 120000 }, async () => {
  const data = prepareData();
  dirs.push(data.dir);
  const nodes = [await startSwd(data)];
  if (BACKEND === 'postgresql') nodes.push(await startSwd(data));
  running.push(...nodes);
  const name = async (node) => (await api(node.base, 'GET', '/v1/reference/currencies/USD')).json?.name;
  for (const n of nodes) assert.equal(await name(n), 'US Dollar');

  // a change written to the tables with a new version, as an import does
  const version = Number(sql(data.dir, "SELECT COALESCE(MAX(value), 0) FROM counters WHERE name = 'refdata'"));
  sql(data.dir, "UPDATE ref_currency SET name = 'United States dollar (test)' WHERE code = 'USD'");
  sql(data.dir, `INSERT INTO counters (name, value) VALUES ('refdata', ${version + 1})` +
    ` ON CONFLICT (name) DO UPDATE SET value = ${version + 1}`);
  for (const n of nodes) {
    await eventually('the node serves the new name', async () => (await name(n)) === 'United States dollar (test)');
    assert.match(n.log(), /"msg":"reference data reloaded"/);
  }

  // swctl import bumps the version itself, and the nodes load the shipped name again
  swctl(data.dir, 'import', 'currencies');
  const after = Number(sql(data.dir, "SELECT value FROM counters WHERE name = 'refdata'"));
  assert.equal(after, version + 2, 'the import wrote a new version');
  for (const n of nodes) await eventually('the node serves the imported name', async () => (await name(n)) === 'US Dollar');

  // nothing changes without a new version
  sql(data.dir, "UPDATE ref_currency SET name = 'not reloaded' WHERE code = 'USD'");
  await new Promise((r) => setTimeout(r, 3000));
  for (const n of nodes) assert.equal(await name(n), 'US Dollar');
  for (const n of nodes) assert.deepEqual(await n.stop(), { code: 0, signal: null });
});
