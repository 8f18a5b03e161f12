/**
 * Service request commands and reads. An order is checked against the item's form (the kernel's
 * evaluator: hidden fields dropped, conditional requiredness) and starts the request's workflow
 * with a snapshot of the item's published flow version and what the run reads (the requester's
 * teams, the calendars of the policies the flow names, the fulfilment team). Votes, tasks,
 * cancellation, comments and ratings are updates of that workflow, which decides; reads come
 * from the read model (DESIGN rule 1).
 */
import type { Client, WorkflowHandle } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import type { UpdateDefinition } from '@temporalio/common';
import type { z } from 'zod';
import {
  Attachment,
  CatalogItem,
  RequestApproval,
  RequestTask,
  ServiceRequest,
  SlaPolicy,
  TeamMember,
  User,
} from '../../db/entities/index.js';
import type { Em } from '../../db/orm.js';
import { type Flow, validateFlow } from '../../workflows/kernel/flow.js';
import { type Answers, type Form, evaluateForm } from '../../workflows/kernel/form.js';
import { ROLES } from '../../workflows/kernel/vocabulary.js';
import { type RequestStep, type RunContext, tallyOf } from '../../workflows/request/engine.js';
import {
  type NewRequest,
  type RequestSnapshot,
  cancelRequestUpdate,
  openRequestUpdate,
  rateRequestUpdate,
  requestCommentUpdate,
  requestKey,
  requestStateQuery,
  taskUpdate,
  voteUpdate,
  TERMINAL_REQUEST_STATUSES,
  type RequestStatus,
} from '../../workflows/request/messages.js';
import { requestWorkflow } from '../../workflows/request/workflow.js';
import { DIRECT_FLOW } from '../../workflows/request/path.js';
import type { Actor } from '../../workflows/runtime/ticket-runtime.js';
import type { Principal } from '../kernel/context.js';
import { AppError, type FieldError, notFound, validationFailed } from '../kernel/errors.js';
import type { TemporalTimeouts } from '../kernel/temporal-calls.js';
import { type CommandMeta, TicketDesk, actorOf } from '../kernel/tickets.js';
import { DEFAULT_POLICY, policySnapshot } from '../platform/sla.js';
import { Catalog, fieldSetsById, formOf, offeredTo, publishedVersion, teamIdsOf } from './catalog.js';
import { Names, type RequestDto, requestDto, requestDtos, stepDto, stepsOf, viewerOf } from './dto.js';
import { REQUEST_HISTORY } from './history-words.js';
import type * as S from './schemas.js';

export interface RequestServiceDeps {
  temporal: Client;
  taskQueue?: string | undefined;
  timeouts?: TemporalTimeouts | undefined;
  /** How long a completed request can be rated. */
  ratingWindowMs: number;
}

const DAY_MS = 86_400_000;
export const DEFAULT_RATING_WINDOW_MS = 7 * DAY_MS;

const isTerminal = (s: string) => TERMINAL_REQUEST_STATUSES.includes(s as RequestStatus);

export class RequestService {
  readonly desk: TicketDesk;
  readonly catalog = new Catalog();
  constructor(private readonly deps: RequestServiceDeps) {
    this.desk = new TicketDesk({
      type: 'request',
      temporal: deps.temporal,
      taskQueue: deps.taskQueue,
      timeouts: deps.timeouts,
      history: REQUEST_HISTORY,
      what: 'The request',
      noun: 'Request',
      readAll: 'request.read',
    });
  }

  /**
   * Whether the principal may read a request: those who read every request, its requester, and
   * the people asked to approve it (a manager need not read others' requests to approve one).
   */
  async mayRead(em: Em, principal: Principal, r: ServiceRequest): Promise<boolean> {
    if (principal.permissions.has('request.read')) return true;
    if (r.requester.id === principal.userId && principal.permissions.has('request.read_own')) return true;
    return (await em.count(RequestApproval, { requestWorkflowId: r.workflowId, user: principal.userId })) > 0;
  }

  /** A request the principal may see, fresh from the read model, or 404 (others' alike). */
  async load(em: Em, principal: Principal, number: number): Promise<ServiceRequest> {
    const r = await em.findOne(ServiceRequest, { number }, { refresh: true });
    if (!r || !(await this.mayRead(em, principal, r))) throw notFound(`Request ${requestKey(number)}`);
    return r;
  }

