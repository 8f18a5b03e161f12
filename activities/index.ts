/**
 * Activities, built by a factory that receives their dependencies; the worker wires the real ones.
 * The type of this module is what workflows proxy (`import type * as activities`).
 */
import { Team } from '../db/entities/index.js';
import type { Orm } from '../db/orm.js';
import { orgEm } from '../db/orm.js';
import { type AutoAssignInput, type AutoAssignResult, autoAssign as pickAssignee } from './incident/assign.js';
import { type Mailer, type NotifyEscalationInput, notifyEscalation as sendEscalation } from './kernel/notify.js';
import {
  type PersistIncidentInput,
  type PersistIncidentStepsInput,
  persistIncidentSteps as persistIncidentStepsProjection,
} from './incident/projection.js';
import { type RequestRatingInput, requestRating as sendRatingRequest } from './incident/rating.js';
import {
  type CheckSubstitutesInput,
  type ResolveApproversInput,
  type ResolvedApprovers,
  checkSubstitutes as findSubstitutes,
  resolveApprovers as findApprovers,
} from './request/approvers.js';
import {
  type MailApproversInput,
  type NotifyRequestInput,
  mailApprovers as mailAsked,
  notifyRequest as mailNotice,
} from './request/mail.js';
import { type PersistRequestStepsInput, persistRequestSteps as persistRequests } from './request/projection.js';
import { type CallWebhookInput, callWebhook as postWebhook } from './request/webhook.js';
import { type RemindCiOwnerInput, remindCiOwner as mailCiReminder } from './cmdb/reminders.js';

export interface ActivityDeps {
  orm: Orm;
  /** Absent: no e-mail is sent (webhooks still are). */
  mailer?: Mailer | null;
  /** Base URL of the web app, for links in messages. */
  publicUrl?: string;
  /** Signs rating links (the API verifies them with the same secret); absent: no rating requests. */
  linkSecret?: string | null;
}

export function createActivities({
  orm,
  mailer = null,
  publicUrl = 'http://127.0.0.1:3000',
  linkSecret = null,
}: ActivityDeps) {
  return {
    /** Sends an SLA escalation to its audience on every channel, at most once per recipient and channel. */
    async notifyEscalation(input: NotifyEscalationInput): Promise<{ sent: number }> {
      return sendEscalation({ orm, mailer, publicUrl }, input);
    },

    /** Asks the requester to rate a resolution (signed link by e-mail), once per resolution. */
    async requestRating(input: RequestRatingInput): Promise<{ sent: number; skipped?: string }> {
      return sendRatingRequest({ orm, mailer, publicUrl, linkSecret }, input);
    },

    /** Picks the team and assignee of a new incident by the team's strategy (once per incident). */
    async autoAssign(input: AutoAssignInput): Promise<AutoAssignResult> {
      return pickAssignee(orgEm(orm, input.orgId), input);
    },

    /** The lead of a team, if it has one (for reassign-to-team-lead escalations). */
    async teamLeadOf(input: { orgId: string; teamId: string }): Promise<string | null> {
      const team = await orgEm(orm, input.orgId).findOne(Team, { id: input.teamId });
      return team?.lead?.id ?? null;
    },

    /** Stores the incident's read model and timeline event for one revision. */
    async persistIncident(input: PersistIncidentInput): Promise<void> {
      await persistIncidentStepsProjection(orm.em.fork(), { steps: [input] }, publicUrl);
    },

    /** Stores several consecutive revisions at once (the workflow's group commit). */
    async persistIncidentSteps(input: PersistIncidentStepsInput): Promise<void> {
      await persistIncidentStepsProjection(orm.em.fork(), input, publicUrl);
    },

    /** Stores a service request's read model, timeline events, approver and task rows. */
    async persistRequestSteps(input: PersistRequestStepsInput): Promise<void> {
      await persistRequests(orm.em.fork(), input);
    },

    /** Who an approval step asks (substitutes for those away where it allows delegation). */
    async resolveApprovers(input: ResolveApproversInput): Promise<ResolvedApprovers> {
      return findApprovers(orgEm(orm, input.orgId), input);
    },

    /** The substitutes of approvers who went away since they were asked. */
    async checkSubstitutes(input: CheckSubstitutesInput) {
      return findSubstitutes(orgEm(orm, input.orgId), input);
    },

    /** E-mails approvers their signed approve / reject links (once per step and person). */
    async mailApprovers(input: MailApproversInput) {
      return mailAsked({ em: orgEm(orm, input.orgId), mailer, publicUrl, linkSecret }, input);
    },

    /** A flow's notification node. */
    async notifyRequest(input: NotifyRequestInput) {
      return mailNotice({ em: orgEm(orm, input.orgId), mailer, publicUrl }, input);
    },

    /** A CI's end-date reminder to its owner, once per CI, date and threshold. */
    async remindCiOwner(input: RemindCiOwnerInput) {
      return mailCiReminder({ em: orgEm(orm, input.orgId), mailer, publicUrl }, input);
    },

    /** A flow's signed webhook call-out (retried by the workflow; the same Idempotency-Key each time). */
    async callWebhook(input: CallWebhookInput) {
      return postWebhook(orgEm(orm, input.orgId), input);
    },
  };
}

export type Activities = ReturnType<typeof createActivities>;
// Workflows import this module as types only; these declarations give them the activity signatures.
export declare const persistIncident: Activities['persistIncident'];
export declare const persistIncidentSteps: Activities['persistIncidentSteps'];
export declare const notifyEscalation: Activities['notifyEscalation'];
export declare const teamLeadOf: Activities['teamLeadOf'];
export declare const autoAssign: Activities['autoAssign'];
export declare const requestRating: Activities['requestRating'];
export declare const persistRequestSteps: Activities['persistRequestSteps'];
export declare const resolveApprovers: Activities['resolveApprovers'];
export declare const checkSubstitutes: Activities['checkSubstitutes'];
export declare const mailApprovers: Activities['mailApprovers'];
export declare const notifyRequest: Activities['notifyRequest'];
export declare const callWebhook: Activities['callWebhook'];
export declare const remindCiOwner: Activities['remindCiOwner'];
