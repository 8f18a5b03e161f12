import type { Clock } from './components/SlaChip.vue';

export interface Incident {
  key: string;
  workflowId: string;
  title: string;
  description: string;
  status: string;
  impact: string;
  urgency: string;
  priority: string;
  category: string | null;
  assigneeId: string | null;
  teamId: string | null;
  requesterId: string;
  pendingReason: string | null;
  resolutionCode: string | null;
  resolutionNotes: string | null;
  createdAt: string;
  updatedAt: string;
  resolvedAt: string | null;
  revision: number;
  workaround: string | null;
  csat: { rating: number; comment: string | null } | null;
  measures: Record<string, number | boolean | null>;
  sla: { response: Clock; resolution: Clock; escalations: { clock: string; fraction: number; at: string }[] } | null;
  allowedTransitions: string[];
  /** The other commands the workflow takes now (assign, comment, edit, priority, workaround, watch). */
  allowedCommands: string[];
  watcherIds: string[];
  reopenCount: number;
}

export interface Person {
  id: string;
  displayName: string;
  role: string;
  active?: boolean;
  teamIds?: string[];
}

export interface Team {
  id: string;
  name: string;
  memberIds: string[];
}

export interface TimelineEntry {
  revision: number;
  type: string;
  actorId: string | null;
  actorKind: string;
  at: string;
  data: Record<string, unknown>;
}
