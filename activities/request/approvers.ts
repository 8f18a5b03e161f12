/**
 * Who an approval step asks: named people, a role's members, a team's members, the requester's
 * manager, or the person a form field names — active people of the organization only, and never
 * the requester (nobody approves their own request). Where the step allows delegation, someone
 * away at that moment is replaced by their delegate, recorded as acting on their behalf; the next
 * planned absence to start is returned so the workflow looks again then.
 */
import { TeamMember, User } from '../../db/entities/index.js';
import type { Em } from '../../db/orm.js';
import type { ApproverSource } from '../../workflows/kernel/flow.js';
import type { Answers } from '../../workflows/kernel/form.js';
import type { ResolvedApprover } from '../../workflows/request/engine.js';

export interface ResolveApproversInput {
  orgId: string;
  requesterId: string;
  answers: Answers;
  sources: ApproverSource[];
  allowDelegation: boolean;
  /** The workflow's time (epoch ms): absences are judged at it. */
  at: number;
}

export interface ResolvedApprovers {
  approvers: ResolvedApprover[];
  /** When someone asked goes away next (ISO), or null. */
  recheckAt: string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

async function usersOf(em: Em, input: ResolveApproversInput): Promise<User[]> {
  const ids = new Set<string>();
  const requester = await em.findOne(User, { id: input.requesterId });
  for (const s of input.sources) {
    if (s.kind === 'users') s.userIds.forEach((id) => ids.add(id));
    if (s.kind === 'manager' && requester?.manager) ids.add(requester.manager.id);
    if (s.kind === 'field') {
      const v = input.answers[s.fieldId];
      if (typeof v === 'string' && UUID.test(v)) ids.add(v);
    }
    if (s.kind === 'team') {
      const members = await em.find(TeamMember, { team: s.teamId });
      members.forEach((m) => ids.add(m.user.id));
    }
  }
  const roles = input.sources.flatMap((s) => (s.kind === 'role' ? [s.role] : []));
  const byId = ids.size ? await em.find(User, { id: { $in: [...ids] }, active: true }) : [];
  const byRole = roles.length ? await em.find(User, { role: { $in: roles as User['role'][] }, active: true }) : [];
  const all = new Map([...byId, ...byRole].map((u) => [u.id, u]));
  const users = [...all.values()].sort(
    (a, b) => a.displayName.localeCompare(b.displayName) || a.id.localeCompare(b.id),
  );
  return users.filter((u) => u.id !== input.requesterId);
}

/** Whether a user is away at `at`, and their delegate then (active, not the requester). */
function awayAt(u: User, at: number): boolean {
  const until = u.outOfOfficeUntil?.getTime();
  const from = u.outOfOfficeFrom?.getTime() ?? -Infinity;
  return until !== undefined && from <= at && at < until;
}

async function delegates(em: Em, users: User[], requesterId: string): Promise<Map<string, string>> {
  const ids = users.map((u) => u.delegate?.id).filter((x): x is string => !!x);
  const active = ids.length ? await em.find(User, { id: { $in: ids }, active: true }) : [];
  const ok = new Set(active.filter((u) => u.id !== requesterId).map((u) => u.id));
  return new Map(users.filter((u) => u.delegate && ok.has(u.delegate.id)).map((u) => [u.id, u.delegate!.id]));
}

function nextAbsence(users: User[], withDelegate: Map<string, string>, at: number): string | null {
  const starts = users
    .filter((u) => withDelegate.has(u.id) && u.outOfOfficeFrom && u.outOfOfficeFrom.getTime() > at)
    .map((u) => u.outOfOfficeFrom!.getTime());
  return starts.length ? new Date(Math.min(...starts)).toISOString() : null;
}

export async function resolveApprovers(em: Em, input: ResolveApproversInput): Promise<ResolvedApprovers> {
  const users = await usersOf(em, input);
  if (!input.allowDelegation)
    return { approvers: users.map((u) => ({ userId: u.id, onBehalfOf: null })), recheckAt: null };
  const subs = await delegates(em, users, input.requesterId);
  return {
    approvers: users.map((u) =>
      awayAt(u, input.at) && subs.has(u.id)
        ? { userId: subs.get(u.id)!, onBehalfOf: u.id }
        : { userId: u.id, onBehalfOf: null },
    ),
    recheckAt: nextAbsence(users, subs, input.at),
  };
}

export interface CheckSubstitutesInput {
  orgId: string;
  requesterId: string;
  userIds: string[];
  at: number;
}

/** The delegates of those still asked who are away at `at`, and when to look again. */
export async function checkSubstitutes(
  em: Em,
  input: CheckSubstitutesInput,
): Promise<{ substitutes: Record<string, string>; recheckAt: string | null }> {
  const users = input.userIds.length ? await em.find(User, { id: { $in: input.userIds } }) : [];
  const subs = await delegates(em, users, input.requesterId);
  const substitutes: Record<string, string> = {};
  for (const u of users) if (awayAt(u, input.at) && subs.has(u.id)) substitutes[u.id] = subs.get(u.id)!;
  return { substitutes, recheckAt: nextAbsence(users, subs, input.at) };
}
