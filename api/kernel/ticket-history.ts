/**
 * An auditor's view of a ticket: the Temporal event history of every run of its workflow, reduced
 * to the events that say who asked for what and what the workflow did about it. What a ticket
 * type's start arguments and commands mean comes from its HistoryVocabulary.
 */
import { type Client, type WorkflowHandle, WorkflowNotFoundError, isGrpcServiceError } from '@temporalio/client';
import { type Payload, defaultPayloadConverter } from '@temporalio/common';

export interface HistoryEntry {
  eventId: number;
  runId: string;
  at: string;
  kind:
    | 'workflow_started'
    | 'update_accepted'
    | 'update_completed'
    | 'update_rejected'
    | 'signal_received'
    | 'timer_started'
    | 'timer_fired'
    | 'timer_canceled'
    | 'activity_scheduled'
    | 'activity_completed'
    | 'activity_failed'
    | 'activity_timed_out'
    | 'continued_as_new'
    | 'workflow_completed'
    | 'workflow_failed'
    | 'workflow_terminated'
    | 'workflow_canceled';
  summary: string;
  actorUserId: string | null;
  details: Record<string, unknown>;
}

type HistoryEvent = NonNullable<Awaited<ReturnType<WorkflowHandle['fetchHistory']>>['events']>[number];
type Run = { runId: string; events: HistoryEvent[] };

/** What one ticket type's workflow history means in words. */
export interface HistoryVocabulary {
  /** The workflow type's name (e.g. incidentWorkflow). */
  workflowType: string;
  /** The new ticket in the start arguments of a first run (null for a continued run). */
  newTicket(input: Record<string, unknown>): Record<string, unknown> | null;
  /** The summary of a first run's start, e.g. 'Incident INC-4 opened: "…"'. */
  opened(ticket: Record<string, unknown>): string;
  /** What a command asked for (after its name), e.g. ': to resolved, resolution fixed'. */
  describeCommand(name: string, cmd: Record<string, unknown>, text: (v: unknown) => string | null): string;
  /** The label of a timer started without a summary (older workflow code). */
  unnamedTimer?: string;
}

const MAX_TEXT = 200;
const GRPC_NOT_FOUND = 5;

const cap = (s: string) => (s.length > MAX_TEXT ? `${s.slice(0, MAX_TEXT - 1)}…` : s);
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === 'string' ? cap(v) : null);
// int64 fields arrive as Long (or number when small); timestamps and durations share one shape.
const num = (v: { toNumber(): number } | number | null | undefined) =>
  typeof v === 'number' ? v : (v?.toNumber() ?? 0);
const toMs = (t: { seconds?: Parameters<typeof num>[0]; nanos?: number | null } | null | undefined) =>
  num(t?.seconds) * 1000 + Math.floor((t?.nanos ?? 0) / 1e6);

const UNITS = Object.entries({ day: 86_400_000, hour: 3_600_000, minute: 60_000, second: 1000, millisecond: 1 });
function span(ms: number): string {
  const [unit, size] = UNITS.find(([, n]) => ms >= n) ?? ['millisecond', 1];
  const n = Math.round((ms / size) * 10) / 10;
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}

function decode(p: { payloads?: Payload[] | null } | null | undefined): unknown {
  const first = p?.payloads?.[0];
  if (!first) return undefined;
  try {
    return defaultPayloadConverter.fromPayload(first);
  } catch {
    return undefined; // an undecodable payload still leaves the event worth showing
  }
}

/** Top-level scalars only: nested objects (snapshots, actors) never reach the audit view whole. */
function scalars(v: unknown): Record<string, unknown> {
  const kept = Object.entries(isRecord(v) ? v : {}).filter(([, x]) => x === null || typeof x !== 'object');
  return Object.fromEntries(kept.map(([k, x]) => [k, typeof x === 'string' ? cap(x) : x]));
}

function actorOf(input: unknown, words: HistoryVocabulary): string | null {
  if (!isRecord(input)) return null;
  const actor = input['actor'] ?? words.newTicket(input)?.['createdBy'];
  return isRecord(actor) ? str(actor['userId']) : null;
}

/** What an update asked for, in words, with the revision it expected. */
function describeCommand(words: HistoryVocabulary, name: string, cmd: Record<string, unknown>): string {
  const text = words.describeCommand(name, cmd, str);
  return typeof cmd['expectedRevision'] === 'number' ? `${text} (expected revision ${cmd['expectedRevision']})` : text;
}

const failure = (f: { message?: string | null } | null | undefined) => cap(f?.message || 'no message');

function revisionNote(result: unknown): string {
  return isRecord(result) && typeof result['revision'] === 'number'
    ? ` (revision ${result['revision']}${typeof result['status'] === 'string' ? `, ${result['status']}` : ''})`
    : '';
}

