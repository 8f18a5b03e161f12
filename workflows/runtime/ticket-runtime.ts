/**
 * The ticket runtime: what every ticket type's workflow needs around its own rules. It owns the
 * ticket's state and the mutex commands take turns under, the checks every command goes through
 * (deadline, revision), `commit` (state → stored projection + timeline event → answer, with the
 * group commit), notifications and other work under way that must finish before the workflow
 * continues as new or completes. A ticket type's workflow supplies its persist activities and how
 * a committed state is stamped; it keeps its rules, its commands and its timers.
 */
import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  patched,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { UpdateDefinition } from '@temporalio/common';
import { Mutex } from 'async-mutex';

/** Who asked for a change. `system` is used for timers. */
export interface Actor {
  userId: string | null;
  kind: 'user' | 'system';
}

/** One entry of a ticket's timeline, at the revision its change made. */
export interface TicketEvent<Type extends string = string> {
  revision: number;
  type: Type;
  actor: Actor;
  at: string;
  data: Record<string, unknown>;
}

/**
 * A command the API stops waiting for at `notAfter` (epoch ms): a worker that first sees it later
 * refuses it (`command_expired`), so the API can tell its client it was not applied.
 */
export interface Expiring {
  notAfter?: number | undefined;
}

/** Optimistic-concurrency guard: refused with `stale_revision` when it does not match. */
export interface Guarded extends Expiring {
  actor: Actor;
  expectedRevision?: number | undefined;
}

/** A refusal as the pure rules give it. */
export interface Refused<Code extends string = string> {
  code: Code;
  detail: string;
  field?: string | undefined;
}

/** Refuses a command: a business rejection, never retried, with the field it is about. */
export function reject(type: string, message: string, field?: string): never {
  throw ApplicationFailure.create({ type, message, nonRetryable: true, details: field ? [{ field }] : [] });
}

/** Refuses a command when a pure rule said no. */
export function refuse(refusal: Refused | null): void {
  if (refusal) reject(refusal.code, refusal.detail, refusal.field);
}

/**
 * What Temporal runs as an update's validator: a command that reaches a worker after its deadline
 * is refused before anything else (the API already told its client it was not applied). Only the
 * validator checks this: handlers re-run on replay, long after any deadline.
 */
export function expiring<C extends Expiring>(check: (cmd: C) => void): (cmd: C) => void {
  return (cmd) => {
    if (cmd.notAfter !== undefined && Date.now() > cmd.notAfter) {
      reject('command_expired', 'The command reached the ticket after its deadline and was not applied');
    }
    check(cmd);
  };
}

/** Refuses a guarded command made against another revision than the ticket's. */
export function checkRevision(noun: string, state: { revision: number }, cmd: Guarded): void {
  if (cmd.expectedRevision !== undefined && cmd.expectedRevision !== state.revision) {
    reject(
      'stale_revision',
      `The ${noun} is at revision ${state.revision}, not ${cmd.expectedRevision}; reload and try again`,
      'revision',
    );
  }
}

/** Something a ticket does at a time of its own (an auto-close, an SLA level falling due). */
export interface Wake {
  /** Epoch ms. */
  at: number;
  /** The timer's name in the history, so readers can tell one wake from another. */
  name: string;
  run(): Promise<void>;
}

/** A revision to store: the state it made and its timeline event. */
export interface Step<S, E> {
  snapshot: S;
  event: E;
}

export interface TicketRuntimeOptions<S extends { revision: number }, E> {
  state: S;
  /** The revision already stored (0 before the first write; a continued run's is its state's). */
  persistedRevision: number;
  /** What every committed state gets besides its change: derived fields, times, the revision. */
  stamp(changed: S, now: string, revision: number): S;
  /** Stores one revision (how histories from before the group commit wrote). */
  persistOne(step: Step<S, E>): Promise<void>;
  /** Stores consecutive revisions in one write. */
  persistSteps(steps: Step<S, E>[]): Promise<void>;
}

/** The runtime of one ticket's workflow run (create it once, at the start of the workflow). */
export class TicketRuntime<S extends { revision: number }, Type extends string> {
  state: S;
  persistedRevision: number;
  readonly mutex = new Mutex();
  /** Work under way (notifications); finished before the workflow continues as new or completes. */
  private readonly inFlight = new Set<Promise<void>>();
  /**
   * Group commit: a change lands in the state at once (under the mutex) and its write is queued;
   * one activity stores every revision queued meanwhile. A command is answered once its revision
   * is stored, so commands that reach a busy ticket together share one write instead of each
   * waiting for the previous one's (Temporal lets only ten updates per workflow be in flight at a
   * time). Guarded: histories from before it replay their one write per change.
   */
  private readonly unstored: Step<S, TicketEvent<Type>>[] = [];
  private storing = false;

