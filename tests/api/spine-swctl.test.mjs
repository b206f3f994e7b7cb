// spine-swctl.test.mjs - the administrator's tool against a real database, with swd running
// beside it where the effect is seen over HTTP: users, tokens, agencies and parties, the
// audit chain, backup, reference import, help and exit codes; and `swd --routes`.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, rmSync, existsSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  system, api, swctl, swctlStatus, prepareData, copyData, sql as dbSql, BACKEND, SRC, SWD, SWCTL,
} from './lib/harness.mjs';
import { assertProblem } from './lib/assert-problem.mjs';

let sys; // a running system for the commands whose effect is seen over HTTP
let tmp; // scratch files: backups, broken reference folders, tampered databases
const dbOf = (dir) => join(dir, 'opensw.db');
const sql = (dir, query) => dbSql(dir, query);
const signIn = (login, password) =>
  api(sys.base, 'POST', '/v1/session', { body: { login, password } });

before(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'opensw-swctl-'));
  sys = await system();
});
after(async () => {
  const r = await sys?.close();
  rmSync(tmp, { recursive: true, force: true });
  assert.deepEqual(r, { code: 0, signal: null }, `swd exit: ${sys?.log()}`);
});

describe('audit verify', () => {
  let fresh; // a data directory of its own, with no swd, to tamper with

  before(() => { fresh = prepareData(); });
  after(() => rmSync(fresh.dir, { recursive: true, force: true }));

  /** A copy of the fresh database, changed by one SQL statement. */
  const tampered = (name, statement) => {
    const dir = join(tmp, name);
    copyData(fresh.dir, dir);
    sql(dir, statement);
    return dir;
  };

  test('passes on a fresh database', () => {
    const r = swctlStatus(fresh.dir, 'audit', 'verify');
    assert.equal(r.code, 0, r.stderr);
    const m = /ok: (\d+) rows/.exec(r.stdout);
    assert.ok(m, r.stdout);
    assert.equal(Number(m[1]), Number(sql(fresh.dir, 'SELECT count(*) FROM audit')));
  });

  test('fails and names the row after one row is altered with the sqlite3 shell', () => {
    const dir = tampered('altered', `UPDATE audit SET detail='{"x":1}' WHERE seq=2`);
    const r = swctlStatus(dir, 'audit', 'verify');
    assert.equal(r.code, 1);
    assert.match(r.stdout, /BROKEN at row 2\b/);
  });

  test('fails when any hashed column changes (actor, time, origin)', () => {
    for (const [name, stmt] of [['actor', "UPDATE audit SET actor='mallory' WHERE seq=4"],
      ['at', 'UPDATE audit SET at=at+1 WHERE seq=4'],
      ['origin', "UPDATE audit SET origin='10.0.0.1' WHERE seq=4"]]) {
      const r = swctlStatus(tampered(`col-${name}`, stmt), 'audit', 'verify');
      assert.equal(r.code, 1, name);
      assert.match(r.stdout, /BROKEN at row 4\b/, name);
    }
  });

  test('fails when a middle row is deleted', () => {
    const dir = tampered('deleted', 'DELETE FROM audit WHERE seq=5');
    const r = swctlStatus(dir, 'audit', 'verify');
    assert.equal(r.code, 1);
    assert.match(r.stdout, /BROKEN at row 5\b/);
  });

  test('fails when rows are renumbered', () => {
    const dir = tampered('renumbered', 'UPDATE audit SET seq=seq+1000 WHERE seq=3');
    assert.equal(swctlStatus(dir, 'audit', 'verify').code, 1);
  });

  test('fails when the newest row is deleted (the append counter remembers it)', () => {
    const dir = tampered('tail', 'DELETE FROM audit WHERE seq=(SELECT max(seq) FROM audit)');
    const r = swctlStatus(dir, 'audit', 'verify');
    assert.equal(r.code, 1);
    assert.match(r.stdout, /BROKEN at row \d+/);
  });

  test('passes on the running system after HTTP sign-ins appended to it', async () => {
    assert.equal((await signIn('trader1', 'opensw-demo')).status, 201);
    const r = swctlStatus(sys.dir, 'audit', 'verify');
    assert.equal(r.code, 0, r.stdout + r.stderr);
  });
});

