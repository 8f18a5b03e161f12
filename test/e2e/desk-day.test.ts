/**
 * A service desk's first day, in Debian's Chromium against the real stack: what a new team found
 * (several tabs, reply vs work note, bulk assignment that half fails, teams on tickets, pages that
 * do not exist, a phone's app bar, the reopen dialog, the SLA editor) and what it needed (editing
 * a ticket, requester reopen and cancel, the bell, the auditor's workspace, the settings pages and
 * API keys). Every page is checked with axe-core and no page may log an unexpected error.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { hashPassword } from '../../api/platform/auth.js';
import { User } from '../../db/entities/index.js';
import { TENANT_FILTER } from '../../db/orm.js';
import {
  type AxeFinding,
  BrowserPages,
  menuClosed,
  signInAs,
  axe,
  browserTurn,
  endBrowserSuite,
  launchChromium,
} from '../support/browser.js';
import { PASSWORD, startStack, type Stack, type TestOrg } from '../support/stack.js';

const uiDir = fileURLToPath(new URL('../../../ui/dist', import.meta.url));
const LIVE_MS = 15_000;

let stack: Stack;
let releaseTurn: (() => Promise<void>) | undefined;
let org: TestOrg;
let browser: Browser;
let auditorEmail = '';
const pages = new BrowserPages(
  () => browser,
  () => stack.baseUrl,
);
const consoleWatch = pages.consoleWatch;
const axeReport: Record<string, AxeFinding[]> = {};
const hookCalls: { body: string; signature: string }[] = [];
let hooks: Server;

const newContext = (viewport?: { width: number; height: number }) => pages.context(viewport, { acceptDownloads: true });
const newPage = (label: string, viewport?: { width: number; height: number }) =>
  pages.page(label, viewport, { acceptDownloads: true });
const signIn = (page: Page, email: string) => signInAs(page, email, PASSWORD);
const accessible = async (page: Page, name: string) => void (axeReport[name] = await axe(page));
const raise = async (body: Record<string, unknown>) => {
  const res = await org.agent.api('POST', '/api/v1/incidents', { title: 'Something broke', ...body });
  expect(res.status).toBe(201);
  return res.body as { key: string; workflowId: string; number: number; title: string };
};
/** Picks an option of a Vuetify select by its visible name. */
async function choose(page: Page, testId: string, option: string) {
  await page.getByTestId(testId).click();
  await page.getByRole('option', { name: option, exact: true }).click();
  await menuClosed(page);
}

beforeAll(async () => {
  releaseTurn = await browserTurn();
  hooks = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      hookCalls.push({ body, signature: String(req.headers['x-lintas-signature']) });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((ok) => hooks.listen(0, '127.0.0.1', ok));
  stack = await startStack({ app: { uiDir } });
  org = await stack.createOrg();
  const em = stack.orm.em.fork();
  em.setFilterParams(TENANT_FILTER, { orgId: org.id });
  auditorEmail = `auditor@${org.slug}.test`;
  em.create(User, {
    organization: org.id,
    email: auditorEmail,
    displayName: 'Audrey Auditor',
    role: 'auditor',
    active: true,
    passwordHash: await hashPassword(PASSWORD, 4),
  });
  await em.flush();
  browser = await launchChromium();
}, 420_000); // includes waiting for the other browser suite's turn

afterAll(() =>
  endBrowserSuite({ pages, browser, stack, releaseTurn, more: () => new Promise((ok) => hooks?.close(ok)) }),
);

