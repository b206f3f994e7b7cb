// portal.test.mjs - the web portal in a real browser (issue 7's acceptance): a trader
// lodges a two-item import with one deliberate mistake, sees it at the field, fixes it and
// submits; customs and quarantine approve from their inboxes while the trader's page
// follows live; the trader sees it released with its timeline; a hold answered by the
// trader and an inspection; the public status lookup; a vessel call; the administrator's
// routing rules, users and tokens; a 375 px layout with no sideways scrolling. Every step
// leaves a screenshot in $SW_ARTIFACTS (default ./ui-artifacts). Throughout: no console
// error, no uncaught exception, no dialog, the CSP header on the page, and a description
// containing <script> shown as text.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { system, api } from '../api/lib/harness.mjs';
import { shrimpImport, TRADER1_PARTY, CARRIER1_PARTY } from '../api/lib/declarations.mjs';
import { launch, person, ARTIFACTS, TIME_ZONE } from './lib/browser.mjs';

const XSS = '<script>alert(1)</script>';
let sys;
let browser;
const people = [];
const decl = {}; // the import lodged through the form: id, number, reference

async function who(name, opts) {
  const p = await person(browser, sys.base, name, opts);
  people.push(p);
  return p;
}

/** Asserts the person's page met no console error, exception or dialog, and no missing string. */
async function clean(p) {
  assert.deepEqual(p.problems, [], `${p.name}: problems in the browser`);
  assert.deepEqual(await p.missingStrings(), [], `${p.name}: strings missing from web/i18n/en.js`);
}

before(async () => {
  console.log(`# screenshots: ${ARTIFACTS}`);
  sys = await system();
  browser = await launch();
});

after(async () => {
  for (const p of people) await p.close().catch(() => {});
  await browser?.close();
  const r = await sys?.close();
  assert.deepEqual(r, { code: 0, signal: null }, `swd exit: ${sys?.log()}`);
});

