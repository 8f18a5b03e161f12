/**
 * The flow designer end to end in Debian's Chromium against the real stack (issue 14): a process
 * owner builds a two-level chain with a condition by drag and drop and keyboard, sees the badge of
 * an unconnected node and fixes it, tries it (dry run), publishes v1; a request runs on v1 and is
 * watched on the live overlay; v2 is published and the running request stays on v1 while a new one
 * takes v2; two browser contexts editing the same draft get the conflict prompt instead of a silent
 * overwrite; the designer is checked with axe-core and at phone width.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { fileURLToPath } from 'node:url';
import type { Browser, Locator, Page } from 'playwright-core';
import {
  type AxeFinding,
  BrowserPages,
  axe,
  browserTurn,
  endBrowserSuite,
  launchChromium,
  signInAs,
} from '../support/browser.js';
import { addHardwareTeam } from '../support/request-fixtures.js';
import { PASSWORD, startStack, type Stack, type TestOrg } from '../support/stack.js';

const uiDir = fileURLToPath(new URL('../../../ui/dist', import.meta.url));
const reportFile = fileURLToPath(new URL('../../e2e-designer-report.json', import.meta.url));
const LIVE_MS = 15_000;
const shots = process.env['LINTAS_SHOTS'];

let stack: Stack;
let releaseTurn: (() => Promise<void>) | undefined;
let org: TestOrg;
let browser: Browser;
let people: Awaited<ReturnType<typeof addHardwareTeam>>;
let flowId = '';
let itemId = '';
let owner: Page;
let firstKey = '';
const pages = new BrowserPages(
  () => browser,
  () => stack.baseUrl,
);
const consoleWatch = pages.consoleWatch;
const axeReport: Record<string, AxeFinding[]> = {};

const newPage = (label: string, viewport = { width: 1440, height: 900 }) => pages.page(label, viewport);
const signIn = (page: Page, email: string) => signInAs(page, email, PASSWORD);
const shot = async (page: Page, name: string) => {
  if (shots) await page.screenshot({ path: `${shots}/${name}.png` });
};
const node = (page: Page, id: string) => page.locator(`.vue-flow__node[data-id="${id}"]`);
/** Selects a node from the keyboard: focus it (Tab order) and press Enter. */
async function choose(page: Page, id: string) {
  await node(page, id).focus();
  await page.keyboard.press('Enter');
  await page
    .getByTestId('prop-id')
    .locator('input')
    .and(page.locator(`input[value="${id}"]`))
    .waitFor();
}
const handle = (page: Page, id: string, h: string) => node(page, id).locator(`.vue-flow__handle[data-handleid="${h}"]`);
/** Picks an option of a select in the side panel (by its data-field). */
async function pick(page: Page, field: string, option: string | RegExp) {
  await page.locator(`[data-field="${field}"] .v-field`).first().click();
  await page.getByRole('option', { name: option }).first().click();
}
/** Draws an edge by dragging from one handle onto another. */
async function drag(page: Page, from: Locator, to: Locator) {
  const a = (await from.boundingBox())!;
  const b = (await to.boundingBox())!;
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2 + 30, { steps: 6 });
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 6 });
  await page.mouse.up();
}
const edges = (page: Page) =>
  page.locator('.vue-flow__edge').evaluateAll((els) => els.map((e) => e.getAttribute('data-id') ?? ''));
const edgeIds = async (page: Page) => (await edges(page)).filter(Boolean).sort();

beforeAll(async () => {
  releaseTurn = await browserTurn();
  stack = await startStack({ app: { uiDir } });
  org = await stack.createOrg();
  people = await addHardwareTeam(stack, org);
  // The item this flow is for: a laptop with a cost (not on the flow until v1 is published).
  const cat = await org.admin.api('POST', '/api/v1/catalog/categories', { key: 'hardware', name: { en: 'Hardware' } });
  const item = await org.admin.api('POST', '/api/v1/catalog/items', {
    key: 'laptop',
    categoryId: cat.body.id,
    name: { en: 'New laptop' },
    fields: [{ id: 'cost', type: 'number', label: { en: 'Cost' }, required: true }],
    fulfilmentTeamId: people.teamId,
  });
  if (item.status !== 201) throw new Error(`item: ${item.status} ${JSON.stringify(item.body)}`);
  itemId = item.body.id;
  browser = await launchChromium();
}, 420_000);