describe('defects a new desk found', () => {
  it('keeps one session across four tabs opened at once (no sign-out, no reuse alarm)', async () => {
    const keys = await Promise.all([1, 2, 3, 4].map((i) => raise({ title: `Tab ${i}` })));
    const context = await newContext();
    const first = consoleWatch.watch(await context.newPage(), 'tabs');
    await signIn(first, org.agent.email);
    // The access token of the first tab is spoiled, and new tabs start without one: all five renew
    // the session at the same moment with the one refresh token they share.
    const tabs = await Promise.all(keys.map(() => context.newPage()));
    tabs.forEach((t, i) => consoleWatch.watch(t, `tab ${i}`));
    // (Chromium logs each refused request as an error: expected while the tabs renew.)
    await consoleWatch.expecting(/status of 401/, async () => {
      await first.evaluate("sessionStorage.setItem('lintas.access', 'x.y.z')");
      await Promise.all([
        ...tabs.map((t, i) => t.goto(`/console/${keys[i]!.key}`)),
        first.goto(`/console/${keys[0]!.key}`),
      ]);
      for (const [i, t] of tabs.entries()) {
        await t.getByRole('heading', { name: new RegExp(`· Tab ${i + 1}$`) }).waitFor();
        expect(t.url()).not.toContain('/sign-in');
      }
      await first.getByRole('heading', { name: /· Tab 1$/ }).waitFor();
    });
    const reuse = await org.admin.api('GET', '/api/v1/audit?action=auth.refresh_token_reuse');
    expect(reuse.body.items).toEqual([]);
    // Still signed in everywhere afterwards.
    await tabs[3]!.reload();
    await tabs[3]!.getByRole('heading', { name: /· Tab 4$/ }).waitFor();
  });

  it('keeps a reply a reply: public reply and internal note are two actions, and nothing carries over', async () => {
    const inc = await raise({ title: 'Reply or note', requesterId: org.requester.id, assigneeId: org.agent.id });
    const page = await newPage('composer');
    await signIn(page, org.agent.email);
    await page.goto(`/console/${inc.key}`);
    const box = page.getByTestId('comment-box').locator('textarea').first();
    await box.fill('Internal: the disk is failing');
    await page.getByTestId('add-note').click();
    await page.getByTestId('timeline').getByText('Internal: the disk is failing').waitFor();
    // The next message is a reply unless the agent says otherwise: there is no switch left on.
    await box.fill('We are replacing your disk today');
    await page.getByTestId('add-comment').click();
    await page.getByTestId('timeline').getByText('We are replacing your disk today').waitFor();
    await accessible(page, 'incident with composer');
    const types = (await org.agent.api('GET', `/api/v1/incidents/${inc.key}/timeline`)).body.items.map(
      (e: { type: string }) => e.type,
    );
    expect(types.slice(-2)).toEqual(['work_note', 'comment']);
    // The requester sees the reply and never the note.
    const theirs = (await org.requester.api('GET', `/api/v1/incidents/${inc.key}/timeline`)).body.items;
    expect(theirs.map((e: { data: { body?: string } }) => e.data.body).filter(Boolean)).toEqual([
      'We are replacing your disk today',
    ]);
  });

  it('says per ticket what a bulk assignment did, and why one was refused', async () => {
    const open = await raise({ title: 'Bulkcase open one' });
    const done = await raise({ title: 'Bulkcase resolved one', assigneeId: org.agent.id });
    const k = `/api/v1/incidents/${done.key}`;
    await org.agent.api('POST', `${k}/transitions`, { to: 'in_progress' });
    await org.agent.api('POST', `${k}/transitions`, {
      to: 'resolved',
      resolutionCode: 'solved',
      resolutionNotes: 'ok',
    });
    const page = await newPage('bulk');
    await signIn(page, org.agent.email);
    await page.getByTestId('view-all').click();
    await page.getByRole('textbox', { name: 'Search' }).fill('Bulkcase');
    await page.getByText('Searching every incident, in every status').waitFor();
    await page.getByTestId(`open-${done.key}`).waitFor();
    await page.getByLabel(`Select ${open.key}`).check();
    await page.getByLabel(`Select ${done.key}`).check();
    await choose(page, 'bulk-assignee', 'agent2');
    const results = page.getByTestId('bulk-results');
    await consoleWatch.expecting(/status of 409/, async () => {
      await page.getByTestId('bulk-assign').click();
      await results.getByText('1 assigned, 1 refused').waitFor();
    });
    await results
      .getByTestId(`bulk-failed-${done.key}`)
      .getByText(/cannot be reassigned/)
      .waitFor();
    await accessible(page, 'queue with bulk results');
    expect((await org.agent.api('GET', `/api/v1/incidents/${open.key}`)).body.assigneeId).toBe(org.agent2.id);
    // What failed stays selected.
    expect(await page.getByLabel(`Select ${done.key}`).isChecked()).toBe(true);
  });

  it('shows and sets the team; picking an assignee brings their team; resolved incidents offer no assignment', async () => {
    const other = (await org.admin.api('POST', '/api/v1/admin/teams', { name: 'Field Services' })).body;
    await org.admin.api('PUT', `/api/v1/admin/teams/${other.id}/members/${org.outsider.id}`, {});
    const inc = await raise({ title: 'Team on the ticket' });
    const page = await newPage('teams');
    await signIn(page, org.agent.email);
    await page.goto(`/console/${inc.key}`);
    await page.getByTestId('assign-me').click();
    await page.getByTestId('timeline').getByText('assigned to agent (Service Desk)').waitFor({ timeout: LIVE_MS });
    expect((await org.agent.api('GET', `/api/v1/incidents/${inc.key}`)).body.teamId).toBe(org.teamId);
    // Someone from another team: the team follows.
    await choose(page, 'assignee', 'outsider');
    await page.getByTestId('team').getByText('Field Services').waitFor();
    await page.getByTestId('apply-assignment').click();
    await page.getByTestId('timeline').getByText('assigned to outsider (Field Services)').waitFor();
    await page.getByTestId('to-in_progress').click();
    await page.getByTestId('status').getByText('In progress').waitFor();
    // No false "changed elsewhere" for one's own commands.
    expect(await page.getByTestId('changed-elsewhere').count()).toBe(0);
    await page.getByTestId('to-resolved').click();
    await page.getByTestId('resolution-notes').locator('textarea').first().fill('Fixed on site');
    await page.getByTestId('apply').click();
    await page.getByTestId('status').getByText('Resolved').waitFor();
    expect(await page.getByTestId('apply-assignment').count()).toBe(0);
    await page.getByTestId('team-shown').getByText('Field Services').waitFor();
    // The queue shows the team too.
    await page.goto('/console');
    await page.getByTestId('view-all').click();
    await page.getByRole('columnheader', { name: 'Team' }).waitFor();
  });

  it('titles the reopen dialog Reopen and asks for its reason', async () => {
    const inc = await raise({ title: 'Reopen me', assigneeId: org.agent.id });
    const k = `/api/v1/incidents/${inc.key}`;
    await org.agent.api('POST', `${k}/transitions`, { to: 'in_progress' });
    await org.agent.api('POST', `${k}/transitions`, { to: 'resolved', resolutionCode: 'solved', resolutionNotes: 'x' });
    const page = await newPage('reopen');
    await signIn(page, org.agent.email);
    await page.goto(`/console/${inc.key}`);
    await page.getByTestId('to-in_progress').getByText('Reopen').click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('heading', { name: 'Reopen' }).waitFor();
    await dialog.getByRole('textbox', { name: 'Reason *' }).waitFor();
    expect(await page.getByTestId('apply').isDisabled()).toBe(true);
    await page.getByTestId('reason').locator('textarea').first().fill('Broke again');
    await page.getByTestId('apply').click();
    await page.getByTestId('status').getByText('In progress').waitFor();
  });

  it('shows a not-found page for a missing or someone else’s incident, and /api/v2 is the API’s 404', async () => {
    const theirs = await raise({ title: 'Not yours' });
    const agent = await newPage('missing');
    await signIn(agent, org.agent.email);
    await consoleWatch.expecting(/status of 404/, async () => {
      // The page asks for the incident and its timeline at once: both 404s belong to this step.
      const timeline = agent.waitForResponse((r) => r.url().includes('/timeline'));
      await agent.goto('/console/INC-99999');
      await agent.getByTestId('not-found').getByText('INC-99999 was not found').waitFor();
      await timeline;
      await agent.evaluate(() => 0); // the console messages before this round trip have arrived
    });
    await accessible(agent, 'not found');
    await agent.goto('/no/such/page');
    await agent.getByTestId('not-found').getByText('This page does not exist').waitFor();
    const requester = await newPage('requester missing', { width: 390, height: 844 });
    await signIn(requester, org.requester.email);
    await consoleWatch.expecting(/status of 404/, async () => {
      const timeline = requester.waitForResponse((r) => r.url().includes('/timeline'));
      await requester.goto(`/portal/${theirs.key}`);
      await requester.getByTestId('not-found').waitFor();
      await timeline;
      await requester.evaluate(() => 0);
    });
    const api = await fetch(`${stack.baseUrl}/api/v2/incidents`);
    expect(api.status).toBe(404);
    expect(api.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });

  it('fits a phone: a 200-character title wraps, and the logo and the sign-out stay on a 390 px screen', async () => {
    const long = await raise({ title: 'A'.repeat(60) + ' ' + 'Bb'.repeat(69), requesterId: org.requester.id });
    const page = await newPage('phone', { width: 390, height: 844 });
    await signIn(page, org.requester.email);
    await page.goto(`/portal/${long.key}`);
    await page.getByTestId('status').waitFor();
    expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
    expect(await page.getByTestId('brand').isVisible()).toBe(true);
    // The user menu is there and shows its icon (not an empty button).
    expect(await page.getByTestId('user-menu').locator('svg').isVisible()).toBe(true);
    const bar = (await page.getByTestId('user-menu').boundingBox())!;
    expect(bar.x + bar.width).toBeLessThanOrEqual(390);
    await page.getByTestId('user-menu').click();
    await page.getByTestId('sign-out').click();
    await page.waitForURL(/\/sign-in/);
    const agent = await newPage('agent phone', { width: 390, height: 844 });
    await signIn(agent, org.agent.email);
    await agent.goto(`/console/${long.key}`);
    await agent.getByTestId('status').waitFor();
    expect(await agent.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
    await agent.getByTestId('nav-menu').click();
    await agent
      .getByRole('menuitem', { name: 'Portal' })
      .or(agent.getByRole('link', { name: 'Portal' }))
      .first()
      .waitFor();
    await agent.waitForTimeout(500); // the menu fades in: check it once it is there
    await accessible(agent, 'incident on a phone');
    // The queue on a phone: each ticket as a card of label/value lines, its title readable.
    await agent.keyboard.press('Escape');
    await agent.goto('/console');
    await agent.getByRole('textbox', { name: 'Search' }).fill(long.key);
    const title = agent.getByText(long.title.slice(0, 40)).first();
    await title.waitFor();
    expect((await title.boundingBox())!.width).toBeGreaterThan(120);
    expect(await agent.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
  });
});

describe('what a desk needs on day one', () => {
  it('edits a ticket: title and urgency, the priority follows, the timeline says so', async () => {
    const inc = await raise({ title: 'Typo in titel', impact: 'low', urgency: 'low' });
    const page = await newPage('edit');
    await signIn(page, org.agent.email);
    await page.goto(`/console/${inc.key}`);
    await page.getByTestId('edit').click();
    await page.getByTestId('edit-title').locator('input').fill('Typo in title');
    await choose(page, 'edit-urgency', 'High');
    await accessible(page, 'edit dialog');
    await page.getByTestId('save-edit').click();
    await page.getByRole('heading', { name: `${inc.key} · Typo in title` }).waitFor();
    await page.getByTestId('timeline').getByText('changed title, urgency, priority').waitFor();
    expect((await org.agent.api('GET', `/api/v1/incidents/${inc.key}`)).body.priority).toBe('P3');

    // A colleague raises the urgency while the dialog is open: saving a title change must not undo it.
    await page.getByTestId('edit').click();
    await page.getByTestId('edit-title').locator('input').fill('Typo in the title');
    const raised = await org.agent2.api('PATCH', `/api/v1/incidents/${inc.key}`, { impact: 'high' });
    expect(raised.status).toBe(200);
    await consoleWatch.expecting(/status of 409/, async () => {
      await page.getByTestId('save-edit').click();
      await page.getByText('Someone else changed this incident').waitFor();
    });
    // Saved again, it keeps the colleague's impact and applies only this person's title.
    await page.getByTestId('save-edit').click();
    await page.getByRole('heading', { name: `${inc.key} · Typo in the title` }).waitFor();
    expect((await org.agent.api('GET', `/api/v1/incidents/${inc.key}`)).body).toMatchObject({
      title: 'Typo in the title',
      impact: 'high',
      urgency: 'high',
    });
  });

  it('lets a requester reopen a resolved incident and cancel an open one, and their list updates live', async () => {
    const a = await raise({ title: 'Wifi drops', requesterId: org.requester.id, assigneeId: org.agent.id });
    const b = await raise({ title: 'Need a mouse', requesterId: org.requester.id });
    await org.agent.api('POST', `/api/v1/incidents/${a.key}/transitions`, { to: 'in_progress' });
    await org.agent.api('POST', `/api/v1/incidents/${a.key}/transitions`, {
      to: 'resolved',
      resolutionCode: 'solved',
      resolutionNotes: 'Restarted the access point',
    });
    const page = await newPage('requester self-service', { width: 390, height: 844 });
    await signIn(page, org.requester.email);
    await page.goto(`/portal/${a.key}`);
    await page.getByTestId('reopen').click();
    await page.getByTestId('reason').locator('textarea').first().fill('Dropped again at noon');
    await page.getByTestId('apply').click();
    await page.getByTestId('status').getByText('In progress').waitFor();
    // The reason is on the timeline, and the assignee is told.
    await page.getByTestId('timeline-reason').getByText('Dropped again at noon').waitFor();
    const inbox = (await org.agent.api('GET', '/api/v1/me/inbox')).body.items as {
      incidentKey: string;
      kind: string;
    }[];
    expect(inbox.some((n) => n.incidentKey === a.key && n.kind === 'updated')).toBe(true);
    await page.goto(`/portal/${b.key}`);
    await page.getByTestId('cancel-request').click();
    await page.getByTestId('reason').locator('textarea').first().fill('Found one in the drawer');
    await page.getByTestId('apply').click();
    await page.getByTestId('status').getByText('Cancelled').waitFor();
    await page.goto('/portal');
    const list = page.getByTestId('my-incidents');
    await list.getByText(`${a.key} · Wifi drops`).waitFor();
    await org.agent.api('POST', `/api/v1/incidents/${a.key}/transitions`, { to: 'pending', pendingReason: 'customer' });
    await list.getByText('Pending').first().waitFor({ timeout: LIVE_MS });
  });

  it('rings the bell for an assignment and opens the ticket from it', async () => {
    const page = await newPage('bell');
    await signIn(page, org.agent2.email);
    const inc = await raise({ title: 'Bell test' });
    await org.agent.api('POST', `/api/v1/incidents/${inc.key}/assignment`, { assigneeId: org.agent2.id });
    await page.getByTestId('inbox-count').waitFor({ timeout: 70_000 });
    await page.getByTestId('inbox').click();
    await page.getByText(`${inc.key} was assigned to you`).first().click();
    await page.waitForURL(new RegExp(`/console/${inc.key}$`));
  }, 90_000);

  it('gives auditors their own workspace: the log, its verification, exports and a ticket’s history, no commands', async () => {
    const inc = await raise({ title: 'For the auditor' });
    const page = await newPage('auditor');
    await signIn(page, auditorEmail);
    await page.waitForURL(/\/audit$/);
    await page.getByTestId('audit-log').getByText('incident.create').first().waitFor();
    await page.getByTestId('verify').click();
    await page
      .getByTestId('verification')
      .getByText(/Intact: \d+ entries checked/)
      .waitFor();
    await page.getByTestId('filter-action').locator('input').fill('incident.');
    await page.getByTestId('filter').click();
    // What changed reads field by field, not as raw JSON.
    await page.getByTestId('audit-change').getByText('title: For the auditor').first().waitFor();
    expect(await page.getByTestId('audit-log').getByText('{"title"').count()).toBe(0);
    await accessible(page, 'audit workspace');
    const download = page.waitForEvent('download');
    await page.getByTestId('export-csv').click();
    expect((await download).suggestedFilename()).toMatch(/^audit-.*\.csv$/);
    await page.getByTestId('ticket-key').locator('input').fill(inc.key);
    await page.getByTestId('open-history').click();
    await page.getByTestId('workflow-history').getByText("Update 'open'").first().waitFor();
    await accessible(page, 'ticket history');
    // The console, if they open it, offers nothing to change.
    await page.goto(`/console/${inc.key}`);
    await page.getByTestId('status').waitFor();
    for (const id of ['add-comment', 'add-note', 'to-cancelled', 'assign-me', 'edit', 'watch']) {
      expect(await page.getByTestId(id).count()).toBe(0);
    }
    // Nor the portal's "report a problem", which they may not do.
    expect(await page.getByRole('link', { name: 'Portal' }).count()).toBe(0);
    await page.goto('/portal');
    await page.getByText('You have not raised anything yet').waitFor();
    expect(await page.getByTestId('raise').count()).toBe(0);
    // The server agrees: watching is taking part, which a read-only auditor does not.
    const json = { 'content-type': 'application/json' };
    const { accessToken } = (await (
      await fetch(`${stack.baseUrl}/api/v1/auth/login`, {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ email: auditorEmail, password: PASSWORD }),
      })
    ).json()) as { accessToken: string };
    const auth = { ...json, authorization: `Bearer ${accessToken}` };
    const me = (await (await fetch(`${stack.baseUrl}/api/v1/me`, { headers: auth })).json()) as { id: string };
    const watch = await fetch(`${stack.baseUrl}/api/v1/incidents/${inc.key}/watchers`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ userId: me.id }),
    });
    expect(watch.status).toBe(403);
  });

  it('has settings pages: security policy, the default team, the priority matrix, channels with a test, API keys', async () => {
    const page = await newPage('settings');
    await signIn(page, org.admin.email);
    await page.goto('/admin/settings');
    await page.getByTestId('password-min').locator('input').fill('14');
    await page.getByTestId('save-security').click();
    await page.getByText('Saved').first().waitFor();
    await choose(page, 'default-team', 'Service Desk');
    await page.getByTestId('save-routing').click();
    await choose(page, 'matrix-low-low', 'P3');
    await page.getByTestId('save-matrix').click();
    await page.getByRole('button', { name: 'Add webhook' }).click();
    const hookUrl = `http://127.0.0.1:${(hooks.address() as AddressInfo).port}/hook`;
    await page.getByTestId('webhook-url-0').locator('input').fill(hookUrl);
    await page.getByTestId('webhook-secret-0').locator('input').fill('a-secret-of-enough-length');
    await page.getByTestId('save-channels').click();
    await page.getByTestId('webhook-secret-0').locator('input').and(page.locator('[value="********"]')).waitFor();
    await page.getByTestId('webhook-test-0').click();
    await page.getByText('The test message was delivered.').waitFor();
    expect(hookCalls.at(-1)?.signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    await accessible(page, 'admin settings');
    const settings = (await org.admin.api('GET', '/api/v1/admin/settings')).body;
    expect(settings).toMatchObject({
      password: { minLength: 14 },
      routing: { defaultTeamId: org.teamId },
      priorityMatrix: { low: { low: 'P3' } },
    });

    await page.goto('/admin/api-keys');
    await page.getByTestId('key-name').locator('input').fill('Monitoring');
    await page.getByTestId('create-key').click();
    const secret = (await page.getByTestId('new-key-value').textContent())!.trim();
    expect(secret).toMatch(/^lk_/);
    const withKey = await fetch(`${stack.baseUrl}/api/v1/incidents`, {
      headers: { authorization: `Bearer ${secret}` },
    });
    expect(withKey.status).toBe(200);
    await page.getByTestId('key-Monitoring').getByText('never').first().waitFor();
    await accessible(page, 'admin api keys');
    await page.getByTestId('key-Monitoring').getByRole('button', { name: 'Revoke' }).click();
    await page.getByTestId('confirm-revoke').click();
    await page.getByTestId('key-Monitoring').getByText('revoked').waitFor();
    const revoked = await fetch(`${stack.baseUrl}/api/v1/incidents`, {
      headers: { authorization: `Bearer ${secret}` },
    });
    expect(revoked.status).toBe(401);
    await org.admin.api('PATCH', '/api/v1/admin/settings', { routing: { defaultTeamId: null } });
  });

  it('marks a bad SLA field where it is, takes targets as 1w 2d 4h, and sets 24×7 in one click', async () => {
    const page = await newPage('sla editor');
    await signIn(page, org.admin.email);
    await page.goto('/admin/sla');
    await page.getByTestId('new-policy').click();
    await page.getByTestId('policy-name').locator('input').fill('Weekdays');
    await page.getByTestId('target-P4-resolution').locator('input').fill('1w 2d 4h');
    await page.getByTestId('target-P1-response').locator('input').fill('soon');
    await page.getByTestId('save-policy').click();
    await page.getByTestId('policy-problems').waitFor();
    await page.getByTestId('target-P1-response').getByText('A duration such as').waitFor();
    expect(await page.getByTestId('target-P1-response').isVisible()).toBe(true);
    await page.getByTestId('target-P1-response').locator('input').fill('30m');
    // A holiday written the local way is marked at its field, in the person's words.
    await page.getByTestId('policy-holidays').locator('input').fill('25/12/2026');
    await page.getByTestId('save-policy').click();
    await page.getByTestId('policy-holidays').getByText('“25/12/2026” is not a date written YYYY-MM-DD').waitFor();
    await page.getByTestId('policy-holidays').locator('input').fill('2026-12-25');
    await page.getByTestId('all-day').click();
    expect(await page.getByTestId('hours-1').locator('input').inputValue()).toBe('00:00-24:00');
    // The time zone: typing searches afresh rather than adding to the zone shown.
    await page.getByTestId('policy-zone').locator('input').click();
    await page.keyboard.type('Jakarta');
    await page.getByRole('option', { name: 'Asia/Jakarta' }).click();
    await accessible(page, 'sla editor');
    await page.getByTestId('save-policy').click();
    await page.getByTestId('policy-Weekdays').waitFor();
    const saved = (await org.admin.api('GET', '/api/v1/admin/sla-policies')).body.items.find(
      (p: { name: string }) => p.name === 'Weekdays',
    );
    expect(saved.definition.targets.P4.resolutionMinutes).toBe(7 * 1440 + 2 * 1440 + 240);
    expect(saved.definition.targets.P1.responseMinutes).toBe(30);
    expect(saved.definition.calendar.timeZone).toBe('Asia/Jakarta');
    expect(saved.definition.calendar.week[3]).toEqual([{ start: '00:00', end: '24:00' }]);
  });
});

describe('checked on every page', () => {
  it('found no serious or critical accessibility violation', () => {
    const serious = Object.entries(axeReport).flatMap(([page, findings]) =>
      findings.filter((f) => f.impact === 'serious' || f.impact === 'critical').map((f) => ({ page, ...f })),
    );
    expect(serious).toEqual([]);
    expect(Object.keys(axeReport).length).toBeGreaterThanOrEqual(10);
  });
  it('logged no error', () => {
    expect(consoleWatch.errors).toEqual([]);
  });
});
