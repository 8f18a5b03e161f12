/**
 * SLA policies of an organization: validation of their definitions, the choice of the policy for
 * a new incident (first active match by rank, else the brief's defaults), and the clock view
 * returned with every incident.
 */
import { z } from 'zod';
import { SlaPolicy, TeamMember } from '../../db/entities/index.js';
import type { Em } from '../../db/orm.js';
import type { IncidentSla } from '../../workflows/incident/messages.js';
import { ALWAYS_OPEN, calendarProblems } from '../../workflows/kernel/business-calendar.js';
import { PENDING_REASONS } from '../../workflows/kernel/incident-lifecycle.js';
import { PRIORITIES, type Priority } from '../../workflows/kernel/priority.js';
import {
  AUDIENCES,
  CLOCK_KINDS,
  DEFAULT_ESCALATIONS,
  DEFAULT_TARGETS,
  type SlaClock,
  type SlaPolicySnapshot,
  elapsed,
  stateOf,
} from '../../workflows/kernel/sla.js';

const Minutes = z
  .number()
  .int()
  .min(1)
  .max(366 * 24 * 60);
const Time = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:MM');
const EndTime = z.string().regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, 'expected HH:MM (24:00 for the end of the day)');

export const Calendar = z
  .strictObject({
    timeZone: z.string().min(1).max(64),
    week: z
      .array(z.array(z.strictObject({ start: Time, end: EndTime })).max(6))
      .length(7)
      .describe('Sunday first'),
    holidays: z.array(z.iso.date()).max(400).default([]),
  })
  .superRefine((c, ctx) => {
    for (const message of calendarProblems(c)) ctx.addIssue({ code: 'custom', message });
  });

const Action = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('notify'), to: z.enum(AUDIENCES) }),
  z.strictObject({ type: z.literal('reassign_to_team_lead') }),
  z.strictObject({ type: z.literal('raise_priority') }),
]);

export const PolicyDefinition = z.strictObject({
  conditions: z
    .strictObject({
      priorities: z.array(z.enum(PRIORITIES)).min(1).optional(),
      categories: z.array(z.string().trim().min(1).max(80)).min(1).max(100).optional(),
      requesterTeams: z
        .array(z.uuid())
        .min(1)
        .max(100)
        .optional()
        .describe('requester group: the requester belongs to one of these teams'),
    })
    .default({}),
  targets: z
    .record(z.enum(PRIORITIES), z.strictObject({ responseMinutes: Minutes, resolutionMinutes: Minutes }))
    .refine((t) => PRIORITIES.every((p) => t[p]), 'targets are needed for P1, P2, P3 and P4')
    .refine(
      (t) => PRIORITIES.every((p) => !t[p] || t[p].responseMinutes <= t[p].resolutionMinutes),
      'response must not exceed resolution',
    ),
  calendar: Calendar,
  pauseOn: z.array(z.enum(PENDING_REASONS)).default(['customer', 'vendor']),
  escalations: z
    .array(z.strictObject({ fraction: z.number().gt(0).max(2), actions: z.array(Action).max(10) }))
    .max(10)
    .refine((ls) => new Set(ls.map((l) => l.fraction)).size === ls.length, 'each fraction at most once')
    .default(DEFAULT_ESCALATIONS),
});
export type PolicyDefinition = z.infer<typeof PolicyDefinition>;

/** The brief's defaults, for organizations without a matching policy: 24×7, 75 % / 90 % / breach. */
export const DEFAULT_POLICY: SlaPolicySnapshot = {
  policyId: 'default',
  version: 1,
  name: 'Default',
  targets: DEFAULT_TARGETS,
  calendar: ALWAYS_OPEN,
  pauseOn: ['customer', 'vendor'],
  escalations: DEFAULT_ESCALATIONS,
};

/** The policy version a new incident starts under. */
export async function policyFor(
  em: Em,
  priority: Priority,
  category: string | null,
  requesterId: string,
): Promise<SlaPolicySnapshot> {
  const policies = await em.find(SlaPolicy, { active: true }, { orderBy: { rank: 'asc', name: 'asc' } });
  let groups: Set<string> | null = null; // the requester's teams, loaded when a policy asks
  for (const p of policies) {
    const def = PolicyDefinition.safeParse(p.definition);
    if (!def.success) continue;
    const c = def.data.conditions;
    if (c.priorities && !c.priorities.includes(priority)) continue;
    if (c.categories && (!category || !c.categories.includes(category))) continue;
    if (c.requesterTeams) {
      groups ??= new Set((await em.find(TeamMember, { user: requesterId })).map((m) => m.team.id));
      if (!c.requesterTeams.some((t) => groups!.has(t))) continue;
    }
    return snapshotOf(p, def.data);
  }
  return DEFAULT_POLICY;
}

/** What a ticket keeps of a policy when it starts under it (null when its definition is unusable). */
export function policySnapshot(p: SlaPolicy): SlaPolicySnapshot | null {
  const def = PolicyDefinition.safeParse(p.definition);
  return def.success ? snapshotOf(p, def.data) : null;
}

function snapshotOf(p: SlaPolicy, def: PolicyDefinition): SlaPolicySnapshot {
  return {
    policyId: p.id,
    version: p.version,
    name: p.name,
    targets: def.targets as SlaPolicySnapshot['targets'],
    calendar: def.calendar,
    pauseOn: def.pauseOn,
    escalations: def.escalations,
  };
}

const ClockView = z.object({
  targetMinutes: z.number(),
  dueAt: z.string().nullable(),
  elapsedBusinessMinutes: z.number(),
  state: z.enum(['on_track', 'at_risk', 'breached', 'met', 'paused']),
  metAt: z.string().nullable(),
  breachedAt: z.string().nullable(),
});
export const SlaView = z.object({
  policy: z.object({ id: z.string(), version: z.number(), name: z.string() }),
  response: ClockView,
  resolution: ClockView,
  escalations: z.array(
    z.object({
      clock: z.enum(CLOCK_KINDS),
      fraction: z.number(),
      dueAt: z.string().optional(),
      at: z.string(),
      actions: z.array(z.unknown()),
    }),
  ),
});

const isoOf = (t: number | null) => (t === null ? null : new Date(t).toISOString());

/** How the SLA stands now (elapsed time and state move on between projection writes). */
export function slaView(sla: IncidentSla | null | undefined, now = Date.now()): z.infer<typeof SlaView> | null {
  if (!sla) return null;
  const clock = (c: SlaClock) => {
    const used = elapsed(sla.policy.calendar, c, now);
    return {
      targetMinutes: c.targetMs / 60_000,
      dueAt: isoOf(c.dueAt),
      elapsedBusinessMinutes: Math.floor(used / 60_000),
      state: stateOf(sla.policy, c, now, used),
      metAt: isoOf(c.metAt),
      breachedAt: isoOf(c.breachedAt),
    };
  };
  return {
    policy: { id: sla.policy.policyId, version: sla.policy.version, name: sla.policy.name },
    response: clock(sla.response),
    resolution: clock(sla.resolution),
    escalations: sla.escalations,
  };
}
