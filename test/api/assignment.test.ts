/**
 * Automatic assignment through the API and the workflow: round-robin under 20 simultaneous
 * creates, skill-based, load-based, category routing, out of office, and the team-queue fallback.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { TeamMember, User } from '../../db/entities/index.js';
import { TENANT_FILTER } from '../../db/orm.js';
import { hashPassword } from '../../api/platform/auth.js';
import { startStack, type Stack, type TestOrg } from '../support/stack.js';

let stack: Stack;
let org: TestOrg;
const people: string[] = [];

beforeAll(async () => {
  stack = await startStack();
  org = await stack.createOrg();
  // Four more agents, so teams can be made of any of them.
  const em = stack.orm.em.fork();
  em.setFilterParams(TENANT_FILTER, { orgId: org.id });
  const hash = await hashPassword('unused password here', 4);
  for (let i = 0; i < 4; i++) {
    const u = em.create(User, {
      organization: org.id,
      email: `a${i}-${randomBytes(3).toString('hex')}@${org.slug}.test`,
      displayName: `Agent ${i}`,
      role: 'agent',
      active: true,
      passwordHash: hash,
    });
    people.push(u.id);
  }
  await em.flush();
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

async function team(
  name: string,
  assignment: string,
  members: { id: string; skills?: string[] }[],
  categories: string[] = [],
) {
  await org.addCategories(...categories, ...members.flatMap((m) => m.skills ?? []));
  const t = await org.admin.api('POST', '/api/v1/admin/teams', { name, assignment, categories });
  expect(t.status).toBe(201);
  for (const m of members) {
    expect(
      (await org.admin.api('PUT', `/api/v1/admin/teams/${t.body.id}/members/${m.id}`, { skills: m.skills ?? [] }))
        .status,
    ).toBe(200);
  }
  return t.body.id as string;
}

const raise = (body: Record<string, unknown>) =>
  org.requester.api('POST', '/api/v1/incidents', { title: 'Help', impact: 'medium', urgency: 'medium', ...body });

function tally(ids: (string | null)[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const id of ids) out[String(id)] = (out[String(id)] ?? 0) + 1;
  return out;
}

describe('automatic assignment', () => {
  it('round-robin spreads 20 simultaneous incidents evenly over 4 members, no turn lost', async () => {
    // The requester may not pick a team; incidents reach the team through its category.
    const teamId = await team(
      'Round robin',
      'round_robin',
      people.map((id) => ({ id })),
      ['rr'],
    );
    const created = await Promise.all(Array.from({ length: 20 }, () => raise({ category: 'rr' })));
    expect(created.every((r) => r.status === 201)).toBe(true);
    expect(created.every((r) => r.body.status === 'assigned' && r.body.teamId === teamId)).toBe(true);
    expect(tally(created.map((r) => r.body.assigneeId))).toEqual(Object.fromEntries(people.map((p) => [p, 5])));
    const timeline = await org.agent.api('GET', `/api/v1/incidents/${created[0]!.body.key}/timeline`);
    expect(timeline.body.items[0].data).toMatchObject({ autoAssigned: 'round_robin' });
  });

  it('skill-based: only members with the category as a skill', async () => {
    await team(
      'Skills',
      'skills',
      [{ id: people[0]! }, { id: people[1]!, skills: ['vpn'] }, { id: people[2]!, skills: ['vpn', 'mail'] }],
      ['vpn', 'mail'],
    );
    const vpn = await Promise.all(Array.from({ length: 4 }, () => raise({ category: 'vpn' })));
    expect(tally(vpn.map((r) => r.body.assigneeId))).toEqual({ [people[1]!]: 2, [people[2]!]: 2 });
    const mail = await raise({ category: 'mail' });
    expect(mail.body.assigneeId).toBe(people[2]);
  });

  it('load-based: the member with the fewest weighted open incidents', async () => {
    const teamId = await team('Load', 'load', [{ id: people[0]! }, { id: people[3]! }], ['load']);
    // Both hold the same five P3s from the round-robin test; two P1s more make people[0] busier.
    for (let i = 0; i < 2; i++) {
      const r = await org.agent.api('POST', '/api/v1/incidents', {
        title: 'Big',
        impact: 'high',
        urgency: 'high',
        assigneeId: people[0],
      });
      expect(r.body.assigneeId).toBe(people[0]);
    }
    const inc = await raise({ category: 'load' });
    expect(inc.body).toMatchObject({ teamId, assigneeId: people[3] });
    // Weighted, not counted: after one more P3 and two P4s, people[3] has more incidents but less weight.
    for (let i = 0; i < 2; i++) {
      await org.agent.api('POST', '/api/v1/incidents', {
        title: 'Small',
        impact: 'low',
        urgency: 'low',
        assigneeId: people[3],
      });
    }
    expect((await raise({ category: 'load' })).body.assigneeId).toBe(people[3]);
  });

  it('skips members out of office, and falls back to the team queue when nobody is available', async () => {
    const teamId = await team('Holiday', 'round_robin', [{ id: org.agent.id }, { id: org.agent2.id }], ['holiday']);
    const until = new Date(Date.now() + 86_400_000).toISOString();
    expect((await org.agent.api('PATCH', '/api/v1/me/preferences', { outOfOfficeUntil: until })).status).toBe(200);
    // The profile page reads the preferences back from /me.
    expect((await org.agent.api('GET', '/api/v1/me')).body.preferences).toEqual({
      locale: 'en',
      notifications: { email: true },
      outOfOfficeUntil: new Date(until).toISOString(),
    });
    const two = await Promise.all([raise({ category: 'holiday' }), raise({ category: 'holiday' })]);
    expect(two.map((r) => r.body.assigneeId)).toEqual([org.agent2.id, org.agent2.id]);
    await org.agent2.api('PATCH', '/api/v1/me/preferences', { outOfOfficeUntil: until });
    const queued = await raise({ category: 'holiday' });
    expect(queued.body).toMatchObject({ teamId, assigneeId: null, status: 'new' });
    await org.agent.api('PATCH', '/api/v1/me/preferences', { outOfOfficeUntil: null });
    await org.agent2.api('PATCH', '/api/v1/me/preferences', { outOfOfficeUntil: null });
  });

  it('a team without a strategy keeps incidents in its queue; an explicit assignee is kept', async () => {
    const teamId = await team('Manual', 'none', [{ id: people[0]! }], ['manual']);
    const q = await raise({ category: 'manual' });
    expect(q.body).toMatchObject({ teamId, assigneeId: null });
    const em = stack.orm.em.fork();
    em.setFilterParams(TENANT_FILTER, { orgId: org.id });
    expect(await em.count(TeamMember, { team: teamId })).toBe(1);
    const explicit = await org.agent.api('POST', '/api/v1/incidents', {
      title: 'Mine',
      category: 'rr',
      assigneeId: org.agent.id,
    });
    expect(explicit.body.assigneeId).toBe(org.agent.id);
  });

  it('removing the lead from the team also ends their being its lead', async () => {
    const id = await team('Led', 'none', [{ id: org.agent.id }, { id: org.agent2.id }]);
    expect((await org.admin.api('PATCH', `/api/v1/admin/teams/${id}`, { leadId: org.agent.id })).body.leadId).toBe(
      org.agent.id,
    );
    expect((await org.admin.api('DELETE', `/api/v1/admin/teams/${id}/members/${org.agent2.id}`)).status).toBe(204);
    const kept = (await org.admin.api('GET', '/api/v1/admin/teams')).body.items.find(
      (t: { id: string }) => t.id === id,
    );
    expect(kept.leadId).toBe(org.agent.id);
    expect((await org.admin.api('DELETE', `/api/v1/admin/teams/${id}/members/${org.agent.id}`)).status).toBe(204);
    const led = (await org.admin.api('GET', '/api/v1/admin/teams')).body.items.find((t: { id: string }) => t.id === id);
    expect(led).toMatchObject({ leadId: null, members: [] });
  });
});
