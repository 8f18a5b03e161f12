/**
 * The flow a request runs, drawn as it travels (the designer's live overlay): the version's graph
 * from the workflow's own snapshot, the edges taken and the steps so far, from a query; where the
 * workflow cannot answer, the stored version and steps (no edges). People, teams and form fields
 * the graph refers to come named.
 */
import type { z } from 'zod';
import { ApprovalFlow, CatalogItem, FlowVersion, type ServiceRequest } from '../../db/entities/index.js';
import type { Em } from '../../db/orm.js';
import type { Flow } from '../../workflows/kernel/flow.js';
import type { RequestStep } from '../../workflows/request/engine.js';
import { requestKey, requestStateQuery } from '../../workflows/request/messages.js';
import { DIRECT_FLOW } from '../../workflows/request/path.js';
import type { TicketDesk } from '../kernel/tickets.js';
import { flowNames, stepsOf } from './dto.js';
import type * as S from './schemas.js';

export async function requestFlowView(
  em: Em,
  desk: TicketDesk,
  r: ServiceRequest,
): Promise<z.infer<typeof S.RequestFlow>> {
  const flow = r.flowId ? await em.findOne(ApprovalFlow, { id: r.flowId }) : null;
  const base = {
    key: requestKey(r.number),
    flowId: r.flowId ?? null,
    flowName: flow?.name ?? null,
    version: r.flowVersion ?? null,
  };
  const item = await em.findOne(CatalogItem, { id: r.item.id });
  const named = (definition: Flow) => flowNames(em, definition, item);
  const view = (steps: RequestStep[]) =>
    steps.map((s) => ({ stepId: s.id, nodeId: s.nodeId, kind: s.kind, status: s.status, label: s.label }));
  try {
    const live = await desk.query(r.workflowId, requestStateQuery);
    const steps = view(live.run.steps);
    return {
      ...base,
      status: live.status,
      definition: live.context.flow,
      traversals: live.run.traversals,
      steps,
      waitingOn: steps.filter((s) => s.status === 'open' || s.status === 'resolving').map((s) => s.nodeId),
      source: 'workflow',
      names: await named(live.context.flow),
    };
  } catch {
    // A workflow gone from the server's retention, or none able to answer now: the stored record.
    const version = r.flowId ? await em.findOne(FlowVersion, { flow: r.flowId, version: r.flowVersion ?? 0 }) : null;
    const steps = view(stepsOf(r));
    const definition = version?.definition ?? DIRECT_FLOW;
    return {
      ...base,
      status: r.status,
      definition,
      names: await named(definition),
      traversals: {},
      steps,
      waitingOn: steps.filter((s) => s.status === 'open' || s.status === 'resolving').map((s) => s.nodeId),
      source: 'record',
    };
  }
}
