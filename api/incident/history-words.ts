/** What an incident workflow's history means in words (for the auditor's history reader). */
import { incidentKey } from '../../workflows/incident/messages.js';
import type { HistoryEntry, HistoryVocabulary } from '../kernel/ticket-history.js';

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export const INCIDENT_HISTORY: HistoryVocabulary = {
  workflowType: 'incidentWorkflow',
  newTicket: (input) => (isRecord(input['incident']) ? input['incident'] : null),
  opened: (t) => `Incident ${incidentKey(Number(t['number']))} opened: "${String(t['title'] ?? '')}"`,
  describeCommand(name, cmd, str) {
    const parts: string[] = [];
    if (name === 'transition') {
      parts.push(`to ${str(cmd['to'])}`);
      if (cmd['pendingReason']) parts.push(`waiting on ${str(cmd['pendingReason'])}`);
      if (cmd['resolutionCode']) parts.push(`resolution ${str(cmd['resolutionCode'])}`);
      if (cmd['reason']) parts.push(`reason "${str(cmd['reason'])}"`);
    } else if (name === 'assign') {
      parts.push(`assignee ${str(cmd['assigneeId']) ?? 'none'}, team ${str(cmd['teamId']) ?? 'none'}`);
    } else if (name === 'comment') {
      parts.push(`${cmd['internal'] ? 'work note' : 'comment'} "${str(cmd['body'])}"`);
    }
    return parts.length ? `: ${parts.join(', ')}` : '';
  },
  // The incident workflow names its timers ('auto-close', 'sla-escalation'); incidents started
  // before it did had a single, unnamed timer: the auto-close wait.
  unnamedTimer: 'auto-close',
};

/** A history entry with the text of a work note removed, for readers without `incident.work_note`. */
export function withoutNoteText(e: HistoryEntry): HistoryEntry {
  const input = e.details['input'] as Record<string, unknown> | undefined;
  if (e.details['updateName'] !== 'comment' || !input || input['internal'] !== true) return e;
  const { body: _, ...rest } = input;
  return {
    ...e,
    summary: "Update 'comment' received: work note (text hidden)",
    details: { ...e.details, input: rest },
  };
}
