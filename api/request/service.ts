/**
 * Service request commands and reads. An order, checked and gathered by order.ts, starts the
 * request's workflow with the snapshot of the item's published flow version. Votes, tasks,
 * cancellation, comments and ratings are updates of that workflow, which decides; reads come
 * from the read model (DESIGN rule 1).
 */
import type { Client, WorkflowHandle } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import type { UpdateDefinition } from '@temporalio/common';
import type { z } from 'zod';
import { RequestApproval, ServiceRequest, TeamMember, User } from '../../db/entities/index.js';
import type { Em } from '../../db/orm.js';
import { type RequestStep, tallyOf } from '../../workflows/request/engine.js';
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
import type { Actor } from '../../workflows/runtime/ticket-runtime.js';
import type { Principal } from '../kernel/context.js';
import { AppError, notFound, validationFailed } from '../kernel/errors.js';
import type { TemporalTimeouts } from '../kernel/temporal-calls.js';
import { type CommandMeta, TicketDesk, actorOf } from '../kernel/tickets.js';
import { Catalog } from './catalog.js';
import { type Reader, type RequestDto, requestDto, requestDtos, stepsOf } from './dto.js';
import { requestFlowView } from './flow-view.js';
import { attachFormFiles, prepareOrder } from './order.js';
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
    const order = await prepareOrder(em, principal, this.catalog, body);
    const { ticket, replayed } = await this.desk.create(em, principal, body, idempotencyKey, {
      stored: async (number) => {
        const row = await em.findOne(ServiceRequest, { number }, { refresh: true });
        return row && requestDto(em, principal, row);
      },
      start: (number, policy) => {
        const request: NewRequest = {
          orgId: principal.orgId,
          number,
          itemId: order.item.id,
          title: order.item.name.en,
          requesterId: order.requester.id,
          createdBy: actorOf(principal),
          answers: order.values,
          flowId: order.flowId,
          flowVersion: order.flowVersion,
          context: order.context,
          slaPolicy: order.slaPolicy,
          ratingWindowMs: this.deps.ratingWindowMs,
          ...(order.ciIds.length ? { ciIds: order.ciIds } : {}),
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
    await attachFormFiles(em, principal.orgId, order, ticket.workflowId);
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

  /** The flow a request runs, drawn as it travels (the designer's live overlay). */
  async flowOf(em: Em, principal: Principal, number: number): Promise<z.infer<typeof S.RequestFlow>> {
    return requestFlowView(em, this.desk, await this.load(em, principal, number));
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

  private async answer(em: Em, principal: Reader, number: number): Promise<RequestDto> {
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
    reader: Reader,
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
    await this.send(r.workflowId, { userId: reader.userId, kind: 'user' }, updateId, voteUpdate, {
      stepId,
      decision: body.decision,
      comment: body.comment,
      channel,
    });
    // The stored request is the one the vote produced (read-your-writes): its step says the rest.
    const request = await this.answer(em, reader, r.number);
    const step = request.steps.find((s) => s.id === stepId)!;
    return {
      request,
      step,
      tally: step.tally?.text ?? '',
      onBehalfOf: step.approvers.find((a) => a.userId === reader.userId)?.onBehalfOf ?? null,
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
    // A fresh update id: a second use of the link is judged (and refused) by the workflow, not replayed.
    return this.voteOn(em, linkReader(user), r, link.stepId, body, randomUUID(), 'link');
  }

  /** What a signed approval link is about (no sign-in). */
  async linkInfo(em: Em, link: { workflowId: string; stepId: string; userId: string }) {
    const r = await em.findOne(ServiceRequest, { workflowId: link.workflowId }, { refresh: true });
    const user = await em.findOne(User, { id: link.userId });
    if (!r || !user) throw notFound('Request');
    const step = stepsOf(r).find((s) => s.id === link.stepId);
    const me = step?.approvers.find((a) => a.userId === link.userId);
    if (!step || !me) throw notFound('Approval');
    const dto = await requestDto(em, linkReader(user), r);
    return {
      key: dto.key,
      title: dto.title,
      itemName: dto.itemName,
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
}

/** The approver an e-mailed link speaks for: they read the request as one asked on it. */
const linkReader = (user: User): Reader => ({ userId: user.id, role: user.role, permissions: new Set() });
