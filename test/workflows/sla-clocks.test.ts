/**
 * SLA clocks in the incident workflow on the time-skipping server, with the real projection and
 * notification activities (PostgreSQL, and a real SMTP server on loopback): deadlines on business
 * hours, escalation levels firing once each at the right minute, pauses, priority changes, reopen,
 * and a worker that is down when a level falls due.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { randomUUID } from 'node:crypto';
import { createActivities } from '../../activities/index.js';
import { Organization, User } from '../../db/entities/index.js';
import { type Orm, TENANT_FILTER, openDatabase } from '../../db/orm.js';
import { createSmtpMailer } from '../../deploy/mailer.js';
import {
  type Actor,
  incidentWorkflowId,
  openUpdate,
  priorityUpdate,
  stateQuery,
  transitionUpdate,
} from '../../workflows/incident/messages.js';
import { incidentWorkflow } from '../../workflows/incident/workflow.js';
import type { BusinessCalendar } from '../../workflows/kernel/business-calendar.js';
import type { Level } from '../../workflows/kernel/priority.js';
import { DEFAULT_ESCALATIONS, DEFAULT_TARGETS, type SlaPolicySnapshot } from '../../workflows/kernel/sla.js';
import { TEST_DATABASE_URL, temporalTestServer, workflowBundlePath } from '../support/env.js';
import { startSmtpSink, type SmtpSink } from '../support/smtp.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const jakarta: BusinessCalendar = {
  timeZone: 'Asia/Jakarta',
  week: [[], ...Array.from({ length: 5 }, () => [{ start: '08:00', end: '17:00' }]), []],
  holidays: [],
};
const policy: SlaPolicySnapshot = {
  policyId: 'test',
  version: 3,
  name: 'Jakarta office hours',
  targets: DEFAULT_TARGETS,
  calendar: jakarta,
  pauseOn: ['customer', 'vendor'],
  escalations: DEFAULT_ESCALATIONS,
};

let env: TestWorkflowEnvironment;
let orm: Orm;
let smtp: SmtpSink;
let org: Organization;
let agent: User;
const actor: Actor = { userId: null, kind: 'user' };
let n = 0;
const taskQueue = `sla-${randomUUID()}`;

function startWorker() {
  return Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: { codePath: workflowBundlePath() },
    activities: createActivities({
      orm,
      mailer: createSmtpMailer(smtp.url, 'sla@lintas.test'),
    }),
  }).then((w) => ({ w, running: w.run() }));
}
let worker: Awaited<ReturnType<typeof startWorker>>;

beforeAll(async () => {
  smtp = await startSmtpSink();
  env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: temporalTestServer() } },
  });
  orm = await openDatabase({ url: TEST_DATABASE_URL, poolMax: 3 });
  const em = orm.em.fork();
  org = em.create(Organization, { slug: `s${randomUUID().slice(0, 8)}`, name: 'SLA tests' });
  em.setFilterParams(TENANT_FILTER, { orgId: org.id });
  agent = em.create(User, {
    organization: org,
    email: `agent@${org.slug}.test`,
    displayName: 'Agen',
    role: 'agent',
    passwordHash: 'x',
    active: true,
    locale: 'id',
  });
  await em.flush();
  actor.userId = agent.id;
  worker = await startWorker();
}, 120_000);

afterAll(async () => {
  worker?.w.shutdown();
  await worker?.running;
  await env?.teardown();
  await orm?.close();
  await smtp?.close();
});

/** Advances the test server's clock to the next given weekday and Jakarta wall time. */
async function advanceTo(weekday: number, hh: number, mm: number): Promise<number> {
  const now = await env.currentTimeMs();
  const jakartaNow = new Date(now + 7 * HOUR);
  let target =
    Date.UTC(jakartaNow.getUTCFullYear(), jakartaNow.getUTCMonth(), jakartaNow.getUTCDate(), hh, mm) - 7 * HOUR;
  while (target <= now + MIN || new Date(target + 7 * HOUR).getUTCDay() !== weekday) target += DAY;
  await env.sleep(target - now);
  return target;
}

