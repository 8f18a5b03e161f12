/**
 * What every ticket type's API service shares: numbers from per-type counters, repeat-safe creation
 * (Idempotency-Key, update-with-start, a taken number skipped), commands sent with deadlines and a
 * lane per ticket, the timeline from `ticket_events`, the workflow history and the live state.
 * A ticket type's service (api/<type>/service.ts) keeps only its own rules: who may do what, which
 * references must exist, and what its commands carry.
 */
import {
  type Client,
  type WorkflowHandle,
  WithStartWorkflowOperation,
  type Workflow,
  type UpdateDefinition,
} from '@temporalio/client';
import { type QueryDefinition, WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { createHash } from 'node:crypto';
import type { z } from 'zod';
import type { EntityClass, FilterQuery } from '@mikro-orm/core';
import { IdempotencyKey, TicketEvent, User } from '../../db/entities/index.js';
import type { Em } from '../../db/orm.js';
import {
  TICKET_TYPES,
  type TicketType,
  parseTicketWorkflowId,
  ticketKey,
  ticketWorkflowId,
} from '../../workflows/kernel/ticket-types.js';
import type { Permission } from '../../workflows/kernel/permissions.js';
import { ORG_SEARCH_ATTRIBUTE, TASK_QUEUE } from '../../workflows/runtime/contract.js';
import type { Actor } from '../../workflows/runtime/ticket-runtime.js';
import type { Principal } from './context.js';
import { AppError, notFound } from './errors.js';
import type { TimelineEntry } from './schemas.js';
import { type HistoryEntry, type HistoryVocabulary, readTicketHistory } from './ticket-history.js';
import { isUnprocessedUpdate, mapTemporalError } from './temporal-errors.js';
import { DEFAULT_TIMEOUTS, WorkflowLanes, commandWithin, readWithin, type TemporalTimeouts } from './temporal-calls.js';

/** How a command is sent: its Temporal update id and, optionally, the revision it expects. */
export interface CommandMeta {
  updateId: string;
  expectedRevision?: number | undefined;
}

/** The public shape of a timeline entry. */
export type TimelineEntryDto = z.infer<typeof TimelineEntry>;

export function toTimelineEntry(e: TicketEvent): TimelineEntryDto {
  return {
    revision: e.revision,
    type: e.type,
    actorId: e.actor?.id ?? null,
    actorKind: e.actorKind,
    at: e.at.toISOString(),
    data: e.data,
  };
}

export function actorOf(p: Principal): Actor {
  return { userId: p.userId, kind: 'user' };
}

/** The next number of a ticket type in an organization (the first use of a type starts at 1). */
export async function allocateTicketNumber(em: Em, orgId: string, type: TicketType): Promise<number> {
  const rows = await em.execute<{ n: number }[]>(
    `insert into ticket_counters (organization_id, ticket_type, next_number) values (?, ?, 2)
     on conflict (organization_id, ticket_type) do update set next_number = ticket_counters.next_number + 1
     returning next_number - 1 as n`,
    [orgId, TICKET_TYPES[type].prefix],
  );
  return rows[0]!.n;
}

function requestHash(principal: Principal, body: unknown): string {
  return createHash('sha256').update(principal.userId).update('\n').update(JSON.stringify(body)).digest('hex');
}

export interface TicketDeskOptions {
  type: TicketType;
  temporal: Client;
  /** The worker's task queue (tests isolate theirs). */
  taskQueue?: string | undefined;
  /** Deadlines of Temporal calls (defaults: a worker has 5 s to take a command). */
  timeouts?: TemporalTimeouts | undefined;
  /** What the type's workflow history means in words. */
  history: HistoryVocabulary;
  /** "The incident": how refusals and 503s name the ticket. */
  what: string;
  /** "Incident": how a 404 names it (Incident INC-4 was not found). */
  noun: string;
  /** Who reads every ticket of the type; anyone else reads only the ones they raised. */
  readAll: Permission;
}

/** How a ticket type creates: what is stored for a number, and how its workflow is started. */
export interface CreateSteps<T> {
  /** The stored ticket with this number, or null (read fresh). */
  stored(number: number): Promise<T | null>;
  /** Starts the workflow (conflict policy as given) and returns once its first projection is stored. */
  start(number: number, conflictPolicy: 'USE_EXISTING' | 'FAIL'): Promise<void>;
  /** The stored ticket, as the caller may see it (it exists by now). */
  load(number: number): Promise<T>;
}

/** The generic half of a ticket type's service (one per type). */
export class TicketDesk {
  readonly timeouts: TemporalTimeouts;
  /** Commands to one ticket a few at a time (below Temporal's in-flight update limit). */
  private readonly lanes = new WorkflowLanes();
  constructor(private readonly o: TicketDeskOptions) {
    this.timeouts = o.timeouts ?? DEFAULT_TIMEOUTS;
  }

  /**
   * Loads a ticket the principal may see, fresh from the read model, or 404 — for another tenant's
   * (the tenant filter) and, for those who read only their own, for someone else's, alike.
   */
  async load<T extends object>(em: Em, principal: Principal, entity: EntityClass<T>, number: number): Promise<T> {
    const where: Record<string, unknown> = { number };
    if (!principal.permissions.has(this.o.readAll)) where['requester'] = principal.userId;
    const found = await em.findOne(entity, where as FilterQuery<NoInfer<T>>, { refresh: true });
    if (!found) throw notFound(`${this.o.noun} ${ticketKey(this.o.type, number)}`);
    return found as T;
  }

  workflowId(principal: Principal, number: number): string {
    return ticketWorkflowId(principal.orgSlug, this.o.type, number);
  }

  handle(workflowId: string): WorkflowHandle {
    return this.o.temporal.workflow.getHandle(workflowId);
  }

  /**
   * Creates a ticket. With an Idempotency-Key, a repeat of the same request returns the first
   * ticket (`replayed: true`); the same key with a different body is refused. A number reserved by
   * a request that stopped before starting its workflow is finished by the repeat.
   */
  async create<T>(
    em: Em,
    principal: Principal,
    body: unknown,
    idempotencyKey: string | undefined,
    steps: CreateSteps<T>,
  ): Promise<{ ticket: T; replayed: boolean }> {
    if (idempotencyKey) {
      const hash = requestHash(principal, body);
      const existing = await em.findOne(IdempotencyKey, { user: principal.userId, key: idempotencyKey });
      if (existing) {
        // An earlier request with the same key got there first: whatever we return is its ticket.
        if (existing.requestHash !== hash) {
          throw new AppError(422, 'idempotency_key_reused', 'This Idempotency-Key was used with a different request');
        }
        const ref = parseTicketWorkflowId(existing.workflowId);
        const number = ref?.type === this.o.type ? ref.number : undefined;
        if (number === undefined) {
          throw new AppError(
            422,
            'idempotency_key_reused',
            'This Idempotency-Key was used for another kind of request',
          );
        }
        const stored = await steps.stored(number);
        // Without a stored row the first request stopped between reserving and starting: finish it.
        if (!stored) await steps.start(number, 'USE_EXISTING');
        return { ticket: stored ?? (await steps.load(number)), replayed: true };
      }
      const number = await this.reserveWithKey(em, principal, idempotencyKey, hash);
      // A concurrent request with the same key may have started it already.
      await steps.start(number, 'USE_EXISTING');
      return { ticket: await steps.load(number), replayed: false };
    }
    for (let attempt = 1; ; attempt++) {
      const number = await allocateTicketNumber(em, principal.orgId, this.o.type);
      try {
        // A fresh number must be a new workflow.
        await steps.start(number, 'FAIL');
        return { ticket: await steps.load(number), replayed: false };
      } catch (err) {
        // The counter is behind the workflows (e.g. a restored database): take the next number.
        if (err instanceof WorkflowExecutionAlreadyStartedError && attempt < 5) continue;
        throw err;
      }
    }
  }

  /** Reserves the next number and records the key with it, atomically. */
  private reserveWithKey(em: Em, principal: Principal, key: string, hash: string): Promise<number> {
    return em.transactional(async (tx) => {
      const n = await allocateTicketNumber(tx, principal.orgId, this.o.type);
      const inserted = await tx.execute(
        `insert into idempotency_keys (organization_id, user_id, key, request_hash, workflow_id, created_at)
         values (?, ?, ?, ?, ?, now()) on conflict do nothing`,
        [principal.orgId, principal.userId, key, hash, this.workflowId(principal, n)],
        'run',
      );
      if ((inserted as unknown as { affectedRows: number }).affectedRows !== 1) {
        throw new AppError(409, 'idempotency_conflict', 'A request with this Idempotency-Key is in progress; retry');
      }
      return n;
    });
  }

  /**
   * Starts a ticket's workflow with its first update (update-with-start) and waits until the update
   * has finished, i.e. the first projection is stored. A number whose creation was abandoned (no
   * worker before the deadline) may be used again.
   */
  async start<A, R>(
    principal: Principal,
    number: number,
    workflow: (input: A) => Promise<unknown>,
    input: (notAfter: number) => A,
    update: UpdateDefinition<R, []>,
    conflictPolicy: 'USE_EXISTING' | 'FAIL',
  ): Promise<void> {
    const { temporal } = this.o;
    await commandWithin(
      temporal,
      this.timeouts,
      (notAfter) =>
        temporal.workflow.startUpdateWithStart(update, {
          waitForStage: 'ACCEPTED',
          startWorkflowOperation: new WithStartWorkflowOperation(workflow as Workflow, {
            workflowId: this.workflowId(principal, number),
            taskQueue: this.o.taskQueue ?? TASK_QUEUE,
            args: [input(notAfter)],
            workflowIdConflictPolicy: conflictPolicy,
            // A task is a few milliseconds of work; when a worker dies holding one, another takes it
            // after this (the default 10 s is longer than the API waits for a command to be taken).
            workflowTaskTimeout: '4s',
            workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
            typedSearchAttributes: [{ key: ORG_SEARCH_ATTRIBUTE, value: principal.orgSlug }],
          }),
        }),
      this.o.what,
    ).catch(mapTemporalError);
  }

  /**
   * Sends one command to a ticket's workflow and returns its result once stored. The update id
   * makes a resent command (same Idempotency-Key) a no-op that returns the first outcome; an
   * update the server dropped unprocessed is sent again with the same id (twice at most).
   */
  async send<R>(
    workflowId: string,
    updateId: string,
    start: (h: WorkflowHandle, updateId: string, notAfter: number) => Promise<{ result(): Promise<R> }>,
  ): Promise<R> {
    for (let attempt = 1; ; attempt++) {
      try {
        const h = this.handle(workflowId);
        return await commandWithin(
          this.o.temporal,
          this.timeouts,
          (notAfter) => start(h, updateId, notAfter),
          undefined,
          { lanes: this.lanes, workflowId },
        );
      } catch (err) {
        if (attempt < 3 && isUnprocessedUpdate(err)) continue;
        return mapTemporalError(err);
      }
    }
  }

  /** Live state straight from the workflow (a query). */
  async query<R>(workflowId: string, query: QueryDefinition<R>): Promise<R> {
    try {
      return await readWithin(this.o.temporal, this.timeouts, () => this.handle(workflowId).query(query));
    } catch (err) {
      return mapTemporalError(err);
    }
  }

  /** A ticket's timeline, oldest first, without the event types the reader may not see. */
  async timeline(em: Em, workflowId: string, hidden: string[]): Promise<{ items: TimelineEntryDto[] }> {
    const where: Record<string, unknown> = { ticketWorkflowId: workflowId };
    if (hidden.length) where['type'] = { $nin: hidden };
    const events = await em.find(TicketEvent, where, { orderBy: { revision: 'asc' } });
    return { items: events.map(toTimelineEntry) };
  }

  /** The newest timeline entry of a type at or before a revision (a command's own entry). */
  async entryAt(em: Em, workflowId: string, revision: number, type: string): Promise<TimelineEntryDto> {
    const event = await em.findOneOrFail(
      TicketEvent,
      { ticketWorkflowId: workflowId, revision: { $lte: revision }, type },
      { orderBy: { revision: 'desc' } },
    );
    return toTimelineEntry(event);
  }

  /**
   * The workflow's Temporal event history as a readable timeline, with actors named; `redact`
   * removes what the reader may not see.
   */
  async history(
    em: Em,
    workflowId: string,
    redact: (e: HistoryEntry) => HistoryEntry = (e) => e,
  ): Promise<{ workflowId: string; items: (HistoryEntry & { actor: string })[] }> {
    const entries =
      (await readWithin(this.o.temporal, this.timeouts, () =>
        readTicketHistory(this.o.temporal, workflowId, this.o.history),
      )) ?? [];
    const ids = [...new Set(entries.map((e) => e.actorUserId).filter((x): x is string => !!x))];
    const users = ids.length ? await em.find(User, { id: { $in: ids } }) : [];
    const label = new Map(users.map((u) => [u.id, `${u.displayName} <${u.email}>`]));
    return {
      workflowId,
      items: entries.map((e) => ({
        ...redact(e),
        actor: e.actorUserId ? (label.get(e.actorUserId) ?? e.actorUserId) : 'system',
      })),
    };
  }
}
