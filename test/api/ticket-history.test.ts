/**
 * The audit timeline read from Temporal history, against the real stack: commands sent over HTTP
 * must show up as readable entries with the right actors, across continue-as-new runs too.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type HistoryEntry, readTicketHistory } from '../../api/kernel/ticket-history.js';
import { INCIDENT_HISTORY } from '../../api/incident/history-words.js';
import { startDevServer, type DevServer } from '../../deploy/temporal-dev.js';
import { incidentWorkflowId } from '../../workflows/incident/messages.js';
import { freePort } from '../support/global-setup.js';
import { startStack, type Stack, type TestOrg } from '../support/stack.js';

const AUTO_CLOSE_MS = 3 * 86_400_000;

/** The history read until `done` holds: the worker's last workflow task may land just after a reply. */
async function historyUntil(stack: Stack, id: string, done: (h: HistoryEntry[]) => boolean): Promise<HistoryEntry[]> {
  for (let i = 0; ; i++) {
    const h = await readTicketHistory(stack.client, id, INCIDENT_HISTORY);
    if (h && (done(h) || i >= 50)) return h;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('ticket history', () => {
  let stack: Stack;
  let org: TestOrg;

  beforeAll(async () => {
    stack = await startStack({ autoCloseAfterMs: AUTO_CLOSE_MS });
    org = await stack.createOrg();
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it('shows who did what: start, updates with actors, persistence, the auto-close timer', async () => {
    const created = await org.requester.api('POST', '/api/v1/incidents', { title: 'Printer on fire', impact: 'low' });
    expect(created.status).toBe(201);
    const inc = created.body;
    const id = incidentWorkflowId(org.slug, inc.number);
    expect(inc.workflowId).toBe(id);
    const longBody = `Smoke ${'x'.repeat(5000)}`;
    const steps: [typeof org.agent, string, Record<string, unknown>][] = [
      [org.agent, 'assignment', { assigneeId: org.agent.id, teamId: org.teamId }],
      [org.agent, 'transitions', { to: 'in_progress' }],
      [org.requester, 'comments', { body: longBody }],
      [org.agent, 'transitions', { to: 'resolved', resolutionCode: 'solved', resolutionNotes: 'Extinguished' }],
    ];
    for (const [who, path, body] of steps) {
      const res = await who.api('POST', `/api/v1/incidents/${inc.key}/${path}`, body);
      expect({ path, status: res.status }).toEqual({ path, status: path === 'comments' ? 201 : 200 });
    }

    const history = await historyUntil(stack, id, (h) => h.some((e) => e.kind === 'timer_started'));

    const started = history[0]!;
    expect(started).toMatchObject({ kind: 'workflow_started', actorUserId: org.requester.id });
    expect(started.summary).toBe(`Incident ${inc.key} opened: "Printer on fire"`);
    expect(new Set(history.map((e) => e.runId))).toEqual(new Set([started.runId]));
    const ids = history.map((e) => e.eventId);
    expect(ids).toEqual([...ids].sort((x, y) => x - y));
    expect(history.every((e) => !Number.isNaN(Date.parse(e.at)) && e.at.endsWith('Z'))).toBe(true);
    expect(history.map((e) => e.at)).toEqual(history.map((e) => e.at).sort());

    const commands = history.filter((e) => e.kind === 'update_accepted' && e.details['updateName'] !== 'open');
    expect(commands.map((e) => [e.details['updateName'], e.actorUserId])).toEqual([
      ['assign', org.agent.id],
      ['transition', org.agent.id],
      ['comment', org.requester.id],
      ['transition', org.agent.id],
    ]);
    expect(commands.map((e) => e.summary)).toEqual([
      `Update 'assign' received: assignee ${org.agent.id}, team ${org.teamId}`,
      "Update 'transition' received: to in_progress",
      expect.stringMatching(/^Update 'comment' received: comment "Smoke x+…"$/),
      "Update 'transition' received: to resolved, resolution solved",
    ]);
    expect(commands.every((e) => typeof e.details['updateId'] === 'string')).toBe(true);
    // A long comment is capped, never copied whole.
    expect((commands[2]!.details['input'] as { body: string }).body).toHaveLength(200);
    expect(JSON.stringify(history)).not.toContain('x'.repeat(300));

    const completed = history.filter((e) => e.kind === 'update_completed' && e.details['updateName'] !== 'open');
    expect(completed.map((e) => [e.summary, e.actorUserId])).toEqual([
      ["Update 'assign' completed (revision 2, assigned)", org.agent.id],
      ["Update 'transition' completed (revision 3, in_progress)", org.agent.id],
      ["Update 'comment' completed (revision 4, in_progress)", org.requester.id],
      ["Update 'transition' completed (revision 5, resolved)", org.agent.id],
    ]);
    expect(history.some((e) => e.kind === 'update_rejected')).toBe(false);

    const activitiesDone = history.filter((e) => e.kind === 'activity_completed');
    // The creation is one write; each change after it is stored by the group commit's activity
    // (one change at a time here, since each command waited for the previous one).
    const persisted = activitiesDone.filter((e) => String(e.details['activityType']).startsWith('persistIncident'));
    expect(persisted.map((e) => e.details['activityType'])).toEqual([
      'persistIncident',
      ...Array<string>(4).fill('persistIncidentSteps'),
    ]);
    for (const e of persisted) {
      const type = String(e.details['activityType']);
      expect(e).toMatchObject({ summary: `Activity ${type} completed (attempt 1)`, actorUserId: null });
      expect(e.details).toEqual({ activityType: type, attempt: 1 });
    }
    // Resolving asks the requester for a rating, once.
    expect(activitiesDone.filter((e) => e.details['activityType'] === 'requestRating')).toHaveLength(1);
    expect(activitiesDone).toHaveLength(6);
    expect(history.filter((e) => e.kind === 'activity_scheduled')).toHaveLength(6);

    const resolveAt = history.indexOf(commands[3]!);
    const timer = history.findIndex((e) => e.kind === 'timer_started' && e.details['label'] === 'auto-close');
    expect(timer).toBeGreaterThan(resolveAt);
    const t = history[timer]!;
    expect(t.summary).toBe('Timer started (auto-close, fires in 3 days)');
    expect(t.details['label']).toBe('auto-close');
    expect(t.details['durationMs']).toBeGreaterThan(AUTO_CLOSE_MS - 60_000);
    expect(t.details['durationMs']).toBeLessThanOrEqual(AUTO_CLOSE_MS);
    // The SLA wait is a named timer too; each change re-plans it (cancel + start).
    expect(history.some((e) => e.kind === 'timer_started' && e.details['label'] === 'sla-escalation')).toBe(true);
    // Workflow-task bookkeeping and activity-started events stay out of the audit view.
    expect([...new Set(history.map((e) => e.kind))].sort()).toEqual([
      'activity_completed',
      'activity_scheduled',
      'timer_canceled',
      'timer_started',
      'update_accepted',
      'update_completed',
      'workflow_started',
    ]);
    expect(history.length).toBeLessThan(history.at(-1)!.eventId / 2);
  });

  it('closing by hand cancels the auto-close timer and ends the workflow', async () => {
    const inc = (await org.agent.api('POST', '/api/v1/incidents', { title: 'Short one', assigneeId: org.agent.id }))
      .body;
    const id = incidentWorkflowId(org.slug, inc.number);
    for (const body of [
      { to: 'in_progress' },
      { to: 'resolved', resolutionCode: 'solved', resolutionNotes: 'ok' },
      { to: 'closed' },
    ]) {
      expect((await org.agent.api('POST', `/api/v1/incidents/${inc.key}/transitions`, body)).status).toBe(200);
    }
    const history = await historyUntil(stack, id, (h) => h.at(-1)?.kind === 'workflow_completed');
    const close = history.findIndex((e) => e.summary === "Update 'transition' received: to closed");
    // The revision changes as the handler starts, so the wait's timer is canceled before the write.
    expect(history.slice(close).map((e) => [e.kind, e.summary])).toEqual([
      ['update_accepted', "Update 'transition' received: to closed"],
      ['activity_scheduled', 'Activity persistIncidentSteps scheduled'],
      ['timer_canceled', 'Timer canceled (auto-close)'],
      ['activity_completed', 'Activity persistIncidentSteps completed (attempt 1)'],
      ['update_completed', "Update 'transition' completed (revision 4, closed)"],
      ['workflow_completed', 'Workflow completed (revision 4, closed)'],
    ]);
  });

  it('answers null for a workflow that does not exist', async () => {
    await expect(readTicketHistory(stack.client, `${org.slug}/INC-9999`, INCIDENT_HISTORY)).resolves.toBeNull();
    await expect(readTicketHistory(stack.client, "it's/INC-1", INCIDENT_HISTORY)).resolves.toBeNull();
  });
});

describe('ticket history across continue-as-new', () => {
  let dev: DevServer;
  let stack: Stack;
  let org: TestOrg;

  beforeAll(async () => {
    dev = await startDevServer({
      dbFile: ':memory:',
      port: await freePort(),
      uiPort: await freePort(),
      namespace: 'default',
      headless: true,
      extraArgs: ['--dynamic-config-value', 'limit.historyCount.suggestContinueAsNew=40'],
    });
    stack = await startStack({ temporalAddress: dev.address });
    org = await stack.createOrg();
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
    await dev?.stop();
  });

  it('joins every run, oldest first, each start naming the run it continues', async () => {
    const api = org.agent.api;
    const inc = (await api('POST', '/api/v1/incidents', { title: 'Chatty incident', assigneeId: org.agent.id })).body;
    const id = incidentWorkflowId(org.slug, inc.number);
    const sent: string[] = [];
    for (let i = 0; i < 30; i++) {
      sent.push(`update ${i}`);
      expect((await api('POST', `/api/v1/incidents/${inc.key}/comments`, { body: `update ${i}` })).status).toBe(201);
    }

    const history = (await readTicketHistory(stack.client, id, INCIDENT_HISTORY))!;
    const runs = [...new Set(history.map((e) => e.runId))];
    expect(runs.length).toBeGreaterThanOrEqual(2);
    expect(runs.at(-1)).toBe((await stack.client.workflow.getHandle(id).describe()).runId);
    // Entries of one run are contiguous, and each run after the first starts by naming its predecessor.
    for (let r = 0; r < runs.length; r++) {
      const own = history.filter((e) => e.runId === runs[r]);
      expect(history.slice(history.indexOf(own[0]!), history.indexOf(own.at(-1)!) + 1)).toEqual(own);
      expect(own[0]!.kind).toBe('workflow_started');
      if (r > 0) {
        expect(own[0]!.details['continuedFromRunId']).toBe(runs[r - 1]);
        expect(own[0]!.actorUserId).toBeNull();
      }
      if (r < runs.length - 1)
        expect(own.at(-1)).toMatchObject({ kind: 'continued_as_new', details: { newRunId: runs[r + 1] } });
    }
    expect(history[0]!.actorUserId).toBe(org.agent.id);
    const comments = history.filter((e) => e.kind === 'update_accepted' && e.details['updateName'] === 'comment');
    expect(comments.map((e) => (e.details['input'] as { body: string }).body)).toEqual(sent);
    expect(comments.every((e) => e.actorUserId === org.agent.id)).toBe(true);

    // Cross-check with visibility, waited for as it is eventually consistent: the chain missed no run.
    let listed: string[] = [];
    for (let i = 0; i < 50 && listed.length < runs.length; i++) {
      if (i) await new Promise((r) => setTimeout(r, 100));
      listed = [];
      for await (const w of stack.client.workflow.list({ query: `WorkflowId = '${id}'` })) listed.push(w.runId);
    }
    expect(listed.sort()).toEqual([...runs].sort());
  }, 120_000);
});
