/**
 * The public shape of a service request from its stored row: the approval path with people and
 * teams named, each approval step's tally, what comes next (from the flow version it runs), the SLA
 * as of now and what the caller may do. Lookups are batched per page.
 */
import type { z } from 'zod';
import { CatalogItem, ConfigurationItem, FlowVersion, type ServiceRequest } from '../../db/entities/index.js';
import { Names } from '../kernel/names.js';
import type { Em } from '../../db/orm.js';
import type { Flow } from '../../workflows/kernel/flow.js';
import { type RequestStep, tallyOf } from '../../workflows/request/engine.js';
import { type RequestStatus, TERMINAL_REQUEST_STATUSES, requestKey } from '../../workflows/request/messages.js';
import { DIRECT_FLOW, upcoming } from '../../workflows/request/path.js';
import type { IncidentSla } from '../../workflows/incident/messages.js';
import type { Principal } from '../kernel/context.js';
import { slaView } from '../platform/sla.js';
import { fieldSetsById, formOf, teamIdsOf } from './catalog.js';
import type * as S from './schemas.js';

export type RequestDto = z.infer<typeof S.ServiceRequest>;
type StepDto = z.infer<typeof S.Step>;

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

/** Who reads a request: a signed-in principal, or the approver an e-mailed link speaks for. */
export type Reader = Pick<Principal, 'userId' | 'role' | 'permissions'>;

/** Who is looking: what they may do at a step depends on it. */
export interface Viewer {
  userId: string;
  teamIds: ReadonlySet<string>;
  fulfils: boolean;
  admin: boolean;
}

function youMay(s: RequestStep, v: Viewer | null): StepDto['youMay'] {
  if (!v || (s.status !== 'open' && s.status !== 'resolving')) return [];
  if (s.kind === 'approval' && s.approvers.some((a) => a.userId === v.userId && a.state === 'pending')) return ['vote'];
  if (s.kind === 'task' && v.fulfils && (v.admin || (s.teamId !== null && v.teamIds.has(s.teamId))))
    return ['complete'];
  return [];
}

export async function viewerOf(em: Em, principal: Reader): Promise<Viewer> {
  return {
    userId: principal.userId,
    teamIds: await teamIdsOf(em, principal.userId),
    fulfils: principal.permissions.has('request.fulfil'),
    admin: principal.role === 'admin',
  };
}

export function stepDto(s: RequestStep, names: Names, viewer: Viewer | null = null): StepDto {
  const t = s.kind === 'approval' ? tallyOf(s) : null;
  return {
    ...s,
    approvers: s.approvers.map((a) => ({
      ...a,
      name: names.user(a.userId),
      onBehalfOfName: a.onBehalfOf ? names.user(a.onBehalfOf) : null,
    })),
    tally: t && { approved: t.approved, rejected: t.rejected, needed: t.needed, asked: t.asked, text: t.text },
    teamName: names.team(s.teamId),
    youMay: youMay(s, viewer),
  };
}

export function stepsOf(r: ServiceRequest): RequestStep[] {
  return r.steps as RequestStep[];
}

/** Who and what a page of requests refers to. */
function referencesOf(rows: ServiceRequest[]): { users: string[]; teams: string[] } {
  const users: string[] = [];
  const teams: string[] = [];
  for (const r of rows) {
    users.push(r.requester.id);
    for (const s of stepsOf(r)) {
      if (s.teamId) teams.push(s.teamId);
      if (s.escalatedTo) users.push(s.escalatedTo);
      for (const a of s.approvers) users.push(a.userId, ...(a.onBehalfOf ? [a.onBehalfOf] : []));
    }
  }
  return { users, teams };
}

function commandsFor(r: ServiceRequest, principal: Reader): RequestDto['allowedCommands'] {
  const out: RequestDto['allowedCommands'] = [];
  const terminal = TERMINAL_REQUEST_STATUSES.includes(r.status as RequestStatus);
  const own = r.requester.id === principal.userId;
  if (!terminal && (own || principal.permissions.has('request.read'))) out.push('cancel');
  // A completed request's workflow stays for its rating window; then it takes nothing more.
  const ratingWindow = r.status === 'completed' && (!r.ratingUntil || r.ratingUntil.getTime() > Date.now());
  if (!terminal || ratingWindow) out.push('comment');
  if (own && ratingWindow && !r.csatRating) out.push('rate');
  return out;
}

