/**
 * The service catalog and service requests through the API, on the dev Temporal server with a real
 * worker and a real SMTP server: catalog managers build an item with a conditional form and a
 * two-level flow (manager, then 2 of 3 of a team); the portal offers items by audience; an order is
 * checked against the form; votes come from the API, the inbox in bulk and an e-mailed link, each
 * answering with the tally, refusals recording nothing; the fulfilment task goes to the team's
 * queue; the requester rates; a request started on v1 finishes on v1 after v2 is published.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { createSmtpMailer } from '../../deploy/mailer.js';
import { startStack, http, type Stack, type TestOrg, type Http } from '../support/stack.js';
import { type SmtpSink, startSmtpSink } from '../support/smtp.js';
import { addHardwareTeam, laptopForm, twoLevelFlow } from '../support/request-fixtures.js';

let stack: Stack;
let smtp: SmtpSink;
let org: TestOrg;
let other: TestOrg;
/** The hardware team: three approvers who also fulfil. */
let hardware: { id: string; members: { id: string; email: string; api: Http }[] };
let manager: { id: string; email: string; api: Http };

async function waitFor<T>(what: string, get: () => Promise<T>, ok: (v: T) => boolean, ms = 15_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await get();
    if (ok(v)) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  smtp = await startSmtpSink();
  stack = await startStack({ mailer: createSmtpMailer(smtp.url, 'requests@lintas.test') });
  [org, other] = await Promise.all([stack.createOrg(), stack.createOrg()]);
  const added = await addHardwareTeam(stack, org);
  const signIn = async (email: string) => {
    const r = await stack.login(email);
    if (r.status !== 200 || !r.body.accessToken) throw new Error(`sign-in of ${email}: ${JSON.stringify(r.body)}`);
    return http(stack.baseUrl, r.body.accessToken as string);
  };
  manager = { ...added.manager, api: await signIn(added.manager.email) };
  hardware = {
    id: added.teamId,
    members: await Promise.all(added.members.map(async (p) => ({ ...p, api: await signIn(p.email) }))),
  };
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  await smtp?.close();
});

let categoryId: string;
let flowId: string;

