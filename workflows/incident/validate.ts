/**
 * What the incident workflow refuses, command by command: pure checks of a command against the
 * incident as it stands. Each runs twice — when the update arrives and again under the mutex,
 * once the commands before it have landed (workflows/runtime: rt.command).
 */
import {
  type AssignCommand,
  type CommentCommand,
  type EditCommand,
  type IncidentSnapshot,
  type PriorityCommand,
  type RateCommand,
  type RejectionType,
  type TransitionCommand,
  type WatchCommand,
  type WorkaroundCommand,
} from './messages.js';
import { checkAssignment, checkTransition, isTerminal } from '../kernel/incident-lifecycle.js';
import { isStorableText, STORABLE_TEXT_MESSAGE } from '../kernel/text.js';
import {
  type Guarded,
  checkRevision as checkTicketRevision,
  refuse,
  reject as rejectCommand,
} from '../runtime/ticket-runtime.js';
import { checkEdit, checkWatch } from './edit.js';

const COMMENT_MAX = 20_000;

/** Refuses a command with one of the incident's rejection codes. */
export const reject: (type: RejectionType, message: string, field?: string) => never = rejectCommand;

/** A guarded command made against another revision than the incident's is refused. */
function checkRevision(state: IncidentSnapshot, cmd: Guarded): void {
  checkTicketRevision('incident', state, cmd);
}

export function validateTransition(s: IncidentSnapshot, cmd: TransitionCommand): void {
  checkRevision(s, cmd);
  refuse(checkTransition(s, cmd));
  for (const field of ['reason', 'resolutionNotes'] as const) {
    const value = cmd[field];
    if (value !== undefined && !isStorableText(value))
      reject('invalid_command', `${field} ${STORABLE_TEXT_MESSAGE}`, field);
  }
}

export function validateAssign(s: IncidentSnapshot, cmd: AssignCommand): void {
  checkRevision(s, cmd);
  refuse(checkAssignment(s.status));
  if (cmd.assigneeId === s.assigneeId && cmd.teamId === s.teamId) {
    reject('invalid_command', 'The incident already has this assignee and team');
  }
  if (cmd.assigneeId === null && s.status !== 'new') {
    reject('not_assignable', 'An incident in work cannot be left without an assignee', 'assigneeId');
  }
}

/** Refuses any command on a closed or cancelled incident. */
function refuseWhenTerminal(s: IncidentSnapshot, what: 'comments' | 'changes'): void {
  if (isTerminal(s.status)) reject('illegal_transition', `A ${s.status} incident takes no more ${what}`);
}

/** A command's free text: storable, and 1 to COMMENT_MAX characters once trimmed. */
function checkText(value: string, field: string, what: string): void {
  const text = value.trim();
  if (!isStorableText(text)) reject('invalid_command', `${field} ${STORABLE_TEXT_MESSAGE}`, field);
  if (!text || text.length > COMMENT_MAX)
    reject('missing_field', `${what} needs 1 to ${COMMENT_MAX} characters`, field);
}

export function validateComment(s: IncidentSnapshot, cmd: CommentCommand): void {
  checkRevision(s, cmd);
  refuseWhenTerminal(s, 'comments');
  checkText(cmd.body, 'body', 'A comment');
}

export function validatePriority(s: IncidentSnapshot, cmd: PriorityCommand): void {
  checkRevision(s, cmd);
  refuseWhenTerminal(s, 'changes');
  if (cmd.reason !== undefined && !isStorableText(cmd.reason))
    reject('invalid_command', `reason ${STORABLE_TEXT_MESSAGE}`, 'reason');
  const impact = cmd.impact ?? s.impact;
  const urgency = cmd.urgency ?? s.urgency;
  if (impact === s.impact && urgency === s.urgency) {
    reject('invalid_command', 'Impact and urgency are unchanged');
  }
}

export function validateWorkaround(s: IncidentSnapshot, cmd: WorkaroundCommand): void {
  checkRevision(s, cmd);
  refuseWhenTerminal(s, 'changes');
  checkText(cmd.text, 'text', 'A workaround');
}

export function validateRate(s: IncidentSnapshot, cmd: RateCommand): void {
  if (s.status !== 'resolved' || s.resolvedAt !== cmd.resolvedAt) {
    reject('rating_not_open', 'This resolution can no longer be rated (the incident was reopened or closed)');
  }
  if (s.csat && s.csat.resolvedAt === cmd.resolvedAt) reject('rating_not_open', 'This resolution was already rated');
  if (!Number.isInteger(cmd.rating) || cmd.rating < 1 || cmd.rating > 5)
    reject('invalid_command', 'rating must be 1 to 5', 'rating');
  if (cmd.comment !== null && (!isStorableText(cmd.comment) || cmd.comment.length > 2000)) {
    reject('invalid_command', `comment must be at most 2000 characters and ${STORABLE_TEXT_MESSAGE}`, 'comment');
  }
}

export function validateEdit(s: IncidentSnapshot, cmd: EditCommand): void {
  checkRevision(s, cmd);
  refuse(checkEdit(s, cmd));
}

export function validateWatch(s: IncidentSnapshot, cmd: WatchCommand): void {
  checkRevision(s, cmd);
  refuse(checkWatch(s, cmd));
}
