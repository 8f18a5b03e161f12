/**
 * Service requests end to end in Debian's Chromium against the real stack (API serving the built
 * web app, PostgreSQL, the Temporal dev server, a worker, a real SMTP server): an admin publishes a
 * two-level flow (the manager, then 2 of 3 of the hardware team) and builds an item with a
 * conditional form and a file field; a requester orders it on a phone with an attachment; the
 * manager approves in the console, one approver by the e-mailed link and one in the inbox; the
 * third's approval leaves their inbox; an agent of the team completes the fulfilment task; the
 * requester sees every step live and rates it. Every page is checked with axe-core.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { fileURLToPath } from 'node:url';
import type { Browser, Locator, Page } from 'playwright-core';
import { createSmtpMailer } from '../../deploy/mailer.js';
import {
  type AxeFinding,
  BrowserPages,
  menuClosed,
  axe,
  browserTurn,
  endBrowserSuite,
  launchChromium,
  signInAs,
} from '../support/browser.js';
import { type SmtpSink, startSmtpSink } from '../support/smtp.js';
import { addHardwareTeam, laptopForm, twoLevelFlow } from '../support/request-fixtures.js';
import { PASSWORD, startStack, type Stack, type TestOrg } from '../support/stack.js';

const uiDir = fileURLToPath(new URL('../../../ui/dist', import.meta.url));
const reportFile = fileURLToPath(new URL('../../e2e-requests-report.json', import.meta.url));
const LIVE_MS = 15_000;
const PHONE = { width: 390, height: 844 };

let stack: Stack;
let smtp: SmtpSink;
let releaseTurn: (() => Promise<void>) | undefined;
let org: TestOrg;
let browser: Browser;
const pages = new BrowserPages(
  () => browser,
  () => stack.baseUrl,
);
const consoleWatch = pages.consoleWatch;
const axeReport: Record<string, AxeFinding[]> = {};
const people: Record<'manager' | 'ana' | 'budi' | 'citra', { id: string; email: string }> = {} as never;
let hardwareId = '';
let key = '';
let requester: Page;
const shots = process.env['LINTAS_SHOTS'];

const newPage = (label: string, viewport?: { width: number; height: number }) => pages.page(label, viewport);
const signIn = (page: Page, email: string) => signInAs(page, email, PASSWORD);
const accessible = async (page: Page, name: string) => void (axeReport[name] = await axe(page));
const showsText = (el: Locator, text: string) => el.filter({ hasText: text }).waitFor({ timeout: LIVE_MS });
async function choose(page: Page, testId: string, option: string) {
  await page.getByTestId(testId).click();
  await page.getByRole('option', { name: option, exact: true }).click();
  await menuClosed(page);
}
/** Picks an option of a form's choice field (the field by its id). */
async function pickAnswer(page: Page, scope: Locator, fieldId: string, option: string) {
  await scope.locator(`[data-field="${fieldId}"] .v-field`).click();
  await page.getByRole('option', { name: option, exact: true }).click();
}
const mark = (page: Page) => page.evaluate('window.lintasMark = 1');
const stillSameDocument = (page: Page) => page.evaluate('window.lintasMark === 1');

beforeAll(async () => {
  releaseTurn = await browserTurn();
  smtp = await startSmtpSink();
  stack = await startStack({ app: { uiDir }, mailer: createSmtpMailer(smtp.url, 'requests@lintas.test') });
  org = await stack.createOrg();
  const added = await addHardwareTeam(stack, org);
  hardwareId = added.teamId;
  people.manager = added.manager;
  [people.ana, people.budi, people.citra] = added.members;
  browser = await launchChromium();
}, 420_000);

afterAll(() =>
  endBrowserSuite({
    pages,
    browser,
    stack,
    releaseTurn,
    report: { file: reportFile, axe: axeReport },
    more: async () => smtp?.close(),
  }),
);

