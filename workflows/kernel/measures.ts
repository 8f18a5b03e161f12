/** Per-incident service measures, derived from its state whenever it changes. Pure. */

export interface IncidentMeasures {
  timeToAcknowledgeMs: number | null;
  timeToResolveMs: number | null;
  /** Business time to resolve under the ticket's SLA calendar (the resolution clock's use). */
  businessTimeToResolveMs: number | null;
  reassignmentCount: number;
  reopenCount: number;
  /** Resolved without being passed on or reopened; null until resolved. */
  firstContactResolution: boolean | null;
}

export function measuresOf(s: {
  createdAt: string;
  acknowledgedAt?: string | null;
  resolvedAt: string | null;
  reassignmentCount?: number;
  reopenCount: number;
  sla?: { resolution: { elapsedMs: number; metAt: number | null } } | null;
}): IncidentMeasures {
  const created = Date.parse(s.createdAt);
  const reassignments = s.reassignmentCount ?? 0;
  return {
    timeToAcknowledgeMs: s.acknowledgedAt ? Date.parse(s.acknowledgedAt) - created : null,
    timeToResolveMs: s.resolvedAt ? Date.parse(s.resolvedAt) - created : null,
    businessTimeToResolveMs: s.resolvedAt && s.sla?.resolution.metAt != null ? s.sla.resolution.elapsedMs : null,
    reassignmentCount: reassignments,
    reopenCount: s.reopenCount,
    firstContactResolution: s.resolvedAt ? reassignments === 0 && s.reopenCount === 0 : null,
  };
}
