/**
 * How an approval step's votes add up under its rule (flow.ts): anyone (the first answer decides),
 * all (every approver approves; one rejection rejects), N of M, or a percentage of those asked
 * (rounded up). A step rejects as soon as its rule can no longer be met. Pure: the request
 * workflow decides with it, the API and the web app show the same tally ("2 of 3").
 */
import type { ApprovalRule } from './flow.js';

export type VoteDecision = 'approve' | 'reject';

/** Where one approver of a step stands. */
export const APPROVER_STATES = ['pending', 'approved', 'rejected', 'no_longer_required', 'delegated'] as const;
export type ApproverState = (typeof APPROVER_STATES)[number];

export interface Tally {
  approved: number;
  rejected: number;
  pending: number;
  /** Approvals the rule needs. */
  needed: number;
  /** Everyone asked (a delegated approver counts once, through the substitute). */
  asked: number;
  /** The step's outcome once the rule is met or can no longer be met. */
  outcome: 'approved' | 'rejected' | null;
  /** "2 of 3": approvals so far of those needed. */
  text: string;
}

/** Approvals a rule needs of `asked` approvers. */
export function neededApprovals(rule: ApprovalRule, asked: number): number {
  switch (rule.kind) {
    case 'any':
      return Math.min(1, asked);
    case 'all':
      return asked;
    case 'n_of_m':
      return rule.n;
    case 'percent':
      return Math.max(1, Math.ceil((asked * rule.percent) / 100 - 1e-9));
  }
}

/** The tally of a step's approvers' states under its rule. */
export function tally(rule: ApprovalRule, states: readonly ApproverState[]): Tally {
  const counted = states.filter((s) => s !== 'delegated');
  const approved = counted.filter((s) => s === 'approved').length;
  const rejected = counted.filter((s) => s === 'rejected').length;
  const pending = counted.filter((s) => s === 'pending').length;
  const asked = counted.length;
  const needed = neededApprovals(rule, asked);
  let outcome: Tally['outcome'] = null;
  if (rule.kind === 'any') {
    // The first answer decides, whichever it is.
    if (approved) outcome = 'approved';
    else if (rejected) outcome = 'rejected';
  } else if (asked > 0 && approved >= needed) outcome = 'approved';
  // Those still able to approve cannot make up the rest.
  else if (approved + pending < needed) outcome = 'rejected';
  return { approved, rejected, pending, needed, asked, outcome, text: `${approved} of ${needed}` };
}
