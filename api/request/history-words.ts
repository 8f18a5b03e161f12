/** What a service request workflow's history means in words (for the auditor's history reader). */
import { requestKey } from '../../workflows/request/messages.js';
import type { HistoryVocabulary } from '../kernel/ticket-history.js';

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export const REQUEST_HISTORY: HistoryVocabulary = {
  workflowType: 'requestWorkflow',
  newTicket: (input) => (isRecord(input['request']) ? input['request'] : null),
  opened: (t) => `Request ${requestKey(Number(t['number']))} submitted: "${String(t['title'] ?? '')}"`,
  describeCommand(name, cmd, str) {
    const parts: string[] = [];
    if (name.endsWith('vote')) {
      parts.push(`${str(cmd['decision'])} at ${str(cmd['stepId'])}`);
      if (cmd['channel']) parts.push(`from the ${str(cmd['channel'])}`);
      if (cmd['comment']) parts.push(`comment "${str(cmd['comment'])}"`);
    } else if (name.endsWith('task')) {
      parts.push(`task ${str(cmd['stepId'])} done`);
      if (cmd['note']) parts.push(`note "${str(cmd['note'])}"`);
    } else if (name.endsWith('cancel')) {
      if (cmd['reason']) parts.push(`reason "${str(cmd['reason'])}"`);
    } else if (name.endsWith('comment')) {
      parts.push(`${cmd['internal'] ? 'work note' : 'comment'} "${str(cmd['body'])}"`);
    } else if (name.endsWith('rate')) {
      parts.push(`rating ${str(cmd['rating'])}`);
    }
    return parts.length ? `: ${parts.join(', ')}` : '';
  },
};