async function raise(impact: Level, urgency: Level, sla: SlaPolicySnapshot = policy) {
  n += 1;
  const handle = await env.client.workflow.start(incidentWorkflow, {
    workflowId: incidentWorkflowId(org.slug, n),
    taskQueue,
    args: [
      {
        kind: 'new',
        incident: {
          orgId: org.id,
          orgSlug: org.slug,
          number: n,
          title: `SLA ${n}`,
          description: '',
          impact,
          urgency,
          category: null,
          requesterId: agent.id,
          assigneeId: agent.id,
          teamId: null,
          createdBy: actor,
          autoCloseAfterMs: 3 * DAY,
          sla,
        },
      },
    ],
  });
  await handle.executeUpdate(openUpdate);
  return handle;
}

const jkt = (iso: string) => Date.parse(`${iso}+07:00`);
/** The Jakarta wall time of an instant, `YYYY-MM-DD HH:MM` and its weekday (0 = Sunday). */
const wall = (t: number) => {
  const d = new Date(t + 7 * HOUR);
  return `${['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][d.getUTCDay()]} ${d.toISOString().slice(11, 16)}`;
};

describe('SLA clocks on business hours', () => {
  it('a P1 raised Friday 16:30 Jakarta breaches response Monday 08:30; each level fires once, at its minute, and mails once', async () => {
    const raisedAt = await advanceTo(5, 16, 30);
    const h = await raise('high', 'high');
    let s = await h.query(stateQuery);
    expect(s.priority).toBe('P1');
    expect(wall(s.sla!.response.dueAt!)).toBe('Mon 08:30');
    expect(wall(s.sla!.resolution.dueAt!)).toBe('Mon 11:30');
    // The weekend passes without any escalation.
    await env.sleep(2 * DAY + 14 * HOUR); // Monday 06:30
    s = await h.query(stateQuery);
    expect(s.sla!.escalations).toEqual([]);
    await env.sleep(6 * HOUR); // Monday 12:30: every response and resolution level is due
    s = await h.query(stateQuery);
    const taken = s.sla!.escalations.map((e) => `${e.clock} ${e.fraction} ${wall(Date.parse(e.at))}`);
    expect(taken).toEqual([
      'response 0.75 Mon 08:15',
      'response 0.9 Mon 08:24',
      'response 1 Mon 08:30',
      'resolution 0.75 Mon 10:30',
      'resolution 0.9 Mon 11:06',
      'resolution 1 Mon 11:30',
    ]);
    expect(wall(s.sla!.response.breachedAt!)).toBe('Mon 08:30');
    expect(s.sla!.response.fired).toEqual([0.75, 0.9, 1]);
    // More time passes: nothing fires twice.
    await env.sleep(3 * DAY);
    expect((await h.query(stateQuery)).sla!.escalations).toHaveLength(6);
    // The assignee (locale id) was mailed for the levels that notify the assignee: 0.75 and 0.9 of each clock.
    const mine = smtp.mails.filter((m) => m.subject.includes(`[INC-${n}]`));
    expect(mine).toHaveLength(4);
    expect(mine.every((m) => m.to === agent.email)).toBe(true);
    expect(mine[0]!.subject).toMatch(/target respons terpakai/);
    expect(new Set(mine.map((m) => m.messageId)).size).toBe(4);
    expect(raisedAt).toBe(jkt(new Date(raisedAt + 7 * HOUR).toISOString().slice(0, 10) + 'T16:30:00'));
  });

  it('pauses while pending on the customer and moves the deadline by the pause', async () => {
    await advanceTo(2, 9, 0); // Tuesday 09:00
    const h = await raise('medium', 'medium'); // P3: response 8 h, resolution 48 h
    await h.executeUpdate(transitionUpdate, { args: [{ to: 'in_progress', actor }] });
    let s = await h.query(stateQuery);
    expect(s.sla!.response.metAt).not.toBeNull();
    const due = s.sla!.resolution.dueAt!;
    await env.sleep(HOUR); // Tuesday 10:00
    await h.executeUpdate(transitionUpdate, { args: [{ to: 'pending', pendingReason: 'customer', actor }] });
    s = await h.query(stateQuery);
    expect(s.sla!.resolution.runningSince).toBeNull();
    await env.sleep(2 * DAY); // Thursday 10:00, two business days waiting on the customer
    await h.executeUpdate(transitionUpdate, { args: [{ to: 'in_progress', actor }] });
    s = await h.query(stateQuery);
    // Two calendar days paused (Tuesday 10:00 → Thursday 10:00) move the deadline by two days.
    expect(s.sla!.resolution.dueAt! - due).toBeGreaterThanOrEqual(2 * DAY);
    expect(s.sla!.resolution.dueAt! - due).toBeLessThan(2 * DAY + 5000);
    expect(s.sla!.escalations).toEqual([]);
  });

  it('retargets on a priority change; a level already passed under the new target fires at once', async () => {
    await advanceTo(3, 9, 0); // Wednesday 09:00
    const h = await raise('low', 'low'); // P4: response 24 h business
    await env.sleep(2 * HOUR); // 11:00: 2 h used
    await h.executeUpdate(priorityUpdate, { args: [{ impact: 'high', urgency: 'high', actor }] }); // P1: response 1 h
    await env.sleep(MIN);
    const s = await h.query(stateQuery);
    expect(s.priority).toBe('P1');
    expect(s.sla!.response.targetMs).toBe(HOUR);
    expect(s.sla!.escalations.filter((e) => e.clock === 'response').map((e) => e.fraction)).toEqual([0.75, 0.9, 1]);
  });

  it('a breach that raises the priority keeps the breached clock as it was; the running one is retargeted', async () => {
    const raising: SlaPolicySnapshot = {
      ...policy,
      escalations: [{ fraction: 1, actions: [{ type: 'raise_priority' }] }],
    };
    await advanceTo(1, 9, 0); // Monday 09:00
    const h = await raise('low', 'low', raising); // P4: response 24 h, resolution 1 week (business)
    const before = await h.query(stateQuery);
    const responseDue = before.sla!.response.dueAt!;
    await env.sleep(responseDue - (await env.currentTimeMs()) + MIN);
    const after = await h.query(stateQuery);
    expect(after.priority).toBe('P3');
    // Breached at its due time, and still due then: the raise did not move it.
    expect(after.sla!.response.breachedAt).not.toBeNull();
    expect(after.sla!.response.dueAt).toBe(responseDue);
    expect(after.sla!.response.targetMs).toBe(24 * HOUR);
    // The resolution clock runs on, now under the P3 target of 48 h.
    expect(after.sla!.resolution.targetMs).toBe(48 * HOUR);
    expect(after.sla!.resolution.dueAt).toBeLessThan(before.sla!.resolution.dueAt!);
    // A later manual priority change leaves the breached clock alone too.
    await h.executeUpdate(priorityUpdate, { args: [{ impact: 'high', urgency: 'high', actor }] });
    const manual = await h.query(stateQuery);
    expect(manual.sla!.response.dueAt).toBe(responseDue);
    expect(manual.sla!.response.targetMs).toBe(24 * HOUR);
  });

  it('reopen resumes the resolution clock with the time already used', async () => {
    await advanceTo(4, 9, 0); // Thursday 09:00
    const h = await raise('medium', 'high'); // P2: resolution 24 h business
    await h.executeUpdate(transitionUpdate, { args: [{ to: 'in_progress', actor }] });
    await env.sleep(2 * HOUR);
    await h.executeUpdate(transitionUpdate, {
      args: [{ to: 'resolved', resolutionCode: 'solved', resolutionNotes: 'ok', actor }],
    });
    let s = await h.query(stateQuery);
    const used = s.sla!.resolution.elapsedMs;
    // Two hours of work (plus the milliseconds the test itself took between commands).
    expect(used).toBeGreaterThanOrEqual(2 * HOUR);
    expect(used).toBeLessThan(2 * HOUR + 5000);
    expect(s.sla!.resolution.metAt).not.toBeNull();
    await env.sleep(HOUR);
    await h.executeUpdate(transitionUpdate, { args: [{ to: 'in_progress', reason: 'still broken', actor }] });
    s = await h.query(stateQuery);
    expect(s.sla!.resolution.metAt).toBeNull();
    // The hour while resolved does not count; the time used before does.
    expect(s.sla!.resolution.elapsedMs).toBe(used);
    expect(s.sla!.resolution.runningSince).not.toBeNull();
  });
});