describe('the catalog', () => {
  it('is built by catalog managers: categories, field sets and items whose form and flow are checked', async () => {
    const cat = await org.admin.api('POST', '/api/v1/catalog/categories', {
      key: 'hardware',
      name: { en: 'Hardware', id: 'Perangkat keras' },
      icon: 'mdi-laptop',
    });
    expect(cat.status).toBe(201);
    categoryId = cat.body.id;
    expect(
      (await org.admin.api('POST', '/api/v1/catalog/categories', { key: 'hardware', name: { en: 'X' } })).body.code,
    ).toBe('key_taken');
    const set = await org.admin.api('POST', '/api/v1/catalog/field-sets', {
      key: 'cost-centre',
      name: 'Cost centre',
      fields: [{ id: 'cost_centre', type: 'text', label: { en: 'Cost centre' }, pattern: '^CC-\\d{3}$' }],
    });
    expect(set.status).toBe(201);

    const flow = await org.admin.api('POST', '/api/v1/flows', {
      name: `Laptop ${randomUUID()}`,
      definition: twoLevelFlow(hardware.id),
    });
    flowId = flow.body.id;
    expect((await org.admin.api('POST', `/api/v1/flows/${flowId}/publish`, { revision: 1 })).status).toBe(200);

    // A condition on a field the form does not have is refused, at the node.
    const bad = await org.admin.api('POST', '/api/v1/catalog/items', {
      key: 'broken',
      categoryId,
      name: { en: 'Broken' },
      fields: [{ id: 'a', type: 'text', label: { en: 'A' }, visibleWhen: { field: 'nope', op: 'not_empty' } }],
    });
    expect(bad.status).toBe(422);
    expect(bad.body.errors).toEqual([expect.objectContaining({ field: 'form.a' })]);

    const item = await org.admin.api('POST', '/api/v1/catalog/items', {
      key: 'laptop',
      categoryId,
      name: { en: 'New laptop', id: 'Laptop baru' },
      description: { en: 'A laptop for work' },
      icon: 'mdi-laptop',
      fields: laptopForm({ defaultModel: 'standard' }),
      fieldSetIds: [set.body.id],
      flowId,
      fulfilmentTeamId: hardware.id,
    });
    expect(item.status).toBe(201);

    expect(item.body).toMatchObject({ flowVersion: 1, flowName: expect.stringContaining('Laptop') });
    expect(item.body.form.fields.map((f: { id: string }) => f.id)).toEqual(['model', 'reason', 'cost_centre']);
    // A patch changes what it names only: the form, the icon, the flow and the team stay.
    const patched = await org.admin.api('PATCH', `/api/v1/catalog/items/${item.body.id}`, {
      description: { en: 'A laptop for work, with its charger' },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ icon: 'mdi-laptop', flowId, fulfilmentTeamId: hardware.id, active: true });
    expect(patched.body.form.fields.map((f: { id: string }) => f.id)).toEqual(['model', 'reason', 'cost_centre']);

    expect(
      (await org.requester.api('POST', '/api/v1/catalog/categories', { key: 'x', name: { en: 'X' } })).status,
    ).toBe(403);
  });

  it('offers items by audience, searchable, and never another organization’s', async () => {
    await org.admin.api('POST', '/api/v1/catalog/items', {
      key: 'server-access',
      categoryId,
      name: { en: 'Server access' },
      audienceRoles: ['agent'],
    });
    const mine = await org.requester.api('GET', '/api/v1/portal/catalog');
    expect(mine.body.items.map((i: { key: string }) => i.key)).toEqual(['laptop']);
    expect(mine.body.categories).toEqual([expect.objectContaining({ key: 'hardware', items: 1 })]);
    const agents = await org.agent.api('GET', '/api/v1/portal/catalog?q=server');
    expect(agents.body.items.map((i: { key: string }) => i.key)).toEqual(['server-access']);
    expect((await org.requester.api('GET', '/api/v1/portal/catalog/server-access')).status).toBe(404);
    expect((await other.requester.api('GET', '/api/v1/portal/catalog')).body.items).toEqual([]);
    // A person field finds people by name (or a whole address), and shows names only.
    const found = await org.requester.api('GET', '/api/v1/portal/people?q=maya');
    expect(found.body.items).toEqual([{ id: manager.id, displayName: 'Maya Manager' }]);
    expect(
      (await org.requester.api('GET', `/api/v1/portal/people?q=${encodeURIComponent(manager.email)}`)).body.items,
    ).toHaveLength(1);
    expect((await org.requester.api('GET', '/api/v1/portal/people?q=%40')).body.items).toEqual([]);
    expect((await other.requester.api('GET', '/api/v1/portal/people?q=maya')).body.items).toEqual([]);
  });
});

