// install.mjs - CTest fixture of the browser tests (ui.deps): installs playwright-core
// from package-lock.json into tests/ui/node_modules with `npm ci` when it is missing or not
// the locked version, and checks that Debian's chromium is there (scripts/install-deps.sh
// installs it). playwright-core never downloads a browser: the tests drive /usr/bin/chromium.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const lock = JSON.parse(readFileSync(join(here, 'package-lock.json'), 'utf8'));
const want = lock.packages['node_modules/playwright-core'].version;
const installed = join(here, 'node_modules', 'playwright-core', 'package.json');
const have = existsSync(installed) ? JSON.parse(readFileSync(installed, 'utf8')).version : null;

if (have !== want) {
  console.log(`installing playwright-core ${want} (have ${have ?? 'none'}): npm ci --prefix ${here}`);
  execFileSync('npm', ['ci', '--prefix', here, '--no-audit', '--no-fund', '--loglevel=error'], {
    stdio: 'inherit',
    env: { ...process.env, PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1' },
  });
} else {
  console.log(`playwright-core ${have} is installed`);
}
const chromium = process.env.SW_CHROMIUM || '/usr/bin/chromium';
if (!existsSync(chromium)) {
  console.error(`${chromium} is missing: run scripts/install-deps.sh (apt-get install chromium)`);
  process.exit(1);
}
console.log(`browser: ${chromium}`);
