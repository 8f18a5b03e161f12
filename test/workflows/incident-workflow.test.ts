/**
 * The incident workflow on the time-skipping test server, with the real projection activity
 * writing to PostgreSQL: auto-close after the configured period, and reopen cancelling it.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { randomUUID } from 'node:crypto';
import { createActivities } from '../../activities/index.js';
import { Incident, Organization, TicketEvent, User } from '../../db/entities/index.js';
import { type Orm, TENANT_FILTER, openDatabase } from '../../db/orm.js';
import {
  assignUpdate,
  commentUpdate,
  incidentWorkflowId,
  openUpdate,
  stateQuery,
  transitionUpdate,
  type Actor,
} from '../../workflows/incident/messages.js';
import { incidentWorkflow } from '../../workflows/incident/workflow.js';
import { TEST_DATABASE_URL, temporalTestServer, workflowBundlePath } from '../support/env.js';

const DAY = 86_400_000;
const actor: Actor = { userId: null, kind: 'user' };

let env: TestWorkflowEnvironment;
let orm: Orm;
let worker: Worker;
let running: Promise<void>;
let org: Organization;
let user: User;
const taskQueue = `ts-${randomUUID()}`;
let n = 0;

beforeAll(async () => {
  env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: temporalTestServer() } },
  });
  orm = await openDatabase({ url: TEST_DATABASE_URL, poolMax: 3 });
  const em = orm.em.fork();
  org = em.create(Organization, {
    slug: `w${randomUUID().slice(0, 8)}`,
    name: 'Workflow tests',
  });
  em.setFilterParams(TENANT_FILTER, { orgId: org.id });
  user = em.create(User, {
    organization: org,
    email: `${org.slug}@wf.test`,
    displayName: 'Agent',
    role: 'agent',
    passwordHash: 'x',
    active: true,
  });
  await em.flush();
  actor.userId = user.id;
  worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: { codePath: workflowBundlePath() },
    activities: createActivities({ orm }),
  });
  running = worker.run();
}, 120_000);

afterAll(async () => {
  worker?.shutdown();
  await running;
  await env?.teardown();
  await orm?.close();
});

async function startIncident(autoCloseAfterMs = 3 * DAY) {
  n += 1;
  const workflowId = incidentWorkflowId(org.slug, n);
  const handle = await env.client.workflow.start(incidentWorkflow, {
    workflowId,
    taskQueue,
    args: [
      {
        kind: 'new',
        incident: {
          orgId: org.id,
          orgSlug: org.slug,
          number: n,
          title: `Incident ${n}`,
          description: '',
          impact: 'medium',
          urgency: 'high',
          category: null,
          requesterId: user.id,
          assigneeId: user.id,
          teamId: null,
          createdBy: actor,
          autoCloseAfterMs,
        },
      },
    ],
  });
  await handle.executeUpdate(openUpdate);
  return handle;
}

async function resolve(handle: Awaited<ReturnType<typeof startIncident>>) {
  await handle.executeUpdate(transitionUpdate, { args: [{ to: 'in_progress', actor }] });
  return handle.executeUpdate(transitionUpdate, {
    args: [{ to: 'resolved', resolutionCode: 'solved', resolutionNotes: 'Replaced the toner', actor }],
  });
}

/** The business rejection carried by a failed update. */
async function rejection(p: Promise<unknown>): Promise<{ type: unknown; message: unknown }> {
  try {
    await p;
  } catch (err) {
    const cause = (err as { cause?: { type?: unknown; message?: unknown } }).cause;
    return { type: cause?.type, message: cause?.message };
  }
  throw new Error('expected the update to be rejected');
}

async function stored(workflowId: string) {
  const em = orm.em.fork();
  em.setFilterParams(TENANT_FILTER, { orgId: org.id });
  const incident = await em.findOneOrFail(Incident, { workflowId });
  const events = await em.find(TicketEvent, { ticketWorkflowId: workflowId }, { orderBy: { revision: 'asc' } });
  return { incident, events };
}

