/**
 * Incident commands and reads. Commands go to the incident's workflow (which decides and persists);
 * reads come from the read model. Nothing here writes ticket state itself (DESIGN rule 1).
 */
import { ASSIGNABLE_ROLES } from '../../workflows/kernel/permissions.js';
import type { Client } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import type { z } from 'zod';
import { Incident, Organization, TeamMember, Team, User } from '../../db/entities/index.js';
import { settingsOf } from '../../workflows/kernel/org-settings.js';
import type { Em } from '../../db/orm.js';
import { incidentWorkflow } from '../../workflows/incident/workflow.js';
import {
  assignUpdate,
  commentUpdate,
  openUpdate,
  stateQuery,
  transitionUpdate,
  type IncidentSla,
  type IncidentSnapshot,
  type NewIncident,
  priorityUpdate,
  workaroundUpdate,
  editUpdate,
  watchUpdate,
} from '../../workflows/incident/messages.js';
import { priorityFor } from '../../workflows/kernel/priority.js';
import { policyFor } from '../platform/sla.js';
import { isReopen, isTerminal, OPEN_STATUSES } from '../../workflows/kernel/incident-lifecycle.js';
import { canonicalCategories } from './routes/desk.js';
import { listIncidents } from './list.js';
import { type IncidentDto, dtoOf, toDto } from './dto.js';
import { INCIDENT_HISTORY, withoutNoteText } from './history-words.js';
import { IncidentRatings } from './rating-commands.js';
import { teamForCategory } from '../../activities/incident/assign.js';
import { grantsFor } from '../platform/auth.js';
import type { Principal } from '../kernel/context.js';
import { AppError, validationFailed, type FieldError } from '../kernel/errors.js';
import { affectedCiProblems } from '../cmdb/tickets.js';
import type * as S from './schemas.js';
import { type CommandMeta, TicketDesk, actorOf } from '../kernel/tickets.js';
import type { TemporalTimeouts } from '../kernel/temporal-calls.js';

export { type IncidentDto, type StoredIncident, dtoOf, fromRow, toDto } from './dto.js';
export type { CommandMeta } from '../kernel/tickets.js';

export interface IncidentServiceDeps {
  temporal: Client;
  autoCloseAfterMs: number;
  /** The worker's task queue (tests isolate theirs). */
  taskQueue?: string | undefined;
  /** Deadlines of Temporal calls (defaults: a worker has 5 s to take a command). */
  timeouts?: TemporalTimeouts | undefined;
}

const refId = (r: { id: string } | null | undefined) => r?.id ?? null;

export class IncidentService {
  private readonly desk: TicketDesk;
  /** Ratings of a resolution: by the signed-in requester or through the e-mailed link. */
  readonly ratings: IncidentRatings;
  constructor(private readonly deps: IncidentServiceDeps) {
    this.desk = new TicketDesk({
      type: 'incident',
      temporal: deps.temporal,
      taskQueue: deps.taskQueue,
      timeouts: deps.timeouts,
      history: INCIDENT_HISTORY,
      what: 'The incident',
      noun: 'Incident',
      readAll: 'incident.read',
    });
    this.ratings = new IncidentRatings(this.desk, (em, principal, number) => this.load(em, principal, number));
  }

  /** Loads an incident the principal may see, or 404 (also for another tenant's and, for requesters, others'). */
  load(em: Em, principal: Principal, number: number): Promise<Incident> {
    return this.desk.load(em, principal, Incident, number);
  }

  /** Checks that referenced people and teams exist in the organization and fit together. */
  private async checkRefs(
    em: Em,
    refs: {
      assigneeId?: string | null | undefined;
      teamId?: string | null | undefined;
      requesterId?: string | undefined;
    },
  ): Promise<void> {
    const errors: FieldError[] = [];
    if (refs.assigneeId) {
      const u = await em.findOne(User, { id: refs.assigneeId });
      if (!u || !u.active) errors.push({ field: 'assigneeId', message: 'No active user with this id' });
      else if (!ASSIGNABLE_ROLES.includes(u.role))
        errors.push({ field: 'assigneeId', message: `A ${u.role} cannot be assigned incidents` });
    }
    if (refs.teamId) {
      const t = await em.findOne(Team, { id: refs.teamId });
      if (!t) errors.push({ field: 'teamId', message: 'No team with this id' });
      else if (refs.assigneeId && errors.length === 0) {
        const member = await em.findOne(TeamMember, { team: refs.teamId, user: refs.assigneeId });
        if (!member) errors.push({ field: 'assigneeId', message: 'The assignee is not a member of the team' });
      }
    }
    if (refs.requesterId) {
      const r = await em.findOne(User, { id: refs.requesterId });
      if (!r || !r.active) errors.push({ field: 'requesterId', message: 'No active user with this id' });
    }
    if (errors.length) throw validationFailed(errors);
  }

