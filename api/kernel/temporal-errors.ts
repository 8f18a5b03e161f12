/** Turns what Temporal answers into the API's error model. */
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure, WorkflowNotFoundError } from '@temporalio/common';
import { type RejectionType } from '../../workflows/runtime/contract.js';
import { AppError } from './errors.js';
import { notApplied } from './temporal-calls.js';

const STATUS: Record<RejectionType, number> = {
  rating_not_open: 409,
  illegal_transition: 409,
  not_assignable: 409,
  stale_revision: 409,
  missing_field: 422,
  invalid_command: 422,
  command_expired: 503,
  not_an_approver: 403,
  already_voted: 409,
  step_closed: 409,
};

function fieldOf(details: unknown[] | null | undefined): string | undefined {
  const first = details?.[0];
  if (first && typeof first === 'object' && 'field' in first && typeof first.field === 'string') return first.field;
  return undefined;
}

/**
 * True when the server dropped an update that no worker processed (e.g. the workflow task that
 * carried it failed): nothing was applied, so sending it again is safe.
 */
export function isUnprocessedUpdate(err: unknown): boolean {
  if (!(err instanceof WorkflowUpdateFailedError)) return false;
  const text = `${err.message} ${err.cause?.message ?? ''}`;
  return /wasn't processed by worker/i.test(text);
}

/** Maps a workflow's business rejection or a closed workflow to an AppError; rethrows the rest. */
export function mapTemporalError(err: unknown): never {
  if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
    const type = err.cause.type as RejectionType | undefined;
    // Refused because no worker took it before its deadline: known not to be applied.
    if (type === 'command_expired') throw notApplied();
    if (type && type in STATUS) {
      const field = fieldOf(err.cause.details);
      throw new AppError(STATUS[type], type, err.cause.message, field ? [{ field, message: err.cause.message }] : []);
    }
  }
  if (err instanceof AppError) throw err;
  if (isUnprocessedUpdate(err)) {
    throw new AppError(503, 'temporarily_unavailable', 'The ticket is busy; try again in a moment', [], {
      'Retry-After': '1',
    });
  }
  if (err instanceof WorkflowNotFoundError) {
    throw new AppError(409, 'illegal_transition', 'The ticket is closed and takes no more changes');
  }
  throw err;
}