describe('the portal', () => {
  let trader;
  let customs;
  let quarantine;

  test('is served with a strict Content-Security-Policy and no inline script', async () => {
    const visitor = await who('visitor');
    const res = await visitor.goto('');
    const csp = res.headers()['content-security-policy'];
    assert.ok(csp, 'a CSP header on the page');
    assert.match(csp, /default-src 'self'/);
    assert.match(csp, /script-src 'self'(;|$)/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    assert.equal(res.headers()['x-content-type-options'], 'nosniff');
    const inline = await visitor.page.evaluate(() => [...document.scripts].filter((s) => !s.src).length);
    assert.equal(inline, 0, 'no inline <script>');
    assert.equal(await visitor.page.evaluate(() => document.querySelectorAll('[style]').length), 0, 'no inline style');
    await visitor.page.waitForSelector('h1');
    assert.match(await visitor.page.textContent('#site-footer'), new RegExp(TIME_ZONE.replace('/', '\\/')));
    await visitor.shot('landing');
    await clean(visitor);
  });

  test('a trader fills a two-item import with one mistake, sees it at the field, fixes it and submits', async () => {
    trader = await who('trader1');
    const { page } = trader;
    await trader.signIn('trader1');
    await trader.ready('/declarations');
    await trader.shot('dashboard-empty');
    await page.click('#new-goods');
    await trader.ready('/declarations/new');

    // every control of the form has a label (keyboard and screen-reader users)
    const unlabelled = await page.evaluate(() => [...document.querySelectorAll('#decl-form input, #decl-form select, #decl-form textarea')]
      .filter((el) => !el.labels?.length && !el.getAttribute('aria-label')).map((el) => el.name || el.id));
    assert.deepEqual(unlabelled, []);

    decl.reference = `UI-IM-${process.pid}`;
    const f = (path) => page.locator(`#decl-form [data-path="${path}"]`);
    await f('/reference').fill(decl.reference);
    await f('/office').fill('CNSHA');
    await f('/exporter/id').fill('VN0301234567');
    await f('/exporter/name').fill('Saigon Seafood JSC');
    await f('/transport/vessel_imo').fill('9321483');
    await f('/transport/voyage').fill('025E');
    await f('/transport/bill_of_lading').fill('COSU1234567890');
    await f('/transport/loading').fill('VNSGN');
    await f('/transport/discharge').fill('CNSHA');
    await f('/transport/arrival').fill('2026-12-01T14:00');
    await f('/transport/containers').fill('MSKU9070323');

    // item 1: the HS code found by typing a word (search-as-you-type on the reference API)
    await f('/items/0/hs').pressSequentially('shrimp', { delay: 20 });
    const option = page.locator('[role="listbox"] [role="option"]', { hasText: '030617' });
    await option.waitFor();
    await trader.shot('hs-search');
    await option.click();
    assert.equal(await f('/items/0/hs').inputValue(), '030617');
    await f('/items/0/description').fill(`Frozen shrimps ${XSS}`);
    await f('/items/0/origin').fill('VN');
    await f('/items/0/quantity').fill('6000');
    await f('/items/0/net_kg').fill('6000');
    await f('/items/0/gross_kg').fill('6300');
    await f('/items/0/value').fill('60000.00');

    // item 2 is a copy of item 1, changed; its net mass is (deliberately) above its gross
    await page.getByRole('button', { name: 'Copy item 1' }).click();
    assert.equal(await page.locator('fieldset.item').count(), 2);
    await f('/items/1/description').fill('Frozen prawns, peeled');
    await f('/items/1/net_kg').fill('7000');
    await f('/items/1/value').fill('38000.00');
    // a third row added and removed again
    await page.click('#add-item');
    assert.equal(await page.locator('fieldset.item').count(), 3);
    await page.getByRole('button', { name: 'Remove item 3' }).click();
    assert.equal(await page.locator('fieldset.item').count(), 2);
    await page.click('#use-sum');
    assert.equal(await f('/invoice/total').inputValue(), '98000.00');

    // the draft survives a reload of the page
    await page.waitForSelector('#draft-state:has-text("Draft saved")');
    await page.reload();
    await trader.ready('/declarations/new');
    assert.equal(await page.locator('fieldset.item').count(), 2);
    assert.equal(await f('/items/1/net_kg').inputValue(), '7000');
    assert.equal(await f('/reference').inputValue(), decl.reference);

    trader.expectHttp(422, '/v1/declarations');
    await page.click('#decl-submit');
    const summary = page.locator('#decl-form .error-summary');
    await summary.waitFor();
    const net = f('/items/1/net_kg');
    assert.equal(await net.getAttribute('aria-invalid'), 'true');
    const errId = await net.getAttribute('data-error-id');
    const message = await page.textContent(`#${errId}`);
    assert.match(message, /net/i, `the problem is shown next to item 2's net mass: ${message}`);
    // only that field is marked, and the summary names it
    assert.equal(await page.locator('#decl-form [aria-invalid="true"]').count(), 1);
    assert.match(await summary.textContent(), /Item 2/);
    await net.scrollIntoViewIfNeeded();
    await trader.shot('error-at-field');

    // the summary entry moves the focus to the field
    await summary.getByRole('button').first().click();
    assert.equal(await page.evaluate(() => document.activeElement?.dataset.path), '/items/1/net_kg');
    await net.fill('5800');
    await page.click('#decl-submit');
    await page.waitForSelector('#decl-status');
    decl.id = Number(/#\/declarations\/(\d+)/.exec(page.url())[1]);
    decl.number = (await page.textContent('h1')).match(/\d{18}/)[0];
    assert.match(await page.textContent('#flash'), new RegExp(decl.number));
    for (const agency of ['CUSTOMS', 'QUARANTINE'])
      await page.waitForSelector(`#tasks li[data-agency="${agency}"][data-state="pending"]`);
    // the description with <script> is text, not markup
    const desc = await page.locator('#content td.desc').first().textContent();
    assert.equal(desc, `Frozen shrimps ${XSS}`);
    assert.equal(await page.evaluate(() => document.querySelectorAll('main script').length), 0);
    await trader.shot('submitted');
    await clean(trader);
  });

  test('customs and quarantine approve from their inboxes; the trader sees it live and released, with a timeline', async () => {
    customs = await who('customs1');
    quarantine = await who('quarantine1');
    for (const [officer, agency] of [[customs, 'CUSTOMS'], [quarantine, 'QUARANTINE']]) {
      await officer.signIn(officer.name);
      await officer.ready('/inbox');
      const row = officer.page.locator(`#inbox-list tr[data-number="${decl.number}"]`);
      await row.waitFor();
      assert.equal(await row.getAttribute('data-state'), 'pending');
      await officer.shot('inbox');
      await row.getByRole('link').click();
      await officer.page.waitForSelector('#decision-form');
      assert.match(await officer.page.textContent('#decision-form h2'), new RegExp(agency));
      // the officer sees the goods too, and the <script> as text
      assert.equal(await officer.page.locator('#content td.desc').first().textContent(), `Frozen shrimps ${XSS}`);
      await officer.page.getByLabel('Approve').check();
      await officer.shot('deciding');
      await officer.page.click('#decide-submit');
      await officer.page.waitForSelector(`#tasks li[data-agency="${agency}"][data-state="approved"]`);
      // the trader's open page follows the event feed without a reload
      await trader.page.waitForSelector(`#tasks li[data-agency="${agency}"][data-state="approved"]`, { timeout: 30000 });
      await officer.shot('decided');
    }
    const { page } = trader;
    await page.waitForSelector('#decl-status .badge[data-status="released"]', { timeout: 30000 });
    const kinds = await page.$$eval('#timeline-list li', (lis) => lis.map((li) => li.dataset.kind));
    // in this order (other events, such as the duties' settlement, may come in between)
    const wanted = ['registered', 'task_created', 'task_created', 'decision', 'decision', 'status'];
    assert.deepEqual(kinds.filter((k) => wanted.includes(k)), wanted, `timeline ${kinds}`);
    assert.equal(kinds[kinds.length - 1], 'status');
    const timeline = await page.textContent('#timeline-list');
    assert.match(timeline, /Released/);
    assert.match(timeline, /by customs1/);
    assert.match(timeline, /by quarantine1/);
    await trader.shot('released-timeline');

    // the dashboard shows, per declaration, each agency and its state
    await trader.goto('#/declarations');
    const row = page.locator(`#decl-list tr[data-number="${decl.number}"]`);
    await row.locator('li[data-agency="CUSTOMS"][data-state="approved"]').waitFor();
    await row.locator('li[data-agency="QUARANTINE"][data-state="approved"]').waitFor();
    await trader.shot('dashboard');

    // the duties: its bill, secured by the party's guarantee, links back to it
    await page.click('nav a[href="#/bills"]');
    const bill = page.locator(`#bills-list tr[data-number="B${decl.number}"]`);
    await bill.waitFor();
    assert.equal(await bill.getAttribute('data-status'), 'secured');
    assert.match(await bill.textContent(), /G-DEMO-0001/);
    await trader.shot('bills');
    await bill.getByRole('link', { name: decl.number }).click();
    await page.waitForSelector('#decl-status .badge[data-status="released"]');

    // the enterprise's permits with what is left to draw (the demo's quarantine permit)
    await page.click('nav a[href="#/permits"]');
    const permit = page.locator('#permits-list tr[data-number="QP-2026-000001"]');
    await permit.waitFor();
    assert.equal(await permit.getAttribute('data-status'), 'valid');
    assert.match(await permit.textContent(), /0202 Frozen beef: 100000(\.0+)? of 100000(\.0+)? KGM left/);
    assert.match(await permit.textContent(), /0 of 10/);
    await trader.shot('permits');
    for (const p of [trader, customs, quarantine]) await clean(p);
  });

  test('a hold is answered by the trader; an inspection is scheduled and its result recorded', async () => {
    const body = shrimpImport({ reference: `UI-HOLD-${process.pid}` });
    body.items[0].description = 'Frozen shrimps (hold)';
    delete body.items[0].documents;
    const created = await api(sys.base, 'POST', '/v1/declarations', { token: sys.token('trader1'), body });
    assert.equal(created.status, 201, created.text);
    const id = created.json.id;

    // customs asks for information
    await customs.goto('#/inbox');
    await customs.page.locator(`#inbox-list tr[data-number="${created.json.number}"] a`).click();
    await customs.page.waitForSelector('#decision-form');
    await customs.page.getByLabel('Request information').check();
    await customs.page.getByLabel(/What information/).fill('Send the health certificate of the shrimps, please.');
    await customs.page.click('#decide-submit');
    await customs.page.waitForSelector('#tasks li[data-agency="CUSTOMS"][data-state="held"]');
    await customs.shot('hold');

    // the trader sees the request and answers it
    await trader.goto(`#/declarations/${id}`);
    const form = trader.page.locator('#answer-form');
    await form.waitFor();
    assert.match(await form.textContent(), /health certificate/);
    await trader.page.getByLabel('Your answer').fill('Attached: health certificate VN-HC-2026-0042.');
    await form.getByRole('button', { name: 'Add a document' }).click();
    await trader.page.getByLabel('Document 1: type').fill('health');
    await trader.page.getByLabel('Document 1: number').fill('VN-HC-2026-0042');
    await trader.shot('answering-hold');
    await trader.page.click('#answer-submit');
    await trader.page.waitForSelector('#tasks li[data-agency="CUSTOMS"][data-state="pending"]');
    await trader.page.waitForSelector('#timeline-list li[data-kind="response"]');
    assert.match(await trader.page.textContent('#timeline-list'), /VN-HC-2026-0042/);
    await trader.shot('hold-answered');

    // customs gets it back (live), schedules an inspection, then records it passed
    await customs.page.waitForSelector('#decision-form', { timeout: 30000 });
    await customs.page.getByLabel('Schedule an inspection').check();
    await customs.page.getByLabel('Inspection date and time').fill('2026-12-02T09:30');
    await customs.page.click('#decide-submit');
    await customs.page.waitForSelector('#tasks li[data-agency="CUSTOMS"][data-state="inspection"]');
    // 09:30 in Shanghai is 01:30 UTC: the time went to the API in UTC
    const task = (await api(sys.base, 'GET', `/v1/declarations/${id}`, { token: sys.token('customs1') })).json.tasks
      .find((x) => x.agency === 'CUSTOMS');
    assert.equal(task.inspection_at, '2026-12-02T01:30:00Z');
    await customs.page.getByLabel('Passed: approve').check();
    await customs.shot('inspection-result');
    await customs.page.click('#decide-submit');
    await customs.page.waitForSelector('#tasks li[data-agency="CUSTOMS"][data-state="approved"]');
    for (const p of [trader, customs]) await clean(p);
  });

  test('the public looks up a status by number and reference, without signing in', async () => {
    const visitor = await who('public');
    await visitor.goto('#/status');
    await visitor.page.getByLabel('Official number').fill(decl.number);
    await visitor.page.getByLabel('Declarant’s reference').fill(decl.reference);
    await visitor.page.click('#status-submit');
    const card = visitor.page.locator('#status-card');
    await card.waitFor();
    assert.match(await card.textContent(), /Released/);
    assert.doesNotMatch(await card.textContent(), /shrimp/i, 'no contents');
    await visitor.shot('status-found');
    visitor.expectHttp(404, '/v1/public/declaration-status');
    await visitor.page.getByLabel('Declarant’s reference').fill('not-the-reference');
    await visitor.page.click('#status-submit');
    await visitor.page.waitForSelector('#status-result .notice-error');
    assert.match(await visitor.page.textContent('#status-result'), /No declaration has this number/);
    await visitor.shot('status-not-found');
    await clean(visitor);
  });

  test('a carrier lodges a vessel arrival through the form; four agencies get it at once', async () => {
    const carrier = await who('carrier1');
    await carrier.signIn('carrier1');
    await carrier.goto('#/declarations/new?type=VA');
    const f = (path) => carrier.page.locator(`#decl-form [data-path="${path}"]`);
    assert.equal(await f('/carrier/id').inputValue(), CARRIER1_PARTY);
    await f('/reference').fill(`UI-VA-${process.pid}`);
    await f('/port').fill('CNSHA');
    await f('/vessel/imo').fill('9321483');
    await f('/vessel/name').fill('COSCO ARIES');
    await f('/vessel/flag').fill('HK');
    await f('/voyage').fill('025E');
    await f('/eta').fill('2026-12-01T14:00');
    await f('/etd').fill('2026-12-03T02:00');
    await f('/crew_count').fill('2');
    await f('/sanitation_certificate_expiry').fill('2027-06-30');
    for (const [i, [name, nat]] of [['Chen Hai', 'CN'], ['Nguyen Van An', 'VN']].entries()) {
      await carrier.page.click('#add-crew');
      await f(`/crew/${i}/name`).fill(name);
      await f(`/crew/${i}/nationality`).fill(nat);
    }
    await carrier.shot('vessel-form');
    await carrier.page.click('#decl-submit');
    await carrier.page.waitForSelector('#decl-status');
    for (const agency of ['CUSTOMS', 'MARITIME', 'BORDER', 'QUARANTINE'])
      await carrier.page.waitForSelector(`#tasks li[data-agency="${agency}"][data-state="pending"]`);
    await carrier.shot('vessel-submitted');
    await clean(carrier);
  });

  test('the administrator disables and enables a routing rule, reads its history, adds a user and manages a token', async () => {
    const admin = await who('admin');
    const { page } = admin;
    await admin.signIn('admin');
    await admin.ready('/admin/rules');
    const row = page.locator('tr[data-rule="commerce-licensed"]');
    await row.getByRole('button', { name: 'Disable rule commerce-licensed' }).click();
    await page.waitForSelector('tr[data-rule="commerce-licensed"][data-enabled="false"]');
    await page.locator('tr[data-rule="commerce-licensed"]').getByRole('button', { name: 'Enable rule commerce-licensed' }).click();
    await page.waitForSelector('tr[data-rule="commerce-licensed"][data-enabled="true"]');
    await page.locator('tr[data-rule="commerce-licensed"]').getByRole('button', { name: 'History of rule commerce-licensed' }).click();
    const hist = page.locator('tr.history-row:not([hidden]) table tbody tr');
    await hist.first().waitFor();
    assert.equal(await hist.count(), 3, 'created, disabled, enabled');
    assert.match(await hist.first().textContent(), /admin/);
    await admin.shot('rules-history');

    // a rule with a bad HS prefix: the problem lands on the HS prefixes field
    await page.click('#rule-add');
    await page.locator('#rule-form [data-path="/id"]').fill('ui-test-rule');
    await page.getByLabel('Import (IM)').check();
    await page.getByLabel('HS code prefixes').fill('03, 3X');
    await page.getByLabel('Reason shown to users').fill('A rule added by the browser test');
    admin.expectHttp(422, '/v1/routing-rules');
    await page.click('#rule-submit');
    await page.waitForSelector('#rule-form [data-path="/conditions/hs_prefixes"][aria-invalid="true"]');
    await admin.shot('rule-error');
    await page.getByLabel('HS code prefixes').fill('03, 0306');
    await page.click('#rule-submit');
    await page.waitForSelector('tr[data-rule="ui-test-rule"]');

    // users: a mistake at the field, then a declarant with a generated password
    await admin.goto('#/admin/users');
    await page.click('#user-add');
    await page.locator('#user-form [data-path="/login"]').fill('bad login!');
    await page.getByLabel('Party (enterprise)').selectOption(TRADER1_PARTY);
    admin.expectHttp(422, '/v1/users');
    await page.click('#user-submit');
    await page.waitForSelector('#user-form [data-path="/login"][aria-invalid="true"]');
    await admin.shot('user-error');
    await page.locator('#user-form [data-path="/login"]').fill('ui-trader');
    await page.locator('#user-form [data-path="/name"]').fill('UI Test Trader');
    await page.click('#user-submit');
    const pw = await page.locator('#new-password').textContent();
    assert.ok(pw.length >= 12, 'a generated password shown once');
    const signin = await api(sys.base, 'POST', '/v1/session', { body: { login: 'ui-trader', password: pw } });
    assert.equal(signin.status, 201, signin.text);
    await page.waitForSelector('tr[data-login="ui-trader"]');

    // a token: shown once, works, then revoked
    await page.getByRole('button', { name: 'API tokens of ui-trader' }).click();
    await page.locator('tr.tokens-row:not([hidden]) [data-path="/name"]').fill('erp-sync');
    await page.locator('tr.tokens-row:not([hidden])').getByRole('button', { name: 'Issue token' }).click();
    const token = await page.locator('#new-token').textContent();
    await admin.shot('token-issued');
    const me = await api(sys.base, 'GET', '/v1/me', { token });
    assert.equal(me.status, 200);
    assert.equal(me.json.login, 'ui-trader');
    admin.acceptConfirm = true;
    await page.locator('tr.tokens-row:not([hidden])').getByRole('button', { name: /^Revoke token/ }).click();
    await page.waitForSelector('tr.tokens-row:not([hidden]) td:has-text("Revoked")');
    assert.equal((await api(sys.base, 'GET', '/v1/me', { token })).status, 401);
    await admin.shot('token-revoked');
    await clean(admin);
  });

  test('at 375 px wide nothing scrolls sideways', async () => {
    const viewport = { width: 375, height: 812 };
    const visitor = await who('phone-visitor', { viewport });
    const overflow = (p) => p.page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    await visitor.goto('');
    assert.equal(await overflow(visitor), 0, 'landing page');
    await visitor.shot('375-landing');
    // the signed-in trader and quarantine officer, in a narrow tab of their own browsers
    const phone = await who('phone-trader1', { viewport, sameAs: trader });
    const officer = await who('phone-quarantine1', { viewport, sameAs: quarantine });
    for (const [hash, ready, what] of [
      ['#/declarations', '#decl-list table', 'dashboard'],
      ['#/declarations/new?type=IM', '#decl-form', 'goods form'],
      ['#/declarations/new?type=VA', '#decl-form', 'vessel form'],
      [`#/declarations/${decl.id}`, '#timeline-list', 'declaration'],
      ['#/status', '#status-form', 'status lookup'],
    ]) {
      await phone.goto(hash);
      await phone.page.waitForSelector(ready);
      assert.equal(await overflow(phone), 0, `${what} at 375 px`);
      await phone.shot(`375-${what.replace(/ /g, '-')}`);
    }
    await officer.goto('#/inbox?view=all');
    await officer.page.waitForSelector('#inbox-list table');
    assert.equal(await overflow(officer), 0, 'inbox at 375 px');
    await officer.shot('375-inbox');
    for (const p of [visitor, phone, officer]) await clean(p);
  });
});
