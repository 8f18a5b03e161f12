/**
 * Long-lived tickets: with the server suggesting continue-as-new early, an incident with a long
 * history moves to a new run carrying its state, and keeps taking commands without losing any.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startDevServer, type DevServer } from '../../deploy/temporal-dev.js';
import { ORG_SEARCH_ATTRIBUTE, incidentWorkflowId, stateQuery } from '../../workflows/incident/messages.js';
import { freePort } from '../support/global-setup.js';
import { startStack, type Stack, type TestOrg } from '../support/stack.js';

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

describe('continue-as-new', () => {
  it('carries the state into a new run and keeps every change', async () => {
    const api = org.agent.api;
    const inc = (await api('POST', '/api/v1/incidents', { title: 'Chatty incident', assigneeId: org.agent.id })).body;
    const handle = stack.client.workflow.getHandle(incidentWorkflowId(org.slug, inc.number));
    const firstRun = (await handle.describe()).runId;

    for (let i = 0; i < 30; i++) {
      const res = await api('POST', `/api/v1/incidents/${inc.key}/comments`, { body: `update ${i}` });
      expect(res.status).toBe(201);
    }
    const afterComments = await handle.describe();
    expect(afterComments.runId).not.toBe(firstRun);
    // The new run still carries the organization as a search attribute (DESIGN rule 8).
    expect(afterComments.typedSearchAttributes.get(ORG_SEARCH_ATTRIBUTE)).toBe(org.slug);

    await api('POST', `/api/v1/incidents/${inc.key}/transitions`, { to: 'in_progress' });
    const resolved = await api('POST', `/api/v1/incidents/${inc.key}/transitions`, {
      to: 'resolved',
      resolutionCode: 'solved',
      resolutionNotes: 'Done',
    });
    expect(resolved.body).toMatchObject({ status: 'resolved', revision: 33 });
    await expect(handle.query(stateQuery)).resolves.toMatchObject({
      status: 'resolved',
      revision: 33,
      title: 'Chatty incident',
    });

    const timeline = (await api('GET', `/api/v1/incidents/${inc.key}/timeline`)).body.items as { revision: number }[];
    expect(timeline.map((e) => e.revision)).toEqual(Array.from({ length: 33 }, (_, i) => i + 1));
  }, 120_000);
});