/** Maps one run's events; the lookups tie completions back to what they complete. */
function entriesOf({ runId, events }: Run, words: HistoryVocabulary): HistoryEntry[] {
  const out: HistoryEntry[] = [];
  const updates = new Map<number, { name: string; actor: string | null }>();
  const activities = new Map<number, string>();
  const attempts = new Map<number, number>();
  const timers = new Map<string, string>();
  let workflowType = '';

  for (const e of events) {
    const eventId = num(e.eventId);
    let actorUserId: string | null = null;
    const add = (kind: HistoryEntry['kind'], summary: string, details: Record<string, unknown> = {}) =>
      out.push({ eventId, runId, at: new Date(toMs(e.eventTime)).toISOString(), kind, summary, actorUserId, details });
    const ended =
      e.activityTaskCompletedEventAttributes ??
      e.activityTaskFailedEventAttributes ??
      e.activityTaskTimedOutEventAttributes;

    if (e.workflowExecutionStartedEventAttributes) {
      const a = e.workflowExecutionStartedEventAttributes;
      workflowType = a.workflowType?.name ?? '';
      const input = decode(a.input);
      actorUserId = actorOf(input, words);
      const ticket = isRecord(input) ? words.newTicket(input) : null;
      const snapshot = isRecord(input) && isRecord(input['snapshot']) ? input['snapshot'] : null;
      const from = a.continuedExecutionRunId || null;
      let summary = `Workflow ${workflowType} started`;
      if (ticket) summary = words.opened(ticket);
      else if (snapshot) summary = `Run continued from ${from}${revisionNote(snapshot)}`;
      add('workflow_started', summary, { workflowType, continuedFromRunId: from, ...scalars(ticket ?? snapshot) });
    } else if (e.workflowExecutionUpdateAcceptedEventAttributes) {
      const req = e.workflowExecutionUpdateAcceptedEventAttributes.acceptedRequest;
      const name = req?.input?.name ?? '?';
      const input = decode(req?.input?.args);
      actorUserId = actorOf(input, words);
      updates.set(eventId, { name, actor: actorUserId });
      const cmd = isRecord(input) ? input : {};
      const details = { updateName: name, updateId: req?.meta?.updateId ?? null, input: scalars(cmd) };
      add('update_accepted', `Update '${name}' received${describeCommand(words, name, cmd)}`, details);
    } else if (e.workflowExecutionUpdateCompletedEventAttributes) {
      const a = e.workflowExecutionUpdateCompletedEventAttributes;
      const accepted = updates.get(num(a.acceptedEventId));
      const name = accepted?.name ?? '?';
      actorUserId = accepted?.actor ?? null;
      const details = { updateName: name, updateId: a.meta?.updateId ?? null };
      if (a.outcome?.failure) {
        const type = a.outcome.failure.applicationFailureInfo?.type ?? null;
        const message = failure(a.outcome.failure);
        add('update_rejected', `Update '${name}' rejected: ${message}`, { ...details, failureType: type, message });
      } else {
        add('update_completed', `Update '${name}' completed${revisionNote(decode(a.outcome?.success))}`, details);
      }
    } else if (e.workflowExecutionSignaledEventAttributes) {
      const a = e.workflowExecutionSignaledEventAttributes;
      actorUserId = actorOf(decode(a.input), words);
      const name = str(a.signalName) ?? '?';
      add('signal_received', `Signal '${name}' received`, { signalName: name });
    } else if (e.timerStartedEventAttributes) {
      const a = e.timerStartedEventAttributes;
      const summary = str(decode({ payloads: e.userMetadata?.summary ? [e.userMetadata.summary] : [] }));
      const label =
        summary ??
        (workflowType === words.workflowType && words.unnamedTimer ? words.unnamedTimer : `timer ${a.timerId}`);
      const [timerId, durationMs] = [a.timerId ?? '', toMs(a.startToFireTimeout)];
      timers.set(timerId, label);
      add('timer_started', `Timer started (${label}, fires in ${span(durationMs)})`, { timerId, label, durationMs });
    } else if (e.timerFiredEventAttributes || e.timerCanceledEventAttributes) {
      const timerId = (e.timerFiredEventAttributes ?? e.timerCanceledEventAttributes)?.timerId ?? '';
      const label = timers.get(timerId) ?? `timer ${timerId}`;
      if (e.timerFiredEventAttributes) add('timer_fired', `Timer fired (${label})`, { timerId, label });
      else add('timer_canceled', `Timer canceled (${label})`, { timerId, label });
    } else if (e.activityTaskScheduledEventAttributes) {
      const a = e.activityTaskScheduledEventAttributes;
      const type = a.activityType?.name ?? '?';
      activities.set(eventId, type);
      add('activity_scheduled', `Activity ${type} scheduled`, { activityType: type, activityId: a.activityId });
    } else if (e.activityTaskStartedEventAttributes) {
      // Not an entry: written only when an attempt ends, it carries that attempt's number.
      attempts.set(eventId, e.activityTaskStartedEventAttributes.attempt ?? 1);
    } else if (ended) {
      const type = activities.get(num(ended.scheduledEventId)) ?? '?';
      const attempt = attempts.get(num(ended.startedEventId)) ?? null;
      const details = { activityType: type, attempt };
      const suffix = attempt === null ? '' : ` (attempt ${attempt})`;
      const f = e.activityTaskFailedEventAttributes?.failure ?? e.activityTaskTimedOutEventAttributes?.failure;
      if (!f) add('activity_completed', `Activity ${type} completed${suffix}`, details);
      else if (e.activityTaskFailedEventAttributes)
        add('activity_failed', `Activity ${type} failed${suffix}: ${failure(f)}`, { ...details, message: failure(f) });
      else add('activity_timed_out', `Activity ${type} timed out${suffix}`, { ...details, message: failure(f) });
    } else if (e.workflowExecutionContinuedAsNewEventAttributes) {
      const next = e.workflowExecutionContinuedAsNewEventAttributes.newExecutionRunId ?? null;
      add('continued_as_new', `Continued as new run ${next}`, { newRunId: next });
    } else if (e.workflowExecutionCompletedEventAttributes) {
      const result = decode(e.workflowExecutionCompletedEventAttributes.result);
      add('workflow_completed', `Workflow completed${revisionNote(result)}`);
    } else if (e.workflowExecutionFailedEventAttributes || e.workflowExecutionTimedOutEventAttributes) {
      // No kind of its own in the contract: a run timeout ends the workflow as a failure does.
      const f = e.workflowExecutionFailedEventAttributes?.failure;
      const message = f ? failure(f) : 'workflow run timed out';
      add('workflow_failed', f ? `Workflow failed: ${message}` : 'Workflow timed out', { message });
    } else if (e.workflowExecutionTerminatedEventAttributes) {
      const a = e.workflowExecutionTerminatedEventAttributes;
      const reason = cap(a.reason || 'no reason given');
      add('workflow_terminated', `Workflow terminated: ${reason}`, { reason, identity: str(a.identity) });
    } else if (e.workflowExecutionCanceledEventAttributes) {
      add('workflow_canceled', 'Workflow canceled');
    }
  }
  return out;
}