describe('incident workflow (time-skipping server)', () => {
  it('closes a resolved incident by itself after three days and records it', async () => {
    const handle = await startIncident();
    const resolved = await resolve(handle);
    expect(resolved.status).toBe('resolved');
    expect(Date.parse(resolved.autoCloseAt!) - Date.parse(resolved.resolvedAt!)).toBe(3 * DAY);

    const before = Date.parse(resolved.resolvedAt!);
    const result = await handle.result();
    expect(result.status).toBe('closed');
    expect(Date.parse(result.closedAt!) - before).toBeGreaterThanOrEqual(3 * DAY);
    expect(Date.parse(result.closedAt!) - before).toBeLessThan(3 * DAY + 60_000);

    const { incident, events } = await stored(handle.workflowId);
    expect(incident.status).toBe('closed');
    expect(events.at(-1)).toMatchObject({
      type: 'status_changed',
      actorKind: 'system',
      data: { to: 'closed', reason: 'auto_close' },
    });
  });

  it('does not close before the period is over', async () => {
    const handle = await startIncident();
    await resolve(handle);
    await env.sleep(3 * DAY - 60_000);
    expect((await handle.query(stateQuery)).status).toBe('resolved');
    await env.sleep(120_000);
    expect((await handle.query(stateQuery)).status).toBe('closed');
  });

  it('reopening cancels the auto-close, and a second resolve starts a fresh period', async () => {
    const handle = await startIncident();
    await resolve(handle);
    await env.sleep(2 * DAY);
    const reopened = await handle.executeUpdate(transitionUpdate, {
      args: [{ to: 'in_progress', reason: 'Still broken', actor }],
    });
    expect(reopened).toMatchObject({ status: 'in_progress', reopenCount: 1, autoCloseAt: null, resolvedAt: null });

    await env.sleep(5 * DAY);
    expect((await handle.query(stateQuery)).status).toBe('in_progress');

    const again = await handle.executeUpdate(transitionUpdate, {
      args: [{ to: 'resolved', resolutionCode: 'solved', resolutionNotes: 'Fixed for real', actor }],
    });
    await env.sleep(3 * DAY - 60_000);
    expect((await handle.query(stateQuery)).status).toBe('resolved');
    const result = await handle.result();
    expect(result.status).toBe('closed');
    expect(Date.parse(result.closedAt!) - Date.parse(again.resolvedAt!)).toBeGreaterThanOrEqual(3 * DAY);
    const { events } = await stored(handle.workflowId);
    expect(events.map((e) => e.revision)).toEqual(events.map((_, i) => i + 1));
  });

  it('uses the configured period', async () => {
    const handle = await startIncident(6 * 3_600_000);
    const resolved = await resolve(handle);
    const result = await handle.result();
    expect(Date.parse(result.closedAt!) - Date.parse(resolved.resolvedAt!)).toBeGreaterThanOrEqual(6 * 3_600_000);
    expect(Date.parse(result.closedAt!) - Date.parse(resolved.resolvedAt!)).toBeLessThan(7 * 3_600_000);
  });

  it('refuses an illegal transition in the validator and records nothing', async () => {
    const handle = await startIncident();
    expect(await rejection(handle.executeUpdate(transitionUpdate, { args: [{ to: 'closed', actor }] }))).toEqual({
      type: 'illegal_transition',
      message: "An incident in status 'assigned' cannot move to 'closed'",
    });
    expect(
      await rejection(handle.executeUpdate(assignUpdate, { args: [{ assigneeId: user.id, teamId: null, actor }] })),
    ).toEqual({
      type: 'invalid_command',
      message: 'The incident already has this assignee and team',
    });
    expect(
      await rejection(
        handle.executeUpdate(transitionUpdate, { args: [{ to: 'in_progress', actor, expectedRevision: 7 }] }),
      ),
    ).toEqual({
      type: 'stale_revision',
      message: 'The incident is at revision 1, not 7; reload and try again',
    });
    expect(
      await rejection(
        handle.executeUpdate(commentUpdate, { args: [{ body: 'nul \u0000 byte', internal: false, actor }] }),
      ),
    ).toEqual({ type: 'invalid_command', message: 'body must be well-formed Unicode without control characters' });
    const state = await handle.query(stateQuery);
    expect(state.revision).toBe(1);
    expect((await stored(handle.workflowId)).events).toHaveLength(1);
    await handle.terminate('test done');
  });
});