  /**
   * Creates an incident. With an Idempotency-Key, a repeat of the same request returns the first
   * incident (`replayed: true`); the same key with a different body is refused.
   */
  async create(
    em: Em,
    principal: Principal,
    body: z.infer<typeof S.CreateIncidentBody>,
    idempotencyKey: string | undefined,
  ): Promise<{ incident: IncidentDto; replayed: boolean }> {
    if (!principal.permissions.has('incident.read')) {
      if (body.requesterId && body.requesterId !== principal.userId) {
        throw new AppError(403, 'forbidden', 'You may raise incidents for yourself only');
      }
    }
    if ((body.assigneeId || body.teamId) && !principal.permissions.has('incident.assign')) {
      throw new AppError(403, 'forbidden', "Assigning needs the 'incident.assign' permission");
    }
    if (body.category) {
      body = { ...body, category: (await canonicalCategories(em, [body.category], 'body.category', true))[0]! };
    }
    await this.checkRefs(em, body);
    const ciProblems = await affectedCiProblems(em, body.ciIds, 'ciIds');
    if (ciProblems.length) throw validationFailed(ciProblems, ciProblems[0]!.message);
    const { ticket, replayed } = await this.desk.create(em, principal, body, idempotencyKey, {
      stored: async (number) => {
        const row = await em.findOne(Incident, { number }, { refresh: true });
        return row && toDto(row);
      },
      start: (number, policy) => this.start(em, principal, body, number, policy),
      load: async (number) => toDto(await this.load(em, principal, number)),
    });
    return { incident: ticket, replayed };
  }

  /** Starts the incident's workflow and waits until its first projection is stored. */
  private async start(
    em: Em,
    principal: Principal,
    body: z.infer<typeof S.CreateIncidentBody>,
    number: number,
    conflictPolicy: 'USE_EXISTING' | 'FAIL',
  ): Promise<void> {
    const incident: NewIncident = {
      orgId: principal.orgId,
      orgSlug: principal.orgSlug,
      number,
      title: body.title,
      description: body.description,
      impact: body.impact,
      urgency: body.urgency,
      category: body.category,
      requesterId: body.requesterId ?? principal.userId,
      assigneeId: body.assigneeId,
      teamId: body.teamId,
      ...(body.ciIds.length ? { ciIds: body.ciIds } : {}),
      createdBy: actorOf(principal),
      autoCloseAfterMs: this.deps.autoCloseAfterMs,
    };
    const org = await em.findOneOrFail(Organization, { id: principal.orgId });
    const settings = settingsOf(org.settings);
    const matrix = settings.priorityMatrix;
    // What no team is named for and no team routes goes to the organization's default team (if
    // set), whose assignment strategy then applies in the workflow.
    const fallback = settings.routing.defaultTeamId;
    if (!incident.teamId && fallback && !(body.category && (await teamForCategory(em, body.category)))) {
      incident.teamId = fallback;
    }
    incident.priorityMatrix = matrix;
    incident.sla = await policyFor(
      em,
      priorityFor(body.impact, body.urgency, matrix),
      body.category ?? null,
      incident.requesterId,
    );
    await this.desk.start(
      principal,
      number,
      incidentWorkflow,
      (notAfter) => ({ kind: 'new' as const, incident: { ...incident, notAfter } }),
      openUpdate,
      conflictPolicy,
    );
  }

  async list(em: Em, principal: Principal, q: z.infer<typeof S.ListIncidentsQuery>) {
    const page = await listIncidents(em, principal, q);
    return { ...page, items: page.items.map(dtoOf), limit: q.limit, offset: q.cursor ? 0 : q.offset };
  }

