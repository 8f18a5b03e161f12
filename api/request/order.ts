/**
 * What an order of a catalog item starts with, checked: the requester, the item offered to them,
 * the answers judged by the item's form (the kernel's evaluator; people and files they name must
 * exist and be theirs), the snapshot of the item's published flow version, and what the run reads
 * (the requester's teams, the calendars of the policies the flow names, the fulfilment team).
 */
import type { z } from 'zod';
import { Attachment, type CatalogItem, SlaPolicy, User } from '../../db/entities/index.js';
import type { Em } from '../../db/orm.js';
import { type Flow, validateFlow } from '../../workflows/kernel/flow.js';
import { type Answers, type Form, evaluateForm } from '../../workflows/kernel/form.js';
import type { SlaPolicySnapshot } from '../../workflows/kernel/sla.js';
import { ROLES } from '../../workflows/kernel/vocabulary.js';
import type { RunContext } from '../../workflows/request/engine.js';
import { DIRECT_FLOW } from '../../workflows/request/path.js';
import type { Principal } from '../kernel/context.js';
import { AppError, type FieldError, validationFailed } from '../kernel/errors.js';
import { ciAnswerProblem } from '../cmdb/tickets.js';
import { DEFAULT_POLICY, policySnapshot } from '../platform/sla.js';
import { type Catalog, fieldSetsById, formOf, offeredTo, publishedVersion, teamIdsOf } from './catalog.js';
import type * as S from './schemas.js';

export interface Order {
  requester: User;
  item: CatalogItem;
  form: Form;
  /** The answers kept: visible fields only, defaults filled in. */
  values: Answers;
  flowId: string | null;
  flowVersion: number | null;
  context: RunContext;
  /** The item's SLA policy: the request's clocks. */
  slaPolicy: SlaPolicySnapshot | null;
  /** The configuration items its answers name. */
  ciIds: string[];
}

/** Checks the answers against the item's form; answers as kept (visible fields only, defaults in). */
async function answersFor(em: Em, principal: Principal, requesterId: string, item: CatalogItem, answers: Answers) {
  const form = formOf(item, await fieldSetsById(em, item.fieldSetIds));
  const evaluated = evaluateForm(form, answers);
  const errors: FieldError[] = evaluated.problems.map((p) => ({ field: `answers.${p.field}`, message: p.message }));
  for (const f of form.fields) {
    const v = evaluated.values[f.id];
    if (typeof v !== 'string' || errors.some((e) => e.field === `answers.${f.id}`)) continue;
    if (f.type === 'user') {
      // A person picked in a user field must be someone in the organization.
      const u = await em.findOne(User, { id: v });
      if (!u || !u.active) errors.push({ field: `answers.${f.id}`, message: 'No active person with this id' });
    } else if (f.type === 'ci') {
      const why = await ciAnswerProblem(em, requesterId, f, v);
      if (why) errors.push({ field: `answers.${f.id}`, message: why });
    } else if (f.type === 'attachment') {
      // A file answer is a file the orderer uploaded for this form and no other request has.
      const a = await em.findOne(Attachment, { id: v });
      if (!a || a.uploadedBy.id !== principal.userId || (a.ticketWorkflowId && !a.ticketWorkflowId.includes('/REQ-')))
        errors.push({ field: `answers.${f.id}`, message: 'Upload the file first (POST /attachments)' });
    }
  }
  if (errors.length) throw validationFailed(errors, 'Some answers need attention');
  return { values: evaluated.values, form };
}

/** The flow a new request of the item runs: its published version's snapshot, or straight to fulfilment. */
async function flowFor(
  em: Em,
  item: CatalogItem,
  form: Form,
): Promise<{ flow: Flow; flowId: string | null; version: number | null }> {
  if (!item.flow) return { flow: DIRECT_FLOW, flowId: null, version: null };
  const published = await publishedVersion(em, item.flow.id);
  const problems = published ? validateFlow(published.definition, { form, roles: ROLES }) : [];
  if (!published || problems.length) {
    throw new AppError(
      409,
      'item_unavailable',
      published
        ? `This item's approval flow does not fit its form (${problems[0]!.nodeId}: ${problems[0]!.message}); the catalog manager must fix it`
        : "This item's approval flow has no published version yet",
    );
  }
  return { flow: published.definition, flowId: item.flow.id, version: published.version };
}