  async get(em: Em, principal: Principal, number: number): Promise<RequestDto> {
    return requestDto(em, principal, await this.load(em, principal, number));
  }

  // ---- ordering ----

  /** The item a principal orders, active and offered to the requester, or 422 at `item`. */
  private async orderable(em: Em, key: string, requester: User): Promise<CatalogItem> {
    const item = await this.catalog.itemByKey(em, key);
    const teams = await teamIdsOf(em, requester.id);
    const principalLike = { role: requester.role } as Principal;
    if (!item || !item.active || !offeredTo(item, principalLike, teams)) {
      throw validationFailed(
        [{ field: 'item', message: 'No catalog item with this key is offered to the requester' }],
        'This item cannot be ordered',
      );
    }
    return item;
  }

  /** Checks the answers against the item's form; answers as kept (visible fields only, defaults in). */
  private async answersFor(
    em: Em,
    principal: Principal,
    item: CatalogItem,
    answers: Answers,
  ): Promise<{ values: Answers; form: Form }> {
    const form = formOf(item, await fieldSetsById(em, item.fieldSetIds));
    const evaluated = evaluateForm(form, answers);
    const errors: FieldError[] = evaluated.problems.map((p) => ({ field: `answers.${p.field}`, message: p.message }));
    // A person picked in a user field must be someone in the organization.
    for (const f of form.fields) {
      const v = evaluated.values[f.id];
      if (f.type !== 'user' || typeof v !== 'string' || errors.some((e) => e.field === `answers.${f.id}`)) continue;
      const u = await em.findOne(User, { id: v });
      if (!u || !u.active) errors.push({ field: `answers.${f.id}`, message: 'No active person with this id' });
    }
    // A file answer is a file the orderer uploaded for this form and no other request has.
    for (const f of form.fields) {
      const v = evaluated.values[f.id];
      if (f.type !== 'attachment' || typeof v !== 'string' || errors.some((e) => e.field === `answers.${f.id}`))
        continue;
      const a = await em.findOne(Attachment, { id: v });
      if (!a || a.uploadedBy.id !== principal.userId || (a.ticketWorkflowId && !a.ticketWorkflowId.includes('/REQ-')))
        errors.push({ field: `answers.${f.id}`, message: 'Upload the file first (POST /attachments)' });
    }
    if (errors.length) throw validationFailed(errors, 'Some answers need attention');
    return { values: evaluated.values, form };
  }

