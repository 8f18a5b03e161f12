/**
 * Records real incident and service request workflow histories into test/workflows/histories/ for the replay test.
 * Not part of `npm test` (its name does not end in .test): run it before changing the workflow, so
 * the histories come from the code that running tickets were started with:
 *
 *   npm test -- --testMatch '**' '/dist/test/workflows/record-histories.js' (without the space)
 *
 * Each scenario drives an incident through the API on the real stack and saves its history as
 * `<label>-<scenario>.json`; files already there are kept (they are the old code's record).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { devServerAddress, temporalCli } from '../support/env.js';
import { startDevServer, type DevServer } from '../../deploy/temporal-dev.js';
import { freePort } from '../support/global-setup.js';
import { startStack, type Stack, type TestOrg } from '../support/stack.js';

const dir = fileURLToPath(new URL('../../../test/workflows/histories/', import.meta.url));
const label = process.env['HISTORY_LABEL'] ?? 'v1';

let stack: Stack;
let org: TestOrg;

beforeAll(async () => {
  stack = await startStack({ autoCloseAfterMs: 3000 });
  org = await stack.createOrg();
  await org.addCategories('printing', 'fast');
  mkdirSync(dir, { recursive: true });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function save(
  name: string,
  workflowId: string,
  waitForClose = false,
  where: { stack?: Stack; address?: string; runId?: string } = {},
) {
  const file = `${dir}${label}-${name}.json`;
  if (existsSync(file)) return;
  if (waitForClose) await (where.stack ?? stack).client.workflow.getHandle(workflowId).result();
  // The CLI writes the standard JSON history format (the SDK's own converter trips over Jest's realms).
  const run = where.runId ? ['--run-id', where.runId] : [];
  const shown = spawnSync(
    temporalCli(),
    [
      'workflow',
      'show',
      '--workflow-id',
      workflowId,
      ...run,
      '--address',
      where.address ?? devServerAddress(),
      '--output',
      'json',
    ],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  if (shown.status !== 0) throw new Error(`temporal workflow show failed: ${shown.stderr}`);
  writeFileSync(file, shown.stdout);
}

function ok(res: { status: number; body: unknown }, status = 200) {
  expect({ status: res.status, body: res.body }).toMatchObject({ status });
  return res.body as any;
}

describe('recording workflow histories', () => {
  it('a full lifecycle: assign, work, notes, pending, priority, workaround, resolve, rate, close', async () => {
    const a = org.agent.api;
    const inc = ok(
      await a('POST', '/api/v1/incidents', {
        title: 'Mail is slow',
        impact: 'medium',
        urgency: 'low',
        requesterId: org.requester.id,
      }),
      201,
    );
    const k = `/api/v1/incidents/${inc.key}`;
    ok(await a('POST', `${k}/assignment`, { assigneeId: org.agent.id, teamId: org.teamId }));
    ok(await a('POST', `${k}/transitions`, { to: 'in_progress' }));
    ok(await a('POST', `${k}/comments`, { body: 'Looking' }), 201);
    ok(await a('POST', `${k}/comments`, { body: 'Queue is long', internal: true }), 201);
    ok(await a('POST', `${k}/transitions`, { to: 'pending', pendingReason: 'customer' }));
    const answered = ok(await org.requester.api('POST', `${k}/comments`, { body: 'Here are the logs' }), 201);
    // Since v2 the requester's reply resumes the work by itself.
    if (answered.incident.status === 'pending') ok(await a('POST', `${k}/transitions`, { to: 'in_progress' }));
    ok(await a('POST', `${k}/priority`, { impact: 'high', reason: 'whole floor' }));
    ok(await a('POST', `${k}/workaround`, { text: 'Use webmail' }));
    ok(await a('POST', `${k}/assignment`, { assigneeId: org.agent2.id }));
    ok(
      await org.agent2.api('POST', `${k}/transitions`, {
        to: 'resolved',
        resolutionCode: 'solved',
        resolutionNotes: 'Queue drained',
      }),
    );
    ok(await org.requester.api('POST', `${k}/rating`, { rating: 4, comment: 'ok' }));
    ok(await a('POST', `${k}/transitions`, { to: 'closed' }));
    await save('lifecycle', inc.workflowId, true);
  });

  it('edits, watchers, and a requester reply that resumes a ticket waiting on them', async () => {
    const a = org.agent.api;
    const inc = ok(
      await a('POST', '/api/v1/incidents', {
        title: 'Wifi slow',
        requesterId: org.requester.id,
        assigneeId: org.agent.id,
      }),
      201,
    );
    const k = `/api/v1/incidents/${inc.key}`;
    ok(await a('PATCH', k, { title: 'Wifi slow on floor 2', impact: 'high', urgency: 'high', category: 'printing' }));
    ok(await a('POST', `${k}/watchers`, { userId: org.agent2.id }));
    ok(await a('POST', `${k}/transitions`, { to: 'in_progress' }));
    ok(await a('POST', `${k}/transitions`, { to: 'pending', pendingReason: 'customer' }));
    ok(await org.requester.api('POST', `${k}/comments`, { body: 'Still slow at 3pm' }), 201);
    ok(await a('DELETE', `${k}/watchers/${org.agent2.id}`));
    ok(await a('POST', `${k}/transitions`, { to: 'cancelled', reason: 'recorded' }));
    await save('edit-watch-customer-reply', inc.workflowId, true);
  });

  it('commands that arrive together (one group-committed write for several since v3)', async () => {
    const a = org.agent.api;
    const inc = ok(await a('POST', '/api/v1/incidents', { title: 'VPN down', assigneeId: org.agent.id }), 201);
    const k = `/api/v1/incidents/${inc.key}`;
    const sent = await Promise.all(
      Array.from({ length: 8 }, (_, i) => a('POST', `${k}/comments`, { body: `seen ${i}`, internal: i % 2 === 1 })),
    );
    for (const res of sent) ok(res, 201);
    ok(await a('POST', `${k}/transitions`, { to: 'cancelled', reason: 'duplicate' }));
    await save('parallel-comments', inc.workflowId, true);
  });

  it('auto-assignment by category, reopen, auto-close; and a cancel', async () => {
    ok(
      await org.admin.api('PATCH', `/api/v1/admin/teams/${org.teamId}`, {
        assignment: 'round_robin',
        categories: ['printing'],
      }),
    );
    const a = org.agent.api;
    const inc = ok(await a('POST', '/api/v1/incidents', { title: 'Printer jam', category: 'printing' }), 201);
    expect(inc.assigneeId).not.toBeNull();
    const k = `/api/v1/incidents/${inc.key}`;
    const owner = inc.assigneeId === org.agent.id ? org.agent.api : org.agent2.api;
    ok(await owner('POST', `${k}/transitions`, { to: 'in_progress' }));
    ok(await owner('POST', `${k}/transitions`, { to: 'resolved', resolutionCode: 'workaround', resolutionNotes: 'x' }));
    ok(await owner('POST', `${k}/transitions`, { to: 'in_progress', reason: 'jammed again' }));
    ok(await owner('POST', `${k}/transitions`, { to: 'resolved', resolutionCode: 'solved', resolutionNotes: 'y' }));
    // closes itself after the stack's 3-second auto-close period
    await save('auto-assign-reopen-autoclose', inc.workflowId, true);

    const gone = ok(await a('POST', '/api/v1/incidents', { title: 'Never mind' }), 201);
    ok(await a('POST', `/api/v1/incidents/${gone.key}/transitions`, { to: 'cancelled', reason: 'duplicate' }));
    await save('cancel', gone.workflowId, true);
  });

  it('SLA escalations up to a breach that raises the priority and hands over to the team lead', async () => {
    ok(await org.admin.api('PATCH', `/api/v1/admin/teams/${org.teamId}`, { leadId: org.agent2.id }));
    const minute = { responseMinutes: 1, resolutionMinutes: 2 };
    ok(
      await org.admin.api('POST', '/api/v1/admin/sla-policies', {
        name: 'Fast',
        rank: 1,
        definition: {
          conditions: { categories: ['fast'] },
          targets: { P1: minute, P2: minute, P3: minute, P4: minute },
          calendar: {
            timeZone: 'UTC',
            week: Array.from({ length: 7 }, () => [{ start: '00:00', end: '00:00' }]),
            holidays: [],
          },
          escalations: [
            { fraction: 0.05, actions: [{ type: 'notify', to: 'assignee' }] },
            {
              fraction: 1,
              actions: [
                { type: 'raise_priority' },
                { type: 'reassign_to_team_lead' },
                { type: 'notify', to: 'admins' },
              ],
            },
          ],
        },
      }),
      201,
    );
    const inc = ok(
      await org.agent.api('POST', '/api/v1/incidents', {
        title: 'Site down',
        category: 'fast',
        impact: 'low',
        urgency: 'low',
        assigneeId: org.agent.id,
        teamId: org.teamId,
      }),
      201,
    );
    // Response breach at 60 s: raise_priority and the hand-over happen then.
    for (let i = 0; i < 80; i++) {
      const now = ok(await org.agent.api('GET', `/api/v1/incidents/${inc.key}`));
      if (now.sla.response.state === 'breached' && now.priority !== inc.priority) break;
      await sleep(1000);
    }
    await sleep(3000); // a priority raise retargets: let a later wake happen too
    ok(
      await org.agent2.api('POST', `/api/v1/incidents/${inc.key}/transitions`, { to: 'cancelled', reason: 'recorded' }),
    );
    await save('sla-breach-raise', inc.workflowId, true);
  }, 150_000);
});

describe('recording service request histories', () => {
  let item = '';
  beforeAll(async () => {
    const a = org.admin.api;
    const flow = ok(
      await a('POST', '/api/v1/flows', {
        name: 'Both agents',
        definition: {
          nodes: [
            { id: 'start', type: 'start' },
            {
              id: 'agents',
              type: 'approval',
              approvers: [{ kind: 'users', userIds: [org.agent.id, org.agent2.id] }],
              rule: { kind: 'all' },
            },
            { id: 'approved', type: 'end', outcome: 'approved' },
            { id: 'rejected', type: 'end', outcome: 'rejected' },
          ],
          edges: [
            { from: 'start', to: 'agents' },
            { from: 'agents', to: 'approved', when: 'approved' },
            { from: 'agents', to: 'rejected', when: 'rejected' },
          ],
        },
      }),
      201,
    );
    ok(await a('POST', `/api/v1/flows/${flow.id}/publish`, { revision: 1 }));
    const cat = ok(await a('POST', '/api/v1/catalog/categories', { key: 'things', name: { en: 'Things' } }), 201);
    item = 'monitor';
    ok(
      await a('POST', '/api/v1/catalog/items', {
        key: item,
        categoryId: cat.id,
        name: { en: 'Monitor' },
        fields: [{ id: 'size', type: 'number', label: { en: 'Size' }, required: true }],
        flowId: flow.id,
        fulfilmentTeamId: org.teamId,
      }),
      201,
    );
  });
  const order = async () =>
    ok(await org.requester.api('POST', '/api/v1/requests', { item, answers: { size: 27 } }), 201);
  const asked = async (key: string) => {
    for (let i = 0; i < 200; i++) {
      const r = ok(await org.agent.api('GET', `/api/v1/requests/${key}`));
      if (r.steps[0]?.status === 'open') return;
      await sleep(50);
    }
    throw new Error('never asked');
  };

  it('approved by both, fulfilled, commented and rated', async () => {
    const r = await order();
    await asked(r.key);
    ok(await org.agent.api('POST', `/api/v1/requests/${r.key}/approvals/agents`, { decision: 'approve' }));
    ok(
      await org.agent2.api('POST', `/api/v1/requests/${r.key}/approvals/agents`, {
        decision: 'approve',
        comment: 'ok',
      }),
    );
    ok(await org.requester.api('POST', `/api/v1/requests/${r.key}/comments`, { body: 'Thanks' }), 201);
    ok(await org.agent.api('POST', `/api/v1/requests/${r.key}/tasks/approved/complete`, { note: 'Delivered' }));
    ok(await org.requester.api('POST', `/api/v1/requests/${r.key}/rating`, { rating: 5 }));
    await save('request-fulfilled', r.workflowId, true);
  });

  it('rejected by one approver', async () => {
    const r = await order();
    await asked(r.key);
    ok(
      await org.agent.api('POST', `/api/v1/requests/${r.key}/approvals/agents`, {
        decision: 'reject',
        comment: 'No budget',
      }),
    );
    await save('request-rejected', r.workflowId, true);
  });

  it('cancelled by the requester while waiting', async () => {
    const r = await order();
    await asked(r.key);
    ok(await org.requester.api('POST', `/api/v1/requests/${r.key}/cancel`, { reason: 'Found one' }));
    await save('request-cancelled', r.workflowId, true);
  });
});

describe('recording a continue-as-new', () => {
  let dev: DevServer;
  let long: Stack;
  afterAll(async () => {
    await long?.stop();
    await dev?.stop();
  });

  it('an incident whose history grows past the suggestion: the run that continues, and the run it starts', async () => {
    // A server that suggests continue-as-new after 40 events (the default is thousands).
    dev = await startDevServer({
      dbFile: ':memory:',
      port: await freePort(),
      uiPort: await freePort(),
      namespace: 'default',
      headless: true,
      extraArgs: ['--dynamic-config-value', 'limit.historyCount.suggestContinueAsNew=40'],
    });
    long = await startStack({ temporalAddress: dev.address, autoCloseAfterMs: 3000 });
    const o = await long.createOrg();
    const inc = ok(await o.agent.api('POST', '/api/v1/incidents', { title: 'Chatty', assigneeId: o.agent.id }), 201);
    const handle = long.client.workflow.getHandle(inc.workflowId);
    const firstRun = (await handle.describe()).runId;
    for (let i = 0; i < 30; i++)
      ok(await o.agent.api('POST', `/api/v1/incidents/${inc.key}/comments`, { body: `update ${i}` }), 201);
    expect((await handle.describe()).runId).not.toBe(firstRun);
    const k = `/api/v1/incidents/${inc.key}`;
    ok(await o.agent.api('POST', `${k}/transitions`, { to: 'in_progress' }));
    ok(
      await o.agent.api('POST', `${k}/transitions`, {
        to: 'resolved',
        resolutionCode: 'solved',
        resolutionNotes: 'ok',
      }),
    );
    await save('continue-as-new-first-run', inc.workflowId, false, { address: dev.address, runId: firstRun });
    // The later run closes itself after the 3-second auto-close period.
    await save('continue-as-new-last-run', inc.workflowId, true, { stack: long, address: dev.address });
  }, 150_000);
});
