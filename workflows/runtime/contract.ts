/**
 * What every ticket workflow shares with the API and the worker: the task queue, the search
 * attribute that scopes visibility by tenant, and the business refusals the API maps to HTTP.
 */
import { defineSearchAttributeKey } from '@temporalio/common';

export const TASK_QUEUE = 'lintas-tickets';

/** Search attribute holding the organization slug, so visibility queries can be scoped by tenant. */
export const ORG_SEARCH_ATTRIBUTE = defineSearchAttributeKey('LintasOrg', 'KEYWORD');

/** Business rejections raised by ticket workflows; the API maps each to an HTTP status. */
export const REJECTIONS = [
  'rating_not_open',
  'illegal_transition',
  'missing_field',
  'not_assignable',
  'stale_revision',
  'invalid_command',
  'command_expired',
  'not_an_approver',
  'already_voted',
  'step_closed',
] as const;
export type RejectionType = (typeof REJECTIONS)[number];