describe('users', () => {
  const PW = 'alice-secret-1';

  test('user add creates a party user who can sign in', async () => {
    const out = swctl(sys.dir, 'user', 'add', 'alice', '--role', 'declarant',
      '--party', '91310000MA1FL0001X', '--name', 'Alice Tester', '--password', PW);
    assert.match(out, /user alice added/);
    const r = await signIn('alice', PW);
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.user.login, 'alice');
    assert.equal(r.json.user.party, '91310000MA1FL0001X');
  });

  test('user add without --password prints a generated one that works', async () => {
    const out = swctl(sys.dir, 'user', 'add', 'olga', '--role', 'officer', '--agency', 'TAX');
    const m = /password: (\S+)/.exec(out);
    assert.ok(m, out);
    const r = await signIn('olga', m[1]);
    assert.equal(r.status, 201);
    assert.equal(r.json.user.agency, 'TAX');
  });

  test('user add refuses bad input with exit 2 and duplicates with exit 1', () => {
    const add = (...a) => swctlStatus(sys.dir, 'user', 'add', ...a);
    assert.equal(add('bob', '--party', '91310000MA1FL0001X', '--password', 'long-enough').code, 2);
    assert.equal(add('bob', '--role', 'declarant', '--password', 'long-enough').code, 2);
    assert.equal(add('bob', '--role', 'officer', '--party', '91310000MA1FL0001X',
      '--password', 'long-enough').code, 2);
    assert.equal(add('bob', '--role', 'declarant', '--party', '91310000MA1FL0001X',
      '--password', 'short').code, 2);
    assert.equal(add('bob', '--role', 'wizard', '--password', 'long-enough').code, 2);
    const dup = add('alice', '--role', 'declarant', '--party', '91310000MA1FL0001X',
      '--password', 'long-enough');
    assert.equal(dup.code, 1);
    assert.match(dup.stderr, /already exists/);
    const noParty = add('bob', '--role', 'declarant', '--party', 'NO-SUCH-PARTY',
      '--password', 'long-enough');
    assert.equal(noParty.code, 1);
    assert.match(noParty.stderr, /not found/);
    assert.equal(sql(sys.dir, "SELECT count(*) FROM users WHERE login='bob'"), '0');
  });

  test('user disable ends sign-in, sessions and tokens; enable restores sign-in', async () => {
    const session = await signIn('alice', PW);
    const cookie = /sw_session=([^;]+)/.exec(session.headers.get('set-cookie'))[1];
    const token = swctl(sys.dir, 'token', 'issue', 'alice').trim();
    assert.equal((await api(sys.base, 'GET', '/v1/me', { token })).status, 200);

    assert.match(swctl(sys.dir, 'user', 'disable', 'alice'), /disabled/);
    assertProblem(await signIn('alice', PW), 401, 'bad_credentials');
    assertProblem(await api(sys.base, 'GET', '/v1/me', { token }), 401);
    assertProblem(await api(sys.base, 'GET', '/v1/me',
      { headers: { cookie: `sw_session=${cookie}` } }), 401);

    swctl(sys.dir, 'user', 'enable', 'alice');
    assert.equal((await signIn('alice', PW)).status, 201);
    assert.equal(swctlStatus(sys.dir, 'user', 'disable', 'nobody-here').code, 1);
  });

  test('user passwd replaces the password', async () => {
    swctl(sys.dir, 'user', 'passwd', 'olga', '--password', 'olga-new-password');
    assert.equal((await signIn('olga', 'olga-new-password')).status, 201);
    assert.equal((await signIn('olga', PW)).status, 401);
  });
});

