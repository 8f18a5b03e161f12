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
export { ASSIGNMENT_STRATEGIES, ROLES, type Role } from '../../db/entities/vocabulary.js';
export { ADMIN_FLOOR, ASSIGNABLE_ROLES, PERMISSIONS, type Permission } from '../../api/permissions.js';
export { AUDIENCES, DEFAULT_ESCALATIONS, DEFAULT_TARGETS } from '../../workflows/rules/sla.js';
export { calendarProblems } from '../../workflows/rules/business-calendar.js';
