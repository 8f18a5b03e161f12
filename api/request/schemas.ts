/** Service requests and the catalog: request and response shapes (zod), validated at the edge, published in OpenAPI. */
import { z } from 'zod';
import { APPROVER_STATES } from '../../workflows/kernel/approval.js';
import { FormFieldSchema } from '../../workflows/kernel/form.js';
import { parseTicketReference, ticketReferencePattern } from '../../workflows/kernel/ticket-types.js';
import { ROLES } from '../../workflows/kernel/vocabulary.js';
import { REQUEST_STATUSES } from '../../workflows/request/messages.js';
import { REQUEST_TASK_STATES } from '../../db/entities/request/request.js';
import { SlaView } from '../platform/sla.js';
import { csv, intParam, patchOf, text, uuid } from '../kernel/schemas.js';

export { Timeline, TimelineEntry } from '../kernel/schemas.js';

/** A name or description in English (required) and Bahasa Indonesia (optional). */
const Localized = (max: number) => z.strictObject({ en: text(max).min(1), id: text(max).min(1).optional() });
const Icon = z
  .string()
  .regex(/^mdi-[a-z0-9-]{1,50}$/, 'a Material Design icon name such as mdi-laptop')
  .nullable()
  .default(null);
const CatalogKey = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,79}$/, 'a key is a-z, 0-9 and -, e.g. new-laptop')
  .describe('stable, used in links: /portal/catalog/<key>');

export const CategoryBody = z.strictObject({
  key: CatalogKey,
  name: Localized(120),
  description: Localized(500).nullable().default(null),
  icon: Icon,
  sortOrder: z.number().int().min(0).max(10_000).default(0),
  active: z.boolean().default(true),
});
export const CategoryPatch = patchOf(CategoryBody);

export const Category = z.object({
  id: uuid,
  key: z.string(),
  name: z.object({ en: z.string(), id: z.string().optional() }),
  description: z.object({ en: z.string(), id: z.string().optional() }).nullable(),
  icon: z.string().nullable(),
  sortOrder: z.number().int(),
  active: z.boolean(),
  items: z.number().int().describe('items in the category'),
});

export const FieldSetBody = z.strictObject({
  key: CatalogKey,
  name: text(120).min(1),
  fields: z.array(FormFieldSchema).min(1).max(50),
});
export const FieldSetPatch = patchOf(FieldSetBody);
export const FieldSet = z.object({
  id: uuid,
  key: z.string(),
  name: z.string(),
  fields: z.array(z.unknown()),
  usedBy: z.number().int().describe('items that include it'),
});

export const ItemBody = z.strictObject({
  key: CatalogKey,
  categoryId: uuid,
  name: Localized(200),
  description: Localized(4000).nullable().default(null),
  icon: Icon,
  audienceRoles: z.array(z.enum(ROLES)).max(ROLES.length).default([]).describe('empty with no teams: everyone'),
  audienceTeamIds: z.array(uuid).max(100).default([]),
  fields: z.array(FormFieldSchema).max(100).default([]),
  fieldSetIds: z.array(uuid).max(20).default([]),
  flowId: uuid.nullable().default(null).describe('a flow with a published version; null: no approval'),
  fulfilmentTeamId: uuid.nullable().default(null).describe('who fulfils it once approved; null: completed at once'),
  slaPolicyId: uuid.nullable().default(null),
  active: z.boolean().default(true),
});
export const ItemPatch = patchOf(ItemBody);

const LocalizedOut = z.object({ en: z.string(), id: z.string().optional() });
export const CatalogItem = z.object({
  id: uuid,
  key: z.string(),
  categoryId: uuid,
  name: LocalizedOut,
  description: LocalizedOut.nullable(),
  icon: z.string().nullable(),
  audienceRoles: z.array(z.string()),
  audienceTeamIds: z.array(uuid),
  fields: z.array(z.unknown()).describe("the item's own fields"),
  fieldSetIds: z.array(uuid),
  form: z.object({ fields: z.array(z.unknown()) }).describe('the whole form: own fields, then the field sets'),
  flowId: uuid.nullable(),
  flowName: z.string().nullable(),
  flowVersion: z.number().int().nullable().describe('the published version new requests run'),
  fulfilmentTeamId: uuid.nullable(),
  slaPolicyId: uuid.nullable(),
  active: z.boolean(),
  updatedAt: z.string(),
});
export const CatalogItemList = z.object({ items: z.array(CatalogItem) });

export const IdParams = z.strictObject({ id: uuid });
export const ItemKeyParams = z.strictObject({ key: CatalogKey });

export const PortalCatalogQuery = z.strictObject({
  q: z.string().trim().min(1).max(100).optional().describe('words in the name or description'),
  categoryId: uuid.optional(),
});
export const PortalCatalog = z.object({
  categories: z.array(Category),
  items: z.array(CatalogItem),
});