describe('tokens', () => {
  test('token issue prints a token that works as Bearer; revoke makes it 401', async () => {
    const token = swctl(sys.dir, 'token', 'issue', 'customs1', '--name', 'test-system').trim();
    assert.match(token, /^[A-Za-z0-9_-]{32,}$/);
    const me = await api(sys.base, 'GET', '/v1/me', { token });
    assert.equal(me.status, 200);
    assert.equal(me.json.login, 'customs1');
    assert.equal(me.json.agency, 'CUSTOMS');

    const id = sql(sys.dir, 'SELECT id FROM tokens ORDER BY id DESC LIMIT 1');
    assert.equal(sql(sys.dir, `SELECT name FROM tokens WHERE id=${id}`), 'test-system');
    assert.match(swctl(sys.dir, 'token', 'revoke', id), /revoked/);
    assertProblem(await api(sys.base, 'GET', '/v1/me', { token }), 401, 'bad_credentials');
    // the account's other (demo) token still works
    assert.equal((await api(sys.base, 'GET', '/v1/me', { token: sys.token('customs1') })).status, 200);
  });

  test('revoking twice, an unknown id or a non-number fails', () => {
    const id = sql(sys.dir, 'SELECT id FROM tokens WHERE revoked_at IS NOT NULL LIMIT 1');
    assert.equal(swctlStatus(sys.dir, 'token', 'revoke', id).code, 1);
    assert.equal(swctlStatus(sys.dir, 'token', 'revoke', '999999').code, 1);
    assert.equal(swctlStatus(sys.dir, 'token', 'revoke', 'abc').code, 2);
    assert.equal(swctlStatus(sys.dir, 'token', 'issue', 'no-such-login').code, 1);
    assert.equal(swctlStatus(sys.dir, 'token', 'issue', 'admin', '--days', '0').code, 2);
  });

  test('a token with --days expires later, and is stored hashed', async () => {
    const token = swctl(sys.dir, 'token', 'issue', 'bank1', '--days', '1').trim();
    assert.equal((await api(sys.base, 'GET', '/v1/me', { token })).status, 200);
    const row = sql(sys.dir, 'SELECT expires_at, hash FROM tokens ORDER BY id DESC LIMIT 1').split('|');
    assert.ok(Number(row[0]) > Date.now() * 1000, 'expires in the future (microseconds)');
    assert.notEqual(row[1], token);
  });
});

describe('agencies and parties', () => {
  test('agency add, party add and a user of each', async () => {
    assert.match(swctl(sys.dir, 'agency', 'add', 'FISHERIES', 'Fisheries Bureau'), /added/);
    assert.equal(swctlStatus(sys.dir, 'agency', 'add', 'FISHERIES', 'again').code, 1);
    assert.equal(swctlStatus(sys.dir, 'agency', 'add', 'fish', 'lower case').code, 2);
    assert.match(swctl(sys.dir, 'party', 'add', '91440300TEST0001A', 'Shenzhen Test Trading',
      '--country', 'CN', '--roles', 'importer,exporter'), /added/);
    assert.equal(swctlStatus(sys.dir, 'party', 'add', 'X1', 'Bad roles', '--country', 'CN',
      '--roles', 'pirate').code, 2);
    swctl(sys.dir, 'user', 'add', 'fish1', '--role', 'officer', '--agency', 'FISHERIES',
      '--password', 'fish-password');
    swctl(sys.dir, 'user', 'add', 'sz1', '--role', 'declarant', '--party', '91440300TEST0001A',
      '--password', 'sz1-password');
    const f = await signIn('fish1', 'fish-password');
    assert.equal(f.json.user.agency, 'FISHERIES');
    const s = await signIn('sz1', 'sz1-password');
    assert.equal(s.json.user.party, '91440300TEST0001A');
    assert.equal(s.json.user.party_roles, 'importer,exporter');
  });
});

describe('backup', () => {
  test('on PostgreSQL it is refused, pointing to pg_dump and pg_basebackup', {
    skip: BACKEND !== 'postgresql' && 'SQLite: swctl backup writes a file (next test)',
  }, () => {
    const r = swctlStatus(sys.dir, 'backup', join(tmp, 'pg-backup.db'));
    assert.equal(r.code, 1);
    assert.match(r.stderr, /pg_dump or pg_basebackup/);
    assert.ok(!existsSync(join(tmp, 'pg-backup.db')));
  });

  test('writes a consistent copy, while swd runs, that holds the users', {
    skip: BACKEND === 'postgresql' && 'PostgreSQL: swctl backup is SQLite\'s online copy ' +
      'to a file; PostgreSQL is backed up with pg_dump or pg_basebackup',
  }, () => {
    const file = join(tmp, 'backup.db');
    const out = swctl(sys.dir, 'backup', file);
    assert.match(out, /backup written/);
    assert.ok(existsSync(file));
    const check = (q) => execFileSync('sqlite3', [file, q], { encoding: 'utf8' }).trim();
    assert.equal(check('PRAGMA integrity_check'), 'ok');
    assert.equal(check('SELECT count(*) FROM users'), sql(sys.dir, 'SELECT count(*) FROM users'));
    assert.equal(check("SELECT login FROM users WHERE login='alice'"), 'alice');
    assert.ok(Number(check('SELECT count(*) FROM ref_hs')) > 6000);
    // the backup verifies as an audit trail of its own
    const copy = join(tmp, 'backup-dir');
    mkdirSync(copy);
    cpSync(file, join(copy, 'opensw.db'));
    assert.equal(swctlStatus(copy, 'audit', 'verify').code, 0);
  });

  test('refuses to overwrite an existing file', () => {
    const file = join(tmp, 'exists.db');
    writeFileSync(file, 'precious');
    const r = swctlStatus(sys.dir, 'backup', file);
    assert.equal(r.code, 1);
    assert.equal(readFileSync(file, 'utf8'), 'precious');
  });
});

