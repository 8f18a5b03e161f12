/**
 * What the flow routes share: loading a flow of the caller's organization, the validator as the
 * API runs it, and the refusal of a graph that still has problems.
 */
import { z } from 'zod';
import { ApprovalFlow } from '../../db/entities/index.js';
import type { Em } from '../../db/orm.js';
import { type Flow, type FlowProblem, validateFlow } from '../../workflows/kernel/flow.js';
import type { Form } from '../../workflows/kernel/form.js';
import { ROLES } from '../../workflows/kernel/vocabulary.js';
import { AppError, type FieldError, notFound } from '../kernel/errors.js';
import { uuid } from '../kernel/schemas.js';

export const FlowIdParams = z.strictObject({ id: uuid });

/** The draft's problems with what the validator knows without an item: the roles there are. */
export const problemsOf = (definition: Flow, form?: Form) => validateFlow(definition, { roles: ROLES, form });

/** Each finding at its node, as a problem document's field. */
export const atNodes = (problems: FlowProblem[]): FieldError[] =>
  problems.map((p) => ({ field: `nodes.${p.nodeId}`, message: p.message }));

export async function loadFlow(em: Em, id: string): Promise<ApprovalFlow> {
  const flow = await em.findOne(ApprovalFlow, { id });
  if (!flow) throw notFound('Flow');
  return flow;
}

/** Refuses a graph with problems (422 `flow_invalid`): "<what> has N problems; fix them <when>". */
export function refuseProblems(problems: FieldError[], what: string, when: string): void {
  if (!problems.length) return;
  throw new AppError(
    422,
    'flow_invalid',
    `${what} has ${problems.length} problem${problems.length === 1 ? '' : 's'}; fix ${problems.length === 1 ? 'it' : 'them'} ${when}`,
    problems,
  );
}