export const RequestKeyParams = z.object({
  key: z
    .string()
    .regex(new RegExp(ticketReferencePattern('request'), 'i'), 'expected a request key like REQ-42 or acme/REQ-42')
    .transform((k) => parseTicketReference('request', k)!),
});
export const StepParams = RequestKeyParams.extend({
  stepId: z.string().regex(/^[a-z][a-z0-9_-]{0,39}(\.\d{1,3})?$/, 'a step id such as manager or manager.2'),
});

const AnswerValue = z.union([z.string().max(20_000), z.number(), z.boolean(), z.array(z.string().max(200)).max(50)]);
export const CreateRequestBody = z.strictObject({
  item: CatalogKey.describe("the catalog item's key"),
  answers: z.record(z.string().max(40), AnswerValue.nullable()).default({}),
  requesterId: uuid.optional().describe('order for someone else (needs request.read); defaults to the caller'),
});

export const VoteBody = z.strictObject({
  decision: z.enum(['approve', 'reject']),
  comment: text(4000).min(1).nullable().default(null),
});
export const BulkVoteBody = z.strictObject({
  decision: z.enum(['approve', 'reject']),
  comment: text(4000).min(1).nullable().default(null),
  items: z
    .array(z.strictObject({ key: z.string().max(60), stepId: z.string().max(50) }))
    .min(1)
    .max(50),
});
export const LinkVoteBody = z.strictObject({
  token: z.string().min(10).max(2000),
  decision: z.enum(['approve', 'reject']),
  comment: text(4000).min(1).nullable().default(null),
});
export const LinkQuery = z.strictObject({ token: z.string().min(10).max(2000) });
export const TaskBody = z.strictObject({ note: text(4000).min(1).nullable().default(null) });
export const CancelBody = z.strictObject({ reason: text(2000).min(1).nullable().default(null) });
export const CommentBody = z.strictObject({
  body: text(20_000).min(1),
  internal: z.boolean().default(false).describe('a work note, for those who fulfil and approve'),
});
export const RateBody = z.strictObject({
  rating: z.number().int().min(1).max(5),
  comment: text(2000).min(1).nullable().default(null),
});

const Approver = z.object({
  userId: uuid,
  name: z.string(),
  onBehalfOf: uuid.nullable(),
  onBehalfOfName: z.string().nullable(),
  state: z.enum(APPROVER_STATES),
  askedAt: z.string(),
  at: z.string().nullable(),
  comment: z.string().nullable(),
});
export const Step = z.object({
  id: z.string(),
  nodeId: z.string(),
  kind: z.enum(['approval', 'task', 'wait', 'webhook']),
  label: z.string().nullable(),
  status: z.enum(['resolving', 'open', 'approved', 'rejected', 'done', 'ok', 'failed', 'withdrawn']),
  openedAt: z.string(),
  closedAt: z.string().nullable(),
  reason: z.string().nullable(),
  approvers: z.array(Approver),
  rule: z.unknown().nullable(),
  tally: z
    .object({ approved: z.number(), rejected: z.number(), needed: z.number(), asked: z.number(), text: z.string() })
    .nullable()
    .describe('approval steps: "2 of 3"'),
  deadlineAt: z.string().nullable(),
  escalatedTo: uuid.nullable(),
  teamId: uuid.nullable(),
  teamName: z.string().nullable(),
  title: z.string().nullable(),
  dueAt: z.string().nullable(),
  doneBy: z.string().nullable(),
  note: z.string().nullable(),
  wakeAt: z.string().nullable(),
  youMay: z
    .array(z.enum(['vote', 'complete']))
    .describe("what the caller may do at this step: vote (asked and not answered), complete (a task of one's team)"),
});
export const Upcoming = z.object({
  kind: z.enum(['approval', 'task', 'wait', 'webhook', 'fork', 'fulfilment']),
  nodeId: z.string(),
  label: z.string().nullable(),
  approvers: z.array(z.string()).optional(),
  teamId: z.string().optional(),
  teamName: z.string().nullable().optional(),
});

export const ServiceRequest = z.object({
  key: z.string(),
  number: z.number().int(),
  workflowId: z.string(),
  title: z.string(),
  itemId: uuid,
  itemKey: z.string(),
  itemName: LocalizedOut,
  requesterId: uuid,
  requesterName: z.string(),
  status: z.enum(REQUEST_STATUSES),
  flowId: uuid.nullable(),
  flowVersion: z.number().int().nullable(),
  answers: z.record(z.string(), z.unknown()),
  form: z.object({ fields: z.array(z.unknown()) }).describe('the form the answers belong to (labels)'),
  namedPeople: z.record(z.string(), z.string()).describe('names of the people the answers name, by id'),
  ciIds: z.array(z.string()).describe('the configuration items the answers name'),
  namedCis: z.record(z.string(), z.string()).describe('names of those configuration items, by id'),
  steps: z.array(Step).describe('the approval path so far, oldest first'),
  upcoming: z.array(Upcoming).describe('what comes next if the open steps go ahead'),
  outcomeReason: z.string().nullable(),
  sla: SlaView.nullable(),
  csat: z.object({ rating: z.number().int(), comment: z.string().nullable(), at: z.string() }).nullable(),
  ratingUntil: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  closedAt: z.string().nullable(),
  revision: z.number().int(),
  allowedCommands: z
    .array(z.enum(['cancel', 'comment', 'rate']))
    .describe('what the caller may do now (votes and tasks: see the steps)'),
});
export const RequestPage = z.object({
  items: z.array(ServiceRequest),
  total: z.number().int(),
  limit: z.number().int(),
  offset: z.number().int(),
});
export const ListRequestsQuery = z.strictObject({
  status: csv(REQUEST_STATUSES).optional(),
  requesterId: z.union([uuid, z.literal('me')]).optional(),
  itemId: uuid.optional(),
  q: z.string().trim().min(1).max(200).optional().describe('a request number (REQ-5, 5) or words of the title'),
  limit: intParam(1, 100, 25),
  offset: intParam(0, 1_000_000, 0),
});

