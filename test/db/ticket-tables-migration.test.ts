/**
 * Migration20261202050000 moves existing data: an organization's incident counter becomes its INC
 * row in ticket_counters, and every incident event becomes an INC ticket event; 20261202060000
 * keeps the inbox's rows under the ticket's workflow id. On an embedded PGlite database migrated
 * up to the migration before them; down and up again keep the data.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { MikroORM } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { type Orm, ormOptions } from '../../db/orm.js';
import { allocateTicketNumber } from '../../api/kernel/tickets.js';

let orm: Orm;
const org = randomUUID();
const user = randomUUID();

beforeAll(async () => {
  orm = (await MikroORM.init({ ...ormOptions({}), logger: () => undefined })) as unknown as Orm;
  await orm.migrator.up({ to: 'Migration20261201230000' });
  const db = orm.em.getConnection();
  await db.execute(
    `insert into organizations (id, slug, name, next_incident_number, created_at, updated_at) values (?, 'old', 'Old', 42, now(), now())`,
    [org],
  );
  await db.execute(
    `insert into users (id, organization_id, email, display_name, role, active, created_at, updated_at)
     values (?, ?, 'a@old.test', 'A', 'agent', true, now(), now())`,
    [user, org],
  );
  await db.execute(
    `insert into incidents (workflow_id, organization_id, number, title, description, status, impact, urgency, priority, requester_id, created_at, updated_at, revision)
     values ('old/INC-41', ?, 41, 'Printer', 'jammed', 'new', 'low', 'low', 'P4', ?, now(), now(), 2)`,
    [org, user],
  );
  for (const [revision, type, body] of [
    [1, 'created', null],
    [2, 'comment', 'paper jam again'],
  ] as const)
    await db.execute(
      `insert into incident_events (organization_id, incident_workflow_id, revision, type, actor_id, actor_kind, at, data)
       values (?, 'old/INC-41', ?, ?, ?, 'user', now(), ?)`,
      [org, revision, type, user, JSON.stringify(body ? { body } : {})],
    );
  await db.execute(
    `insert into inbox (organization_id, user_id, incident_workflow_id, revision, kind, data, created_at)
     values (?, ?, 'old/INC-41', 2, 'reply', '{}', now())`,
    [org, user],
  );
  await orm.migrator.up();
}, 120_000);

afterAll(async () => {
  await orm?.close();
});

describe('one timeline table and per-type counters (Migration20261202050000)', () => {
  it('keeps every event, typed INC, with its comment still found by its words', async () => {
    const db = orm.em.getConnection();
    const rows = await db.execute(
      `select ticket_type, ticket_workflow_id, revision, type from ticket_events where organization_id = ? order by revision`,
      [org],
    );
    expect(rows).toEqual([
      { ticket_type: 'INC', ticket_workflow_id: 'old/INC-41', revision: 1, type: 'created' },
      { ticket_type: 'INC', ticket_workflow_id: 'old/INC-41', revision: 2, type: 'comment' },
    ]);
    const found = await db.execute(
      `select revision from ticket_events where search_vector @@ to_tsquery('simple', 'jam') and organization_id = ?`,
      [org],
    );
    expect(found).toEqual([{ revision: 2 }]);
  });

  it('continues the incident numbers where the organization left them, and counts other types from 1', async () => {
    const em = orm.em.fork();
    expect(await allocateTicketNumber(em, org, 'incident')).toBe(42);
    expect(await allocateTicketNumber(em, org, 'incident')).toBe(43);
    expect(await allocateTicketNumber(em, org, 'request')).toBe(1);
    expect(await allocateTicketNumber(em, org, 'request')).toBe(2);
    expect(await allocateTicketNumber(em, org, 'incident')).toBe(44);
  });

  it('keeps the in-app notifications, now keyed by the ticket of any type (Migration20261202060000)', async () => {
    expect(
      await orm.em
        .getConnection()
        .execute(`select ticket_workflow_id, kind from inbox where organization_id = ?`, [org]),
    ).toEqual([{ ticket_workflow_id: 'old/INC-41', kind: 'reply' }]);
  });

  it('goes down to the old tables with the incident counter, and up again', async () => {
    // Every migration after the one the data was written under (the inbox's, the counters', and later ones).
    await orm.migrator.down({ to: 'Migration20261201230000' });
    const db = orm.em.getConnection();
    expect(await db.execute(`select next_incident_number from organizations where id = ?`, [org])).toEqual([
      { next_incident_number: 45 },
    ]);
    expect(await db.execute(`select count(*)::int as n from incident_events where organization_id = ?`, [org])).toEqual(
      [{ n: 2 }],
    );
    await orm.migrator.up();
    expect(await allocateTicketNumber(orm.em.fork(), org, 'incident')).toBe(45);
  });
});