describe('a request', () => {
  let key: string;

  it('is checked against the form: conditional requiredness, hidden fields dropped, patterns', async () => {
    const missing = await org.requester.api('POST', '/api/v1/requests', {
      item: 'laptop',
      answers: { model: 'power', cost_centre: 'twelve' },
    });
    expect(missing.status).toBe(422);
    expect(missing.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'answers.cost_centre',
      'answers.reason',
    ]);
    expect((await org.requester.api('POST', '/api/v1/requests', { item: 'server-access' })).status).toBe(422);

    const idem = { 'Idempotency-Key': randomUUID() };
    const body = { item: 'laptop', answers: { model: 'standard', reason: 'ignored, hidden', cost_centre: 'CC-042' } };
    const r = await org.requester.api('POST', '/api/v1/requests', body, idem);
    expect(r.status).toBe(201);
    key = r.body.key;
    expect(key).toMatch(/^REQ-\d+$/);
    expect(r.body.answers).toEqual({ model: 'standard', cost_centre: 'CC-042' });
    expect(r.body).toMatchObject({ flowId, flowVersion: 1, itemKey: 'laptop', requesterName: 'requester' });
    const again = await org.requester.api('POST', '/api/v1/requests', body, idem);
    expect(again.status).toBe(200);
    expect(again.body.key).toBe(key);
  });

  it('asks the manager first and shows what comes next', async () => {
    const r = await waitFor(
      'the manager asked',
      () => org.requester.api('GET', `/api/v1/requests/${key}`),
      (x) => x.body.steps[0]?.status === 'open',
    );
    expect(r.body.status).toBe('pending_approval');
    expect(r.body.steps[0]).toMatchObject({
      id: 'manager',
      approvers: [expect.objectContaining({ userId: manager.id, name: 'Maya Manager', state: 'pending' })],
      tally: expect.objectContaining({ text: '0 of 1' }),
    });
    expect(r.body.upcoming.map((u: { nodeId: string; kind: string }) => [u.nodeId, u.kind])).toEqual([
      ['team', 'approval'],
      ['approved', 'fulfilment'],
    ]);
    // Someone not asked is refused at once, and so is a rejection without a reason; neither is recorded.
    const before = (await org.requester.api('GET', `/api/v1/requests/${key}/timeline`)).body.items.length;
    const refused = await org.agent.api('POST', `/api/v1/requests/${key}/approvals/manager`, { decision: 'approve' });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('not_an_approver');
    const noReason = await manager.api('POST', `/api/v1/requests/${key}/approvals/manager`, { decision: 'reject' });
    expect(noReason.status).toBe(422);
    expect((await org.requester.api('GET', `/api/v1/requests/${key}/timeline`)).body.items.length).toBe(before);
  });

  it('counts the manager’s vote through the API with the tally, then refuses a second one', async () => {
    const inbox = await manager.api('GET', '/api/v1/approvals');
    expect(inbox.body.items).toEqual([expect.objectContaining({ key, stepId: 'manager', tally: '0 of 1' })]);
    const v = await manager.api('POST', `/api/v1/requests/${key}/approvals/manager`, {
      decision: 'approve',
      comment: 'Fine by me',
    });
    expect(v.status).toBe(200);
    expect(v.body.tally).toBe('1 of 1');
    expect(v.body.step).toMatchObject({ status: 'approved' });
    const twice = await manager.api('POST', `/api/v1/requests/${key}/approvals/manager`, { decision: 'approve' });
    expect(twice.status).toBe(409);
    expect(['already_voted', 'step_closed']).toContain(twice.body.code);
    expect((await manager.api('GET', '/api/v1/approvals')).body.items).toEqual([]);
  });

  it('takes one team vote from an e-mailed link and one from the inbox in bulk; the third leaves the inbox', async () => {
    const [ana, budi, citra] = hardware.members;
    const mail = await smtp.waitFor((m) => m.to.includes(ana!.email) && m.subject.includes(key));
    const token = /\/approve\/([^?\s]+)\?decision=approve/.exec(mail.text)![1]!;
    const info = await http(stack.baseUrl)('GET', `/api/v1/approval-links/${token}?decision=approve`);
    expect(info.body).toMatchObject({ key, stepId: 'team', open: true, approverName: 'Ana', tally: '0 of 2' });
    const linked = await http(stack.baseUrl)('POST', '/api/v1/approval-links', { token, decision: 'approve' });
    expect(linked.status).toBe(200);
    expect(linked.body.tally).toBe('1 of 2');
    // The link is single-use: a second use is refused and records nothing.
    const reused = await http(stack.baseUrl)('POST', '/api/v1/approval-links', {
      token,
      decision: 'reject',
      comment: 'x',
    });
    expect(reused.status).toBe(409);
    expect((await http(stack.baseUrl)('GET', `/api/v1/approval-links/${token}`)).body.open).toBe(false);

    await waitFor(
      'Budi’s inbox',
      () => budi!.api('GET', '/api/v1/approvals'),
      (x) => x.body.items.some((i: { key: string }) => i.key === key),
    );
    const bulk = await budi!.api('POST', '/api/v1/approvals/bulk', {
      decision: 'approve',
      comment: 'In stock',
      items: [
        { key, stepId: 'team' },
        { key, stepId: 'manager' },
      ],
    });
    expect(bulk.body.results).toEqual([
      expect.objectContaining({ ok: true, tally: '2 of 2' }),
      expect.objectContaining({ ok: false, code: 'step_closed' }),
    ]);
    await waitFor(
      'Citra’s row no longer required',
      () => citra!.api('GET', '/api/v1/approvals'),
      (x) => !x.body.items.some((i: { key: string }) => i.key === key),
    );
    const decided = await citra!.api('GET', '/api/v1/approvals?state=decided');
    expect(decided.body.items).toEqual([expect.objectContaining({ key, state: 'no_longer_required' })]);
    const audit = await org.admin.api('GET', '/api/v1/audit?action=request.vote&order=asc&limit=10');
    expect(audit.body.items.map((e: { after: { decision: string; via?: string } }) => e.after.via ?? 'app')).toEqual([
      'app',
      'link',
    ]);
  });

  it('goes to the fulfilment team’s queue; only a member completes it; the requester rates it', async () => {
    const [ana] = hardware.members;
    const queue = await waitFor(
      'the task',
      () => ana!.api('GET', '/api/v1/request-tasks'),
      (x) => x.body.items.some((t: { key: string }) => t.key === key),
    );
    const task = queue.body.items.find((t: { key: string }) => t.key === key);
    expect(task).toMatchObject({ teamName: 'Hardware', taskTitle: 'New laptop', state: 'open' });
    const outsider = await org.agent.api('POST', `/api/v1/requests/${key}/tasks/${task.stepId}/complete`, {});
    expect(outsider.status).toBe(403);
    expect(outsider.body.code).toBe('not_team_member');
    const done = await ana!.api('POST', `/api/v1/requests/${key}/tasks/${task.stepId}/complete`, {
      note: 'Handed over',
    });
    expect(done.status).toBe(200);
    expect(done.body.status).toBe('completed');
    expect(done.body.allowedCommands).toEqual(['comment']);
    const mine = await org.requester.api('GET', `/api/v1/requests/${key}`);
    expect(mine.body.allowedCommands).toEqual(['comment', 'rate']);
    const rated = await org.requester.api('POST', `/api/v1/requests/${key}/rating`, { rating: 5, comment: 'Quick!' });
    expect(rated.status).toBe(200);
    expect(rated.body.csat).toMatchObject({ rating: 5 });
    const timeline = (await org.requester.api('GET', `/api/v1/requests/${key}/timeline`)).body.items;
    expect(timeline.map((e: { type: string }) => e.type)).toEqual(
      expect.arrayContaining(['submitted', 'approvers_asked', 'vote', 'task_done', 'csat']),
    );
    expect(timeline.filter((e: { type: string }) => e.type === 'vote')).toHaveLength(3);
  });

  it('is read by its requester, its approvers and the desk; not by other requesters or organizations', async () => {
    expect((await org.agent.api('GET', `/api/v1/requests/${key}`)).status).toBe(200);
    expect((await other.admin.api('GET', `/api/v1/requests/${key}`)).status).toBe(404);
    const list = await org.requester.api('GET', '/api/v1/requests');
    expect(list.body.items.map((r: { key: string }) => r.key)).toContain(key);
    expect((await other.requester.api('GET', '/api/v1/requests')).body.items).toEqual([]);
  });
});