export const VoteAnswer = z.object({
  request: ServiceRequest,
  step: Step,
  tally: z.string().describe('"2 of 3"'),
});

export const ApprovalRow = z.object({
  key: z.string(),
  title: z.string(),
  itemName: LocalizedOut.describe("the item's name in both languages (title is the English one)"),
  stepId: z.string(),
  stepLabel: z.string().nullable(),
  requesterId: uuid,
  requesterName: z.string(),
  onBehalfOf: uuid.nullable(),
  onBehalfOfName: z.string().nullable(),
  state: z.enum(APPROVER_STATES),
  askedAt: z.string(),
  decidedAt: z.string().nullable(),
  comment: z.string().nullable(),
  deadlineAt: z.string().nullable(),
  tally: z.string(),
  answers: z.record(z.string(), z.unknown()),
  form: z.object({ fields: z.array(z.unknown()) }),
});
export const ApprovalList = z.object({ items: z.array(ApprovalRow) });
export const ApprovalsQuery = z.strictObject({
  state: z.enum(['pending', 'decided']).default('pending'),
  limit: intParam(1, 200, 100),
});
export const BulkVoteAnswer = z.object({
  results: z.array(
    z.object({
      key: z.string(),
      stepId: z.string(),
      ok: z.boolean(),
      tally: z.string().optional(),
      code: z.string().optional(),
      detail: z.string().optional(),
    }),
  ),
});

export const TaskRow = z.object({
  key: z.string(),
  title: z.string(),
  stepId: z.string(),
  taskTitle: z.string(),
  teamId: uuid,
  teamName: z.string(),
  state: z.enum(REQUEST_TASK_STATES),
  openedAt: z.string(),
  dueAt: z.string().nullable(),
  doneAt: z.string().nullable(),
  doneBy: uuid.nullable(),
  note: z.string().nullable(),
  requesterName: z.string(),
});
export const TaskList = z.object({ items: z.array(TaskRow) });
export const TasksQuery = z.strictObject({
  state: z.enum(REQUEST_TASK_STATES).default('open'),
  teamId: z.union([uuid, z.literal('mine')]).default('mine'),
  limit: intParam(1, 200, 100),
});

export const LinkInfo = z.object({
  key: z.string(),
  title: z.string(),
  itemName: LocalizedOut,
  stepId: z.string(),
  stepLabel: z.string().nullable(),
  approverName: z.string(),
  requesterName: z.string(),
  decision: z.enum(['approve', 'reject']).nullable().describe('the decision the e-mail link offered'),
  answers: z.record(z.string(), z.unknown()),
  form: z.object({ fields: z.array(z.unknown()) }),
  open: z.boolean().describe('false once the step closed or the approver answered'),
  state: z.enum(APPROVER_STATES),
  tally: z.string(),
});

/** A request's flow as it travels: the graph of its version, the edges taken, its steps. */
export const FlowNames = z.object({
  users: z.record(z.string(), z.string()),
  teams: z.record(z.string(), z.string()),
  fields: z.record(z.string(), z.object({ en: z.string(), id: z.string().optional() })),
});
export const RequestFlow = z.object({
  key: z.string(),
  flowId: z.uuid().nullable(),
  flowName: z.string().nullable(),
  version: z.number().int().nullable(),
  status: z.enum(REQUEST_STATUSES),
  definition: z.unknown().describe('the flow graph the request runs (its version snapshot)'),
  traversals: z.record(z.string(), z.number().int()).describe('edges taken (from>to>when) and how often'),
  steps: z.array(
    z.object({
      stepId: z.string(),
      nodeId: z.string(),
      kind: z.string(),
      status: z.string(),
      label: z.string().nullable(),
    }),
  ),
  waitingOn: z.array(z.string()).describe('the nodes whose steps are open'),
  source: z.enum(['workflow', 'record']).describe('a workflow query, or the stored record when it could not answer'),
  names: FlowNames.describe('the people, teams and form fields the graph names'),
});