describe('service requests in a browser', () => {
  it('has an admin publish a two-level flow and build an item with a conditional form', async () => {
    const admin = await newPage('admin');
    await signIn(admin, org.admin.email);
    await admin.getByTestId('admin-menu').waitFor();
    await admin.getByTestId('nav-drawer').getByRole('link', { name: 'Approval flows' }).click();
    await admin.waitForURL(/\/admin\/flows$/);
    await admin.getByTestId('no-flows').waitFor();
    await accessible(admin, 'admin flows');
    await admin.getByTestId('flow-name').locator('input').fill('Laptop approval');
    await admin.getByTestId('new-flow').click();
    // The new flow opens in the designer; the two-level chain comes in as JSON (one undoable step).
    await admin.waitForURL(/\/admin\/flows\/[\w-]+\/design$/);
    await admin.getByTestId('import').click();
    await admin
      .getByTestId('import-json')
      .locator('textarea')
      .fill(JSON.stringify(twoLevelFlow(hardwareId), null, 2));
    await admin.getByTestId('import-go').click();
    await admin.getByTestId('dirty').waitFor();
    await admin.getByTestId('publish').click();
    await admin.getByTestId('publish-confirm').click();
    await showsText(admin.getByRole('status'), 'Published as version 1');
    await admin.getByTestId('back-to-flows').click();
    await showsText(admin.getByTestId('flow-list').locator('[data-flow="Laptop approval"]'), 'v1');

    await admin.getByTestId('nav-drawer').getByRole('link', { name: 'Catalog & forms' }).click();
    await admin.waitForURL(/\/admin\/catalog$/);
    await admin.getByTestId('tab-categories').click();
    await admin.getByTestId('category-key').locator('input').fill('hardware');
    await admin.getByTestId('category-name').locator('input').fill('Hardware');
    await admin.getByTestId('add-category').click();
    await admin.getByText('Hardware (hardware)').waitFor();
    await admin.getByTestId('tab-items').click();
    await admin.getByTestId('new-item').click();
    await admin.getByTestId('item-key').locator('input').fill('laptop');
    await admin.getByTestId('item-name').locator('input').fill('New laptop');
    await admin.getByTestId('item-name-id').locator('input').fill('Laptop baru');
    await admin
      .getByTestId('item-fields')
      .locator('textarea')
      .fill(JSON.stringify(laptopForm({ quote: true }), null, 2));
    // The live preview runs the conditions: the reason shows only for a power laptop.
    const preview = admin.getByTestId('preview');
    await preview.getByLabel('Model *').waitFor();
    expect(await preview.locator('[data-field="reason"]').count()).toBe(0);
    await pickAnswer(admin, preview, 'model', 'Power user');
    await preview.getByLabel('Why a power laptop? *').waitFor();
    await choose(admin, 'item-flow', 'Laptop approval (v1)');
    await choose(admin, 'item-team', 'Hardware');
    await accessible(admin, 'admin catalog item');
    if (shots) await admin.screenshot({ path: `${shots}/admin-catalog-item.png` });
    await admin.getByTestId('save-item').click();
    await admin.getByTestId('item-list').getByText('New laptop (laptop)').waitFor();
  });

  it('lets a requester order it on a phone with a quote attached, and see who is asked', async () => {
    requester = await newPage('requester phone', PHONE);
    await signIn(requester, org.requester.email);
    await requester.getByTestId('nav-menu').click();
    await requester.getByTestId('nav-catalog').click();
    await requester.waitForURL(/\/catalog$/);
    await requester.getByTestId('item-laptop').waitFor();
    await accessible(requester, 'catalog on a phone');
    await requester.getByTestId('item-laptop').click();
    await requester.waitForURL(/\/catalog\/laptop$/);
    // Submitting without the model names what is missing, at its field.
    await requester.getByTestId('submit-order').click();
    await requester.getByText('Check the highlighted answers').waitFor();
    await pickAnswer(requester, requester.locator('body'), 'model', 'Power user');
    await requester.getByLabel('Why a power laptop? *').fill('I compile large projects every day.');
    await requester
      .getByTestId('file-quote')
      .locator('input[type=file]')
      .setInputFiles({
        name: 'quote.pdf',
        mimeType: 'application/pdf',
        buffer: Buffer.from('%PDF-1.4\n% a supplier quote\n'),
      });
    await requester.getByText('Attached: quote.pdf').waitFor();
    // Field messages slide out when an answer fixes them: check the page once they have gone.
    await requester
      .locator('.slide-y-transition-leave-active')
      .first()
      .waitFor({ state: 'detached', timeout: 5000 })
      .catch(() => undefined);
    await requester.waitForTimeout(600);
    await accessible(requester, 'order form on a phone');
    await requester.getByTestId('submit-order').click();
    await requester.waitForURL(/\/requests\/REQ-\d+$/);
    key = /REQ-\d+$/.exec(requester.url())![0];
    await showsText(requester.getByTestId('status'), 'Waiting for approval');
    const path = requester.getByTestId('approval-path');
    await path.locator('[data-step="manager"] [data-approver="Maya Manager"][data-state="pending"]').waitFor({
      timeout: LIVE_MS,
    });
    await showsText(requester.getByTestId('upcoming'), 'Hardware team');
    await requester.getByTestId('ticket-files').getByText('quote.pdf').waitFor();
    expect(await requester.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
    await accessible(requester, 'request on a phone');
    await mark(requester);
  });

  it('has the manager approve in the console, one approver by the e-mailed link and one in the inbox', async () => {
    const manager = await newPage('manager');
    await signIn(manager, people.manager.email);
    await manager.getByTestId('approvals-badge').waitFor({ timeout: LIVE_MS });
    await manager.getByTestId('nav-approvals').click();
    await manager.getByTestId('approval-list').locator(`[data-key="${key}"]`).waitFor();
    await accessible(manager, 'approvals inbox');
    await manager.getByRole('link', { name: new RegExp(key) }).click();
    await manager.getByTestId('vote-panel').waitFor();
    await manager.getByTestId('vote-comment').locator('textarea').first().fill('Fine by me');
    await manager.getByTestId('approve').click();
    await manager.getByText('Counted: 1 of 1').waitFor();
    await accessible(manager, 'request as an approver');
    // The requester's page follows without a reload.
    await requester
      .getByTestId('approval-path')
      .locator('[data-step="manager"] [data-state="approved"]')
      .waitFor({ timeout: LIVE_MS });
    expect(await stillSameDocument(requester)).toBe(true);

    const mail = await smtp.waitFor((m) => m.to.includes(people.ana.email) && m.subject.includes(key));
    const link = /\/approve\/[^\s?]+\?decision=approve/.exec(mail.text)![0];
    const ana = await newPage('ana by link');
    await ana.goto(link);
    await ana.getByText(`${key} · New laptop`).waitFor();
    await accessible(ana, 'approval link');
    await ana.getByTestId('link-approve').click();
    await ana.getByTestId('link-done').getByText('1 of 2').waitFor();
    // A second use of the link is refused.
    await ana.goto(link);
    await ana.getByTestId('link-closed').waitFor();

    const budi = await newPage('budi');
    await signIn(budi, people.budi.email);
    await budi.goto('/approvals');
    await budi.getByTestId(`select-${key}`).locator('input').check();
    await budi.getByTestId('bulk-comment').locator('textarea').first().fill('In stock');
    if (shots) await budi.screenshot({ path: `${shots}/approvals-inbox.png` });
    await budi.getByTestId('approve-selected').click();
    await budi.getByText('1 counted, 0 refused').waitFor();
    await budi.getByTestId('inbox-empty').waitFor();

    const citra = await newPage('citra');
    await signIn(citra, people.citra.email);
    await citra.goto('/approvals');
    await citra.getByTestId('inbox-empty').waitFor();
    await citra.getByText('No longer required').waitFor();
  });

  it('has an agent of the team complete the fulfilment task; the requester sees it live and rates it', async () => {
    const ana = await newPage('ana agent');
    await signIn(ana, people.ana.email);
    await ana.getByTestId('nav-fulfilment').click();
    await ana.getByTestId('task-list').getByText(`${key} · New laptop`).click();
    await ana.getByTestId('task-panel').waitFor();
    await accessible(ana, 'request with a task');
    await ana.getByTestId('task-note').locator('textarea').first().fill('Handed over at the desk');
    await ana.getByTestId('complete-task').click();
    await showsText(ana.getByTestId('status'), 'Completed');

    await showsText(requester.getByTestId('status'), 'Completed');
    expect(await stillSameDocument(requester)).toBe(true);
    if (shots) await requester.screenshot({ path: `${shots}/request-path-phone.png`, fullPage: true });
    await requester.getByTestId('stars').getByRole('button', { name: 'Rating 5 of 5' }).click();
    await requester.getByTestId('send-rating').click();
    await requester.getByTestId('rated').waitFor();
    const saved = await org.admin.api('GET', `/api/v1/requests/${key}`);
    expect(saved.body).toMatchObject({ status: 'completed', csat: { rating: 5 } });
    expect(saved.body.steps.map((s: { id: string; status: string }) => [s.id, s.status])).toEqual([
      ['manager', 'approved'],
      ['team', 'approved'],
      ['approved', 'done'],
    ]);
  });

  it('speaks Bahasa Indonesia on the new pages', async () => {
    await requester.getByTestId('user-menu').click();
    await requester.getByText('Bahasa Indonesia').click();
    await requester.goto('/catalog');
    await requester.getByRole('heading', { name: 'Katalog layanan' }).waitFor();
    await requester.goto(`/requests/${key}`);
    await showsText(requester.getByTestId('status'), 'Selesai');
    await requester.getByText('Alur persetujuan').first().waitFor();
    await accessible(requester, 'request in Bahasa Indonesia');
  });

  it('found no serious or critical accessibility violation on any page', () => {
    const serious = Object.entries(axeReport).flatMap(([page, found]) =>
      found.filter((f) => f.impact === 'serious' || f.impact === 'critical').map((f) => `${page}: ${f.id}`),
    );
    expect(serious).toEqual([]);
  });

  it('logged no error in any page', () => {
    expect(consoleWatch.errors).toEqual([]);
  });
});