describe('flow versions', () => {
  it('keep a request on the version it started with, and count requests in flight per version', async () => {
    const first = await org.requester.api('POST', '/api/v1/requests', {
      item: 'laptop',
      answers: { cost_centre: 'CC-001' },
    });
    expect(first.body.flowVersion).toBe(1);
    // v2: the manager alone decides.
    const v2 = {
      nodes: [
        { id: 'start', type: 'start' },
        { id: 'manager', type: 'approval', approvers: [{ kind: 'manager' }], rule: { kind: 'any' } },
        { id: 'approved', type: 'end', outcome: 'approved' },
        { id: 'rejected', type: 'end', outcome: 'rejected' },
      ],
      edges: [
        { from: 'start', to: 'manager' },
        { from: 'manager', to: 'approved', when: 'approved' },
        { from: 'manager', to: 'rejected', when: 'rejected' },
      ],
    };
    const saved = await org.admin.api('PUT', `/api/v1/flows/${flowId}/draft`, { definition: v2, revision: 1 });
    expect(saved.status).toBe(200);
    const published = await org.admin.api('POST', `/api/v1/flows/${flowId}/publish`, { revision: 2 });
    expect(published.status).toBe(200);
    const second = await org.requester.api('POST', '/api/v1/requests', {
      item: 'laptop',
      answers: { cost_centre: 'CC-002' },
    });
    expect(second.body.flowVersion).toBe(2);
    const flow = (await org.admin.api('GET', `/api/v1/flows/${flowId}`)).body;
    expect(flow.versions.map((v: { version: number; inFlight: number }) => [v.version, v.inFlight])).toEqual([
      [2, 1],
      [1, 1],
    ]);
    // The v1 request still goes to the team after its manager approves.
    await waitFor(
      'manager asked',
      () => manager.api('GET', '/api/v1/approvals'),
      (x) => x.body.items.some((i: { key: string }) => i.key === first.body.key),
    );
    const v = await manager.api('POST', `/api/v1/requests/${first.body.key}/approvals/manager`, {
      decision: 'approve',
    });
    expect(v.body.request.steps.map((s: { id: string }) => s.id)).toEqual(['manager', 'team']);

    // The live overlay: the v1 request on its own version's graph, the path taken, waiting at the team.
    const live = await waitFor(
      'the team asked',
      () => org.requester.api('GET', `/api/v1/requests/${first.body.key}/flow`),
      (x) => x.body.waitingOn?.includes('team'),
    );
    expect(live.body).toMatchObject({ version: 1, source: 'workflow', status: 'pending_approval' });
    expect(live.body.definition.nodes.map((n: { id: string }) => n.id)).toContain('team');
    expect(Object.keys(live.body.traversals).sort()).toEqual(['manager>team>approved', 'start>manager>']);
    expect((await other.requester.api('GET', `/api/v1/requests/${first.body.key}/flow`)).status).toBe(404);

    // What-if: under the v2 drawing (the manager alone), the v1 request would not have gone to the team.
    const whatIf = await org.admin.api('POST', `/api/v1/flows/${flowId}/what-if`, {});
    expect(whatIf.status).toBe(200);
    const differs = whatIf.body.differs.find((d: { key: string }) => d.key === first.body.key);
    expect(differs).toMatchObject({ version: 1, at: 1 });
    expect(differs.actual.map((x: { nodeId: string }) => x.nodeId)).toEqual(['manager', 'team']);
    expect(differs.draft[0].nodeId).toBe('manager');
    expect(differs.draft.map((x: { nodeId: string }) => x.nodeId)).not.toContain('team');
    expect(whatIf.body.differs.some((d: { key: string }) => d.key === second.body.key)).toBe(false);

    // The requester cancels the v2 one; another requester cannot even see it.
    const cancel = await org.requester.api('POST', `/api/v1/requests/${second.body.key}/cancel`, {
      reason: 'Not needed',
    });
    expect(cancel.status).toBe(200);
    expect(cancel.body.status).toBe('cancelled');
    const again = await org.requester.api('POST', `/api/v1/requests/${second.body.key}/cancel`, {});
    expect(again.status).toBe(409);
  });
});
