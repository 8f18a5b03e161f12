/**
 * Kills the worker process (SIGKILL) while changes are in flight, starts a new one, and checks that
 * nothing was lost or doubled: every request completes once, the timeline has one event per
 * revision, and the read model matches the workflow.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { stateQuery, incidentWorkflowId } from '../../workflows/incident/messages.js';
import { workerProcesses } from '../support/worker-processes.js';
import { startStack, type Stack, type TestOrg } from '../support/stack.js';

let stack: Stack;
let org: TestOrg;
let workers: ReturnType<typeof workerProcesses>;

beforeAll(async () => {
  stack = await startStack({ worker: false });
  workers = workerProcesses(stack.taskQueue);
  org = await stack.createOrg();
}, 120_000);

afterAll(async () => {
  workers?.killAll();
  await stack?.stop();
});

describe('worker crash in the middle of a lifecycle', () => {
  it('loses nothing and doubles nothing', async () => {
    let worker = await workers.start();
    const api = org.agent.api;
    const inc = (
      await api('POST', '/api/v1/incidents', { title: 'Core switch flapping', impact: 'high', urgency: 'high' })
    ).body;
    await api('POST', `/api/v1/incidents/${inc.key}/assignment`, { assigneeId: org.agent.id, teamId: org.teamId });

    // Changes in flight while the worker dies. Each either lands, or is answered 503 not_applied
    // (the API waits only seconds for a worker) and then really is not applied: sent again with
    // its Idempotency-Key it lands, once.
    const send = (path: string, body: unknown, key: string) =>
      api('POST', `/api/v1/incidents/${inc.key}/${path}`, body, { 'Idempotency-Key': key });
    const untilApplied = async (path: string, body: unknown, key: string) => {
      let res = await send(path, body, key);
      for (let i = 0; i < 20 && res.status === 503; i++) {
        expect(res.body.outcome).toBe('not_applied');
        await new Promise((r) => setTimeout(r, 500));
        res = await send(path, body, key);
      }
      return res;
    };
    const start = untilApplied('transitions', { to: 'in_progress' }, 'start');
    const comments = Array.from({ length: 5 }, (_, i) =>
      untilApplied('comments', { body: `note ${i}`, internal: i % 2 === 1 }, `note-${i}`),
    );
    await new Promise((r) => setTimeout(r, 15));
    await workers.kill(worker);
    await new Promise((r) => setTimeout(r, 500));
    worker = await workers.start();

    const results = await Promise.all([start, ...comments]);
    expect(results.map((r) => r.status)).toEqual([200, 201, 201, 201, 201, 201]);

    // Again, this time during a later step, and carry on to the end.
    const pend = untilApplied('transitions', { to: 'pending', pendingReason: 'vendor' }, 'pend');
    await new Promise((r) => setTimeout(r, 10));
    await workers.kill(worker);
    worker = await workers.start();
    expect((await pend).status).toBe(200);
    for (const body of [
      { to: 'in_progress' },
      { to: 'resolved', resolutionCode: 'solved', resolutionNotes: 'Replaced the optic' },
      { to: 'closed' },
    ]) {
      expect((await untilApplied('transitions', body, `to-${body.to}`)).status).toBe(200);
    }

    const final = (await api('GET', `/api/v1/incidents/${inc.key}`)).body;
    const timeline = (await api('GET', `/api/v1/incidents/${inc.key}/timeline`)).body.items as {
      revision: number;
      type: string;
      data: Record<string, unknown>;
    }[];
    // 1 created + 1 assigned + 1 start + 5 comments + pend, resume, resolve, close
    expect(timeline).toHaveLength(12);
    expect(timeline.map((e) => e.revision)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    expect(final).toMatchObject({ status: 'closed', revision: 12 });
    const bodies = timeline
      .filter((e) => e.type === 'comment' || e.type === 'work_note')
      .map((e) => e.data['body'])
      .sort();
    expect(bodies).toEqual(['note 0', 'note 1', 'note 2', 'note 3', 'note 4']);
    const moves = timeline.filter((e) => e.type === 'status_changed').map((e) => e.data['to']);
    expect(moves).toEqual(['in_progress', 'pending', 'in_progress', 'resolved', 'closed']);

    const handle = stack.client.workflow.getHandle(incidentWorkflowId(org.slug, inc.number));
    const result = await handle.result();
    expect(result.revision).toBe(final.revision);
    await expect(handle.query(stateQuery)).resolves.toMatchObject({ status: 'closed', revision: 12 });
  }, 120_000);
});
