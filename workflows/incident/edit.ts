/**
 * Editing what an incident is about (title, description, category, impact, urgency, team, the
 * configuration items it affects) and who follows it. Pure: the workflow checks a command with
 * these, then commits what they return.
 */
import type { EditCommand, IncidentSnapshot, RejectionType, WatchCommand } from './messages.js';
import { isTerminal } from '../kernel/incident-lifecycle.js';
import { type Priority, priorityFor } from '../kernel/priority.js';
import { isStorableText } from '../kernel/text.js';

const FIELDS = ['title', 'description', 'category', 'impact', 'urgency', 'teamId', 'ciIds'] as const;
type Field = (typeof FIELDS)[number];

/** A field's current value (an incident raised before CIs existed affects none). */
const valueOf = (s: IncidentSnapshot, f: Field): unknown => (f === 'ciIds' ? (s.ciIds ?? []) : s[f]);
const same = (a: unknown, b: unknown) =>
  Array.isArray(a) && Array.isArray(b) ? a.length === b.length && a.every((x, i) => x === b[i]) : a === b;

/** The most configuration items one incident affects. */
export const MAX_CIS = 50;
const CI_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const isCiList = (v: unknown): v is string[] =>
  Array.isArray(v) &&
  v.length <= MAX_CIS &&
  v.every((x) => typeof x === 'string' && CI_ID.test(x)) &&
  new Set(v).size === v.length;

/** A refused command: a stable code, a reason, the field at fault. */
export interface Rejection {
  code: RejectionType;
  detail: string;
  field?: string;
}

/** The fields the command sets to something new. */
export function editedFields(s: IncidentSnapshot, cmd: EditCommand): Field[] {
  return FIELDS.filter((f) => cmd[f] !== undefined && !same(cmd[f], valueOf(s, f)));
}

/** Why an edit is refused, or null. */
export function checkEdit(s: IncidentSnapshot, cmd: EditCommand): Rejection | null {
  if (isTerminal(s.status))
    return { code: 'illegal_transition', detail: `A ${s.status} incident takes no more changes` };
  for (const f of ['title', 'description', 'category'] as const) {
    const v = cmd[f];
    if (typeof v === 'string' && !isStorableText(v))
      return { code: 'invalid_command', detail: `${f} is not storable text`, field: f };
  }
  if (cmd.ciIds !== undefined && !isCiList(cmd.ciIds))
    return { code: 'invalid_command', detail: `ciIds is a list of at most ${MAX_CIS} distinct CI ids`, field: 'ciIds' };
  if (cmd.title !== undefined && !cmd.title.trim())
    return { code: 'missing_field', detail: 'An incident needs a title', field: 'title' };
  if (cmd.teamId === null && s.assigneeId && s.status !== 'new') {
    return {
      code: 'not_assignable',
      detail: 'An incident in work keeps a team while it has an assignee',
      field: 'teamId',
    };
  }
  if (!editedFields(s, cmd).length) return { code: 'invalid_command', detail: 'Nothing to change' };
  return null;
}

/** The incident after an edit, and what changed (for the timeline): `from`/`to` per field. */
export function applyEdit(
  s: IncidentSnapshot,
  cmd: EditCommand,
): { next: IncidentSnapshot; changes: Record<string, { from: unknown; to: unknown }>; priority: Priority } {
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  const next = { ...s };
  for (const f of editedFields(s, cmd)) {
    changes[f] = { from: valueOf(s, f), to: cmd[f] };
    Object.assign(next, { [f]: cmd[f] });
  }
  const priority = priorityFor(next.impact, next.urgency, s.priorityMatrix);
  if (priority !== s.priority) changes['priority'] = { from: s.priority, to: priority };
  return { next: { ...next, priority }, changes, priority };
}

/** Why a watch command is refused, or null. */
export function checkWatch(s: IncidentSnapshot, cmd: WatchCommand): Rejection | null {
  if (isTerminal(s.status))
    return { code: 'illegal_transition', detail: `A ${s.status} incident takes no more changes` };
  const watching = (s.watcherIds ?? []).includes(cmd.userId);
  if (watching === cmd.watching) {
    return { code: 'invalid_command', detail: cmd.watching ? 'Already watching' : 'Not watching' };
  }
  return null;
}

/** The watcher list after a watch command. */
export function watchersAfter(s: IncidentSnapshot, cmd: WatchCommand): string[] {
  const current = s.watcherIds ?? [];
  return cmd.watching ? [...current, cmd.userId] : current.filter((id) => id !== cmd.userId);
}
