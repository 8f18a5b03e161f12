/**
 * The CMDB pages end to end in Debian's Chromium against the real stack (issue 15): an admin
 * creates configuration items with their class's attributes, relates them on the CI page (the
 * relation reads both ways), sees what suffers when a server goes down — graded, with the rule of
 * a redundancy group — reads the CI's history, names the CI on an incident (which then shows the
 * service it affects, and is listed on the CI's page), in English and Bahasa Indonesia, at desktop
 * and phone width, checked with axe-core.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import {
  type AxeFinding,
  BrowserPages,
  axe,
  browserTurn,
  endBrowserSuite,
  launchChromium,
  menuClosed,
  signInAs,
} from '../support/browser.js';
import { PASSWORD, startStack, type Stack, type TestOrg } from '../support/stack.js';

const uiDir = fileURLToPath(new URL('../../../ui/dist', import.meta.url));
const reportFile = fileURLToPath(new URL('../../e2e-cmdb-report.json', import.meta.url));
const shots = process.env['LINTAS_SHOTS'];

let stack: Stack;
let releaseTurn: (() => Promise<void>) | undefined;
let org: TestOrg;
let browser: Browser;
const pages = new BrowserPages(
  () => browser,
  () => stack.baseUrl,
);
const consoleWatch = pages.consoleWatch;
const axeReport: Record<string, AxeFinding[]> = {};
const accessible = async (page: Page, name: string) => void (axeReport[name] = await axe(page));
const shot = async (page: Page, name: string) => {
  if (shots) await page.screenshot({ path: `${shots}/${name}.png`, fullPage: true });
};
/** Picks an option of a select by its data-field. */
async function pick(page: Page, field: string, option: string | RegExp) {
  await page.locator(`[data-field="${field}"] .v-field`).first().click();
  await page.getByRole('option', { name: option }).first().click();
  await menuClosed(page);
}
let app = '';
let web1 = '';

beforeAll(async () => {
  releaseTurn = await browserTurn();
  stack = await startStack({ app: { uiDir } });
  org = await stack.createOrg();
  // The rest of the estate through the API: a second web server, the shop it serves, and a farm.
  const mk = async (name: string, classKey: string) =>
    (await org.admin.api('POST', '/api/v1/cmdb/items', { name, classKey, status: 'in_use' })).body.id as string;
  const web2 = await mk('web2', 'server');
  const shop = await mk('Web shop', 'business_service');
  app = await mk('shop-app', 'application');
  await org.admin.api('POST', '/api/v1/cmdb/relations', { type: 'supports', fromId: app, toId: shop });
  const farm = await org.admin.api('POST', '/api/v1/cmdb/groups', { ciId: app, name: 'web farm', minUp: 1 });
  await org.admin.api('POST', '/api/v1/cmdb/relations', {
    type: 'hosted_on',
    fromId: app,
    toId: web2,
    groupId: farm.body.id,
  });
  browser = await launchChromium();
}, 420_000);

afterAll(() => endBrowserSuite({ pages, browser, stack, releaseTurn, report: { file: reportFile, axe: axeReport } }));

