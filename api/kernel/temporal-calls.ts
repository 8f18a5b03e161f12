/**
 * Every call the API makes to Temporal has a deadline, so a client hears within seconds when no
 * worker is there to take its command — and hears whether the command was applied.
 *
 * A command carries `notAfter`: the workflow's update validator refuses it when a worker first sees
 * it later than that (a worker that comes back after an outage finds only stale commands and drops
 * them). The API waits for acceptance until `notAfter` plus a margin for clock skew between its
 * host and Temporal's; without acceptance by then, the command is known not to be applied, ever.
 * Once accepted it will complete; if completing takes too long the outcome is only unknown to this
 * request, and resending it with the same Idempotency-Key (the same update id) returns it.
 */
import type { Client } from '@temporalio/client';
import { AppError } from './errors.js';

export interface TemporalTimeouts {
  /** How long a worker has to take a command (it refuses it after that). */
  acceptMs: number;
  /** Allowance for clocks of the API host and the Temporal server that disagree. */
  skewMs: number;
  /** How long an accepted command may take to finish before the request says "unknown". */
  resultMs: number;
  /** Queries (live state) and history reads. */
  readMs: number;
}

export const DEFAULT_TIMEOUTS: TemporalTimeouts = { acceptMs: 5000, skewMs: 2000, resultMs: 20_000, readMs: 5000 };

/** True when the error is a deadline (ours) or a cancelled call, at any depth of its causes. */
export function isDeadline(err: unknown): boolean {
  for (let e = err as { code?: unknown; name?: unknown; cause?: unknown } | undefined, d = 0; e && d < 6; d++) {
    if (e.name === 'WorkflowUpdateRPCTimeoutOrCancelledError' || e.code === 4 || e.code === 1) return true;
    e = e.cause as typeof e;
  }
  return false;
}

const RETRY_AFTER = { 'Retry-After': '5' };

/** 503: no worker took the command in time; it was not applied and will not be. */
export function notApplied(what = 'The command'): AppError {
  return new AppError(
    503,
    'temporarily_unavailable',
    `${what} was not applied: the ticket engine did not take it in time. Nothing changed; send it again in a moment.`,
    [],
    RETRY_AFTER,
    { outcome: 'not_applied' },
  );
}

/** 503: accepted, so it will be applied, but it has not finished yet. */
export function outcomeUnknown(what = 'The command'): AppError {
  return new AppError(
    503,
    'temporarily_unavailable',
    `${what} was accepted but has not finished yet, so its outcome is not known here. Send it again with the same Idempotency-Key to get its outcome (it is applied once).`,
    [],
    RETRY_AFTER,
    { outcome: 'unknown' },
  );
}

/** 503 for a read (query, history) that no worker or server answered in time. */
export function readUnavailable(): AppError {
  return new AppError(
    503,
    'temporarily_unavailable',
    'The ticket engine did not answer in time; try again shortly',
    [],
    RETRY_AFTER,
  );
}

type Accepted<R> = { result(): Promise<R> };

/**
 * Commands to one workflow, a few at a time. Temporal admits only ten updates per workflow in
 * flight (`history.maxInFlightUpdates`); one more is refused as RESOURCE_EXHAUSTED and the client
 * retries it after 1.7 s, 2.9 s, 4.9 s… — past the acceptance deadline when a ticket gets a burst.
 * This process keeps below the limit and lets the rest wait their turn in arrival order, so a
 * burst is taken as fast as the workflow stores it (its group commit). Other API processes share
 * the server's limit; between them, the client's backoff still applies.
 */
export class WorkflowLanes {
  private readonly lanes = new Map<string, { running: number; waiting: { go: () => void; gone: boolean }[] }>();
  constructor(private readonly perWorkflow = 8) {}

  /** Runs `fn` once a slot of `workflowId` is free; false if none was free before `until`. */
  async run<R>(
    workflowId: string,
    until: number,
    fn: () => Promise<R>,
  ): Promise<{ ran: true; value: R } | { ran: false }> {
    let lane = this.lanes.get(workflowId);
    if (!lane) this.lanes.set(workflowId, (lane = { running: 0, waiting: [] }));
    if (lane.running >= this.perWorkflow) {
      const waiter = { go: () => {}, gone: false };
      const turn = new Promise<boolean>((resolve) => {
        const timer = setTimeout(
          () => {
            waiter.gone = true;
            resolve(false);
          },
          Math.max(0, until - Date.now()),
        );
        waiter.go = () => {
          clearTimeout(timer);
          resolve(true);
        };
      });
      lane.waiting.push(waiter);
      if (!(await turn)) {
        this.release(workflowId, false);
        return { ran: false };
      }
    } else lane.running++;
    try {
      return { ran: true, value: await fn() };
    } finally {
      this.release(workflowId, true);
    }
  }

  /** Hands a freed slot to the next waiter still waiting (a slot passes on without being freed). */
  private release(workflowId: string, freed: boolean): void {
    const lane = this.lanes.get(workflowId);
    if (!lane) return;
    if (freed) {
      let next = lane.waiting.shift();
      while (next?.gone) next = lane.waiting.shift();
      if (next) next.go();
      else lane.running--;
    } else lane.waiting = lane.waiting.filter((w) => !w.gone);
    if (lane.running === 0 && lane.waiting.length === 0) this.lanes.delete(workflowId);
  }
}

/**
 * Sends a command with a deadline: `start(notAfter)` starts the update and resolves once it is
 * accepted (or refused). Refusals are thrown as they come; deadlines become 503s with the outcome.
 * With `lane`, the command waits for a slot of its workflow first (time that counts against the
 * acceptance deadline) and holds it until it has finished.
 */
export async function commandWithin<R>(
  client: Client,
  t: TemporalTimeouts,
  start: (notAfter: number) => Promise<Accepted<R>>,
  what?: string,
  lane?: { lanes: WorkflowLanes; workflowId: string },
): Promise<R> {
  const notAfter = Date.now() + t.acceptMs;
  const send = async (): Promise<R> => {
    let accepted: Accepted<R>;
    try {
      accepted = await client.withDeadline(notAfter + t.skewMs, () => start(notAfter));
    } catch (err) {
      if (isDeadline(err)) throw notApplied(what);
      throw err;
    }
    try {
      return await client.withDeadline(Date.now() + t.resultMs, () => accepted.result());
    } catch (err) {
      if (isDeadline(err)) throw outcomeUnknown(what);
      throw err;
    }
  };
  if (!lane) return send();
  const done = await lane.lanes.run(lane.workflowId, notAfter, send);
  if (!done.ran) throw notApplied(what);
  return done.value;
}

/** A read from Temporal (query, history) with the read deadline. */
export async function readWithin<R>(client: Client, t: TemporalTimeouts, read: () => Promise<R>): Promise<R> {
  try {
    return await client.withDeadline(Date.now() + t.readMs, read);
  } catch (err) {
    if (isDeadline(err)) throw readUnavailable();
    throw err;
  }
}