describe('import', () => {
  const hsCsv = () => readFileSync(join(SRC, 'data', 'harmonized-system.csv'), 'utf8');

  test('a broken HS file is refused with its line number and nothing of it is loaded', () => {
    const ref = join(tmp, 'ref-broken');
    const lines = hsCsv().split('\n');
    // line 51 (header is line 1) gets an unterminated quote; the rest is good
    lines.splice(50, 0, 'I,010699,"Animals; live, broken row,0106,6');
    cpSync(join(SRC, 'data'), ref, { recursive: true });
    writeFileSync(join(ref, 'harmonized-system.csv'), lines.join('\n'));
    const before = sql(sys.dir, 'SELECT count(*) FROM ref_hs');
    const auditBefore = sql(sys.dir, 'SELECT count(*) FROM audit');
    const r = swctlStatus(sys.dir, '--ref', ref, 'import', 'hs');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /line 51\b/);
    assert.match(r.stderr, /nothing of hs was loaded/);
    assert.equal(sql(sys.dir, 'SELECT count(*) FROM ref_hs'), before);
    assert.match(sql(sys.dir, "SELECT description FROM ref_hs WHERE code='030617'"), /shrimps/);
    assert.equal(sql(sys.dir, 'SELECT count(*) FROM audit'), auditBefore, 'no audit row either');
  });

  test('a semantic error names its line too (a code that is not its parent\'s child)', () => {
    const ref = join(tmp, 'ref-semantic');
    cpSync(join(SRC, 'data'), ref, { recursive: true });
    const lines = hsCsv().split('\n').slice(0, 30);
    lines.push('I,010199,"Odd one",0199,6');
    writeFileSync(join(ref, 'harmonized-system.csv'), `${lines.join('\n')}\n`);
    const r = swctlStatus(sys.dir, '--ref', ref, 'import', 'hs');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /line 31\b/);
    assert.ok(Number(sql(sys.dir, 'SELECT count(*) FROM ref_hs')) > 6000);
  });

  test('a missing file and an unknown kind are refused', () => {
    const empty = join(tmp, 'ref-empty');
    mkdirSync(empty);
    cpSync(join(SRC, 'data', 'NOTICE.md'), join(empty, 'NOTICE.md'));
    assert.equal(swctlStatus(sys.dir, '--ref', empty, 'import', 'currencies').code, 1);
    const unknown = swctlStatus(sys.dir, 'import', 'planets');
    assert.equal(unknown.code, 2, 'an unknown kind is a usage error');
    assert.match(unknown.stderr, /unknown kind 'planets'/);
    assert.ok(Number(sql(sys.dir, 'SELECT count(*) FROM ref_currency')) > 100);
  });

  test('the running swd still serves the reference data it loaded', async () => {
    assert.equal((await api(sys.base, 'GET', '/v1/reference/hs/030617')).status, 200);
  });

  test('init on an initialised data directory keeps the data', () => {
    const out = swctl(sys.dir, 'init');
    assert.match(out, /kept/);
    assert.equal(sql(sys.dir, "SELECT count(*) FROM users WHERE login='alice'"), '1');
  });
});

