/**
 * Mail about service requests, in each recipient's language, at most once per (event, recipient)
 * through the notifications ledger: an approver asked (with signed links to approve or reject
 * without signing in, and one to open the request), and a flow's notification node.
 */
import { TeamMember, User } from '../../db/entities/index.js';
import type { Em } from '../../db/orm.js';
import { type Mailer, messageIdFor, once } from '../kernel/notify.js';
import { APPROVAL_LINK_TTL_S, approvalLinkKey, signApprovalLink } from './approval-link.js';

export interface MailApproversInput {
  orgId: string;
  workflowId: string;
  key: string;
  title: string;
  stepId: string;
  userIds: string[];
  /** When the people asked are substitutes: whom they act for. */
  onBehalfOf: string | null;
  at: number;
}

const ASK = {
  en: {
    subject: (i: MailApproversInput) => `[${i.key}] Your approval is requested: ${i.title}`,
    body: (i: MailApproversInput, approve: string, reject: string, open: string, forWhom: string | null) =>
      `${i.key} "${i.title}" waits for your answer.\n` +
      (forWhom ? `You are asked on behalf of ${forWhom}, who is away.\n` : '') +
      `\nApprove: ${approve}\nReject: ${reject}\n\nSee the request and its approval path: ${open}\n` +
      `\nEach link works once; after you have answered, it is refused.\n`,
  },
  id: {
    subject: (i: MailApproversInput) => `[${i.key}] Persetujuan Anda diminta: ${i.title}`,
    body: (i: MailApproversInput, approve: string, reject: string, open: string, forWhom: string | null) =>
      `${i.key} "${i.title}" menunggu jawaban Anda.\n` +
      (forWhom ? `Anda diminta atas nama ${forWhom}, yang sedang tidak di tempat.\n` : '') +
      `\nSetujui: ${approve}\nTolak: ${reject}\n\nLihat permintaan dan alur persetujuannya: ${open}\n` +
      `\nSetiap tautan hanya berlaku sekali; setelah Anda menjawab, tautan ditolak.\n`,
  },
} as const;

export async function mailApprovers(
  deps: { em: Em; mailer: Mailer | null; publicUrl: string; linkSecret: string | null },
  input: MailApproversInput,
): Promise<{ sent: number; skipped?: string }> {
  if (!deps.mailer) return { sent: 0, skipped: 'no mailer configured' };
  if (!deps.linkSecret) return { sent: 0, skipped: 'no link secret configured' };
  const users = await deps.em.find(User, { id: { $in: input.userIds }, active: true });
  const principal = input.onBehalfOf ? await deps.em.findOne(User, { id: input.onBehalfOf }) : null;
  const key = approvalLinkKey(deps.linkSecret);
  const eventKey = `${input.workflowId}:approval:${input.stepId}`;
  let sent = 0;
  for (const u of users) {
    if ((u.notificationPrefs ?? {})['email'] === false) continue;
    const token = signApprovalLink(key, {
      orgId: input.orgId,
      workflowId: input.workflowId,
      stepId: input.stepId,
      userId: u.id,
      exp: Math.floor(input.at / 1000) + APPROVAL_LINK_TTL_S,
    });
    const link = (d: string) => `${deps.publicUrl}/approve/${token}?decision=${d}`;
    const t = u.locale === 'id' ? ASK.id : ASK.en;
    await once(deps.em, input.orgId, eventKey, u.id, 'email', async () => {
      await deps.mailer!.send({
        to: u.email,
        subject: t.subject(input),
        text: t.body(
          input,
          link('approve'),
          link('reject'),
          `${deps.publicUrl}/requests/${input.key}`,
          principal?.displayName ?? null,
        ),
        messageId: messageIdFor(eventKey, u.id),
        headers: { 'X-Lintas-Event': eventKey },
      });
      sent++;
    });
  }
  return { sent };
}

export interface NotifyRequestInput {
  orgId: string;
  workflowId: string;
  key: string;
  title: string;
  nodeId: string;
  to: 'requester' | 'approvers' | 'team' | 'watchers';
  template: string;
  requesterId: string;
  teamIds: string[];
  approverIds: string[];
}

const NOTE = {
  en: (i: NotifyRequestInput, url: string) => ({
    subject: `[${i.key}] ${i.title}: ${i.template.replace(/[_-]/g, ' ')}`,
    text: `${i.key} "${i.title}"\n\n${url}\n`,
  }),
  id: (i: NotifyRequestInput, url: string) => ({
    subject: `[${i.key}] ${i.title}: ${i.template.replace(/[_-]/g, ' ')}`,
    text: `${i.key} "${i.title}"\n\n${url}\n`,
  }),
} as const;

/** A flow's notification node: mail to the requester, the approvers so far, or the fulfilling teams. */
export async function notifyRequest(
  deps: { em: Em; mailer: Mailer | null; publicUrl: string },
  input: NotifyRequestInput,
): Promise<{ sent: number; skipped?: string }> {
  if (!deps.mailer) return { sent: 0, skipped: 'no mailer configured' };
  let ids: string[] = [];
  if (input.to === 'requester' || input.to === 'watchers') ids = [input.requesterId];
  if (input.to === 'approvers') ids = input.approverIds;
  if (input.to === 'team' && input.teamIds.length)
    ids = (await deps.em.find(TeamMember, { team: { $in: input.teamIds } })).map((m) => m.user.id);
  const users = ids.length ? await deps.em.find(User, { id: { $in: [...new Set(ids)] }, active: true }) : [];
  const eventKey = `${input.workflowId}:notify:${input.nodeId}`;
  let sent = 0;
  for (const u of users) {
    if ((u.notificationPrefs ?? {})['email'] === false) continue;
    const m = (u.locale === 'id' ? NOTE.id : NOTE.en)(input, `${deps.publicUrl}/requests/${input.key}`);
    await once(deps.em, input.orgId, eventKey, u.id, 'email', async () => {
      await deps.mailer!.send({
        to: u.email,
        ...m,
        messageId: messageIdFor(eventKey, u.id),
        headers: { 'X-Lintas-Event': eventKey },
      });
      sent++;
    });
  }
  return { sent };
}
