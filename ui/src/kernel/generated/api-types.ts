// Generated from the API's OpenAPI document by api/kernel/contract-types.ts: do not edit.
// test/api/contract.test.ts fails when this differs from what the API serves;
// npm run gen:contract rewrites it.

export type DirectoryTeam = {
  id: string;
  name: string;
  memberIds: string[];
};

export type DirectoryUser = {
  id: string;
  email: string;
  displayName: string;
  role: string;
  active: boolean;
  teamIds: string[];
};

export type Incident = {
  key: string;
  number: number;
  workflowId: string;
  title: string;
  description: string;
  status: "new" | "assigned" | "in_progress" | "pending" | "resolved" | "closed" | "cancelled";
  impact: "high" | "medium" | "low";
  urgency: "high" | "medium" | "low";
  priority: "P1" | "P2" | "P3" | "P4";
  category: string | null;
  assigneeId: string | null;
  teamId: string | null;
  requesterId: string;
  pendingReason: "customer" | "vendor" | "change" | "other" | null;
  resolutionCode: "solved" | "workaround" | "not_reproducible" | "duplicate" | "user_error" | "known_error" | null;
  resolutionNotes: string | null;
  reopenCount: number;
  createdAt: string;
  updatedAt: string;
  resolvedAt: string | null;
  closedAt: string | null;
  autoCloseAt: string | null;
  revision: number;
  /** SLA clocks as of now (business time), or null without a policy */
  sla: {
    policy: {
      id: string;
      version: number;
      name: string;
    };
    response: {
      targetMinutes: number;
      dueAt: string | null;
      elapsedBusinessMinutes: number;
      state: "on_track" | "at_risk" | "breached" | "met" | "paused";
      metAt: string | null;
      breachedAt: string | null;
    };
    resolution: {
      targetMinutes: number;
      dueAt: string | null;
      elapsedBusinessMinutes: number;
      state: "on_track" | "at_risk" | "breached" | "met" | "paused";
      metAt: string | null;
      breachedAt: string | null;
    };
    escalations: ({
      clock: "response" | "resolution";
      fraction: number;
      dueAt?: string;
      at: string;
      actions: unknown[];
    })[];
  } | null;
  acknowledgedAt: string | null;
  workaround: string | null;
  measures: {
    /** Raised → first acknowledgement (calendar time) */
    timeToAcknowledgeMs: number | null;
    /** Raised → latest resolution (calendar time) */
    timeToResolveMs: number | null;
    /** Business time on the resolution clock (the SLA calendar, pauses excluded) */
    businessTimeToResolveMs: number | null;
    reassignmentCount: number;
    reopenCount: number;
    /** Resolved with no reassignment and no reopen; null until resolved */
    firstContactResolution: boolean | null;
  };
  csat: {
    rating: number;
    comment: string | null;
    at: string;
    /** The resolution it rates */
    resolvedAt: string;
  } | null;
  allowedTransitions: ("in_progress" | "pending" | "resolved" | "closed" | "cancelled")[];
  /** the other commands the incident takes now (the workflow refuses the rest) */
  allowedCommands: ("assign" | "comment" | "edit" | "priority" | "workaround" | "watch")[];
  /** people who follow the incident */
  watcherIds: string[];
};

export type IncidentPage = {
  items: Incident[];
  /** matching incidents, counted up to 1000 */
  total: number;
  /** true when more than 1000 match (total is then 1000) */
  totalCapped: boolean;
  limit: number;
  offset: number;
  /** send as cursor for the next page; null on the last */
  nextCursor: string | null;
};

export type ProblemDetails = {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  requestId: string;
  errors?: {
    field: string;
    message: string;
  }[];
};

export type TimelineEntry = {
  revision: number;
  type: string;
  actorId: string | null;
  actorKind: string;
  at: string;
  data: Record<string, unknown>;
};
