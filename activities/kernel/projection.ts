/**
 * Projection writes for every ticket type: the row of a ticket's read model and its timeline
 * events, in one transaction, idempotently. A retried activity, or a replay after a crash, changes
 * nothing twice: the row only moves forward in revision, and an event is unique per (ticket,
 * revision) in the shared `ticket_events` table. A ticket type declares its table and one column
 * map (each column with the value it takes from the snapshot), so a value cannot slip into another
 * column; it adds what else its revisions cause (notifications, mail) in `also`.
 */
import type { Em } from '../../db/orm.js';
import type { TicketPrefix } from '../../workflows/kernel/ticket-types.js';
import type { TicketEvent } from '../../workflows/runtime/ticket-runtime.js';

/** What every ticket's snapshot carries for its projection. */
export interface ProjectedSnapshot {
  workflowId: string;
  orgId: string;
  revision: number;
}

/** One revision to store: the event it made and the snapshot after it. */
export interface ProjectionStep<S extends ProjectedSnapshot, E extends TicketEvent = TicketEvent> {
  snapshot: S;
  event: E;
}

export interface ProjectionSpec<S extends ProjectedSnapshot, C extends string> {
  table: string;
  type: TicketPrefix;
  /** Every column of the row with the value it takes from the snapshot (workflow_id is the key). */
  row: Record<C | 'workflow_id' | 'revision', (s: S) => unknown>;
  /** Columns set when the row is first written and never changed by a later revision. */
  fixed: readonly NoInfer<C>[];
}

const INSERT_EVENT = `
insert into ticket_events (organization_id, ticket_type, ticket_workflow_id, revision, type, actor_id, actor_kind, at, data)
values (?, ?, ?, ?, ?, ?, ?, ?, ?)
on conflict (ticket_workflow_id, revision) do nothing`;

export function defineProjection<S extends ProjectedSnapshot, C extends string>(spec: ProjectionSpec<S, C>) {
  const columns = Object.keys(spec.row) as C[];
  const fixed: readonly string[] = ['workflow_id', ...spec.fixed];
  const upsert = `
insert into ${spec.table} (${columns.join(', ')})
values (${columns.map(() => '?').join(', ')})
on conflict (workflow_id) do update set
${columns
  .filter((c) => !fixed.includes(c))
  .map((c) => `  ${c} = excluded.${c}`)
  .join(',\n')}
where ${spec.table}.revision < excluded.revision`;
  const row = spec.row as Record<C, (s: S) => unknown>;

  return {
    /** The row's columns, in the order of the column map. */
    columns,
    /**
     * Writes a run of revisions in one transaction: the row as the newest step left it, and every
     * step's event; `also` runs for each step with whether its event was written now (false for a
     * retried write), for what the revision causes besides.
     */
    async persist<E extends TicketEvent>(
      em: Em,
      steps: readonly ProjectionStep<S, E>[],
      also?: (tx: Em, step: ProjectionStep<S, E>, written: boolean) => Promise<void>,
    ): Promise<void> {
      const last = steps.at(-1);
      if (!last) return;
      await em.transactional(async (tx) => {
        await tx.execute(
          upsert,
          columns.map((c) => row[c](last.snapshot)),
          'run',
        );
        for (const step of steps) {
          const { snapshot: s, event: e } = step;
          const written = await tx.execute<{ affectedRows: number }>(
            INSERT_EVENT,
            [
              s.orgId,
              spec.type,
              s.workflowId,
              e.revision,
              e.type,
              e.actor.userId,
              e.actor.kind,
              new Date(e.at),
              JSON.stringify(e.data),
            ],
            'run',
          );
          await also?.(tx, step, written.affectedRows > 0);
        }
      });
    },
  };
}