  /**
   * The workflow's Temporal event history as a readable timeline, with actors named; the incident
   * must exist in the caller's organization (404 otherwise, like every other read).
   */
  async history(em: Em, principal: Principal, number: number) {
    const incident = await this.load(em, principal, number);
    const seesNotes = principal.permissions.has('incident.work_note');
    return this.desk.history(em, incident.workflowId, seesNotes ? undefined : withoutNoteText);
  }

  async timeline(em: Em, principal: Principal, number: number) {
    const incident = await this.load(em, principal, number);
    // Work notes are for the desk; so is which of its people watch a ticket (not for requesters).
    const hidden = [
      ...(principal.permissions.has('incident.work_note') ? [] : ['work_note']),
      ...(principal.permissions.has('incident.read') ? [] : ['watchers']),
    ];
    return this.desk.timeline(em, incident.workflowId, hidden);
  }

  /** Live state straight from the workflow (a query), for open incidents. */
  async live(em: Em, principal: Principal, number: number): Promise<IncidentSnapshot> {
    const incident = await this.load(em, principal, number);
    if (isTerminal(incident.status)) return this.snapshotOf(incident);
    return this.desk.query(incident.workflowId, stateQuery);
  }

  private snapshotOf(i: Incident): IncidentSnapshot {
    const { allowedTransitions: _, key, ...rest } = toDto(i);
    return { ...rest, key, orgId: i.organization.id, sla: (i.sla as IncidentSla | null) ?? null };
  }

  /**
   * Sends a command to an open incident's workflow and answers with the stored result
   * (read-your-writes). The update id makes a resent command (same Idempotency-Key) a no-op that
   * returns the first outcome; internal retries of an unprocessed update reuse it too. A guarded
   * command carries the revision it expects. Answers with the incident as it was before (for the
   * audit log) and after.
   */
  private async command<C>(
    em: Em,
    principal: Principal,
    number: number,
    meta: CommandMeta,
    update: UpdateDefinition<IncidentSnapshot, [C]>,
    cmd: Omit<C, 'actor' | 'notAfter' | 'expectedRevision'>,
    opts: { loaded?: Incident; guarded?: boolean } = {},
  ): Promise<{ before: IncidentDto; ticket: IncidentDto; revision: number }> {
    // A DTO now: the loaded entity is refreshed in place by the reload below.
    const before = toDto(opts.loaded ?? (await this.load(em, principal, number)));
    if (isTerminal(before.status)) {
      throw new AppError(409, 'illegal_transition', `A ${before.status} incident takes no more changes`);
    }
    const guard = opts.guarded === false ? {} : { expectedRevision: meta.expectedRevision };
    const result = await this.desk.send(
      this.desk.workflowId(principal, number),
      meta.updateId,
      (h, updateId, notAfter) =>
        h.startUpdate(update, {
          args: [{ ...cmd, actor: actorOf(principal), ...guard, notAfter } as C],
          updateId,
          waitForStage: 'ACCEPTED',
        }),
    );
    return { before, ticket: toDto(await this.load(em, principal, number)), revision: result.revision };
  }

  async transition(
    em: Em,
    principal: Principal,
    number: number,
    body: z.infer<typeof S.TransitionBody>,
    meta: CommandMeta,
  ) {
    const { revision: _, ...req } = body;
    const current = await this.load(em, principal, number);
    if (!principal.permissions.has('incident.update')) {
      // Requesters may reopen their own resolved incident ("still broken") or cancel their own open one.
      const own = current.requester.id === principal.userId;
      const reopen = isReopen(current.status, body.to);
      const cancel = body.to === 'cancelled' && OPEN_STATUSES.includes(current.status);
      if (!own || !(reopen || cancel)) {
        throw new AppError(
          403,
          'forbidden',
          "Without 'incident.update' you can only reopen or cancel an incident you raised",
        );
      }
    }
    return this.command(em, principal, number, meta, transitionUpdate, { ...req }, { loaded: current });
  }

