/**
 * A change's types, statuses and the transitions between them (issue 16), and its risk: a
 * questionnaire's score and level, raised by conditions computed from the change itself (lead
 * time, services affected, open P1s, the maintenance window), each with its reason. Pure: the
 * change workflow, the API and the web app share it.
 */

/** Why a command on a change is refused (the shape the ticket runtime refuses with). */
export interface ChangeRefusal {
  code: 'no_change' | 'illegal_transition';
  detail: string;
  field: string;
}

export const CHANGE_TYPES = ['standard', 'normal', 'emergency'] as const;
export type ChangeType = (typeof CHANGE_TYPES)[number];

export const CHANGE_STATUSES = [
  'draft',
  'submitted',
  'assessment',
  'pending_approval',
  'approved',
  'rejected',
  'scheduled',
  'implementing',
  'reviewing',
  'completed',
  'failed',
  'rolled_back',
  'cancelled',
  'needs_reschedule',
] as const;
export type ChangeStatus = (typeof CHANGE_STATUSES)[number];

export const TERMINAL_CHANGE_STATUSES: readonly ChangeStatus[] = [
  'rejected',
  'completed',
  'failed',
  'rolled_back',
  'cancelled',
];

/**
 * Where each status may go, per type. A standard change is pre-approved by its template: it goes
 * from submitted straight to scheduled. An emergency change skips the assessment queue: it goes
 * to its expedited (ECAB) approval at once. Once implementation has started, a change is no longer
 * cancelled: it ends by completing, failing or rolling back.
 */
const COMMON: Partial<Record<ChangeStatus, readonly ChangeStatus[]>> = {
  draft: ['submitted', 'cancelled'],
  pending_approval: ['approved', 'rejected', 'cancelled'],
  approved: ['scheduled', 'needs_reschedule', 'cancelled'],
  scheduled: ['implementing', 'needs_reschedule', 'cancelled'],
  implementing: ['reviewing', 'failed', 'rolled_back'],
  reviewing: ['completed', 'failed', 'rolled_back'],
};

export const CHANGE_TRANSITIONS: Record<ChangeType, Partial<Record<ChangeStatus, readonly ChangeStatus[]>>> = {
  standard: { ...COMMON, submitted: ['scheduled', 'cancelled'], needs_reschedule: ['scheduled', 'cancelled'] },
  normal: {
    ...COMMON,
    submitted: ['assessment', 'cancelled'],
    assessment: ['pending_approval', 'cancelled'],
    // A new schedule is a new decision: the CAB approved a time, not any time.
    needs_reschedule: ['assessment', 'cancelled'],
  },
  emergency: {
    ...COMMON,
    submitted: ['pending_approval', 'cancelled'],
    needs_reschedule: ['pending_approval', 'cancelled'],
  },
};

export function isTerminalChange(s: ChangeStatus): boolean {
  return TERMINAL_CHANGE_STATUSES.includes(s);
}

/** Why a change of this type may not go from one status to another (null when it may). */
export function changeTransitionRefusal(type: ChangeType, from: ChangeStatus, to: ChangeStatus): ChangeRefusal | null {
  if (from === to) return { code: 'no_change', detail: `The change is already ${from}`, field: 'status' };
  const allowed = CHANGE_TRANSITIONS[type][from] ?? [];
  if (allowed.includes(to)) return null;
  return {
    code: 'illegal_transition',
    detail: allowed.length
      ? `A ${type} change that is ${from} can go only to ${allowed.join(', ')}, not ${to}`
      : `A ${type} change that is ${from} does not move any more`,
    field: 'status',
  };
}

// ---------------------------------------------------------------------------------------------
// Risk

export const RISK_LEVELS = ['low', 'moderate', 'high', 'very_high'] as const;
export type RiskLevel = (typeof RISK_LEVELS)[number];

/** One question of an organization's risk questionnaire; each option adds its points. */
export interface RiskQuestion {
  id: string;
  text: string;
  options: { value: string; label: string; points: number }[];
}

export interface RiskQuestionnaire {
  questions: RiskQuestion[];
  /** The lowest score of each level above low, ascending (e.g. moderate ≥ 4, high ≥ 8, very high ≥ 12). */
  thresholds: { moderate: number; high: number; very_high: number };
}

/** What the change's own facts say about its risk, computed where the change is judged. */
export interface RiskFacts {
  type: ChangeType;
  /** Epoch ms: when the change was submitted, and when it is planned to start. */
  submittedAt: number;
  plannedStart: number;
  /** The least lead time a change of this type needs (ms); emergencies are not held to it. */
  minLeadTimeMs: number;
  /** The affected services that are critical, by name. */
  criticalServices: string[];
  usersAffected: number;
  /** From how many users a change counts as affecting many. */
  manyUsers: number;
  /** Open P1 incidents on the affected CIs, by key. */
  openP1s: string[];
  /** Whether the whole planned time lies in each affected CI's maintenance window. */
  insideMaintenanceWindow: boolean;
}