  constructor(private readonly opts: TicketRuntimeOptions<S, TicketEvent<Type>>) {
    this.state = opts.state;
    this.persistedRevision = opts.persistedRevision;
  }

  /** Applies a change to the state, queues or makes its write with its timeline event, and returns the result. */
  async commit(actor: Actor, type: Type, data: Record<string, unknown>, change: (s: S, now: string) => S): Promise<S> {
    const now = new Date().toISOString();
    const next = this.opts.stamp(change(this.state, now), now, this.state.revision + 1);
    const event: TicketEvent<Type> = { revision: next.revision, type, actor, at: now, data };
    this.state = next;
    if (patched('group-commit')) {
      this.unstored.push({ snapshot: next, event });
      if (!this.storing) void this.storeQueued();
    } else {
      await this.opts.persistOne({ snapshot: next, event });
      this.persistedRevision = next.revision;
    }
    return next;
  }

  /** The ticket's first write (revision 1), before any command is taken. */
  async firstWrite(event: TicketEvent<Type>): Promise<void> {
    await this.opts.persistOne({ snapshot: this.state, event });
    this.persistedRevision = 1;
  }

  /** Answers with a change once it is stored: the caller reads its own write. */
  async stored(s: S): Promise<S> {
    if (this.persistedRevision < s.revision) await condition(() => this.persistedRevision >= s.revision);
    return s;
  }

  /** A command's change under the mutex, answered once stored (the mutex is free meanwhile). */
  exclusive(change: () => Promise<S>): Promise<S> {
    return this.mutex.runExclusive(change).then((s) => this.stored(s));
  }

  /**
   * Declares one command of the ticket: `validate` refuses it when it arrives (and after its
   * deadline) and again under the mutex, once the commands before it have landed; `apply` makes
   * the change (through commit). The command is answered once its revision is stored.
   */
  command<C extends Expiring>(
    def: UpdateDefinition<S, [C]>,
    validate: (cmd: C) => void,
    apply: (cmd: C) => Promise<S>,
  ): void {
    setHandler(
      def,
      (cmd: C) =>
        this.exclusive(() => {
          validate(cmd);
          return apply(cmd);
        }),
      { validator: expiring(validate) },
    );
  }

  /** Keeps track of work that is not awaited where it starts (it must not hold up commands). */
  track(work: Promise<void>): void {
    const tracked: Promise<void> = work.finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
  }

  /** Everything stored, every tracked piece of work and every handler finished. */
  async drain(): Promise<void> {
    await this.stored(this.state);
    await Promise.all([...this.inFlight]);
    await condition(allHandlersFinished);
  }

  /**
   * The ticket's life between commands: waits for a change or the soonest wake, runs the wakes that
   * are due (in the order given; on a tie the later one names the timer), and continues as new when
   * the history grows long, until `done`. Then drains.
   */
  async live(opts: { done(): boolean; wakes(): Wake[]; continueAsNew(): Promise<never> }): Promise<void> {
    while (!opts.done()) {
      const seen = this.state.revision;
      const wakes = opts.wakes();
      const next = wakes.reduce<Wake | null>((a, w) => (!a || w.at <= a.at ? w : a), null);
      const moved = () => this.state.revision !== seen || workflowInfo().continueAsNewSuggested;
      const changed = next
        ? await condition(moved, Math.max(0, next.at - Date.now()), { summary: next.name })
        : await condition(moved);
      if (!changed && next) for (const w of wakes) if (w.at <= Date.now()) await w.run();
      if (workflowInfo().continueAsNewSuggested && !opts.done()) {
        await this.drain();
        await opts.continueAsNew();
      }
    }
    await this.drain();
  }

  private async storeQueued(): Promise<void> {
    this.storing = true;
    while (this.unstored.length) {
      const steps = this.unstored.splice(0);
      await this.opts.persistSteps(steps);
      this.persistedRevision = steps[steps.length - 1]!.snapshot.revision;
    }
    this.storing = false;
  }
}