/** Requests as the caller sees them (a page at a time: lookups batched). */
export async function requestDtos(em: Em, principal: Reader, rows: ServiceRequest[]): Promise<RequestDto[]> {
  if (!rows.length) return [];
  const refs = referencesOf(rows);
  const items = await em.find(CatalogItem, { id: { $in: [...new Set(rows.map((r) => r.item.id))] } });
  const itemById = new Map(items.map((i) => [i.id, i]));
  for (const i of items) if (i.fulfilmentTeam) refs.teams.push(i.fulfilmentTeam.id);
  for (const r of rows) for (const s of stepsOf(r)) if (s.kind === 'task' && s.teamId) refs.teams.push(s.teamId);
  const sets = await fieldSetsById(
    em,
    items.flatMap((i) => i.fieldSetIds),
  );
  const personFields = new Map(
    items.map((i) => [
      i.id,
      formOf(i, sets)
        .fields.filter((f) => f.type === 'user')
        .map((f) => f.id),
    ]),
  );
  const named = (r: ServiceRequest): string[] =>
    (personFields.get(r.item.id) ?? []).map((f) => r.answers[f]).filter((v): v is string => typeof v === 'string');
  for (const r of rows) refs.users.push(...named(r));
  const names = await Names.load(em, refs.users, refs.teams);
  const ciIds = [...new Set(rows.flatMap((r) => r.ciIds ?? []))];
  const ciNames = new Map(
    (ciIds.length ? await em.find(ConfigurationItem, { id: { $in: ciIds } }, { fields: ['id', 'name'] }) : []).map(
      (c) => [c.id, c.name],
    ),
  );
  const viewer = await viewerOf(em, principal);
  // The flow versions the page runs (immutable once saved: the request's snapshot is one of them).
  const wanted = rows.filter((r) => r.flowId && r.flowVersion !== null && r.flowVersion !== undefined);
  const versions = wanted.length
    ? await em.find(FlowVersion, {
        $or: wanted.map((r) => ({ flow: r.flowId!, version: r.flowVersion! })),
      })
    : [];
  const flowOf = (r: ServiceRequest): Flow =>
    versions.find((v) => v.flow.id === r.flowId && v.version === r.flowVersion)?.definition ?? DIRECT_FLOW;
  return rows.map((r) => {
    const item = itemById.get(r.item.id);
    const steps = stepsOf(r);
    const terminal = TERMINAL_REQUEST_STATUSES.includes(r.status as RequestStatus);
    const fulfilmentTeamId = item?.fulfilmentTeam?.id ?? null;
    const ahead = upcoming(
      flowOf(r),
      { steps, answers: r.answers as never, outcome: terminal ? 'completed' : null },
      fulfilmentTeamId,
    );
    return {
      key: requestKey(r.number),
      number: r.number,
      workflowId: r.workflowId,
      title: r.title,
      itemId: r.item.id,
      itemKey: item?.key ?? '',
      itemName: item?.name ?? { en: r.title },
      requesterId: r.requester.id,
      requesterName: names.user(r.requester.id),
      status: r.status,
      flowId: r.flowId ?? null,
      flowVersion: r.flowVersion ?? null,
      answers: r.answers,
      form: item ? formOf(item, sets) : { fields: [] },
      namedPeople: Object.fromEntries(named(r).map((id) => [id, names.user(id)])),
      ciIds: r.ciIds ?? [],
      namedCis: Object.fromEntries((r.ciIds ?? []).map((id) => [id, ciNames.get(id) ?? id])),
      steps: steps.map((s) => stepDto(s, names, viewer)),
      upcoming: ahead.map((u) => ('teamId' in u ? { ...u, teamName: names.team(u.teamId) } : u)),
      outcomeReason: r.outcomeReason ?? null,
      sla: slaView((r.sla as IncidentSla | null) ?? null),
      csat: r.csatRating ? { rating: r.csatRating, comment: r.csatComment ?? null, at: iso(r.csatAt)! } : null,
      ratingUntil: iso(r.ratingUntil),
      createdAt: r.createdAt.toISOString(),
      updatedAt: r.updatedAt.toISOString(),
      closedAt: iso(r.closedAt),
      revision: r.revision,
      allowedCommands: commandsFor(r, principal),
    };
  });
}

export async function requestDto(em: Em, principal: Reader, row: ServiceRequest): Promise<RequestDto> {
  return (await requestDtos(em, principal, [row]))[0]!;
}

/**
 * The people, teams and form fields a flow names, as the live overlay shows them (a requester may
 * not read the directory, but may see who their request waits on).
 */
export async function flowNames(em: Em, def: Flow, item: CatalogItem | null): Promise<z.infer<typeof S.FlowNames>> {
  const users = new Set<string>();
  const teams = new Set<string>();
  for (const n of def.nodes) {
    if (n.type === 'approval') {
      for (const a of n.approvers) {
        if (a.kind === 'users') a.userIds.forEach((u) => users.add(u));
        if (a.kind === 'team') teams.add(a.teamId);
      }
      if (n.deadline?.escalateTo) users.add(n.deadline.escalateTo);
    }
    if (n.type === 'task') teams.add(n.teamId);
  }
  const names = await Names.load(em, users, teams);
  const form = item ? formOf(item, await fieldSetsById(em, item.fieldSetIds)) : undefined;
  return {
    users: Object.fromEntries([...users].map((id) => [id, names.user(id)])),
    teams: Object.fromEntries([...teams].map((id) => [id, names.team(id) ?? 'Unknown'])),
    fields: Object.fromEntries((form?.fields ?? []).map((f) => [f.id, f.label])),
  };
}
