/** Closed vocabularies of the data model, in a pure module the web app imports too. */

/** Roles a person (or, for `integration`, an API key's service account) holds in an organization. */
export const ROLES = [
  'admin',
  'process_owner',
  'team_lead',
  'agent',
  'cab_member',
  'requester',
  'auditor',
  'integration',
] as const;
export type Role = (typeof ROLES)[number];

/** How a team hands new incidents to its members. */
export const ASSIGNMENT_STRATEGIES = ['none', 'round_robin', 'skills', 'load'] as const;
export type AssignmentStrategy = (typeof ASSIGNMENT_STRATEGIES)[number];
