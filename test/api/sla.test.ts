/**
 * SLA through the API: policies chosen by conditions and rank, versions fixed per ticket, the
 * organization's priority matrix, reprioritizing (retargets the clocks), and refused definitions.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { expectProblem } from '../support/problems.js';
import { startStack, type Stack, type TestOrg } from '../support/stack.js';

let stack: Stack;
let org: TestOrg;

beforeAll(async () => {
  stack = await startStack();
  org = await stack.createOrg();
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

const officeHours = {
  timeZone: 'Asia/Jakarta',
  week: [[], ...Array.from({ length: 5 }, () => [{ start: '08:00', end: '17:00' }]), []],
  holidays: ['2026-12-25'],
};
const targets = {
  P1: { responseMinutes: 30, resolutionMinutes: 240 },
  P2: { responseMinutes: 120, resolutionMinutes: 960 },
  P3: { responseMinutes: 480, resolutionMinutes: 2880 },
  P4: { responseMinutes: 1440, resolutionMinutes: 10080 },
};
const raise = (body: Record<string, unknown>) =>
  org.agent.api('POST', '/api/v1/incidents', {
    title: 'Something broke',
    impact: 'medium',
    urgency: 'medium',
    ...body,
  });

describe('SLA policies', () => {
  it('new incidents get the first matching active policy by rank, else the default; versions stay with tickets', async () => {
    await org.addCategories('network', 'printing');
    const created = await org.admin.api('POST', '/api/v1/admin/sla-policies', {
      name: 'Network, office hours',
      rank: 10,
      definition: { conditions: { categories: ['network'] }, targets, calendar: officeHours },
    });
    expect(created.status).toBe(201);
    const net = await raise({ category: 'network' });
    expect(net.body.sla.policy).toEqual({ id: created.body.id, version: 1, name: 'Network, office hours' });
    expect(net.body.sla.response).toMatchObject({ targetMinutes: 480, metAt: null });
    const other = await raise({ category: 'printing' });
    expect(other.body.sla.policy).toMatchObject({ id: 'default', name: 'Default' });
    expect(other.body.sla.response.targetMinutes).toBe(480);
    expect(other.body.sla.resolution.targetMinutes).toBe(2880);

    const v2 = await org.admin.api('PUT', `/api/v1/admin/sla-policies/${created.body.id}`, {
      name: 'Network, office hours',
      rank: 10,
      definition: {
        conditions: { categories: ['network'] },
        targets: { ...targets, P3: { responseMinutes: 60, resolutionMinutes: 600 } },
        calendar: officeHours,
      },
    });
    expect(v2.body.version).toBe(2);
    const newer = await raise({ category: 'network' });
    expect(newer.body.sla.policy.version).toBe(2);
    expect(newer.body.sla.response.targetMinutes).toBe(60);
    // The first ticket keeps version 1.
    const first = await org.agent.api('GET', `/api/v1/incidents/${net.body.key}`);
    expect(first.body.sla.policy.version).toBe(1);
    expect(first.body.sla.response.targetMinutes).toBe(480);
    const audit = await org.admin.api('GET', '/api/v1/audit?action=sla.');
    expect(audit.body.items.map((e: any) => e.action)).toEqual(['sla.policy_create', 'sla.policy_update']);
  });

  it('a requester-group condition matches incidents raised by members of the named teams', async () => {
    const vip = await org.admin.api('POST', '/api/v1/admin/teams', { name: 'Executives' });
    expect(vip.status).toBe(201);
    expect(
      (await org.admin.api('PUT', `/api/v1/admin/teams/${vip.body.id}/members/${org.requester.id}`, {})).status,
    ).toBe(200);
    const definition = { conditions: { requesterTeams: [vip.body.id] }, targets, calendar: officeHours };
    const policy = await org.admin.api('POST', '/api/v1/admin/sla-policies', {
      name: 'Executives',
      rank: 5,
      definition,
    });
    expect(policy.status).toBe(201);
    try {
      const mine = await org.requester.api('POST', '/api/v1/incidents', { title: 'Board laptop' });
      expect(mine.body.sla.policy).toMatchObject({ id: policy.body.id, name: 'Executives' });
      const others = await raise({});
      expect(others.body.sla.policy.id).toBe('default');
    } finally {
      await org.admin.api('PUT', `/api/v1/admin/sla-policies/${policy.body.id}`, {
        name: 'Executives',
        active: false,
        definition,
      });
    }
    const unknown = await org.admin.api('POST', '/api/v1/admin/sla-policies', {
      name: 'Ghosts',
      definition: { ...definition, conditions: { requesterTeams: ['00000000-0000-4000-8000-000000000000'] } },
    });
    expectProblem(unknown, 422, 'validation_failed');
  });

  it('refuses bad definitions with field errors', async () => {
    const bad = [
      { targets, calendar: { ...officeHours, timeZone: 'Mars/Olympus' } },
      { targets, calendar: { ...officeHours, week: officeHours.week.slice(1) } },
      { targets: { P1: targets.P1 }, calendar: officeHours },
      { targets: { ...targets, P1: { responseMinutes: 300, resolutionMinutes: 60 } }, calendar: officeHours },
      {
        targets,
        calendar: officeHours,
        escalations: [{ fraction: 0.5, actions: [{ type: 'notify', to: 'everyone' }] }],
      },
    ];
    for (const definition of bad) {
      expectProblem(
        await org.admin.api('POST', '/api/v1/admin/sla-policies', { name: `bad ${Math.random()}`, definition }),
        422,
        'validation_failed',
      );
    }
    expectProblem(await org.agent.api('GET', '/api/v1/admin/sla-policies'), 403, 'forbidden');
  });
});

describe('priority', () => {
  it('follows the organization’s impact × urgency matrix', async () => {
    const matrix = {
      high: { high: 'P1', medium: 'P1', low: 'P2' },
      medium: { high: 'P2', medium: 'P2', low: 'P3' },
      low: { high: 'P3', medium: 'P4', low: 'P4' },
    };
    const set = await org.admin.api('PATCH', '/api/v1/admin/settings', { priorityMatrix: matrix });
    expect(set.status).toBe(200);
    try {
      expect((await raise({ impact: 'high', urgency: 'medium' })).body.priority).toBe('P1');
      expect((await raise({ impact: 'medium', urgency: 'medium' })).body.priority).toBe('P2');
    } finally {
      await org.admin.api('PATCH', '/api/v1/admin/settings', {
        priorityMatrix: {
          high: { high: 'P1', medium: 'P2', low: 'P3' },
          medium: { high: 'P2', medium: 'P3', low: 'P4' },
          low: { high: 'P3', medium: 'P4', low: 'P4' },
        },
      });
    }
    expectProblem(
      await org.admin.api('PATCH', '/api/v1/admin/settings', { priorityMatrix: { high: { high: 'P9' } } }),
      422,
      'validation_failed',
    );
  });

  it('recomputes the priority when impact or urgency changes and retargets the SLA', async () => {
    const inc = await raise({ impact: 'low', urgency: 'low' });
    expect(inc.body.priority).toBe('P4');
    expect(inc.body.sla.resolution.targetMinutes).toBe(7 * 24 * 60);
    const up = await org.agent.api('POST', `/api/v1/incidents/${inc.body.key}/priority`, {
      impact: 'high',
      urgency: 'high',
      reason: 'whole floor affected',
    });
    expect(up.status).toBe(200);
    expect(up.body).toMatchObject({ priority: 'P1', impact: 'high', urgency: 'high' });
    expect(up.body.sla.resolution.targetMinutes).toBe(240);
    expect(Date.parse(up.body.sla.resolution.dueAt)).toBeLessThan(Date.parse(inc.body.sla.resolution.dueAt));
    const timeline = await org.agent.api('GET', `/api/v1/incidents/${inc.body.key}/timeline`);
    expect(timeline.body.items.at(-1)).toMatchObject({
      type: 'priority_changed',
      data: { from: 'P4', to: 'P1', reason: 'whole floor affected' },
    });
    expectProblem(
      await org.agent.api('POST', `/api/v1/incidents/${inc.body.key}/priority`, { impact: 'high' }),
      422,
      'invalid_command',
    );
    expectProblem(
      await org.agent.api('POST', `/api/v1/incidents/${inc.body.key}/priority`, {}),
      422,
      'validation_failed',
    );
    expectProblem(
      await org.requester.api('POST', `/api/v1/incidents/${inc.body.key}/priority`, { impact: 'low' }),
      403,
      'forbidden',
    );
  });
});

describe('notification channels', () => {
  it('admins set Slack, Teams and signed webhooks; secrets are never shown or audited, and kept when sent back as shown', async () => {
    const channels = {
      slackWebhookUrl: 'https://hooks.slack.test/services/T000/B000/sekret-slack-token',
      teamsWebhookUrl: 'https://example.webhook.office.test/webhookb2/sekret-teams-token',
      webhooks: [{ url: 'https://receiver.test/lintas', secret: 'a-webhook-secret-of-32-characters' }],
    };
    const set = await org.admin.api('PATCH', '/api/v1/admin/settings', { notifications: channels });
    expect(set.status).toBe(200);
    const shown = (await org.admin.api('GET', '/api/v1/admin/settings')).body.notifications;
    expect(shown).toEqual({
      slackWebhookUrl: 'https://hooks.slack.test/********',
      teamsWebhookUrl: 'https://example.webhook.office.test/********',
      webhooks: [{ url: 'https://receiver.test/lintas', secret: '********' }],
    });
    // Sending the view back (plus a new webhook with its secret) keeps the stored secrets.
    const more = {
      ...shown,
      webhooks: [...shown.webhooks, { url: 'https://second.test/hook', secret: 'another-secret-0123456789' }],
    };
    expect((await org.admin.api('PATCH', '/api/v1/admin/settings', { notifications: more })).status).toBe(200);
    const em = stack.orm.em.fork();
    const rows = await em.execute<{ settings: any }[]>('select settings from organizations where id = ?', [org.id]);
    const stored = rows[0]!.settings.notifications;
    expect(stored).toEqual({ ...channels, webhooks: [...channels.webhooks, more.webhooks[1]] });

    const refused = [
      { ...shown, webhooks: [{ url: 'https://new.test/hook', secret: '********' }] },
      { ...shown, slackWebhookUrl: 'ftp://files.test/x' },
      { ...shown, webhooks: [{ url: 'https://x.test', secret: 'short' }] },
    ];
    for (const notifications of refused) {
      expectProblem(
        await org.admin.api('PATCH', '/api/v1/admin/settings', { notifications }),
        422,
        'validation_failed',
      );
    }
    const audit = await org.admin.api('GET', '/api/v1/audit?action=org.settings_change');
    expect(JSON.stringify(audit.body)).not.toMatch(/sekret|a-webhook-secret|another-secret/);
    await org.admin.api('PATCH', '/api/v1/admin/settings', {
      notifications: { slackWebhookUrl: null, teamsWebhookUrl: null, webhooks: [] },
    });
  });
});
