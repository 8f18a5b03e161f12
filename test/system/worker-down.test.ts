/**
 * With no worker running, creates and commands are answered within seconds (503
 * temporarily_unavailable, Retry-After) saying the command was not applied — and when a worker
 * returns it really is not: nothing is created or changed behind the client's back, so a client
 * that retries makes no twin. Resending with the same Idempotency-Key then applies it once. A
 * command accepted but slow to finish says its outcome is unknown, and the same key returns it.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { WorkflowExecutionStatusName } from '@temporalio/client';
import { incidentWorkflowId } from '../../workflows/incident/messages.js';
import { expectProblem } from '../support/problems.js';
import { workerProcesses } from '../support/worker-processes.js';
import { startStack, type Stack, type TestOrg } from '../support/stack.js';

const timeouts = { acceptMs: 1500, skewMs: 500, resultMs: 10_000, readMs: 1500 };
let stack: Stack;
let org: TestOrg;
let workers: ReturnType<typeof workerProcesses>;

beforeAll(async () => {
  stack = await startStack({ worker: false, app: { temporalTimeouts: timeouts } });
  workers = workerProcesses(stack.taskQueue);
  org = await stack.createOrg();
}, 120_000);

afterAll(async () => {
  workers?.killAll();
  await stack?.stop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The answer and how long it took. */
async function timed<T>(call: Promise<T>): Promise<[T, number]> {
  const started = Date.now();
  const res = await call;
  return [res, Date.now() - started];
}

async function statusOf(workflowId: string): Promise<WorkflowExecutionStatusName> {
  return (await stack.client.workflow.getHandle(workflowId).describe()).status.name;
}

describe('the worker is down', () => {
  it('answers 503 not_applied within seconds, applies nothing later, and a resend with the same key applies once', async () => {
    const api = org.agent.api;
    let worker = await workers.start();
    const inc = (await api('POST', '/api/v1/incidents', { title: 'VPN drops', assigneeId: org.agent.id })).body;
    expect(inc.status).toBe('assigned');
    await workers.kill(worker);

    const limit = timeouts.acceptMs + timeouts.skewMs + 1500;
    const [created, createMs] = await timed(
      api('POST', '/api/v1/incidents', { title: 'Printer offline' }, { 'Idempotency-Key': 'down-create' }),
    );
    expectProblem(created, 503, 'temporarily_unavailable');
    expect(created.body.outcome).toBe('not_applied');
    expect(created.headers.get('retry-after')).toBe('5');
    expect(createMs).toBeLessThan(limit);

    const [unkeyed] = await timed(api('POST', '/api/v1/incidents', { title: 'Printer offline (again)' }));
    expectProblem(unkeyed, 503, 'temporarily_unavailable');
    expect(unkeyed.body.outcome).toBe('not_applied');

    const [moved, moveMs] = await timed(
      api(
        'POST',
        `/api/v1/incidents/${inc.key}/transitions`,
        { to: 'in_progress' },
        { 'Idempotency-Key': 'down-start' },
      ),
    );
    expectProblem(moved, 503, 'temporarily_unavailable');
    expect(moved.body.outcome).toBe('not_applied');
    expect(moveMs).toBeLessThan(limit);

    const [live, liveMs] = await timed(api('GET', `/api/v1/incidents/${inc.key}/state`));
    expectProblem(live, 503, 'temporarily_unavailable');
    expect(liveMs).toBeLessThan(timeouts.readMs + 1500);

    // A worker comes back: the stale commands reach it and are dropped, not applied.
    worker = await workers.start();
    const abandoned = [incidentWorkflowId(org.slug, inc.number + 1), incidentWorkflowId(org.slug, inc.number + 2)];
    for (let i = 0; i < 100 && (await Promise.all(abandoned.map(statusOf))).some((s) => s === 'RUNNING'); i++) {
      await sleep(200);
    }
    expect(await Promise.all(abandoned.map(statusOf))).toEqual(['FAILED', 'FAILED']);
    // The incident's own pending task sat on the dead worker's sticky queue until that timed out; once
    // the workflow answers a query again, the new worker has seen (and dropped) the stale command.
    for (let i = 0; i < 60 && (await api('GET', `/api/v1/incidents/${inc.key}/state`)).status !== 200; i++) {
      await sleep(250);
    }
    const list = (await api('GET', '/api/v1/incidents?status=new,assigned,in_progress')).body;
    expect(list.items.map((i: { key: string }) => i.key)).toEqual([inc.key]);
    const still = (await api('GET', `/api/v1/incidents/${inc.key}`)).body;
    expect({ status: still.status, revision: still.revision }).toEqual({ status: 'assigned', revision: inc.revision });

    // The same requests again, with their keys: each applied once.
    const again = await api(
      'POST',
      '/api/v1/incidents',
      { title: 'Printer offline' },
      { 'Idempotency-Key': 'down-create' },
    );
    // The key was seen before, so the answer is a replay (200) — of the one incident made now.
    expect(again.status).toBe(200);
    const twice = await api(
      'POST',
      '/api/v1/incidents',
      { title: 'Printer offline' },
      { 'Idempotency-Key': 'down-create' },
    );
    expect({ status: twice.status, key: twice.body.key }).toEqual({ status: 200, key: again.body.key });
    const started = await api(
      'POST',
      `/api/v1/incidents/${inc.key}/transitions`,
      { to: 'in_progress' },
      { 'Idempotency-Key': 'down-start' },
    );
    expect(started.status).toBe(200);
    expect(started.body.status).toBe('in_progress');
    const timeline = (await api('GET', `/api/v1/incidents/${inc.key}/timeline`)).body.items;
    expect(timeline.filter((e: { type: string }) => e.type === 'status_changed')).toHaveLength(1);
    const open = (await api('GET', '/api/v1/incidents?status=new,assigned,in_progress')).body;
    expect(open.total).toBe(2);
  }, 120_000);
});

describe('a command accepted but slow to finish', () => {
  let slow: Stack;
  let slowOrg: TestOrg;
  beforeAll(async () => {
    // Finishing may take 1 ms at most here, so every accepted command outlives its wait.
    slow = await startStack({ app: { temporalTimeouts: { ...timeouts, resultMs: 1 } } });
    slowOrg = await slow.createOrg();
  }, 120_000);
  afterAll(async () => {
    await slow?.stop();
  });

  it('says its outcome is unknown; the same key then returns the one outcome', async () => {
    const api = slowOrg.agent.api;
    const first = await api('POST', '/api/v1/incidents', { title: 'Slow one' }, { 'Idempotency-Key': 'slow-1' });
    expectProblem(first, 503, 'temporarily_unavailable');
    expect(first.body.outcome).toBe('unknown');
    // It was accepted, so it is created; the same key answers with it.
    let again = first;
    for (let i = 0; i < 50 && again.status !== 200; i++) {
      await sleep(100);
      again = await api('POST', '/api/v1/incidents', { title: 'Slow one' }, { 'Idempotency-Key': 'slow-1' });
    }
    expect(again.status).toBe(200);
    expect(again.body.title).toBe('Slow one');
    const all = (await api('GET', '/api/v1/incidents')).body;
    expect(all.total).toBe(1);
  }, 60_000);
});
