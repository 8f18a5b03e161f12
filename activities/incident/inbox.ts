/**
 * In-app notifications (the bell), derived from each committed incident change and written in the
 * same transaction as its projection: assignment, replies, work notes, mentions, escalations,
 * resolution, and changes to incidents someone watches. One item per person and revision (unique,
 * `on conflict do nothing`), so a retried projection write adds nothing; the person who made the
 * change is never told of it.
 */
import type { Em } from '../../db/orm.js';
import type { IncidentSnapshot, TimelineEvent } from '../../workflows/incident/messages.js';
import { ASSIGNABLE_ROLES } from '../../workflows/kernel/permissions.js';

export const INBOX_KINDS = [
  'mention',
  'assigned',
  'escalation',
  'reply',
  'note',
  'resolved',
  'rating',
  'watching',
  'updated',
] as const;
export type InboxKind = (typeof INBOX_KINDS)[number];

interface Person {
  id: string;
  display_name: string;
  email: string;
  role: string;
}

const EXCERPT = 160;
const excerpt = (text: unknown) =>
  typeof text === 'string' ? (text.length > EXCERPT ? `${text.slice(0, EXCERPT - 1)}…` : text) : undefined;

/**
 * Staff whose name, e-mail name or — when no colleague shares it — first name follows an `@` in
 * the text ("@Agent One", "@agent1", "@Agent"). At each `@` the longest name that fits wins, so
 * "@Budi Santoso" is Budi Santoso even where "budi" is someone's e-mail name.
 */
export function mentioned(text: string, people: Person[]): string[] {
  const lower = text.toLocaleLowerCase('en-US');
  const low = (n: string) => n.toLocaleLowerCase('en-US');
  const firstOf = (p: Person) => low(p.display_name.trim().split(/\s+/)[0] ?? '');
  const firsts = new Map<string, number>();
  for (const p of people) firsts.set(firstOf(p), (firsts.get(firstOf(p)) ?? 0) + 1);
  const names = people
    .flatMap((p) =>
      [low(p.display_name), low(p.email.split('@')[0] ?? ''), ...(firsts.get(firstOf(p)) === 1 ? [firstOf(p)] : [])]
        .filter((n) => n.length > 1)
        .map((n) => ({ id: p.id, n })),
    )
    .sort((x, y) => y.n.length - x.n.length);
  const found = new Set<string>();
  for (let at = lower.indexOf('@'); at >= 0; at = lower.indexOf('@', at + 1)) {
    const hit = names.find(
      ({ n }) => lower.startsWith(n, at + 1) && !/[\p{L}\p{N}_]/u.test(lower[at + 1 + n.length] ?? ''),
    );
    if (hit) found.add(hit.id);
  }
  return [...found];
}

