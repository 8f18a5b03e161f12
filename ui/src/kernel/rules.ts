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
} from '../../../workflows/kernel/incident-lifecycle.js';
export { LEVELS, PRIORITIES, type Priority } from '../../../workflows/kernel/priority.js';
export { ASSIGNMENT_STRATEGIES, ROLES, type Role } from '../../../workflows/kernel/vocabulary.js';
export { ADMIN_FLOOR, ASSIGNABLE_ROLES, PERMISSIONS, type Permission } from '../../../workflows/kernel/permissions.js';
export { AUDIENCES, DEFAULT_ESCALATIONS, DEFAULT_TARGETS } from '../../../workflows/kernel/sla.js';
export { calendarProblems } from '../../../workflows/kernel/business-calendar.js';
export {
  FIELD_TYPES,
  evaluateForm,
  checkForm,
  FormSchema,
  type Answer,
  type Answers,
  type Form,
  type FormField,
} from '../../../workflows/kernel/form.js';
export { readyMadeFlows, validateFlow, type Flow } from '../../../workflows/kernel/flow.js';
export { DEFAULT_ATTACHMENT_TYPES } from '../../../workflows/kernel/attachments.js';
export { SHIPPED_CLASSES, attributeProblems, type Attribute } from '../../../workflows/kernel/cmdb-classes.js';
export { CI_STATUSES, CI_TRANSITIONS, CRITICALITIES, type CiStatus } from '../../../workflows/kernel/cmdb-items.js';
export { RELATION_RULES, RELATION_TYPES, type RelationType } from '../../../workflows/kernel/cmdb-relations.js';