describe('the CMDB in a browser', () => {
  let admin: Page;

  it('defines a class below Server and adds an attribute to Server', async () => {
    admin = await pages.page('admin');
    await signInAs(admin, org.admin.email, PASSWORD);
    await admin.getByTestId('nav-drawer').getByRole('link', { name: 'CI classes' }).click();
    await admin.waitForURL(/\/admin\/cmdb-classes$/);
    await admin.locator('[data-class="server"]').click();
    await admin.locator('[data-field="attr-key"] input').fill('rack_unit');
    await admin.locator('[data-field="attr-en"] input').fill('Rack unit');
    await pick(admin, 'attr-type', 'Number');
    await admin.getByTestId('add-attribute').click();
    await admin.locator('[data-attribute="rack_unit"]').waitFor();
    await admin.getByTestId('new-class').click();
    await admin.locator('[data-field="class-key"] input').fill('blade');
    await admin.locator('[data-field="class-en"] input').fill('Blade server');
    await pick(admin, 'class-parent', /Server$/);
    await admin.getByTestId('make-class').click();
    await admin.locator('[data-class="blade"]').waitFor();
    // The blade inherits Server's attributes, the one just added among them.
    await admin.getByTestId('class-detail').getByText('rack_unit').waitFor();
    // A discovery source with its precedence, listed below the classes.
    await admin.locator('[data-field="source-key"] input').fill('sccm');
    await admin.locator('[data-field="source-name"] input').fill('SCCM');
    await admin.getByTestId('save-source').click();
    await admin.locator('[data-source="sccm"]').filter({ hasText: 'Never' }).waitFor();
    await accessible(admin, 'cmdb classes');
  });

  it('creates a server with its class’s attributes, refused first for a taken hostname', async () => {
    await admin.getByTestId('nav-drawer').getByRole('link', { name: 'CMDB' }).click();
    await admin.waitForURL(/\/cmdb$/);
    await admin.locator('[data-ci="web2"]').waitFor();
    await admin.getByTestId('health-open').click();
    await admin.locator('[data-health="server"]').waitFor();
    await accessible(admin, 'cmdb list');
    await admin.getByTestId('new-ci').click();
    await admin.locator('[data-field="ci-name"] input').fill('web1');
    await admin.locator('[data-field="ci-hostname"] input').fill('web1.example.test');
    await admin.locator('[data-attr="memory_gb"] input').fill('64');
    await admin.locator('[data-attr="rack_unit"] input').fill('12');
    await pick(admin, 'ci-status', 'In use');
    await pick(admin, 'ci-criticality', 'High');
    await admin.getByTestId('create-ci').click();
    await admin.waitForURL(/\/cmdb\/items\/[\w-]+$/);
    web1 = /items\/([\w-]+)$/.exec(admin.url())![1]!;
    await expect(admin.getByTestId('ci-name').textContent()).resolves.toBe('web1');
    await expect(admin.locator('[data-attr="memory_gb"] input').inputValue()).resolves.toBe('64');
    await shot(admin, 'cmdb-ci');

    // A second server with the same hostname (in another case) is refused at the field.
    await admin.goto('/cmdb');
    await admin.getByTestId('new-ci').click();
    await admin.locator('[data-field="ci-name"] input').fill('web1-again');
    await admin.locator('[data-field="ci-hostname"] input').fill('WEB1.example.test');
    await consoleWatch.expecting(/status of 409/, async () => {
      await admin.getByTestId('create-ci').click();
      await admin.getByText('Another CI has this hostname').first().waitFor();
    });
    await admin.keyboard.press('Escape');
  });

  it('relates the app to the new server in its farm; the relation reads both ways', async () => {
    await admin.goto(`/cmdb/items/${app}`);
    await admin.getByTestId('tab-relations').click();
    await admin.getByTestId('add-relation').click();
    await pick(admin, 'relation-type', 'hosted on');
    await admin.locator('[data-field="relation-other"] input').fill('web1');
    await admin.getByRole('option', { name: /^web1 \(Server\)/ }).click();
    await menuClosed(admin);
    await pick(admin, 'relation-group', 'web farm');
    await admin.getByTestId('relate').click();
    await admin.locator('[data-relation="hosted_on"]').filter({ hasText: 'web1' }).waitFor();
    await admin.locator('.v-dialog').waitFor({ state: 'hidden' });
    await accessible(admin, 'ci relations');
    // From the server's side it reads "hosts shop-app".
    await admin.goto(`/cmdb/items/${web1}`);
    await admin.getByTestId('tab-relations').click();
    await admin.locator('[data-relation="hosted_on"]').filter({ hasText: 'hosts shop-app' }).waitFor();
  });

  it('shows what suffers when the server is down: graded, with the group’s rule and the path', async () => {
    await admin.getByTestId('tab-impact').click();
    const row = admin.locator('[data-impact="shop-app"]');
    await row.waitFor();
    await expect(row.textContent()).resolves.toContain('1 of 2 in web farm down, needs 1');
    await expect(row.textContent()).resolves.toContain('web1 → shop-app');
    await expect(admin.locator('[data-impact="Web shop"]').textContent()).resolves.toContain('degraded');
    await accessible(admin, 'ci impact');
    await shot(admin, 'cmdb-impact');
    // The same as a graph on the designer's canvas: the server, the app it degrades, the shop after it.
    await admin.getByTestId('impact-as-graph').click();
    await admin.locator('[data-graph-node="Web shop"]').waitFor();
    await expect(admin.locator('.vue-flow__edge').count()).resolves.toBe(2);
    await accessible(admin, 'ci impact graph');
    await shot(admin, 'cmdb-impact-graph');
    // What follows the app folds away and comes back.
    await admin.locator('[data-fold="shop-app"]').click();
    await admin.locator('[data-graph-node="Web shop"]').waitFor({ state: 'detached' });
    await expect(admin.locator('[data-fold="shop-app"]').textContent()).resolves.toContain('+1');
    await admin.locator('[data-fold="shop-app"]').click();
    await admin.locator('[data-graph-node="Web shop"]').waitFor();
    await admin.locator('[data-graph-node="shop-app"]').click();
    await admin.waitForURL(new RegExp(`/cmdb/items/${app}$`));
    await admin.goto(`/cmdb/items/${web1}`);
    await admin.getByTestId('tab-history').click();
    await admin.getByTestId('ci-history').getByText('Created').first().waitFor();
    // Walking only "hosted on" stops at the app: the shop it supports is not reached.
    await admin.getByTestId('tab-impact').click();
    await admin.locator('[data-impact="Web shop"]').waitFor();
    await pick(admin, 'impact-types', 'hosted on');
    await admin.locator('[data-impact="Web shop"]').waitFor({ state: 'detached' });
    await admin.locator('[data-impact="shop-app"]').waitFor();
  });

  it('imports a CSV: a dry run reports each row first, then the good rows are written', async () => {
    await admin.goto('/cmdb');
    await admin.getByTestId('import-cis').click();
    const file = [
      'name,class,status,serialNumber,attr:memory_gb',
      'db01,server,in_use,SN-DB01,128',
      'db02,server,in_use,SN-DB02,lots',
    ].join('\r\n');
    await admin
      .getByTestId('import-file')
      .locator('input[type="file"]')
      .setInputFiles({ name: 'servers.csv', mimeType: 'text/csv', buffer: Buffer.from(file) });
    const summary = admin.getByTestId('import-summary');
    await summary.filter({ hasText: 'would create 1' }).waitFor();
    await expect(admin.getByTestId('import-errors').textContent()).resolves.toContain('attr:memory_gb');
    await accessible(admin, 'cmdb import');
    await admin.getByTestId('import-go').click();
    await summary.filter({ hasText: 'Imported: 1 created' }).waitFor();
    await admin.keyboard.press('Escape');
    await admin.locator('[data-ci="db01"]').waitFor();
    await expect(admin.locator('[data-ci="db02"]').count()).resolves.toBe(0);
    // The servers as a saved view: saved, the filter cleared, and applied again.
    await pick(admin, 'filter-class', /Server$/);
    await admin.locator('[data-ci="Web shop"]').waitFor({ state: 'detached' });
    await admin.getByTestId('views').click();
    await admin.getByTestId('save-view').click();
    await admin.locator('[data-field="view-name"] input').fill('Servers');
    await admin.getByTestId('save-view-go').click();
    await admin.locator('[data-field="filter-class"] .v-field__clearable').click();
    await admin.locator('[data-ci="Web shop"]').waitFor();
    await admin.getByTestId('views').click();
    await admin.locator('[data-view="Servers"]').click();
    await admin.locator('[data-ci="Web shop"]').waitFor({ state: 'detached' });
    await admin.locator('[data-ci="db01"]').waitFor();
  });

  it('names the server on an incident: the shop it affects shows there, the incident on the CI page', async () => {
    const raised = await org.agent.api('POST', '/api/v1/incidents', {
      title: 'Shop pages time out',
      assigneeId: org.agent.id,
      teamId: org.teamId,
    });
    expect(raised.status).toBe(201);
    const key = raised.body.key as string;
    const agent = await pages.page('agent');
    await signInAs(agent, org.agent.email, PASSWORD);
    await agent.goto(`/console/${key}`);
    const card = agent.getByTestId('ticket-cis');
    await card.getByText('No configuration item named yet.').waitFor();
    await agent.getByTestId('change-cis').click();
    await agent.locator('[data-test="pick-cis"] input').fill('web1');
    await agent.getByRole('option', { name: /^web1/ }).click();
    await agent.keyboard.press('Escape');
    await agent.getByTestId('save-cis').click();
    await card.getByRole('link', { name: 'web1' }).waitFor();
    // A P3 takes the server as degraded: the app in its farm is at risk; as down, the shop is degraded.
    await agent.getByRole('button', { name: 'down', exact: true }).click();
    await card.locator('[data-impact="Web shop"]').filter({ hasText: 'degraded' }).waitFor();
    await agent.getByTestId('timeline').getByText('changed Configuration items').waitFor();
    await accessible(agent, 'incident with CIs');
    if (shots) await card.screenshot({ path: `${shots}/incident-cis.png` });
    // The CI page lists the incident, and the impact from the server names it.
    await agent.goto(`/cmdb/items/${web1}`);
    await agent.getByTestId('tab-tickets').click();
    await agent.locator(`[data-ticket="${key}"]`).filter({ hasText: 'Shop pages time out' }).waitFor();
    await accessible(agent, 'ci tickets');
  });

  it('speaks Bahasa Indonesia and fits a phone', async () => {
    const phone = await pages.page('phone', { width: 390, height: 844 });
    await signInAs(phone, org.admin.email, PASSWORD);
    await phone.getByTestId('user-menu').click();
    await phone.getByText('Bahasa Indonesia').click();
    await phone.goto(`/cmdb/items/${web1}`);
    await phone.getByTestId('tab-impact').click();
    const row = phone.locator('[data-impact="shop-app"]');
    await row.waitFor();
    await expect(row.textContent()).resolves.toContain('1 dari 2 di web farm mati, perlu 1');
    const overflow = await phone
      .locator('body')
      .evaluate((b) => b.scrollWidth > (b.ownerDocument.defaultView?.innerWidth ?? 0) + 1);
    expect(overflow).toBe(false);
    await accessible(phone, 'ci impact (id, phone)');
    await shot(phone, 'cmdb-impact-phone-id');
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