  /**
   * Changes what the incident is about (title, description, category, impact, urgency, team, the
   * configuration items it affects); the workflow recomputes the priority and retargets running
   * SLA clocks.
   */
  async edit(em: Em, principal: Principal, number: number, body: z.infer<typeof S.EditBody>, meta: CommandMeta) {
    const { revision: _, ...fields } = body;
    const current = await this.load(em, principal, number);
    if (fields.category) {
      fields.category = (await canonicalCategories(em, [fields.category], 'body.category', true))[0]!;
    }
    if (fields.teamId !== undefined && fields.teamId !== refId(current.team)) {
      if (!principal.permissions.has('incident.assign')) {
        throw new AppError(403, 'forbidden', "Changing the team needs the 'incident.assign' permission");
      }
      await this.checkRefs(em, { teamId: fields.teamId, assigneeId: fields.teamId ? refId(current.assignee) : null });
    }
    if (fields.ciIds) {
      const problems = await affectedCiProblems(em, fields.ciIds, 'ciIds', current.ciIds ?? []);
      if (problems.length) throw validationFailed(problems, problems[0]!.message);
    }
    return this.command(em, principal, number, meta, editUpdate, { ...fields }, { loaded: current });
  }

  /** Starts or stops someone watching the incident (others need `incident.assign`). */
  async watch(em: Em, principal: Principal, number: number, userId: string, watching: boolean, meta: CommandMeta) {
    const current = await this.load(em, principal, number);
    // Watching is taking part (it is on the timeline): read-only roles such as auditors follow
    // tickets through the audit workspace instead.
    if (!principal.permissions.has('incident.comment')) {
      throw new AppError(403, 'forbidden', "Watching needs the 'incident.comment' permission");
    }
    if (userId !== principal.userId && !principal.permissions.has('incident.assign')) {
      throw new AppError(403, 'forbidden', "Adding or removing someone else needs the 'incident.assign' permission");
    }
    if (watching) {
      const u = await em.findOne(User, { id: userId });
      if (!u || !u.active) throw validationFailed([{ field: 'userId', message: 'No active user with this id' }]);
      if (!(await grantsFor(em, principal.orgId, u.role)).has('incident.read')) {
        throw validationFailed([{ field: 'userId', message: 'This person cannot read every incident' }]);
      }
    }
    return this.command(em, principal, number, meta, watchUpdate, { userId, watching }, { loaded: current });
  }

  /** Changes impact and/or urgency; the workflow recomputes the priority and retargets the SLA. */
  async reprioritize(
    em: Em,
    principal: Principal,
    number: number,
    body: z.infer<typeof S.PriorityBody>,
    meta: CommandMeta,
  ) {
    const { revision: _, ...req } = body;
    return this.command(em, principal, number, meta, priorityUpdate, { ...req });
  }

  /**
   * Assigns; an omitted `teamId` keeps the incident's current team, and an incident without one
   * takes the assignee's team (their first, by name).
   */
  async assign(em: Em, principal: Principal, number: number, body: z.infer<typeof S.AssignBody>, meta: CommandMeta) {
    const current = await this.load(em, principal, number);
    let teamId = body.teamId === undefined ? refId(current.team) : body.teamId;
    if (body.teamId === undefined && !teamId && body.assigneeId) {
      const memberships = await em.find(TeamMember, { user: body.assigneeId }, { populate: ['team'] });
      teamId = memberships.map((m) => m.team).sort((a, b) => a.name.localeCompare(b.name))[0]?.id ?? null;
    }
    await this.checkRefs(em, { assigneeId: body.assigneeId, teamId });
    return this.command(
      em,
      principal,
      number,
      meta,
      assignUpdate,
      { assigneeId: body.assigneeId, teamId },
      { loaded: current },
    );
  }

  async comment(em: Em, principal: Principal, number: number, body: z.infer<typeof S.CommentBody>, meta: CommandMeta) {
    if (body.internal && !principal.permissions.has('incident.work_note')) {
      throw new AppError(403, 'forbidden', "Work notes need the 'incident.work_note' permission");
    }
    // A comment is never refused as stale: it adds to the ticket whatever its revision.
    const { ticket: incident, revision } = await this.command(
      em,
      principal,
      number,
      meta,
      commentUpdate,
      { body: body.body, internal: body.internal },
      { guarded: false },
    );
    // The comment's own entry: a reply that resumed work is followed by that status change.
    const entry = await this.desk.entryAt(em, incident.workflowId, revision, body.internal ? 'work_note' : 'comment');
    return { incident, entry };
  }

  async workaround(
    em: Em,
    principal: Principal,
    number: number,
    body: z.infer<typeof S.WorkaroundBody>,
    meta: CommandMeta,
  ) {
    return this.command(em, principal, number, meta, workaroundUpdate, { text: body.text });
  }
}
