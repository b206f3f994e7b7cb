// cluster.mjs - a throwaway PostgreSQL 15 cluster for the api-pg.* tests (CTest fixture).
//   node cluster.mjs start STATE_DIR   initdb + start on a free 127.0.0.1 port; writes
//                                      STATE_DIR/url (postgresql://opensw@127.0.0.1:PORT)
//   node cluster.mjs stop STATE_DIR    stops it and removes its files
// initdb refuses to run as root: as root the cluster belongs to the system user 'postgres'
// (created by Debian's postgresql package) or, failing that, to 'opensw-pg', created here
// with useradd --system; otherwise it runs as the calling user. Trust authentication on
// 127.0.0.1 only, no Unix socket, fsync off (on with PG_DURABLE=1, for benchmarks): a test
// cluster, never a production one.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync, readFileSync, existsSync, mkdtempSync, chownSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const BIN = process.env.PG_BIN || '/usr/lib/postgresql/15/bin';
const [cmd, stateArg] = process.argv.slice(2);
if (!['start', 'stop'].includes(cmd) || !stateArg) {
  console.error('usage: node cluster.mjs start|stop STATE_DIR');
  process.exit(2);
}
const state = resolve(stateArg);
const root = process.getuid() === 0;
const sh = (file, args, opts = {}) => execFileSync(file, args, { encoding: 'utf8', stdio: 'pipe', ...opts });

function ids(user) {
  try {
    return { uid: Number(sh('id', ['-u', user]).trim()), gid: Number(sh('id', ['-g', user]).trim()) };
  } catch { return null; }
}

/** The user the cluster runs as (root only), created when missing. */
function clusterUser() {
  if (!root) return null;
  if (ids('postgres')) return 'postgres';
  if (!ids('opensw-pg')) {
    sh('useradd', ['--system', '--no-create-home', '--home-dir', '/nonexistent',
      '--shell', '/usr/sbin/nologin', 'opensw-pg']);
  }
  return 'opensw-pg';
}

/** Runs a PostgreSQL program as the cluster's user. */
function pg(user, prog, args) {
  const file = join(BIN, prog);
  return user ? sh('runuser', ['-u', user, '--', file, ...args]) : sh(file, args);
}

function freePort() {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => { const { port } = srv.address(); srv.close(() => res(port)); });
  });
}

/** A directory the cluster's user can write: in the build directory when it can reach it,
 * else in /tmp (a build directory under /root is not reachable by another user). */
function dataParent(user) {
  const inBuild = join(state, 'cluster');
  mkdirSync(inBuild, { recursive: true });
  if (!user) return inBuild;
  const { uid, gid } = ids(user);
  chownSync(inBuild, uid, gid);
  try { sh('runuser', ['-u', user, '--', 'test', '-w', inBuild]); return inBuild; } catch { /* below */ }
  const t = mkdtempSync(join(tmpdir(), 'opensw-pg-'));
  chownSync(t, uid, gid);
  return t;
}

async function start() {
  await stop(true);
  mkdirSync(state, { recursive: true });
  const user = clusterUser();
  const parent = dataParent(user);
  const data = join(parent, 'data');
  writeFileSync(join(state, 'datadir'), `${parent}\n${user || ''}\n`);
  pg(user, 'initdb', ['-D', data, '--auth=trust', '--username=opensw', '--encoding=UTF8',
    '--locale=C', '--no-sync']);
  let lastErr;
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    // tests trade durability for speed; a benchmark (PG_DURABLE=1) keeps PostgreSQL's defaults
    const durability = process.env.PG_DURABLE === '1' ? []
      : ['-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off'];
    const opts = [`-p ${port}`, '-c listen_addresses=127.0.0.1', "-c unix_socket_directories=''",
      '-c max_connections=400', ...durability, '-c shared_buffers=128MB'].join(' ');
    try {
      pg(user, 'pg_ctl', ['-D', data, '-l', join(parent, 'server.log'), '-o', opts, '-w', '-t', '60', 'start']);
      const url = `postgresql://opensw@127.0.0.1:${port}`;
      writeFileSync(join(state, 'url'), `${url}\n`);
      console.log(`PostgreSQL test cluster at ${url} (data ${data}, user ${user || 'self'})`);
      return;
    } catch (e) {
      lastErr = e;
      try { console.error(readFileSync(join(parent, 'server.log'), 'utf8').slice(-2000)); } catch { /* none */ }
    }
  }
  throw lastErr;
}

async function stop(quiet = false) {
  const f = join(state, 'datadir');
  if (existsSync(f)) {
    const [parent, user] = readFileSync(f, 'utf8').split('\n');
    const data = join(parent, 'data');
    if (existsSync(join(data, 'postmaster.pid'))) {
      try { pg(user || null, 'pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']); } catch (e) {
        if (!quiet) console.error(`pg_ctl stop: ${e.stderr || e.message}`);
      }
    }
    rmSync(parent, { recursive: true, force: true });
  }
  rmSync(state, { recursive: true, force: true });
  if (!quiet) console.log('PostgreSQL test cluster stopped and removed');
}

try {
  if (cmd === 'start') await start(); else await stop();
} catch (e) {
  console.error(`${cmd} failed: ${e.stderr || e.message}`);
  process.exit(1);
}
