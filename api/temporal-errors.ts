/** Turns what Temporal answers into the API's error model. */
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure, WorkflowNotFoundError } from '@temporalio/common';
import { type RejectionType } from '../workflows/incident-messages.js';
import { AppError } from './errors.js';

const STATUS: Record<RejectionType, number> = {
  illegal_transition: 409,
  not_assignable: 409,
  stale_revision: 409,
  missing_field: 422,
  invalid_command: 422,
};

function fieldOf(details: unknown[] | null | undefined): string | undefined {
  const first = details?.[0];
  if (first && typeof first === 'object' && 'field' in first && typeof first.field === 'string') return first.field;
  return undefined;
}

/** Maps a workflow's business rejection or a closed workflow to an AppError; rethrows the rest. */
export function mapTemporalError(err: unknown): never {
  if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
    const type = err.cause.type as RejectionType | undefined;
    if (type && type in STATUS) {
      const field = fieldOf(err.cause.details);
      throw new AppError(STATUS[type], type, err.cause.message, field ? [{ field, message: err.cause.message }] : []);
    }
  }
  if (err instanceof WorkflowNotFoundError) {
    throw new AppError(409, 'illegal_transition', 'The incident is closed and takes no more changes');
  }
  throw err;
}
