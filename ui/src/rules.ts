// The rules the server uses, for the app too (pure modules: no I/O, no Node built-ins).
export {
  INCIDENT_STATUSES,
  OPEN_STATUSES,
  PENDING_REASONS,
  RESOLUTION_CODES,
  type IncidentStatus,
  type PendingReason,
  type ResolutionCode,
  type TransitionTarget,
  isReopen,
  isTerminal,
} from '../../workflows/rules/incident-lifecycle.js';
export { LEVELS, PRIORITIES, type Priority } from '../../workflows/rules/priority.js';
