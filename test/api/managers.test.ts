/**
 * Whom people report to (users.manager_id, for flows that ask the requester's manager): set and
 * cleared by an admin, shown with the user, audited; never oneself, never a circle, never a
 * service account or someone of another organization.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startStack, type Stack, type TestOrg } from '../support/stack.js';

let stack: Stack;
let org: TestOrg;
let other: TestOrg;

beforeAll(async () => {
  stack = await startStack({ worker: false });
  [org, other] = await Promise.all([stack.createOrg(), stack.createOrg()]);
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

const setManager = (userId: string, managerId: string | null) =>
  org.admin.api('PATCH', `/api/v1/admin/users/${userId}`, { managerId });

describe("a user's manager", () => {
  it('is set, shown and cleared by an admin, and the audit log says from whom to whom', async () => {
    const set = await setManager(org.requester.id, org.agent.id);
    expect(set.status).toBe(200);
    expect(set.body.managerId).toBe(org.agent.id);
    expect((await org.admin.api('GET', `/api/v1/admin/users/${org.requester.id}`)).body.managerId).toBe(org.agent.id);
    const cleared = await setManager(org.requester.id, null);
    expect(cleared.body.managerId).toBeNull();
    const log = (await org.admin.api('GET', '/api/v1/audit?action=user.update&limit=5')).body.items as {
      before: Record<string, unknown>;
      after: Record<string, unknown>;
    }[];
    expect(log.map((e) => [e.before['managerId'], e.after['managerId']])).toEqual(
      expect.arrayContaining([
        [null, org.agent.id],
        [org.agent.id, null],
      ]),
    );
  });

  it('is given with an invitation', async () => {
    const invited = await org.admin.api('POST', '/api/v1/admin/users', {
      email: `new-${org.slug}@example.test`,
      displayName: 'New Person',
      role: 'requester',
      managerId: org.agent2.id,
    });
    expect(invited.status).toBe(201);
    expect(invited.body.managerId).toBe(org.agent2.id);
  });

  it('is never the person themselves, nor someone who reports to them, directly or through others', async () => {
    const self = await setManager(org.agent.id, org.agent.id);
    expect(self.status).toBe(422);
    expect(self.body.errors).toEqual([{ field: 'managerId', message: 'Nobody is their own manager' }]);
    expect((await setManager(org.agent2.id, org.agent.id)).status).toBe(200); // agent2 → agent
    expect((await setManager(org.requester.id, org.agent2.id)).status).toBe(200); // requester → agent2 → agent
    const circle = await setManager(org.agent.id, org.requester.id);
    expect(circle.status).toBe(422);
    expect(circle.body.code).toBe('validation_failed');
    expect(circle.body.errors[0].field).toBe('managerId');
  });

  it('is a person of the same organization: not another tenant’s user, nor an unknown id', async () => {
    for (const managerId of [other.agent.id, '00000000-0000-4000-8000-000000000000']) {
      const r = await setManager(org.requester.id, managerId);
      expect(r.status).toBe(422);
      expect(r.body.errors[0]).toEqual({ field: 'managerId', message: 'No active person with this id' });
    }
    expect((await setManager(org.requester.id, 'not-a-uuid')).status).toBe(422);
  });
});
