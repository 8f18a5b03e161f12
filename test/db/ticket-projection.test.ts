/**
 * The kernel's projection writer for any ticket type (activities/kernel/projection.ts), with the
 * throwaway note type's row declared as a new type would declare it: a table and a column map. On
 * an embedded PGlite database: a retried write changes nothing twice, an older revision never
 * overwrites a newer one, fixed columns keep their first value, and each event lands once in the
 * shared timeline table with the type's prefix.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { MikroORM } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { type Orm, ormOptions } from '../../db/orm.js';
import { defineProjection } from '../../activities/kernel/projection.js';
import type { TicketEvent } from '../../workflows/runtime/ticket-runtime.js';

interface NoteSnapshot {
  workflowId: string;
  orgId: string;
  number: number;
  notes: string[];
  open: boolean;
  revision: number;
}

// What a new ticket type writes for its read model: its table and one column map.
const NOTES = defineProjection({
  table: 'note_tickets',
  type: 'REQ',
  row: {
    workflow_id: (s: NoteSnapshot) => s.workflowId,
    organization_id: (s: NoteSnapshot) => s.orgId,
    number: (s: NoteSnapshot) => s.number,
    notes: (s: NoteSnapshot) => JSON.stringify(s.notes),
    open: (s: NoteSnapshot) => s.open,
    revision: (s: NoteSnapshot) => s.revision,
  },
  fixed: ['organization_id', 'number'],
});

let orm: Orm;
const org = randomUUID();
const workflowId = 'acme/REQ-7';
const snap = (revision: number, notes: string[], extra: Partial<NoteSnapshot> = {}): NoteSnapshot => ({
  workflowId,
  orgId: org,
  number: 7,
  notes,
  open: true,
  revision,
  ...extra,
});
const event = (revision: number, type: string): TicketEvent => ({
  revision,
  type,
  actor: { userId: null, kind: 'system' },
  at: new Date(Date.UTC(2026, 11, 1, 0, revision)).toISOString(),
  data: { revision },
});

beforeAll(async () => {
  orm = (await MikroORM.init({ ...ormOptions({}), logger: () => undefined })) as unknown as Orm;
  await orm.migrator.up();
  const db = orm.em.getConnection();
  await db.execute(
    `insert into organizations (id, slug, name, created_at, updated_at) values (?, 'acme', 'Acme', now(), now())`,
    [org],
  );
  await db.execute(
    `create table note_tickets (workflow_id varchar(80) primary key, organization_id uuid not null, number int not null, notes jsonb not null, open boolean not null, revision int not null)`,
  );
}, 120_000);

afterAll(async () => {
  await orm?.close();
});

const row = async () =>
  (
    await orm.em
      .getConnection()
      .execute(`select number, notes, open, revision from note_tickets where workflow_id = ?`, [workflowId])
  )[0];
const events = async () =>
  orm.em
    .getConnection()
    .execute(`select ticket_type, revision, type from ticket_events where ticket_workflow_id = ? order by revision`, [
      workflowId,
    ]);

describe('the projection writer for a new ticket type', () => {
  it('writes the row and each event once, however often a write is retried, and tells which events are new', async () => {
    const seen: [number, boolean][] = [];
    const steps = [
      { snapshot: snap(1, []), event: event(1, 'created') },
      { snapshot: snap(2, ['a']), event: event(2, 'noted') },
    ];
    for (let i = 0; i < 2; i++)
      await NOTES.persist(orm.em.fork(), steps, async (_tx, s, written) => void seen.push([s.event.revision, written]));
    expect(seen).toEqual([
      [1, true],
      [2, true],
      [1, false],
      [2, false],
    ]);
    expect(await row()).toEqual({ number: 7, notes: ['a'], open: true, revision: 2 });
    expect(await events()).toEqual([
      { ticket_type: 'REQ', revision: 1, type: 'created' },
      { ticket_type: 'REQ', revision: 2, type: 'noted' },
    ]);
  });

  it('moves the row only forward, and keeps the fixed columns of its first write', async () => {
    await NOTES.persist(orm.em.fork(), [
      { snapshot: snap(4, ['a', 'b'], { open: false, number: 99 }), event: event(4, 'closed') },
    ]);
    // A late write of an older revision (a retried activity) lands its event but not its row.
    await NOTES.persist(orm.em.fork(), [{ snapshot: snap(3, ['a', 'x']), event: event(3, 'noted') }]);
    expect(await row()).toEqual({ number: 7, notes: ['a', 'b'], open: false, revision: 4 });
    expect((await events()).map((e) => (e as { revision: number }).revision)).toEqual([1, 2, 3, 4]);
    expect(NOTES.columns).toEqual(['workflow_id', 'organization_id', 'number', 'notes', 'open', 'revision']);
  });
});
