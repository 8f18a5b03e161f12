/**
 * In-memory projection activities for workflow tests that need no PostgreSQL: they keep rows and
 * timeline events with the same idempotency rules as the real projection (a row only moves forward
 * in revision; an event is written once per revision) and count the writes.
 */
export interface MemoryProjection<S extends { workflowId: string; revision: number }, E extends { revision: number }> {
  rows: Map<string, S>;
  events: Map<string, E[]>;
  writes: number;
  storeOne(step: { snapshot: S; event: E }): Promise<void>;
  storeMany(steps: { snapshot: S; event: E }[]): Promise<void>;
}

export function memoryProjection<
  S extends { workflowId: string; revision: number },
  E extends { revision: number },
>(): MemoryProjection<S, E> {
  const p: MemoryProjection<S, E> = {
    rows: new Map(),
    events: new Map(),
    writes: 0,
    async storeOne(step) {
      await p.storeMany([step]);
    },
    async storeMany(steps) {
      p.writes++;
      for (const { snapshot, event } of steps) {
        const row = p.rows.get(snapshot.workflowId);
        if (!row || row.revision < snapshot.revision) p.rows.set(snapshot.workflowId, snapshot);
        const events = p.events.get(snapshot.workflowId) ?? [];
        if (!events.some((e) => e.revision === event.revision)) events.push(event);
        p.events.set(snapshot.workflowId, events);
      }
    },
  };
  return p;
}
