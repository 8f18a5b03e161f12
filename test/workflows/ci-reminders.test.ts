/**
 * A CI's end-date reminders on the time-skipping server (issue 15), with the real activity
 * (PostgreSQL, and a real SMTP server on loopback): 90 / 30 / 7 days before, each once; a moved
 * date cancels the old reminders and sets new ones; the plan itself (pure) for dates set late.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { randomUUID } from 'node:crypto';
import { createActivities } from '../../activities/index.js';
import { ConfigurationItem, Organization, User } from '../../db/entities/index.js';
import { type Orm, TENANT_FILTER, openDatabase, orgEm } from '../../db/orm.js';
import { createSmtpMailer } from '../../deploy/mailer.js';
import { ciDatesSignal, ciRemindersQuery, ciRemindersWorkflowId } from '../../workflows/cmdb/messages.js';
import { ciRemindersWorkflow } from '../../workflows/cmdb/reminders.js';
import { reminderPlan } from '../../workflows/kernel/cmdb-reminders.js';
import { TEST_DATABASE_URL, temporalTestServer, workflowBundlePath } from '../support/env.js';
import { startSmtpSink, type SmtpSink } from '../support/smtp.js';

const DAY = 86_400_000;
let env: TestWorkflowEnvironment;
let orm: Orm;
let smtp: SmtpSink;
let org: Organization;
let owner: User;
const taskQueue = `ci-reminders-${randomUUID()}`;

const startWorker = () =>
  Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: { codePath: workflowBundlePath() },
    activities: createActivities({ orm, mailer: createSmtpMailer(smtp.url, 'cmdb@lintas.test') }),
  }).then((w) => ({ w, running: w.run() }));
let worker: Awaited<ReturnType<typeof startWorker>> | null = null;

beforeAll(async () => {
  smtp = await startSmtpSink();
  env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: temporalTestServer() } },
  });
  orm = await openDatabase({ url: TEST_DATABASE_URL, poolMax: 3 });
  const em = orm.em.fork();
  org = em.create(Organization, { slug: `c${randomUUID().slice(0, 8)}`, name: 'CMDB reminders' });
  em.setFilterParams(TENANT_FILTER, { orgId: org.id });
  owner = em.create(User, {
    organization: org,
    email: `owner@${org.slug}.test`,
    displayName: 'Owner',
    role: 'agent',
    passwordHash: 'x',
    active: true,
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
});

const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const mailsFor = (name: string) => smtp.mails.filter((m) => m.subject.startsWith(`${name}:`)).map((m) => m.subject);

async function ci(name: string, licenceExpiry: string) {
  const em = orgEm(orm, org.id);
  const item = em.create(ConfigurationItem, {
    organization: org.id,
    name,
    classKey: 'licence',
    status: 'in_use',
    statusChangedAt: new Date(),
    attributes: {},
    licenceExpiry,
    ownerUser: owner,
  });
  await em.flush();
  return item;
}

describe('CI end-date reminders', () => {
  it('remind 90, 30 and 7 days before, each once; a moved date cancels the old ones and sets new ones', async () => {
    const now = await env.currentTimeMs();
    const first = isoDate(now + 120 * DAY);
    const item = await ci('office-licence', first);
    const handle = await env.client.workflow.start(ciRemindersWorkflow, {
      workflowId: ciRemindersWorkflowId(org.id, item.id),
      taskQueue,
      args: [{ orgId: org.id, ciId: item.id, revision: 1, dates: [{ kind: 'licenceExpiry', date: first }] }],
    });
    expect((await handle.query(ciRemindersQuery)).next).toBe(
      new Date(Date.parse(`${first}T09:00:00Z`) - 90 * DAY).toISOString(),
    );
    await env.sleep(31 * DAY + 60_000); // past the 90-day reminder
    await smtp.waitFor((m) => m.subject === `office-licence: licence expires in 90 days (${first})`);

    // The licence is renewed for a year: what was planned for the old date is never sent.
    const renewed = isoDate(Date.parse(`${first}T00:00:00Z`) + 365 * DAY);
    const em = orgEm(orm, org.id);
    await em.nativeUpdate(ConfigurationItem, { id: item.id }, { licenceExpiry: renewed, revision: 2 });
    await handle.signal(ciDatesSignal, { revision: 2, dates: [{ kind: 'licenceExpiry', date: renewed }] });
    // An older signal arriving late does not undo it.
    await handle.signal(ciDatesSignal, { revision: 1, dates: [{ kind: 'licenceExpiry', date: first }] });
    await env.sleep(95 * DAY); // past the old date's 30- and 7-day reminders, and the date itself
    expect(mailsFor('office-licence')).toEqual([`office-licence: licence expires in 90 days (${first})`]);
    expect((await handle.query(ciRemindersQuery)).dates).toEqual([{ kind: 'licenceExpiry', date: renewed }]);

    await env.sleep(365 * DAY);
    await smtp.waitFor((m) => m.subject === `office-licence: licence expires in 7 days (${renewed})`);
    expect(mailsFor('office-licence')).toEqual([
      `office-licence: licence expires in 90 days (${first})`,
      `office-licence: licence expires in 90 days (${renewed})`,
      `office-licence: licence expires in 30 days (${renewed})`,
      `office-licence: licence expires in 7 days (${renewed})`,
    ]);
    // Nothing left to remind: the workflow has ended.
    await handle.result();
  });

  it('plans a date set late: the latest passed threshold now, earlier ones skipped, nothing after the date', () => {
    const now = Date.parse('2026-06-01T12:00:00Z');
    const plan = reminderPlan([{ kind: 'warrantyEnd', date: '2026-06-20' }], new Set(), now);
    expect(plan.due.map((r) => r.key)).toEqual(['warrantyEnd:2026-06-20:30']);
    expect(plan.skip).toEqual(['warrantyEnd:2026-06-20:90']);
    expect(plan.next?.key).toBe('warrantyEnd:2026-06-20:7');
    const gone = reminderPlan([{ kind: 'warrantyEnd', date: '2026-05-01' }], new Set(), now);
    expect(gone.due).toEqual([]);
    expect(gone.next).toBeNull();
  });
});