export type RiskConditionCode =
  'insufficient_lead_time' | 'critical_service' | 'many_users' | 'open_p1' | 'outside_maintenance_window';

/** A computed condition that raises the change's risk, with the reason people read. */
export interface RiskCondition {
  code: RiskConditionCode;
  /** The least level the condition makes the risk. */
  atLeast: RiskLevel;
  reason: string;
}

export interface Risk {
  score: number;
  /** The level from the score alone. */
  scoredLevel: RiskLevel;
  /** The level with the conditions: the higher of the scored one and every condition's. */
  level: RiskLevel;
  conditions: RiskCondition[];
  /** Questions left unanswered (their points count as 0, and the change cannot be submitted). */
  unanswered: string[];
}

const HOUR = 3_600_000;
const rank = (l: RiskLevel) => RISK_LEVELS.indexOf(l);

function scoredLevel(q: RiskQuestionnaire, score: number): RiskLevel {
  if (score >= q.thresholds.very_high) return 'very_high';
  if (score >= q.thresholds.high) return 'high';
  if (score >= q.thresholds.moderate) return 'moderate';
  return 'low';
}

/** The conditions a change's facts raise, each with its reason. */
export function riskConditions(f: RiskFacts): RiskCondition[] {
  const out: RiskCondition[] = [];
  const lead = f.plannedStart - f.submittedAt;
  if (f.type !== 'emergency' && lead < f.minLeadTimeMs) {
    out.push({
      code: 'insufficient_lead_time',
      atLeast: 'high',
      reason: `Planned ${Math.max(0, Math.floor(lead / HOUR))} h after submission; a ${f.type} change needs ${Math.ceil(f.minLeadTimeMs / HOUR)} h`,
    });
  }
  if (f.criticalServices.length) {
    out.push({
      code: 'critical_service',
      atLeast: 'high',
      reason: `Affects critical service${f.criticalServices.length > 1 ? 's' : ''} ${f.criticalServices.join(', ')}`,
    });
  }
  if (f.usersAffected >= f.manyUsers) {
    out.push({
      code: 'many_users',
      atLeast: 'moderate',
      reason: `Affects ${f.usersAffected} users (many is ${f.manyUsers} or more)`,
    });
  }
  if (f.openP1s.length) {
    out.push({
      code: 'open_p1',
      atLeast: 'very_high',
      reason: `Open P1 on an affected CI: ${f.openP1s.join(', ')}`,
    });
  }
  if (!f.insideMaintenanceWindow) {
    out.push({
      code: 'outside_maintenance_window',
      atLeast: 'high',
      reason: 'The planned time is not inside the maintenance window of every affected CI',
    });
  }
  return out;
}

/** The risk of a change: the questionnaire's score and level, raised by its computed conditions. */
export function assessRisk(q: RiskQuestionnaire, answers: Record<string, string>, facts: RiskFacts): Risk {
  let score = 0;
  const unanswered: string[] = [];
  for (const question of q.questions) {
    const option = question.options.find((o) => o.value === answers[question.id]);
    if (option) score += option.points;
    else unanswered.push(question.id);
  }
  const scored = scoredLevel(q, score);
  const conditions = riskConditions(facts);
  const level = conditions.reduce<RiskLevel>((l, c) => (rank(c.atLeast) > rank(l) ? c.atLeast : l), scored);
  return { score, scoredLevel: scored, level, conditions, unanswered };
}

/** What is wrong with a questionnaire as an admin wrote it (empty when nothing). */
export function questionnaireProblems(q: RiskQuestionnaire): string[] {
  const out: string[] = [];
  const ids = new Set<string>();
  for (const question of q.questions) {
    if (ids.has(question.id)) out.push(`Question ${question.id} appears twice`);
    ids.add(question.id);
    if (question.options.length < 2) out.push(`Question ${question.id} needs at least two options`);
    const values = new Set(question.options.map((o) => o.value));
    if (values.size !== question.options.length) out.push(`Question ${question.id} has an option twice`);
    if (question.options.some((o) => !Number.isInteger(o.points) || o.points < 0)) {
      out.push(`Question ${question.id}: points are whole numbers from 0`);
    }
  }
  const t = q.thresholds;
  if (!(t.moderate > 0 && t.moderate < t.high && t.high < t.very_high)) {
    out.push('Thresholds rise: 0 < moderate < high < very high');
  }
  return out;
}
