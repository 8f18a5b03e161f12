/**
 * Escalations through a crash: the worker process is killed (SIGKILL) right after an incident
 * starts, its SLA levels fall due while no worker runs, and a new worker fires each level exactly
 * once, delivering one signed webhook per level to a real HTTP receiver on loopback.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { webhookSignature } from '../../activities/kernel/notify.js';
import { Notification, Organization } from '../../db/entities/index.js';
import { TENANT_FILTER } from '../../db/orm.js';
import { incidentWorkflowId, openUpdate, stateQuery } from '../../workflows/incident/messages.js';
import { incidentWorkflow } from '../../workflows/incident/workflow.js';
import { ALWAYS_OPEN } from '../../workflows/kernel/business-calendar.js';
import { DEFAULT_TARGETS, type SlaPolicySnapshot } from '../../workflows/kernel/sla.js';
import { workerProcesses } from '../support/worker-processes.js';
import { startStack, type Stack, type TestOrg } from '../support/stack.js';

const SECRET = 'webhook-secret-for-tests';

let stack: Stack;
let org: TestOrg;
let receiver: Server;
const deliveries: { eventId: string; body: string; signature: string }[] = [];
let workers: ReturnType<typeof workerProcesses>;

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      deliveries.push({
        eventId: String(req.headers['x-lintas-event-id']),
        body,
        signature: String(req.headers['x-lintas-signature']),
      });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((ok) => receiver.listen(0, '127.0.0.1', ok));
  stack = await startStack({ worker: false });
  workers = workerProcesses(stack.taskQueue);
  org = await stack.createOrg();
  const em = stack.orm.em.fork();
  em.setFilterParams(TENANT_FILTER, { orgId: org.id });
  const o = await em.findOneOrFail(Organization, { id: org.id });
  o.settings = {
    notifications: {
      webhooks: [{ url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`, secret: SECRET }],
    },
  };
  await em.flush();
}, 120_000);

afterAll(async () => {
  workers?.killAll();
  await stack?.stop();
  await new Promise((ok) => receiver?.close(ok));
});

describe('SLA escalation while the worker is down', () => {
  it('fires each level once when a worker returns, and delivers one signed webhook per level', async () => {
    // Seconds-long targets so the levels fall due within the test: response 4 s, resolution 1 h.
    const policy: SlaPolicySnapshot = {
      policyId: 'fast',
      version: 1,
      name: 'Fast',
      targets: { ...DEFAULT_TARGETS, P1: { responseMinutes: 4 / 60, resolutionMinutes: 60 } },
      calendar: ALWAYS_OPEN,
      pauseOn: ['customer'],
      escalations: [
        { fraction: 0.5, actions: [{ type: 'notify', to: 'assignee' }] },
        { fraction: 1, actions: [{ type: 'notify', to: 'assignee' }] },
      ],
    };
    const first = await workers.start();
    const workflowId = incidentWorkflowId(org.slug, 9001);
    const handle = await stack.client.workflow.start(incidentWorkflow, {
      workflowId,
      taskQueue: stack.taskQueue,
      args: [
        {
          kind: 'new',
          incident: {
            orgId: org.id,
            orgSlug: org.slug,
            number: 9001,
            title: 'Core switch down',
            description: '',
            impact: 'high',
            urgency: 'high',
            category: null,
            requesterId: org.requester.id,
            assigneeId: org.agent.id,
            teamId: null,
            createdBy: { userId: org.agent.id, kind: 'user' },
            autoCloseAfterMs: 86_400_000,
            sla: policy,
          },
        },
      ],
    });
    await handle.executeUpdate(openUpdate);
    await workers.kill(first);
    // Both levels (2 s and 4 s) fall due with no worker running.
    await new Promise((r) => setTimeout(r, 6_000));
    expect(deliveries).toEqual([]);
    await workers.start();
    let s = await handle.query(stateQuery);
    for (let i = 0; i < 100 && s.sla!.escalations.length < 2; i++) {
      await new Promise((r) => setTimeout(r, 100));
      s = await handle.query(stateQuery);
    }
    expect(s.sla!.escalations.map((e) => `${e.clock} ${e.fraction}`)).toEqual(['response 0.5', 'response 1']);
    expect(s.sla!.response.breachedAt).not.toBeNull();
    // Wait for the deliveries, then a little longer to see that nothing comes twice.
    for (let i = 0; i < 100 && deliveries.length < 2; i++) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 1500));
    expect(deliveries.map((d) => d.eventId).sort()).toEqual(
      [`${workflowId}:sla:response:0.5:4000`, `${workflowId}:sla:response:1:4000`].sort(),
    );
    for (const d of deliveries) {
      const ts = Number(/t=(\d+)/.exec(d.signature)![1]);
      expect(d.signature).toBe(webhookSignature(SECRET, ts, d.body));
      expect(JSON.parse(d.body)).toMatchObject({ event: 'sla.escalation', incident: { key: 'INC-9001' } });
    }
    const em = stack.orm.em.fork();
    em.setFilterParams(TENANT_FILTER, { orgId: org.id });
    const ledger = await em.find(Notification, { eventKey: { $like: `${workflowId}:%` } });
    expect(ledger.map((x) => `${x.channel}:${x.status}`).sort()).toEqual(['webhook:sent', 'webhook:sent']);
    // The read model shows the breach.
    const row = await org.agent.api('GET', `/api/v1/incidents/INC-9001`);
    expect(row.body.sla.response).toMatchObject({ state: 'breached' });
  }, 60_000);
});