afterAll(() => endBrowserSuite({ pages, browser, stack, releaseTurn, report: { file: reportFile, axe: axeReport } }));

describe('the flow designer in a browser', () => {
  it('builds a two-level chain with a condition by drag and drop and keyboard, fixing what the badges show', async () => {
    owner = await newPage('owner');
    await signIn(owner, org.admin.email);
    await owner.goto('/admin/flows');
    await owner.getByTestId('flow-name').locator('input').fill('Laptop purchase');
    await pick(owner, 'template', 'Fulfil without approval');
    await owner.getByTestId('new-flow').click();
    await owner.waitForURL(/\/design$/);
    flowId = /flows\/([\w-]+)\/design/.exec(owner.url())![1]!;
    await node(owner, 'fulfil').waitFor();
    expect(await edgeIds(owner)).toEqual(['fulfil>completed>', 'start>fulfil>']);

    // Drag an approval from the palette onto the canvas: unconnected, it wears a badge.
    const pane = owner.locator('.vue-flow__pane');
    const box = (await pane.boundingBox())!;
    await owner
      .locator('[data-palette="approval"]')
      .dragTo(pane, { targetPosition: { x: box.width * 0.75, y: box.height * 0.25 } });
    await node(owner, 'approval').waitFor();
    await expect(node(owner, 'approval').getByTestId('node-badge').isVisible()).resolves.toBe(true);
    await owner.getByTestId('tab-issues').click();
    await owner.locator('[data-issue="approval"]').first().waitFor();
    await expect(owner.getByTestId('publish').isDisabled()).resolves.toBe(true);

    // Wire the start to it from the properties (the keyboard's way): the start leads to the approval.
    await choose(owner, 'start');
    await pick(owner, 'exit-next', /^Approval \(approval\)/);
    expect(await edgeIds(owner)).toContain('start>approval>');

    // An illegal connection is refused while dragging: the start's one exit is taken.
    await drag(owner, handle(owner, 'start', 'next'), handle(owner, 'fulfil', 'in'));
    expect(await edgeIds(owner)).not.toContain('start>fulfil>');

    // With the approval selected, a click on "Condition" adds one after it on its first free exit (approved).
    await choose(owner, 'approval');
    await owner.getByTestId('prop-label').locator('input').fill('Manager');
    await owner.locator('[data-palette="condition"]').click();
    await node(owner, 'condition').waitFor();
    expect(await edgeIds(owner)).toContain('approval>condition>approved');
    await pick(owner, 'subject', 'A form answer');
    await pick(owner, 'condition-field', /Cost/);
    await pick(owner, 'op', 'is more than');
    await owner.getByTestId('prop-value').locator('input').fill('1000');

    // Its "yes" exit: a finance approval by the Hardware team, added by keyboard from the palette.
    await choose(owner, 'condition');
    await owner.locator('[data-palette="approval"]').focus();
    await owner.keyboard.press('Enter');
    await node(owner, 'approval-2').waitFor();
    expect(await edgeIds(owner)).toContain('condition>approval-2>true');
    await owner.getByTestId('prop-label').locator('input').fill('Finance');
    await pick(owner, 'approver-kind', 'A team');
    // Its "approved" exit is drawn by dragging onto the fulfilment; the rest chosen in the panel.
    await owner.getByTestId('auto-layout').click();
    await owner.waitForTimeout(400);
    await drag(owner, handle(owner, 'approval-2', 'approved'), handle(owner, 'fulfil', 'in'));
    expect(await edgeIds(owner)).toContain('approval-2>fulfil>approved');
    await choose(owner, 'condition');
    await pick(owner, 'exit-false', /^Fulfilment \(/);
    // The rejections: one end, added after the manager's approval (its free exit is "rejected").
    await choose(owner, 'approval');
    await owner.locator('[data-palette="end"]').click();
    await node(owner, 'end').waitFor();
    await pick(owner, 'end-outcome', 'Rejected');
    await choose(owner, 'approval-2');
    await pick(owner, 'exit-rejected', /^End \(end\)/);

    // Undo / redo: the last choice comes and goes as one step.
    await owner.locator('.vue-flow__pane').click({ position: { x: 10, y: 10 } });
    await owner.keyboard.press('Control+z');
    expect(await edgeIds(owner)).not.toContain('approval-2>end>rejected');
    await owner.keyboard.press('Control+Shift+z');
    expect(await edgeIds(owner)).toContain('approval-2>end>rejected');

    await owner.getByTestId('tab-issues').click();
    await owner.getByTestId('no-issues').waitFor();
    await expect(node(owner, 'approval').getByTestId('node-badge').count()).resolves.toBe(0);
    await owner.getByTestId('auto-layout').click();
    await owner.waitForTimeout(300);
    await owner.keyboard.press('Control+s');
    await owner.getByTestId('revision').filter({ hasText: 'Draft revision 2' }).waitFor();
    await expect(owner.getByTestId('dirty').count()).resolves.toBe(0);
    await shot(owner, 'designer');
    axeReport['designer'] = await axe(owner);
  });

  it('dry-runs the draft: the path, who is asked and the deadline, then publishes v1', async () => {
    await owner.getByTestId('tab-dry').click();
    await pick(owner, 'dry-requester', 'Requester');
    await owner.locator('[data-answer="cost"] input').fill('1500');
    await owner.getByTestId('dry-run-go').click();
    const result = owner.getByTestId('dry-result');
    await result.waitFor();
    await result.filter({ hasText: 'Ends completed' }).waitFor();
    await expect(result.locator('[data-step="approval"]').innerText()).resolves.toContain('Maya Manager');
    await expect(result.locator('[data-step="approval-2"]').innerText()).resolves.toMatch(/Ana.*Budi.*Citra/);
    // The path is drawn on the canvas.
    await expect(node(owner, 'approval-2').locator('.dz-mark-taken').count()).resolves.toBe(1);
    await shot(owner, 'designer-dry-run');
    axeReport['dry run'] = await axe(owner);

    await owner.getByTestId('publish').click();
    await owner.getByTestId('publish-confirm').click();
    await owner.getByRole('status').filter({ hasText: 'Published as version 1' }).waitFor();
    await expect(owner.getByTestId('publish').isDisabled()).resolves.toBe(true);
  });

  it('a request runs on v1 and is watched on its flow; v2 keeps it on v1 while a new one takes v2', async () => {
    // The catalog manager puts the item on the flow; a requester orders it.
    const put = await org.admin.api('PATCH', `/api/v1/catalog/items/${itemId}`, { flowId });
    expect(put.status === 200 ? 'ok' : JSON.stringify(put.body)).toBe('ok');
    const first = await org.requester.api('POST', '/api/v1/requests', { item: 'laptop', answers: { cost: 1500 } });
    expect(first.body.flowVersion).toBe(1);
    firstKey = first.body.key;

    const watcher = await newPage('requester');
    await signIn(watcher, org.requester.email);
    await watcher.goto(`/requests/${firstKey}`);
    await watcher.getByTestId('open-flow').click();
    await watcher.waitForURL(/\/flow$/);
    await watcher.getByTestId('live-waiting').filter({ hasText: 'Manager' }).waitFor({ timeout: LIVE_MS });
    await expect(watcher.getByTestId('live-version').innerText()).resolves.toContain('v1');
    await node(watcher, 'approval').locator('.dz-mark-waiting').waitFor();
    axeReport['live overlay'] = await axe(watcher);
    await shot(watcher, 'designer-live');

    // v2: the finance approval needs everyone of the team.
    await choose(owner, 'approval-2');
    await pick(owner, 'rule', 'Everyone approves');
    await owner.getByTestId('dirty').waitFor();
    await owner.getByTestId('publish').click();
    await owner.getByTestId('publish-confirm').click();
    await owner.getByRole('status').filter({ hasText: 'Published as version 2' }).waitFor();
    const second = await org.requester.api('POST', '/api/v1/requests', { item: 'laptop', answers: { cost: 50 } });
    expect(second.body.flowVersion).toBe(2);

    // The manager approves the first: it goes on along v1 (the overlay follows), still on v1.
    const approve = async (key: string) => {
      const mgr = (await stack.login(people.manager.email)).body.accessToken as string;
      const r = await fetch(`${stack.baseUrl}/api/v1/requests/${key}/approvals/approval`, {
        method: 'POST',
        headers: { authorization: `Bearer ${mgr}`, 'content-type': 'application/json', 'Idempotency-Key': key },
        body: JSON.stringify({ decision: 'approve' }),
      });
      expect(r.status).toBe(200);
    };
    await approve(firstKey);
    await watcher.getByTestId('live-waiting').filter({ hasText: 'Finance' }).waitFor({ timeout: LIVE_MS });
    await expect(watcher.getByTestId('live-version').innerText()).resolves.toContain('v1');

    // The versions list counts requests in flight per version; the diff shows what v2 changed.
    await owner.getByTestId('tab-versions').click();
    await owner.locator('[data-version="1"] [data-test="in-flight"]').filter({ hasText: '1' }).waitFor();
    await owner.locator('[data-version="2"] [data-test="in-flight"]').filter({ hasText: '1' }).waitFor();
    await pick(owner, 'compare-a', 'v1');
    await pick(owner, 'compare-b', 'v2');
    await owner.getByTestId('show-diff').click();
    await owner.getByTestId('diff-list').filter({ hasText: 'rule' }).waitFor();
    await node(owner, 'approval-2').locator('.dz-mark-changed').waitFor();
    await shot(owner, 'designer-diff');
    axeReport['diff'] = await axe(owner);
    await owner.getByTestId('close-diff').click();
  });

  it('two contexts editing one draft: the second save gets the conflict prompt, never a silent overwrite', async () => {
    const other = await newPage('second tab');
    await signIn(other, org.admin.email);
    await other.goto(`/admin/flows/${flowId}/design`);
    await node(other, 'approval').waitFor();

    await choose(owner, 'approval');
    await owner.getByTestId('prop-label').locator('input').fill('Line manager');
    await owner.getByTestId('save').click();
    await owner.getByRole('status').filter({ hasText: 'Draft saved' }).waitFor();

    await choose(other, 'condition');
    await other.getByTestId('prop-label').locator('input').fill('Expensive?');
    await other.getByTestId('save').click();
    const prompt = other.getByTestId('conflict');
    await prompt.waitFor();
    await expect(prompt.innerText()).resolves.toContain('revision');
    // Compare: their draft against mine, on the canvas; then keep mine on purpose.
    await other.getByTestId('conflict-compare').click();
    await other.getByTestId('conflict-bar').waitFor();
    await node(other, 'approval').locator('.dz-mark-changed').waitFor();
    await other.getByTestId('conflict-bar').getByRole('button', { name: 'Save mine over theirs' }).click();
    await other.getByRole('status').filter({ hasText: 'Draft saved' }).waitFor();

    // The first tab's next save is refused in turn; it takes theirs.
    await choose(owner, 'approval');
    await owner.getByTestId('prop-label').locator('input').fill('Manager again');
    await owner.getByTestId('save').click();
    await owner.getByTestId('conflict').waitFor();
    await owner.getByTestId('conflict-reload').click();
    await node(owner, 'condition').filter({ hasText: 'Expensive?' }).waitFor();
    const flow = (await org.admin.api('GET', `/api/v1/flows/${flowId}`)).body;
    expect(flow.draft.definition.nodes.find((n: { id: string }) => n.id === 'condition').label).toBe('Expensive?');
  });

  it('fits a phone, and axe finds nothing serious on the designer pages', async () => {
    const phone = await newPage('phone', { width: 390, height: 844 });
    await signIn(phone, org.admin.email);
    await phone.goto(`/admin/flows/${flowId}/design`);
    await node(phone, 'approval').waitFor();
    const overflow = await phone
      .locator('body')
      .evaluate((b) => b.scrollWidth > (b.ownerDocument.defaultView?.innerWidth ?? 0) + 1);
    expect(overflow).toBe(false);
    if (shots) await phone.screenshot({ path: `${shots}/designer-phone.png`, fullPage: true });
    axeReport['designer phone'] = await axe(phone);

    const serious = Object.entries(axeReport).flatMap(([page, found]) =>
      found
        .filter((f) => f.impact === 'serious' || f.impact === 'critical')
        .map((f) => `${page}: ${f.id} ${f.targets[0]}`),
    );
    expect(Object.keys(axeReport).sort()).toEqual(['designer', 'designer phone', 'diff', 'dry run', 'live overlay']);
    expect(serious).toEqual([]);
    // The refused saves of the conflict test answer 409 on purpose; nothing else may log an error.
    expect(consoleWatch.errors.filter((e) => !/flows\/[\w-]+\/design: .*status of 409 \(Conflict\)/.test(e))).toEqual(
      [],
    );
    expect(consoleWatch.errors.length).toBeLessThanOrEqual(2);
  });
});