async function fetchRun(client: Client, workflowId: string, runId: string): Promise<Run | null> {
  try {
    return { runId, events: (await client.workflow.getHandle(workflowId, runId).fetchHistory()).events ?? [] };
  } catch (err) {
    // fetchHistory is a raw gRPC call (no SDK error mapping); a run past retention is NOT_FOUND.
    if (isGrpcServiceError(err) && err.code === GRPC_NOT_FOUND) return null;
    throw err;
  }
}

/**
 * Runs are found through history, not visibility. `workflow.list` is fed asynchronously by the
 * server's visibility task queue (SQLite on the dev server too): it listed new runs within ~10 ms in
 * our tests, but nothing promises that, and with id reuse it would also list unrelated earlier
 * workflows under the same id. Each run's start event names the run it continues, which is exact,
 * consistent with the history we read, and needs no query string built from the id.
 */
async function runsOf(client: Client, workflowId: string): Promise<Run[] | null> {
  let latest: string;
  try {
    latest = (await client.workflow.getHandle(workflowId).describe()).runId;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return null;
    throw err;
  }
  const runs: Run[] = [];
  const seen = new Set<string>();
  for (let runId: string | null = latest; runId && !seen.has(runId);) {
    seen.add(runId);
    const run = await fetchRun(client, workflowId, runId);
    if (!run) break; // older runs aged out of retention: show what is left
    runs.unshift(run);
    runId = run.events[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId || null;
  }
  // A continue-as-new between describe() and the fetch: follow it forward too.
  for (;;) {
    const next = runs.at(-1)?.events.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId;
    const run = next && !seen.has(next) ? await fetchRun(client, workflowId, next) : null;
    if (!run) break;
    seen.add(run.runId);
    runs.push(run);
  }
  return runs.length ? runs : null;
}

/** The readable timeline of a workflow across all its runs (oldest first); null if no such workflow. */
export async function readTicketHistory(
  client: Client,
  workflowId: string,
  words: HistoryVocabulary,
): Promise<HistoryEntry[] | null> {
  const runs = await runsOf(client, workflowId);
  return runs && runs.flatMap((run) => entriesOf(run, words));
}