/** Who hears of this change, and as what (at most one item each: the most specific kind wins). */
async function recipients(em: Em, s: IncidentSnapshot, e: TimelineEvent): Promise<Map<string, InboxKind>> {
  const out = new Map<string, InboxKind>();
  const tell = (userId: string | null | undefined, kind: InboxKind) => {
    if (!userId) return;
    const had = out.get(userId);
    if (!had || INBOX_KINDS.indexOf(kind) < INBOX_KINDS.indexOf(had)) out.set(userId, kind);
  };
  const watchers = s.watcherIds ?? [];
  const d = e.data;
  const staff = async (): Promise<Person[]> =>
    em.execute<Person[]>(
      `select id, display_name, email, role from users
        where organization_id = ? and active and role in (${ASSIGNABLE_ROLES.map(() => '?').join(', ')})`,
      [s.orgId, ...ASSIGNABLE_ROLES],
    );
  switch (e.type) {
    case 'created':
      if (s.assigneeId) tell(s.assigneeId, 'assigned');
      break;
    case 'assigned':
      tell(d['toAssigneeId'] as string | null, 'assigned');
      watchers.forEach((w) => tell(w, 'updated'));
      break;
    case 'comment':
    case 'work_note': {
      const note = e.type === 'work_note';
      if (!note) tell(e.actor.userId === s.requesterId ? s.assigneeId : s.requesterId, 'reply');
      else tell(s.assigneeId, 'note');
      watchers.forEach((w) => tell(w, note ? 'note' : 'reply'));
      const body = String(d['body'] ?? '');
      if (body.includes('@')) {
        const people = await staff();
        for (const id of mentioned(body, people)) tell(id, 'mention');
      }
      break;
    }
    case 'status_changed':
      if (d['to'] === 'resolved') tell(s.requesterId, 'resolved');
      // The requester reopened ("still broken") or cancelled: the assignee hears of it.
      if (e.actor.userId !== null && e.actor.userId === s.requesterId) tell(s.assigneeId, 'updated');
      watchers.forEach((w) => tell(w, 'updated'));
      break;
    case 'sla_escalated': {
      const audiences = new Set(
        ((d['levels'] as { actions: { type: string; to?: string }[] }[] | undefined) ?? []).flatMap((l) =>
          l.actions.filter((a) => a.type === 'notify').map((a) => a.to),
        ),
      );
      if (audiences.has('assignee')) tell(s.assigneeId, 'escalation');
      if (audiences.has('requester')) tell(s.requesterId, 'escalation');
      if (s.teamId && (audiences.has('team_lead') || audiences.has('team'))) {
        const rows = await em.execute<{ lead_id: string | null; member: string | null }[]>(
          `select t.lead_id, m.user_id as member from teams t left join team_members m on m.team_id = t.id
            where t.id = ? and t.organization_id = ?`,
          [s.teamId, s.orgId],
        );
        if (audiences.has('team_lead')) tell(rows[0]?.lead_id, 'escalation');
        if (audiences.has('team')) rows.forEach((r) => tell(r.member, 'escalation'));
      }
      if (audiences.has('admins'))
        (await staff()).filter((p) => p.role === 'admin').forEach((p) => tell(p.id, 'escalation'));
      watchers.forEach((w) => tell(w, 'escalation'));
      break;
    }
    case 'csat':
      tell(s.assigneeId, 'rating');
      break;
    case 'watchers':
      if (d['watching'] === true) tell(d['userId'] as string, 'watching');
      break;
    default:
      watchers.forEach((w) => tell(w, 'updated'));
  }
  if (e.actor.userId) out.delete(e.actor.userId);
  return out;
}

/** What an item shows without loading the incident: which ticket, what happened, a short excerpt. */
function itemData(s: IncidentSnapshot, e: TimelineEvent, kind: InboxKind): Record<string, unknown> {
  const d = e.data;
  const text = kind === 'reply' || kind === 'note' || kind === 'mention' ? excerpt(d['body']) : undefined;
  return {
    key: s.key,
    title: s.title,
    event: e.type,
    ...(text !== undefined ? { excerpt: text, internal: e.type === 'work_note' } : {}),
    ...(e.type === 'status_changed' ? { from: d['from'], to: d['to'] } : {}),
    ...(e.type === 'csat' ? { rating: d['rating'] } : {}),
  };
}

/** Writes the in-app notifications of one change (inside the projection's transaction). */
export async function writeInbox(tx: Em, s: IncidentSnapshot, e: TimelineEvent): Promise<void> {
  const to = await recipients(tx, s, e);
  for (const [userId, kind] of to) {
    await tx.execute(
      `insert into inbox (organization_id, user_id, ticket_workflow_id, revision, kind, actor_id, data, created_at)
       select ?, u.id, ?, ?, ?, ?, ?, ? from users u where u.id = ? and u.organization_id = ?
       on conflict (user_id, ticket_workflow_id, revision, kind) do nothing`,
      [
        s.orgId,
        s.workflowId,
        e.revision,
        kind,
        e.actor.userId,
        JSON.stringify(itemData(s, e, kind)),
        new Date(e.at),
        userId,
        s.orgId,
      ],
      'run',
    );
  }
}
