/**
 * The service request workflow on the time-skipping server with its real activities (PostgreSQL
 * for people, teams and the projection; a real SMTP server for approval mail; a real HTTP receiver
 * for webhook call-outs): votes as updates (refused votes leave no trace in the history), rules
 * any / all / N of M / percentage against people found in the directory, a deadline in business
 * time, a delegation window, cancel, a webhook retried through an outage and taken once, and the
 * rating after completion.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { randomUUID } from 'node:crypto';
import { type IncomingMessage, type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createActivities } from '../../activities/index.js';
import {
  CatalogCategory,
  CatalogItem,
  Organization,
  RequestApproval,
  RequestTask,
  Team,
  TeamMember,
  TicketEvent,
  User,
} from '../../db/entities/index.js';
import { type Orm, TENANT_FILTER, openDatabase } from '../../db/orm.js';
import { createSmtpMailer } from '../../deploy/mailer.js';
import type { BusinessCalendar } from '../../workflows/kernel/business-calendar.js';
import { type Flow, FlowSchema } from '../../workflows/kernel/flow.js';
import type { RunContext } from '../../workflows/request/engine.js';
import {
  type NewRequest,
  type RequestSnapshot,
  cancelRequestUpdate,
  openRequestUpdate,
  rateRequestUpdate,
  requestStateQuery,
  taskUpdate,
  voteUpdate,
} from '../../workflows/request/messages.js';
import { requestWorkflow } from '../../workflows/request/workflow.js';
import { ticketWorkflowId } from '../../workflows/kernel/ticket-types.js';
import { TEST_DATABASE_URL, temporalTestServer, workflowBundlePath } from '../support/env.js';
import { eventually } from '../support/problems.js';
import { type SmtpSink, startSmtpSink } from '../support/smtp.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const officeHours: BusinessCalendar = {
  timeZone: 'UTC',
  week: [[], ...Array.from({ length: 5 }, () => [{ start: '09:00', end: '17:00' }]), []],
  holidays: [],
};

let env: TestWorkflowEnvironment;
let orm: Orm;
let smtp: SmtpSink;
let org: Organization;
let requester: User;
let manager: User;
let team: Team;
const members: User[] = [];
let away: User;
let substitute: User;
let item: CatalogItem;
let receiver: Server;
let receiverUrl = '';
const deliveries: { key: string; signature: string; body: string }[] = [];
let outage = 0;
const taskQueue = `req-${randomUUID()}`;
let n = 0;

function startWorker() {
  return Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: { codePath: workflowBundlePath() },
    activities: createActivities({
      orm,
      mailer: createSmtpMailer(smtp.url, 'requests@lintas.test'),
      linkSecret: 'request-workflow-test-secret-0123456789',
    }),
  }).then((w) => ({ w, running: w.run() }));
}
let worker: Awaited<ReturnType<typeof startWorker>>;

const readBody = (req: IncomingMessage) =>
  new Promise<string>((resolve) => {
    let b = '';
    req.on('data', (c: Buffer) => (b += c.toString('utf8')));
    req.on('end', () => resolve(b));
  });

beforeAll(async () => {
  smtp = await startSmtpSink();
  // A real HTTP receiver for webhook call-outs: down (503) for `outage` calls, then answering.
  receiver = createServer((req, res) => {
    void readBody(req).then((body) => {
      deliveries.push({
        key: String(req.headers['idempotency-key']),
        signature: String(req.headers['x-lintas-signature']),
        body,
      });
      if (outage > 0) {
        outage--;
        res.writeHead(503).end('down');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ stock: { ok: true } }));
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/stock`;
  env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: temporalTestServer() } },
  });
  orm = await openDatabase({ url: TEST_DATABASE_URL, poolMax: 3 });
  const em = orm.em.fork();
  org = em.create(Organization, {
    slug: `r${randomUUID().slice(0, 8)}`,
    name: 'Request tests',
    settings: {
      notifications: {
        slackWebhookUrl: null,
        teamsWebhookUrl: null,
        webhooks: [{ url: 'https://example.invalid/unused', name: 'erp', secret: 'erp-shared-secret-0123456789' }],
      },
    },
  });
  em.setFilterParams(TENANT_FILTER, { orgId: org.id });
  const person = (name: string, role: User['role'] = 'agent', extra: Partial<User> = {}) =>
    em.create(User, {
      organization: org,
      email: `${name.toLowerCase()}@${org.slug}.test`,
      displayName: name,
      role,
      passwordHash: 'x',
      active: true,
      ...extra,
    });
  manager = person('Manager', 'team_lead');
  substitute = person('Substitute');
  away = person('Away');
  requester = person('Requester', 'requester', { manager });
  team = em.create(Team, { organization: org, name: 'Hardware' });
  for (const name of ['Ana', 'Budi', 'Citra']) members.push(person(name));
  await em.flush();
  for (const m of members) em.create(TeamMember, { team, user: m, organization: org });
  const category = em.create(CatalogCategory, { organization: org, key: 'hardware', name: { en: 'Hardware' } });
  item = em.create(CatalogItem, {
    organization: org,
    category,
    key: 'laptop',
    name: { en: 'Laptop' },
    audienceRoles: [],
    audienceTeamIds: [],
    fields: [],
    fieldSetIds: [],
  });
  await em.flush();
  worker = await startWorker();
}, 120_000);

afterAll(async () => {
  worker?.w.shutdown();
  await worker?.running;
  await env?.teardown();
  await orm?.close();
  await smtp?.close();
  await new Promise((r) => receiver?.close(r));
});

const context = (flow: Flow, over: Partial<RunContext> = {}): RunContext => ({
  flow,
  itemId: item.id,
  requesterTeamIds: [],
  policies: { default: { calendar: officeHours, minutes: 480 } },
  fulfilment: null,
  ...over,
});

async function submit(
  flow: Flow,
  over: Partial<RunContext> = {},
  answers: NewRequest['answers'] = {},
  asker: User = requester,
) {
  n += 1;
  const handle = await env.client.workflow.start(requestWorkflow, {
    workflowId: ticketWorkflowId(org.slug, 'request', n),
    taskQueue,
    args: [
      {
        kind: 'new',
        request: {
          orgId: org.id,
          number: n,
          itemId: item.id,
          title: `Laptop ${n}`,
          requesterId: asker.id,
          createdBy: { userId: asker.id, kind: 'user' },
          answers,
          flowId: null,
          flowVersion: 1,
          context: context(flow, over),
          slaPolicy: null,
          ratingWindowMs: 7 * DAY,
        },
      },
    ],
  });
  await handle.executeUpdate(openRequestUpdate);
  return handle;
}
type Handle = Awaited<ReturnType<typeof submit>>;

/** Waits until the live state satisfies `ok` (activities run outside the update that caused them). */
async function until(h: Handle, ok: (s: RequestSnapshot) => boolean, ms = 10_000): Promise<RequestSnapshot> {
  for (let i = 0; i < ms / 50; i++) {
    const s = await h.query(requestStateQuery);
    if (ok(s)) return s;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the request never got there');
}
const asking = (h: Handle, stepId: string) =>
  until(h, (s) => !!s.run.steps.find((x) => x.id === stepId && x.status === 'open'));

const voteOf = (user: User, stepId: string, decision: 'approve' | 'reject', comment: string | null = null) => ({
  actor: { userId: user.id, kind: 'user' as const },
  stepId,
  decision,
  comment,
  channel: 'app' as const,
});

async function refusal(h: Handle, cmd: ReturnType<typeof voteOf>): Promise<string> {
  try {
    await h.executeUpdate(voteUpdate, { args: [cmd] });
    return 'accepted';
  } catch (err) {
    // A request that reached its outcome ends its workflow: later updates find none to go to.
    if (err instanceof WorkflowNotFoundError) return 'workflow_closed';
    expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
    return ((err as WorkflowUpdateFailedError).cause as { type?: string }).type ?? 'unknown';
  }
}

async function acceptedUpdates(h: Handle): Promise<number> {
  const history = await h.fetchHistory();
  return (history.events ?? []).filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes).length;
}