/**
 * The calendars the run reads — the item's policy as the default, and each policy the flow names —
 * and the item's policy as the request's clocks, from one read of the policies.
 */
async function policiesFor(
  em: Em,
  item: CatalogItem | null,
  flow: Flow,
): Promise<{ policies: RunContext['policies']; slaPolicy: SlaPolicySnapshot | null }> {
  const ids = new Set<string>();
  for (const n of flow.nodes) {
    if (n.type === 'approval' && n.deadline?.slaPolicyId) ids.add(n.deadline.slaPolicyId);
    if (n.type === 'task' && n.slaPolicyId) ids.add(n.slaPolicyId);
  }
  if (item?.slaPolicy) ids.add(item.slaPolicy.id);
  const found = ids.size ? await em.find(SlaPolicy, { id: { $in: [...ids] } }) : [];
  const policies: RunContext['policies'] = {
    default: { calendar: DEFAULT_POLICY.calendar, minutes: DEFAULT_POLICY.targets.P3.resolutionMinutes },
  };
  let slaPolicy: SlaPolicySnapshot | null = null;
  for (const p of found) {
    const snap = policySnapshot(p);
    if (!snap) continue;
    policies[p.id] = { calendar: snap.calendar, minutes: snap.targets.P3.resolutionMinutes };
    if (p.id === item?.slaPolicy?.id) {
      policies['default'] = policies[p.id]!;
      slaPolicy = snap;
    }
  }
  return { policies, slaPolicy };
}

/** Checks an order and gathers what its workflow starts with; 403 / 409 / 422 say what is wrong. */
export async function prepareOrder(
  em: Em,
  principal: Principal,
  catalog: Catalog,
  body: z.infer<typeof S.CreateRequestBody>,
): Promise<Order> {
  const requesterId = body.requesterId ?? principal.userId;
  if (requesterId !== principal.userId && !principal.permissions.has('request.read')) {
    throw new AppError(403, 'forbidden', 'You may order for yourself only');
  }
  const requester = await em.findOne(User, { id: requesterId });
  if (!requester || !requester.active) {
    throw validationFailed([{ field: 'requesterId', message: 'No active user with this id' }]);
  }
  const item = await catalog.itemByKey(em, body.item);
  const teams = await teamIdsOf(em, requester.id);
  if (!item || !item.active || !offeredTo(item, requester.role, teams)) {
    throw validationFailed(
      [{ field: 'item', message: 'No catalog item with this key is offered to the requester' }],
      'This item cannot be ordered',
    );
  }
  const { values, form } = await answersFor(em, principal, requester.id, item, body.answers);
  const { flow, flowId, version } = await flowFor(em, item, form);
  const { context, slaPolicy } = await runContextFor(em, item, flow, teams);
  const ciIds = [
    ...new Set(
      form.fields
        .filter((f) => f.type === 'ci')
        .flatMap((f) => (typeof values[f.id] === 'string' ? [values[f.id] as string] : [])),
    ),
  ];
  return { requester, item, form, values, flowId, flowVersion: version, slaPolicy, context, ciIds };
}

/**
 * What a run of `flow` reads for an order of `item` by someone in `teams`: the calendars, the
 * fulfilment team. Shared by orders and the designer's dry run, so a try reads what a request would.
 */
export async function runContextFor(
  em: Em,
  item: CatalogItem | null,
  flow: Flow,
  teams: ReadonlySet<string>,
): Promise<{ context: RunContext; slaPolicy: SlaPolicySnapshot | null }> {
  const { policies, slaPolicy } = await policiesFor(em, item, flow);
  return {
    slaPolicy,
    context: {
      flow,
      itemId: item?.id ?? '',
      requesterTeamIds: [...teams],
      policies,
      fulfilment: item?.fulfilmentTeam ? { teamId: item.fulfilmentTeam.id, title: item.name.en } : null,
    },
  };
}

/** The files an order's answers name now belong to its request (each only once: unattached ones). */
export async function attachFormFiles(em: Em, orgId: string, order: Order, workflowId: string): Promise<void> {
  for (const f of order.form.fields) {
    const v = order.values[f.id];
    if (f.type !== 'attachment' || typeof v !== 'string') continue;
    await em.execute(
      `update attachments set ticket_workflow_id = ?, field_id = coalesce(field_id, ?)
       where id = ? and organization_id = ? and ticket_workflow_id is null`,
      [workflowId, f.id, v, orgId],
    );
  }
}
