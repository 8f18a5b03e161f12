/**
 * The queues people work from, read from the request read model: an approver's inbox (the steps
 * waiting for their decision, or those they decided), a team's fulfilment tasks, and how many
 * requests still run on each version of a flow.
 */
import type { z } from 'zod';
import { CatalogItem, RequestApproval, RequestTask, ServiceRequest } from '../../db/entities/index.js';
import type { Em } from '../../db/orm.js';
import { tallyOf } from '../../workflows/request/engine.js';
import { requestKey } from '../../workflows/request/messages.js';
import type { Principal } from '../kernel/context.js';
import { fieldSetsById, formOf, teamIdsOf } from './catalog.js';
import { Names } from '../kernel/names.js';
import { stepsOf } from './dto.js';
import type * as S from './schemas.js';

/** The caller's approvals: pending ones (the inbox) or those they decided. */
export async function approvalsOf(em: Em, principal: Principal, q: z.infer<typeof S.ApprovalsQuery>) {
  const states = q.state === 'pending' ? ['pending'] : ['approved', 'rejected', 'no_longer_required', 'delegated'];
  const rows = await em.find(
    RequestApproval,
    { user: principal.userId, state: { $in: states as RequestApproval['state'][] } },
    { orderBy: { askedAt: q.state === 'pending' ? 'asc' : 'desc' }, limit: q.limit },
  );
  const requests = rows.length
    ? await em.find(ServiceRequest, { workflowId: { $in: [...new Set(rows.map((r) => r.requestWorkflowId))] } })
    : [];
  const byId = new Map(requests.map((r) => [r.workflowId, r]));
  const items = await em.find(CatalogItem, { id: { $in: [...new Set(requests.map((r) => r.item.id))] } });
  const itemById = new Map(items.map((i) => [i.id, i]));
  const sets = await fieldSetsById(
    em,
    items.flatMap((i) => i.fieldSetIds),
  );
  const names = await Names.load(
    em,
    [...requests.map((r) => r.requester.id), ...rows.map((r) => r.onBehalfOf?.id ?? '')],
    [],
  );
  return {
    items: rows.flatMap((a) => {
      const r = byId.get(a.requestWorkflowId);
      if (!r) return [];
      const step = stepsOf(r).find((s) => s.id === a.stepId);
      const item = itemById.get(r.item.id);
      return [
        {
          key: requestKey(r.number),
          title: r.title,
          itemName: item?.name ?? { en: r.title },
          stepId: a.stepId,
          stepLabel: a.stepLabel ?? null,
          requesterId: r.requester.id,
          requesterName: names.user(r.requester.id),
          onBehalfOf: a.onBehalfOf?.id ?? null,
          onBehalfOfName: a.onBehalfOf ? names.user(a.onBehalfOf.id) : null,
          state: a.state,
          askedAt: a.askedAt.toISOString(),
          decidedAt: a.decidedAt?.toISOString() ?? null,
          comment: a.comment ?? null,
          deadlineAt: a.deadlineAt?.toISOString() ?? null,
          tally: step ? tallyOf(step).text : '',
          answers: r.answers,
          form: item ? formOf(item, sets) : { fields: [] },
        },
      ];
    }),
  };
}

/** Fulfilment tasks of the caller's teams (or one team). */
export async function tasksOf(em: Em, principal: Principal, q: z.infer<typeof S.TasksQuery>) {
  const teams = q.teamId === 'mine' ? [...(await teamIdsOf(em, principal.userId))] : [q.teamId];
  const rows = teams.length
    ? await em.find(
        RequestTask,
        { team: { $in: teams }, state: q.state },
        { orderBy: { openedAt: q.state === 'open' ? 'asc' : 'desc' }, limit: q.limit, populate: ['team'] },
      )
    : [];
  const requests = rows.length
    ? await em.find(ServiceRequest, { workflowId: { $in: [...new Set(rows.map((r) => r.requestWorkflowId))] } })
    : [];
  const byId = new Map(requests.map((r) => [r.workflowId, r]));
  const names = await Names.load(
    em,
    requests.map((r) => r.requester.id),
    [],
  );
  return {
    items: rows.flatMap((t) => {
      const r = byId.get(t.requestWorkflowId);
      if (!r) return [];
      return [
        {
          key: requestKey(r.number),
          title: r.title,
          stepId: t.stepId,
          taskTitle: t.title,
          teamId: t.team.id,
          teamName: t.team.name,
          state: t.state,
          openedAt: t.openedAt.toISOString(),
          dueAt: t.dueAt?.toISOString() ?? null,
          doneAt: t.doneAt?.toISOString() ?? null,
          doneBy: t.doneBy?.id ?? null,
          note: t.note ?? null,
          requesterName: names.user(r.requester.id),
        },
      ];
    }),
  };
}

/** Requests in flight per version of a flow (for the flow's version list). */
export async function inFlight(em: Em, orgId: string, flowId: string): Promise<Map<number, number>> {
  const rows = await em.execute<{ v: number; n: string }[]>(
    `select flow_version as v, count(*) as n from requests
     where organization_id = ? and flow_id = ? and status not in ('completed', 'rejected', 'cancelled')
     group by flow_version`,
    [orgId, flowId],
  );
  return new Map(rows.map((r) => [Number(r.v), Number(r.n)]));
}