  /** The flow a new request of the item runs: its published version's snapshot, or straight to fulfilment. */
  private async flowFor(
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

  /** The calendars the run reads: the item's policy as the default, and each policy the flow names. */
  private async policiesFor(em: Em, item: CatalogItem, flow: Flow): Promise<RunContext['policies']> {
    const ids = new Set<string>();
    for (const n of flow.nodes) {
      if (n.type === 'approval' && n.deadline?.slaPolicyId) ids.add(n.deadline.slaPolicyId);
      if (n.type === 'task' && n.slaPolicyId) ids.add(n.slaPolicyId);
    }
    if (item.slaPolicy) ids.add(item.slaPolicy.id);
    const found = ids.size ? await em.find(SlaPolicy, { id: { $in: [...ids] } }) : [];
    const out: RunContext['policies'] = {
      default: { calendar: DEFAULT_POLICY.calendar, minutes: DEFAULT_POLICY.targets.P3.resolutionMinutes },
    };
    for (const p of found) {
      const snap = policySnapshot(p);
      if (!snap) continue;
      out[p.id] = { calendar: snap.calendar, minutes: snap.targets.P3.resolutionMinutes };
      if (p.id === item.slaPolicy?.id) out['default'] = out[p.id]!;
    }
    return out;
  }

  /**
   * Orders a catalog item. With an Idempotency-Key, a repeat of the same order returns the first
   * request (`replayed: true`); the same key with other answers is refused.
   */
  async submit(
    em: Em,
    principal: Principal,
    body: z.infer<typeof S.CreateRequestBody>,
    idempotencyKey: string | undefined,
  ): Promise<{ request: RequestDto; replayed: boolean }> {
    const requesterId = body.requesterId ?? principal.userId;
    if (requesterId !== principal.userId && !principal.permissions.has('request.read')) {
      throw new AppError(403, 'forbidden', 'You may order for yourself only');
    }
    const requester = await em.findOne(User, { id: requesterId });
    if (!requester || !requester.active) {
      throw validationFailed([{ field: 'requesterId', message: 'No active user with this id' }]);
    }
    const item = await this.orderable(em, body.item, requester);
    const { values, form } = await this.answersFor(em, principal, item, body.answers);
    const { flow, flowId, version } = await this.flowFor(em, item, form);
    const teamIds = [...(await teamIdsOf(em, requester.id))];
    const context: RunContext = {
      flow,
      itemId: item.id,
      requesterTeamIds: teamIds,
      policies: await this.policiesFor(em, item, flow),
      fulfilment: item.fulfilmentTeam ? { teamId: item.fulfilmentTeam.id, title: item.name.en } : null,
    };
    const slaPolicy = item.slaPolicy
      ? policySnapshot(await em.findOneOrFail(SlaPolicy, { id: item.slaPolicy.id }))
      : null;
    const { ticket, replayed } = await this.desk.create(em, principal, body, idempotencyKey, {
      stored: async (number) => {
        const row = await em.findOne(ServiceRequest, { number }, { refresh: true });
        return row && requestDto(em, principal, row);
      },
      start: (number, policy) => {
        const request: NewRequest = {
          orgId: principal.orgId,
          number,
          itemId: item.id,
          title: item.name.en,
          requesterId: requester.id,
          createdBy: actorOf(principal),
          answers: values,
          flowId,
          flowVersion: version,
          context,
          slaPolicy,
          ratingWindowMs: this.deps.ratingWindowMs,
        };
        return this.desk.start(
          principal,
          number,
          requestWorkflow,
          (notAfter) => ({ kind: 'new' as const, request: { ...request, notAfter } }),
          openRequestUpdate,
          policy,
        );
      },
      load: async (number) => {
        const row = await em.findOneOrFail(ServiceRequest, { number }, { refresh: true });
        return requestDto(em, principal, row);
      },
    });
    // The files the answers name now belong to the request.
    for (const f of form.fields) {
      const v = values[f.id];
      if (f.type !== 'attachment' || typeof v !== 'string') continue;
      await em.execute(
        `update attachments set ticket_workflow_id = ?, field_id = coalesce(field_id, ?)
         where id = ? and organization_id = ? and ticket_workflow_id is null`,
        [ticket.workflowId, f.id, v, principal.orgId],
      );
    }
    return { request: ticket, replayed };
  }

  // ---- reads ----

  async list(em: Em, principal: Principal, q: z.infer<typeof S.ListRequestsQuery>) {
    const where: Record<string, unknown> = {};
    const readsAll = principal.permissions.has('request.read');
    const requester = q.requesterId === 'me' ? principal.userId : q.requesterId;
    if (!readsAll) where['requester'] = principal.userId;
    else if (requester) where['requester'] = requester;
    if (q.status) where['status'] = { $in: q.status };
    if (q.itemId) where['item'] = q.itemId;
    if (q.q) {
      const n = /^(?:REQ-)?(\d{1,9})$/i.exec(q.q);
      where['$or'] = [
        { title: { $ilike: `%${q.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%` } },
        ...(n ? [{ number: Number(n[1]) }] : []),
      ];
    }
    const [rows, total] = await em.findAndCount(ServiceRequest, where, {
      orderBy: { updatedAt: 'desc', number: 'desc' },
      limit: q.limit,
      offset: q.offset,
    });
    return { items: await requestDtos(em, principal, rows), total, limit: q.limit, offset: q.offset };
  }

  async timeline(em: Em, principal: Principal, number: number) {
    const r = await this.load(em, principal, number);
    const hidden = principal.permissions.has('request.read') ? [] : ['work_note'];
    return this.desk.timeline(em, r.workflowId, hidden);
  }

  async history(em: Em, principal: Principal, number: number) {
    const r = await this.load(em, principal, number);
    return this.desk.history(em, r.workflowId);
  }

  /** Live state from the workflow (a query), for open requests. */
  async live(em: Em, principal: Principal, number: number): Promise<RequestSnapshot> {
    const r = await this.load(em, principal, number);
    return this.desk.query(r.workflowId, requestStateQuery);
  }

  // ---- commands ----

  private async send<C>(
    workflowId: string,
    actor: Actor,
    updateId: string,
    update: UpdateDefinition<RequestSnapshot, [C]>,
    cmd: Omit<C, 'actor' | 'notAfter'>,
  ): Promise<RequestSnapshot> {
    return this.desk.send(workflowId, updateId, (h: WorkflowHandle, id, notAfter) =>
      h.startUpdate(update, {
        args: [{ ...cmd, actor, notAfter } as C],
        updateId: id,
        waitForStage: 'ACCEPTED',
      }),
    );
  }

  private async answer(em: Em, principal: Principal, number: number): Promise<RequestDto> {
    return requestDto(em, principal, await em.findOneOrFail(ServiceRequest, { number }, { refresh: true }));
  }

  /** A vote at one step; the answer carries the step's new tally ("2 of 3"). */
  async vote(
    em: Em,
    principal: Principal,
    number: number,
    stepId: string,
    body: z.infer<typeof S.VoteBody>,
    meta: CommandMeta,
  ): Promise<{ request: RequestDto; step: z.infer<typeof S.Step>; tally: string; onBehalfOf: string | null }> {
    const r = await this.load(em, principal, number);
    return this.voteOn(em, principal, r, stepId, body, meta.updateId, principal.kind === 'api_key' ? 'api' : 'app');
  }

  private async voteOn(
    em: Em,
    principal: Principal,
    r: ServiceRequest,
    stepId: string,
    body: z.infer<typeof S.VoteBody>,
    updateId: string,
    channel: 'app' | 'api' | 'link',
  ) {
    if (isTerminal(r.status))
      throw new AppError(409, 'step_closed', `The request is ${r.status}; it takes no more votes`);
    if (body.decision === 'reject' && !body.comment) {
      throw validationFailed([{ field: 'comment', message: 'Say why you reject it (the requester reads this)' }]);
    }
    const snapshot = await this.send(r.workflowId, actorOf(principal), updateId, voteUpdate, {
      stepId,
      decision: body.decision,
      comment: body.comment,
      channel,
    });
    const step = snapshot.run.steps.find((s) => s.id === stepId)!;
    const mine = step.approvers.find((a) => a.userId === principal.userId);
    const names = await Names.load(
      em,
      step.approvers.flatMap((a) => [a.userId, a.onBehalfOf ?? '']),
      [step.teamId ?? ''],
    );
    return {
      request: await this.answer(em, principal, r.number),
      step: stepDto(step, names, await viewerOf(em, principal)),
      tally: tallyOf(step).text,
      onBehalfOf: mine?.onBehalfOf ?? null,
    };
  }

  /** Votes on several steps at once; each answered on its own (one refused does not stop the rest). */
  async bulkVote(em: Em, principal: Principal, body: z.infer<typeof S.BulkVoteBody>) {
    const results: z.infer<typeof S.BulkVoteAnswer>['results'] = [];
    for (const it of body.items) {
      const m = /^(?:REQ-)?([1-9]\d{0,8})$/i.exec(it.key);
      try {
        if (!m) throw new AppError(400, 'invalid_parameter', 'expected a request key like REQ-42');
        const r = await this.load(em, principal, Number(m[1]));
        const out = await this.voteOn(
          em,
          principal,
          r,
          it.stepId,
          { decision: body.decision, comment: body.comment },
          randomUUID(),
          'app',
        );
        results.push({ key: requestKey(r.number), stepId: it.stepId, ok: true, tally: out.tally });
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        results.push({ key: it.key, stepId: it.stepId, ok: false, code: err.code, detail: err.message });
      }
    }
    return { results };
  }

  /** A vote through a signed e-mail link (the link speaks for its approver). */
  async voteByLink(
    em: Em,
    link: { workflowId: string; stepId: string; userId: string },
    body: { decision: 'approve' | 'reject'; comment: string | null },
  ) {
    const r = await em.findOne(ServiceRequest, { workflowId: link.workflowId }, { refresh: true });
    const user = await em.findOne(User, { id: link.userId });
    if (!r || !user || !user.active) throw notFound('Request');
    const principal = {
      kind: 'user',
      userId: user.id,
      orgId: r.organization.id,
      role: user.role,
      permissions: new Set(),
    } as unknown as Principal;
    // A fresh update id: a second use of the link is judged (and refused) by the workflow, not replayed.
    return this.voteOn(em, principal, r, link.stepId, body, randomUUID(), 'link');
  }

  /** What a signed approval link is about (no sign-in). */
  async linkInfo(em: Em, link: { workflowId: string; stepId: string; userId: string }) {
    const r = await em.findOne(ServiceRequest, { workflowId: link.workflowId }, { refresh: true });
    const user = await em.findOne(User, { id: link.userId });
    if (!r || !user) throw notFound('Request');
    const step = stepsOf(r).find((s) => s.id === link.stepId);
    const me = step?.approvers.find((a) => a.userId === link.userId);
    if (!step || !me) throw notFound('Approval');
    const dto = await requestDto(em, { userId: user.id, permissions: new Set() } as unknown as Principal, r);
    return {
      key: dto.key,
      title: dto.title,
      stepId: step.id,
      stepLabel: step.label,
      approverName: user.displayName,
      requesterName: dto.requesterName,
      answers: dto.answers,
      form: dto.form,
      open: (step.status === 'open' || step.status === 'resolving') && me.state === 'pending',
      state: me.state,
      tally: tallyOf(step).text,
    };
  }

  /** The caller's approvals: pending ones (the inbox) or those they decided. */
  async approvals(em: Em, principal: Principal, q: z.infer<typeof S.ApprovalsQuery>) {
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
  async tasks(em: Em, principal: Principal, q: z.infer<typeof S.TasksQuery>) {
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

  /** An agent of the task's team marks a fulfilment task done. */
  async completeTask(
    em: Em,
    principal: Principal,
    number: number,
    stepId: string,
    body: z.infer<typeof S.TaskBody>,
    meta: CommandMeta,
  ): Promise<RequestDto> {
    const r = await this.load(em, principal, number);
    const step: RequestStep | undefined = stepsOf(r).find((s) => s.id === stepId);
    if (!step || step.kind !== 'task') throw notFound(`Task ${stepId} of ${requestKey(number)}`);
    if (step.teamId && principal.role !== 'admin') {
      const member = await em.findOne(TeamMember, { team: step.teamId, user: principal.userId });
      if (!member) throw new AppError(403, 'not_team_member', "Only a member of the task's team can complete it");
    }
    await this.send(r.workflowId, actorOf(principal), meta.updateId, taskUpdate, { stepId, note: body.note });
    return this.answer(em, principal, number);
  }

  async cancel(em: Em, principal: Principal, number: number, body: z.infer<typeof S.CancelBody>, meta: CommandMeta) {
    const r = await this.load(em, principal, number);
    if (r.requester.id !== principal.userId && !principal.permissions.has('request.read')) {
      throw new AppError(403, 'not_requester', 'Only the requester (or the service desk) can cancel a request');
    }
    await this.send(r.workflowId, actorOf(principal), meta.updateId, cancelRequestUpdate, { reason: body.reason });
    return { before: await requestDto(em, principal, r), ticket: await this.answer(em, principal, number) };
  }

  async comment(em: Em, principal: Principal, number: number, body: z.infer<typeof S.CommentBody>, meta: CommandMeta) {
    const r = await this.load(em, principal, number);
    if (body.internal && !principal.permissions.has('request.read')) {
      throw new AppError(403, 'forbidden', "Work notes need the 'request.read' permission");
    }
    const s = await this.send(r.workflowId, actorOf(principal), meta.updateId, requestCommentUpdate, {
      body: body.body,
      internal: body.internal,
    });
    const entry = await this.desk.entryAt(em, r.workflowId, s.revision, body.internal ? 'work_note' : 'comment');
    return { request: await this.answer(em, principal, number), entry };
  }

  async rate(em: Em, principal: Principal, number: number, body: z.infer<typeof S.RateBody>, meta: CommandMeta) {
    const r = await this.load(em, principal, number);
    if (r.requester.id !== principal.userId) {
      throw new AppError(403, 'not_requester', 'Only the requester rates a request');
    }
    await this.send(r.workflowId, actorOf(principal), meta.updateId, rateRequestUpdate, {
      rating: body.rating,
      comment: body.comment,
    });
    return this.answer(em, principal, number);
  }

  /** Requests in flight per version of a flow (for the flow's version list). */
  static async inFlight(em: Em, orgId: string, flowId: string): Promise<Map<number, number>> {
    const rows = await em.execute<{ v: number; n: string }[]>(
      `select flow_version as v, count(*) as n from requests
       where organization_id = ? and flow_id = ? and status not in ('completed', 'rejected', 'cancelled')
       group by flow_version`,
      [orgId, flowId],
    );
    return new Map(rows.map((r) => [Number(r.v), Number(r.n)]));
  }
}