describe('help and exit codes', () => {
  const COMMANDS = ['init', 'import', 'demo', 'migrate', 'user', 'token', 'agency', 'party',
    'mandate', 'audit', 'backup'];

  test('swctl --help lists every command and exits 0', () => {
    const out = swctl(tmp, '--help');
    for (const c of COMMANDS) assert.match(out, new RegExp(`^  ${c}\\b`, 'm'), c);
  });

  test('every command\'s --help exits 0 with a usage line and opens no database', async () => {
    // in parallel: eleven process starts add up under ASan
    const run = (c) => new Promise((resolve) => {
      const dir = join(tmp, `help-${c}`);
      execFile(SWCTL, ['--data', dir, c, '--help'], { encoding: 'utf8' },
        (err, stdout, stderr) => resolve({ c, dir, code: err ? err.code : 0, stdout, stderr }));
    });
    for (const r of await Promise.all(COMMANDS.map(run))) {
      assert.equal(r.code, 0, `${r.c}: ${r.stderr}`);
      assert.match(r.stdout, /usage: swctl/, r.c);
      assert.ok(!existsSync(dbOf(r.dir)), `${r.c} --help creates no database`);
    }
  });

  test('an unknown command exits 2 with the usage on stderr', () => {
    const r = swctlStatus(tmp, 'frobnicate');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown command 'frobnicate'/);
    assert.match(r.stderr, /usage: swctl/);
  });

  test('an unknown option and a missing command exit 2', () => {
    assert.equal(spawnSync(SWCTL, ['--frob'], { encoding: 'utf8' }).status, 2);
    assert.equal(spawnSync(SWCTL, ['--data', tmp], { encoding: 'utf8' }).status, 2);
  });

  test('swd --help and --version exit 0; an unknown flag exits 2', () => {
    const h = spawnSync(SWD, ['--help'], { encoding: 'utf8' });
    assert.equal(h.status, 0);
    assert.match(h.stdout, /--port N/);
    assert.match(h.stdout, /--data DIR/);
    assert.equal(spawnSync(SWD, ['--version'], { encoding: 'utf8' }).status, 0);
    assert.equal(spawnSync(SWD, ['--frob'], { encoding: 'utf8' }).status, 2);
  });

  test('swd refuses a bad setting with exit 2, and a missing database with exit 1', () => {
    assert.equal(spawnSync(SWD, ['--port', '70000'], { encoding: 'utf8' }).status, 2);
    assert.equal(spawnSync(SWD, ['--threads', 'many'], { encoding: 'utf8' }).status, 2);
    const r = spawnSync(SWD, ['--data', join(tmp, 'no-such-dir', 'deeper'), '--port', '0'],
      { encoding: 'utf8', timeout: 10000 });
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /swctl init/);
  });
});

describe('swd --routes', () => {
  test('prints one JSON line per route with method, pattern and access', () => {
    const out = execFileSync(SWD, ['--routes'], { encoding: 'utf8' });
    const routes = out.trim().split('\n').map((l) => JSON.parse(l));
    assert.ok(routes.length >= 16, `${routes.length} routes`);
    const ACCESS = new Set(['public', 'party', 'officer', 'supervisor', 'admin']);
    for (const r of routes) {
      assert.deepEqual(Object.keys(r).sort(), ['access', 'method', 'pattern']);
      assert.match(r.method, /^(GET|POST|PUT|PATCH|DELETE)$/);
      assert.match(r.pattern, /^\//);
      assert.ok(Array.isArray(r.access) && r.access.length > 0, `${r.pattern} declares access`);
      for (const a of r.access) assert.ok(ACCESS.has(a), `${r.pattern}: ${a}`);
    }
    const find = (m, p) => routes.find((r) => r.method === m && r.pattern === p);
    assert.deepEqual(find('GET', '/healthz').access, ['public']);
    assert.deepEqual(find('POST', '/v1/session').access, ['public']);
    assert.ok(find('GET', '/v1/reference/hs/{code}'));
    assert.ok(!find('GET', '/v1/me').access.includes('public'), '/v1/me needs a caller');
    const keys = routes.map((r) => `${r.method} ${r.pattern}`);
    assert.equal(new Set(keys).size, keys.length, 'no route twice');
    assert.equal(routes[routes.length - 1].pattern, '/{path*}', 'the static catch-all is last');
  });
});