/** Manager approves, then 2 of 3 of the team; then the team fulfils. */
const twoLevels = (): Flow =>
  FlowSchema.parse({
    nodes: [
      { id: 'start', type: 'start' },
      { id: 'manager', type: 'approval', approvers: [{ kind: 'manager' }], rule: { kind: 'any' } },
      { id: 'team', type: 'approval', approvers: [{ kind: 'team', teamId: team.id }], rule: { kind: 'n_of_m', n: 2 } },
      { id: 'fulfil', type: 'task', teamId: team.id, title: 'Hand over the laptop' },
      { id: 'done', type: 'end', outcome: 'completed' },
      { id: 'no', type: 'end', outcome: 'rejected' },
    ],
    edges: [
      { from: 'start', to: 'manager' },
      { from: 'manager', to: 'team', when: 'approved' },
      { from: 'manager', to: 'no', when: 'rejected' },
      { from: 'team', to: 'fulfil', when: 'approved' },
      { from: 'team', to: 'no', when: 'rejected' },
      { from: 'fulfil', to: 'done' },
    ],
  });

describe('the request workflow', () => {
  it('manager, then 2 of 3 of the team: the third task is withdrawn, the team fulfils, the requester rates', async () => {
    const h = await submit(twoLevels());
    let s = await asking(h, 'manager');
    expect(s.status).toBe('pending_approval');
    expect(s.run.steps[0]!.approvers.map((a) => a.userId)).toEqual([manager.id]);
    // The manager is mailed a signed link to approve or reject.
    const mail = await smtp.waitFor((m) => m.to === manager.email && m.subject.includes(s.key));
    expect(mail.text).toMatch(/\/approve\/a1\.[\w-]+\.[\w-]+\?decision=approve/);

    s = await h.executeUpdate(voteUpdate, { args: [voteOf(manager, 'manager', 'approve', 'fine')] });
    s = await asking(h, 'team');
    expect(s.run.steps[1]!.approvers.map((a) => a.userId).sort()).toEqual(members.map((m) => m.id).sort());
    await h.executeUpdate(voteUpdate, { args: [voteOf(members[0]!, 'team', 'approve')] });
    s = await h.executeUpdate(voteUpdate, { args: [voteOf(members[2]!, 'team', 'approve')] });
    expect(s.status).toBe('in_progress');
    const team2 = s.run.steps.find((x) => x.id === 'team')!;
    expect(team2.approvers.find((a) => a.userId === members[1]!.id)!.state).toBe('no_longer_required');

    // The projection: the third approver's row left their inbox; the team has the task.
    const em = orm.em.fork();
    em.setFilterParams(TENANT_FILTER, { orgId: org.id });
    await until(h, () => true);
    const rows = await em.find(RequestApproval, { requestWorkflowId: s.workflowId, stepId: 'team' });
    expect(rows.map((r) => r.state).sort()).toEqual(['approved', 'approved', 'no_longer_required']);
    const tasks = await em.find(RequestTask, { requestWorkflowId: s.workflowId });
    expect(tasks.map((t) => [t.stepId, t.state])).toEqual([['fulfil', 'open']]);

    s = await h.executeUpdate(taskUpdate, {
      args: [{ actor: { userId: members[1]!.id, kind: 'user' }, stepId: 'fulfil', note: 'Handed over' }],
    });
    expect(s.status).toBe('completed');
    s = await h.executeUpdate(rateRequestUpdate, {
      args: [{ actor: { userId: requester.id, kind: 'user' }, rating: 5, comment: 'quick' }],
    });
    expect(s.csat?.rating).toBe(5);
    // Rated: the workflow ends.
    expect((await h.result()).status).toBe('completed');
    const events = await em.find(TicketEvent, { ticketWorkflowId: s.workflowId }, { orderBy: { revision: 'asc' } });
    const votes = events
      .filter((e) => e.type === 'vote')
      .map((e) => [e.actor?.id, e.data['decision'], e.data['tally']]);
    expect(votes).toEqual([
      [manager.id, 'approve', '1 of 1'],
      [members[0]!.id, 'approve', '1 of 2'],
      [members[2]!.id, 'approve', '2 of 2'],
    ]);
  });

  it('refuses a vote from someone not asked, a second vote and a vote after the step closed, leaving no history', async () => {
    const h = await submit(
      FlowSchema.parse({
        nodes: [
          { id: 'start', type: 'start' },
          { id: 'all', type: 'approval', approvers: [{ kind: 'team', teamId: team.id }], rule: { kind: 'all' } },
          { id: 'done', type: 'end', outcome: 'completed' },
          { id: 'no', type: 'end', outcome: 'rejected' },
        ],
        edges: [
          { from: 'start', to: 'all' },
          { from: 'all', to: 'done', when: 'approved' },
          { from: 'all', to: 'no', when: 'rejected' },
        ],
      }),
    );
    await asking(h, 'all');
    await h.executeUpdate(voteUpdate, { args: [voteOf(members[0]!, 'all', 'approve')] });
    const before = await acceptedUpdates(h);
    const revision = (await h.query(requestStateQuery)).revision;
    expect(await refusal(h, voteOf(manager, 'all', 'approve'))).toBe('not_an_approver');
    expect(await refusal(h, voteOf(requester, 'all', 'approve'))).toBe('not_an_approver');
    expect(await refusal(h, voteOf(members[0]!, 'all', 'reject'))).toBe('already_voted');
    expect(await acceptedUpdates(h)).toBe(before);
    expect((await h.query(requestStateQuery)).revision).toBe(revision);
    // One rejection under "all" rejects; a vote after that is refused too.
    const s = await h.executeUpdate(voteUpdate, { args: [voteOf(members[1]!, 'all', 'reject', 'not in budget')] });
    expect(s.status).toBe('rejected');
    expect(['step_closed', 'workflow_closed']).toContain(await refusal(h, voteOf(members[2]!, 'all', 'approve')));
  });

  it('percentage: 60 % of three people is two approvals', async () => {
    const h = await submit(
      FlowSchema.parse({
        nodes: [
          { id: 'start', type: 'start' },
          {
            id: 'pct',
            type: 'approval',
            approvers: [{ kind: 'team', teamId: team.id }],
            rule: { kind: 'percent', percent: 60 },
          },
          { id: 'done', type: 'end', outcome: 'completed' },
          { id: 'no', type: 'end', outcome: 'rejected' },
        ],
        edges: [
          { from: 'start', to: 'pct' },
          { from: 'pct', to: 'done', when: 'approved' },
          { from: 'pct', to: 'no', when: 'rejected' },
        ],
      }),
    );
    await asking(h, 'pct');
    let s = await h.executeUpdate(voteUpdate, { args: [voteOf(members[1]!, 'pct', 'approve')] });
    expect(s.status).toBe('pending_approval');
    s = await h.executeUpdate(voteUpdate, { args: [voteOf(members[0]!, 'pct', 'approve')] });
    expect(s.status).toBe('completed');
  });

  it('a Friday-16:00 submission with a 2-business-day deadline on Mon–Fri 09–17 escalates Tuesday 16:00', async () => {
    // To the next Friday 16:00 UTC.
    const now = await env.currentTimeMs();
    let target = Date.UTC(new Date(now).getUTCFullYear(), new Date(now).getUTCMonth(), new Date(now).getUTCDate(), 16);
    while (target <= now || new Date(target).getUTCDay() !== 5) target += DAY;
    await env.sleep(target - now);
    const h = await submit(
      FlowSchema.parse({
        nodes: [
          { id: 'start', type: 'start' },
          {
            id: 'mgr',
            type: 'approval',
            approvers: [{ kind: 'manager' }],
            rule: { kind: 'any' },
            deadline: { businessMinutes: 960, outcome: 'escalate', escalateTo: members[2]!.id },
          },
          { id: 'done', type: 'end', outcome: 'completed' },
          { id: 'no', type: 'end', outcome: 'rejected' },
        ],
        edges: [
          { from: 'start', to: 'mgr' },
          { from: 'mgr', to: 'done', when: 'approved' },
          { from: 'mgr', to: 'no', when: 'rejected' },
        ],
      }),
    );
    let s = await asking(h, 'mgr');
    const deadline = Date.parse(s.run.steps[0]!.deadlineAt!);
    expect(new Date(deadline).toISOString().slice(11, 16)).toBe('16:00');
    expect(new Date(deadline).getUTCDay()).toBe(2);
    // Submitted a few milliseconds after 16:00: due the same few milliseconds after Tuesday 16:00.
    expect(Math.round((deadline - target) / MIN)).toBe((4 * DAY) / MIN);
    await env.sleep(4 * DAY - MIN);
    expect((await h.query(requestStateQuery)).run.steps[0]!.escalatedTo).toBeNull();
    await env.sleep(2 * MIN);
    s = await until(h, (x) => x.run.steps[0]!.escalatedTo === members[2]!.id);
    expect(s.run.steps[0]!.approvers.map((a) => a.userId)).toEqual([manager.id, members[2]!.id]);
    s = await h.executeUpdate(voteUpdate, { args: [voteOf(members[2]!, 'mgr', 'approve')] });
    expect(s.status).toBe('completed');
  });

  it('an approver away in a delegation window: their substitute is asked when the absence starts, on their behalf', async () => {
    const now = await env.currentTimeMs();
    const em = orm.em.fork();
    em.setFilterParams(TENANT_FILTER, { orgId: org.id });
    await em.nativeUpdate(
      User,
      { id: away.id },
      { outOfOfficeFrom: new Date(now + HOUR), outOfOfficeUntil: new Date(now + 5 * HOUR), delegate: substitute.id },
    );
    const h = await submit(
      FlowSchema.parse({
        nodes: [
          { id: 'start', type: 'start' },
          {
            id: 'owner',
            type: 'approval',
            approvers: [{ kind: 'users', userIds: [away.id] }],
            rule: { kind: 'any' },
            allowDelegation: true,
          },
          { id: 'done', type: 'end', outcome: 'completed' },
          { id: 'no', type: 'end', outcome: 'rejected' },
        ],
        edges: [
          { from: 'start', to: 'owner' },
          { from: 'owner', to: 'done', when: 'approved' },
          { from: 'owner', to: 'no', when: 'rejected' },
        ],
      }),
    );
    let s = await asking(h, 'owner');
    expect(s.run.steps[0]!.approvers.map((a) => [a.userId, a.state])).toEqual([[away.id, 'pending']]);
    expect(await refusal(h, voteOf(substitute, 'owner', 'approve'))).toBe('not_an_approver');
    await env.sleep(HOUR + MIN);
    s = await until(h, (x) => x.run.steps[0]!.approvers.length === 2);
    expect(s.run.steps[0]!.approvers.map((a) => [a.userId, a.state, a.onBehalfOf])).toEqual([
      [away.id, 'delegated', null],
      [substitute.id, 'pending', away.id],
    ]);
    await smtp.waitFor((m) => m.to === substitute.email && /on behalf of Away/.test(m.text));
    expect(await refusal(h, voteOf(away, 'owner', 'approve'))).toBe('not_an_approver');
    s = await h.executeUpdate(voteUpdate, { args: [voteOf(substitute, 'owner', 'approve', 'ok for Away')] });
    expect(s.status).toBe('completed');
    const vote = await em.findOneOrFail(TicketEvent, { ticketWorkflowId: s.workflowId, type: 'vote' });
    expect([vote.actor?.id, vote.data['onBehalfOf']]).toEqual([substitute.id, away.id]);
  });

  it('cancel withdraws every open step; a cancelled request takes no votes', async () => {
    const h = await submit(twoLevels());
    await asking(h, 'manager');
    const s = await h.executeUpdate(cancelRequestUpdate, {
      args: [{ actor: { userId: requester.id, kind: 'user' }, reason: 'no longer needed' }],
    });
    expect(s.status).toBe('cancelled');
    expect(s.run.steps[0]!.status).toBe('withdrawn');
    expect((await h.result()).status).toBe('cancelled');
  });

  it('a webhook call-out is retried through an outage of its receiver, taken once, and its answer drives a condition', async () => {
    outage = 2;
    const before = deliveries.length;
    const h = await submit(
      FlowSchema.parse({
        nodes: [
          { id: 'start', type: 'start' },
          { id: 'erp', type: 'webhook', url: receiverUrl, secretRef: 'erp' },
          {
            id: 'stock',
            type: 'condition',
            subject: { kind: 'webhook', nodeId: 'erp', path: 'stock.ok' },
            op: 'is_true',
          },
          { id: 'done', type: 'end', outcome: 'completed' },
          { id: 'no', type: 'end', outcome: 'rejected' },
        ],
        edges: [
          { from: 'start', to: 'erp' },
          { from: 'erp', to: 'stock', when: 'ok' },
          { from: 'erp', to: 'no', when: 'failed' },
          { from: 'stock', to: 'done', when: 'true' },
          { from: 'stock', to: 'no', when: 'false' },
        ],
      }),
      {},
      { qty: 2 },
    );
    // The receiver is down for two attempts: the retries wait 5 s and 10 s of real time.
    const s = await until(h, (x) => x.status !== 'submitted', 45_000);
    expect(s.status).toBe('completed');
    const mine = deliveries.slice(before);
    expect(mine).toHaveLength(3);
    expect(new Set(mine.map((d) => d.key))).toEqual(new Set([`${s.workflowId}:erp`]));
    expect(mine[0]!.signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(JSON.parse(mine[0]!.body)).toMatchObject({ request: s.key, answers: { qty: 2 } });
    const em = orm.em.fork();
    em.setFilterParams(TENANT_FILTER, { orgId: org.id });
    // The timeline is a projection the workflow writes after the step; it may land just after.
    await eventually(async () => {
      em.clear();
      const hooks = await em.find(TicketEvent, { ticketWorkflowId: s.workflowId, type: 'webhook' });
      expect(hooks.map((e) => e.data['ok'])).toEqual([true]);
    }, 10_000);
  }, 90_000);

  it("the designer's dry run takes the path, asks the people and sets the deadlines the workflow does", async () => {
    // Manager (away, with a delegate) → cost > 1000? → 2 of the team with an escalating deadline →
    // fulfilment. Driven by votes in the order the dry run votes (the first still asked answers).
    const em = orm.em.fork();
    em.setFilterParams(TENANT_FILTER, { orgId: org.id });
    const boss = em.create(User, {
      organization: org,
      email: `boss-${randomUUID().slice(0, 6)}@${org.slug}.test`,
      displayName: 'Boss',
      role: 'team_lead',
      passwordHash: 'x',
      active: true,
    });
    const deputy = em.create(User, {
      organization: org,
      email: `deputy-${randomUUID().slice(0, 6)}@${org.slug}.test`,
      displayName: 'Deputy',
      role: 'agent',
      passwordHash: 'x',
      active: true,
    });
    await em.flush();
    const now = await env.currentTimeMs();
    boss.outOfOfficeFrom = new Date(now - HOUR);
    boss.outOfOfficeUntil = new Date(now + 30 * DAY);
    boss.delegate = em.getReference(User, deputy.id);
    const asker = em.create(User, {
      organization: org,
      email: `asker-${randomUUID().slice(0, 6)}@${org.slug}.test`,
      displayName: 'Asker',
      role: 'requester',
      passwordHash: 'x',
      active: true,
      manager: boss,
    });
    await em.flush();
    const flow = FlowSchema.parse({
      nodes: [
        { id: 'start', type: 'start' },
        { id: 'mgr', type: 'approval', approvers: [{ kind: 'manager' }], rule: { kind: 'any' }, allowDelegation: true },
        { id: 'costly', type: 'condition', subject: { kind: 'answer', fieldId: 'cost' }, op: 'gt', value: 1000 },
        {
          id: 'finance',
          type: 'approval',
          approvers: [{ kind: 'team', teamId: team.id }],
          rule: { kind: 'n_of_m', n: 2 },
          deadline: { businessMinutes: 120, outcome: 'escalate', escalateTo: manager.id },
        },
        { id: 'fulfil', type: 'task', teamId: team.id, title: 'Buy it' },
        { id: 'done', type: 'end', outcome: 'completed' },
        { id: 'no', type: 'end', outcome: 'rejected' },
      ],
      edges: [
        { from: 'start', to: 'mgr' },
        { from: 'mgr', to: 'costly', when: 'approved' },
        { from: 'mgr', to: 'no', when: 'rejected' },
        { from: 'costly', to: 'finance', when: 'true' },
        { from: 'costly', to: 'fulfil', when: 'false' },
        { from: 'finance', to: 'fulfil', when: 'approved' },
        { from: 'finance', to: 'no', when: 'rejected' },
        { from: 'fulfil', to: 'done' },
      ],
    });
    const answers = { cost: 1500 };
    const h = await submit(flow, {}, answers, asker);
    let s = await h.query(requestStateQuery);
    const startedAt = Date.parse(s.createdAt);

    const { dryRun } = await import('../../workflows/request/simulate.js');
    const { resolveApprovers } = await import('../../activities/request/approvers.js');
    const dry = await dryRun({
      ctx: context(flow),
      answers,
      startAt: startedAt,
      decisions: {},
      resolve: (node, a, at) =>
        resolveApprovers(em, {
          orgId: org.id,
          requesterId: asker.id,
          answers: a,
          sources: node.approvers,
          allowDelegation: node.allowDelegation ?? false,
          at,
        }),
    });

    // Drive the workflow the way the dry run decided: each open approval answered by its first pending approver.
    for (let guard = 0; guard < 10; guard++) {
      s = await until(h, (x) => x.status === 'completed' || x.run.steps.some((st) => st.status === 'open'));
      const open = s.run.steps.find((st) => st.status === 'open');
      if (!open) break;
      if (open.kind === 'task') {
        s = await h.executeUpdate(taskUpdate, {
          args: [{ actor: { userId: members[0]!.id, kind: 'user' }, stepId: open.id, note: null }],
        });
        continue;
      }
      const who = open.approvers.find((a) => a.state === 'pending')!;
      s = await h.executeUpdate(voteUpdate, {
        args: [
          {
            actor: { userId: who.userId, kind: 'user' },
            stepId: open.id,
            decision: 'approve',
            comment: null,
            channel: 'app',
          },
        ],
      });
    }
    expect(s.status).toBe('completed');
    expect(dry.outcome).toBe('completed');
    // The same edges, the same steps, the same people asked (the delegate for the away manager), the same deadline.
    expect(Object.keys(s.run.traversals).sort()).toEqual([...new Set(dry.edges)].sort());
    expect(dry.steps.map((x) => x.nodeId)).toEqual(s.run.steps.map((x) => x.nodeId));
    expect(dry.steps.map((x) => x.asked)).toEqual(
      s.run.steps.map((x) => x.approvers.map((a) => ({ userId: a.userId, onBehalfOf: a.onBehalfOf }))),
    );
    expect(dry.steps[0]!.asked).toEqual([{ userId: deputy.id, onBehalfOf: boss.id }]);
    // Each deadline is 2 business hours on the calendar after its step opened (the workflow's steps
    // open when the votes came; the dry run's at its simulated time).
    const { addBusinessTime } = await import('../../workflows/kernel/business-calendar.js');
    const due = (x: { openedAt: string }) =>
      new Date(addBusinessTime(officeHours, Date.parse(x.openedAt), 2 * HOUR)).toISOString();
    expect(dry.steps[1]!.deadlineAt).toBe(due(dry.steps[1]!));
    // (the workflow's clock starts when those asked are found, a moment after the step opened)
    const late = Date.parse(s.run.steps[1]!.deadlineAt!) - Date.parse(due(s.run.steps[1]!));
    expect(late).toBeGreaterThanOrEqual(0);
    expect(late).toBeLessThan(5_000);
    expect(dry.steps.map((x) => !!x.deadlineAt)).toEqual(s.run.steps.map((x) => !!x.deadlineAt));
    expect(dry.steps.map((x) => x.answeredBy.map((a) => a.userId))).toEqual(
      s.run.steps.map((x) => x.approvers.filter((a) => a.state === 'approved').map((a) => a.userId)),
    );
  }, 60_000);
});
