// browser.mjs - Debian's chromium driven by playwright-core (never a downloaded browser),
// with what every UI test checks on the way: no console error, no uncaught exception,
// no dialog, and a screenshot of each step in the artifacts folder.
import { chromium } from 'playwright-core';
import { mkdirSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const CHROMIUM = process.env.SW_CHROMIUM || '/usr/bin/chromium';
export const ARTIFACTS = resolve(process.env.SW_ARTIFACTS || join(process.cwd(), 'ui-artifacts'));
export const PASSWORD = 'opensw-demo';
/** Every page the tests open uses this zone, so times are checked as a user there sees them. */
export const TIME_ZONE = 'Asia/Shanghai';

mkdirSync(ARTIFACTS, { recursive: true });

/** Launches headless chromium (playwright gives it a fresh temporary --user-data-dir). */
export async function launch() {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium`);
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--disable-dev-shm-usage'],
  });
}

let shotNo = 0;

/**
 * One person in their own browser context (own cookies and storage), with checks:
 * console errors, page errors and dialogs are collected; `expectHttp(status, path)` marks
 * an API error answer the step provokes on purpose (chromium logs every non-2xx fetch as
 * a console error, "Failed to load resource"), so only those may appear.
 */
export async function person(browser, base, name, { viewport = { width: 1280, height: 900 }, sameAs = null } = {}) {
  // sameAs: another person whose browser context (cookies, storage) this one shares, as a
  // second tab of the same signed-in user would
  const context = sameAs ? sameAs.context : await browser.newContext({ viewport, timezoneId: TIME_ZONE, locale: 'en-GB' });
  const page = await context.newPage();
  if (sameAs) await page.setViewportSize(viewport);
  page.setDefaultTimeout(15000);
  const problems = [];
  const expected = [];
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const text = msg.text();
    const m = /Failed to load resource: the server responded with a status of (\d+)/.exec(text);
    if (m) {
      const url = new URL(msg.location().url || base, base);
      const i = expected.findIndex((e) => e.status === Number(m[1]) && url.pathname.startsWith(e.path));
      if (i >= 0) { expected.splice(i, 1); return; }
    }
    problems.push(`console error: ${text} (${msg.location().url})`);
  });
  page.on('pageerror', (err) => problems.push(`uncaught: ${err.message}`));
  page.on('dialog', async (d) => {
    if (d.type() === 'confirm' && p.acceptConfirm) { await d.accept(); return; }
    problems.push(`unexpected ${d.type()} dialog: ${d.message()}`);
    await d.dismiss();
  });
  const p = {
    name, context, page, problems, acceptConfirm: false,
    expectHttp(status, path) { expected.push({ status, path }); },
    async goto(hash) {
      const res = await page.goto(`${base}/${hash}`);
      await page.waitForSelector('main[data-ready]');
      return res;
    },
    /** Waits until the hash route has rendered (main[data-ready=path]). */
    async ready(path) {
      await page.waitForSelector(`main[data-ready="${path}"]`);
    },
    async signIn(login) {
      const t0 = Date.now();
      await p.goto('#/signin');
      await page.locator('#signin-form [data-path="/login"]').fill(login);
      await page.locator('#signin-form [data-path="/password"]').fill(PASSWORD);
      await page.click('#signin-submit');
      await page.waitForSelector('#sign-out');
      await page.waitForSelector('main[data-ready]:not([data-ready="/signin"])');
      if (process.env.SW_UI_TIMING) console.log(`# sign-in ${login} ${Date.now() - t0} ms`);
    },
    async shot(step) {
      shotNo += 1;
      const file = join(ARTIFACTS, `${String(shotNo).padStart(2, '0')}-${name}-${step}.png`);
      const t0 = Date.now();
      await page.screenshot({ path: file, fullPage: true });
      if (process.env.SW_UI_TIMING) console.log(`# shot ${step} ${Date.now() - t0} ms`);
      return file;
    },
    /** Strings asked for but missing from the catalogue. */
    missingStrings() { return page.evaluate(() => [...(window.openswMissingStrings || [])]); },
    async close() { if (sameAs) await page.close(); else await context.close(); },
  };
  return p;
}
