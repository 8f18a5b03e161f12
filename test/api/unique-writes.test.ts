/**
 * The same admin write sent several times at once: one succeeds, the others get the 409 and
 * stable code a sequential repeat gets (or the same success, for writes that are upserts), never a
 * 500. And every unique constraint of the schema has a declared meaning for clients.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { UNIQUE_CONSTRAINTS } from '../../api/kernel/unique-constraints.js';
import { startStack, type HttpResult, type Stack, type TestOrg } from '../support/stack.js';

let stack: Stack;
let org: TestOrg;

beforeAll(async () => {
  stack = await startStack({ worker: false });
  org = await stack.createOrg();
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

const calendar = {
  timeZone: 'UTC',
  week: Array.from({ length: 7 }, () => [{ start: '09:00', end: '17:00' }]),
  holidays: [],
};
const minute = { responseMinutes: 60, resolutionMinutes: 240 };
const targets = { P1: minute, P2: minute, P3: minute, P4: minute };

/** Sends the same request `n` times at once; returns the answers. */
async function atOnce(n: number, send: () => Promise<HttpResult>): Promise<HttpResult[]> {
  return Promise.all(Array.from({ length: n }, send));
}

/** One or more successes with `ok`, every other answer a 409 with `code`. */
function oneWins(results: HttpResult[], ok: number[], code: string | null) {
  const seen = results.map((r) => (ok.includes(r.status) ? 'ok' : `${r.status} ${r.body?.code}`));
  expect(seen.filter((s) => s === 'ok').length).toBeGreaterThanOrEqual(1);
  expect(seen.filter((s) => s !== 'ok')).toEqual(seen.filter((s) => s !== 'ok').map(() => `409 ${code}`));
}

describe('concurrent duplicate writes', () => {
  it('inviting the same e-mail: one invitation, the rest 409 email_taken', async () => {
    const body = { email: 'twin@example.test', displayName: 'Twin', role: 'agent' };
    oneWins(await atOnce(6, () => org.admin.api('POST', '/api/v1/admin/users', body)), [201], 'email_taken');
    const users = (await org.admin.api('GET', '/api/v1/admin/users')).body.items;
    expect(users.filter((u: { email: string }) => u.email === body.email)).toHaveLength(1);
  });

  it('creating a team twice at once, and renaming two teams to one name', async () => {
    oneWins(
      await atOnce(6, () => org.admin.api('POST', '/api/v1/admin/teams', { name: 'Network' })),
      [201],
      'name_taken',
    );
    const a = (await org.admin.api('POST', '/api/v1/admin/teams', { name: 'A' })).body;
    const b = (await org.admin.api('POST', '/api/v1/admin/teams', { name: 'B' })).body;
    oneWins(
      await Promise.all(
        [a, b, a, b].map((t) => org.admin.api('PATCH', `/api/v1/admin/teams/${t.id}`, { name: 'Same' })),
      ),
      [200],
      'name_taken',
    );
  });

  it('the same SLA policy name at once', async () => {
    const body = { name: 'Gold', definition: { targets, calendar } };
    oneWins(await atOnce(6, () => org.admin.api('POST', '/api/v1/admin/sla-policies', body)), [201], 'name_taken');
  });

  it('the same role grant and the same team member at once are one idempotent success each', async () => {
    const grant = { permissions: ['incident.read', 'incident.history', 'user.read'] };
    const grants = await atOnce(6, () => org.admin.api('PUT', '/api/v1/admin/roles/cab_member', grant));
    expect(grants.map((r) => r.status)).toEqual(grants.map(() => 200));
    const roles = (await org.admin.api('GET', '/api/v1/admin/roles')).body.roles;
    expect(roles.find((r: { role: string }) => r.role === 'cab_member').permissions).toEqual(
      [...grant.permissions].sort(),
    );

    const members = await atOnce(6, () =>
      org.admin.api('PUT', `/api/v1/admin/teams/${org.teamId}/members/${org.outsider.id}`, { skills: ['vpn'] }),
    );
    expect(members.map((r) => r.status)).toEqual(members.map(() => 200));
    const team = members[0]!.body;
    expect(team.members.filter((m: { userId: string }) => m.userId === org.outsider.id)).toEqual([
      { userId: org.outsider.id, skills: ['vpn'] },
    ]);
    expect(stack.logs.filter((l) => l.includes('"level":50'))).toEqual([]);
  });
});

describe('unique constraints of the schema', () => {
  it('each has a declared meaning for clients (a 409 code, an upsert, or why no request reaches it)', async () => {
    const rows = await stack.orm.em.fork().execute<{ name: string }[]>(
      `select conname as name from pg_constraint
        where contype in ('u', 'p') and connamespace = 'public'::regnamespace
       union
       select indexname from pg_indexes
        where schemaname = 'public' and indexdef like 'CREATE UNIQUE%'`,
    );
    const names = rows.map((r) => r.name).sort();
    expect(names.length).toBeGreaterThan(20);
    expect(names.filter((n) => !(n in UNIQUE_CONSTRAINTS))).toEqual([]);
  });
});
