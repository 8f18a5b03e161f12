/**
 * Configuration items (issue 15): the lifecycle a CI moves through, its criticality, and the
 * identifiers that must be unique in an organization where set. Pure, shared by API and web app.
 */

export const CI_STATUSES = ['planned', 'ordered', 'in_stock', 'in_use', 'maintenance', 'retired', 'disposed'] as const;
export type CiStatus = (typeof CI_STATUSES)[number];

/**
 * The moves a CI may make. Forward along the lifecycle, with the loops real estates have: a
 * server goes to maintenance and back, a retired one may be taken back into stock; a disposed one
 * is gone for good. A planned item may be bought or built straight into use (software, services).
 */
export const CI_TRANSITIONS: Record<CiStatus, readonly CiStatus[]> = {
  planned: ['ordered', 'in_stock', 'in_use', 'retired'],
  ordered: ['in_stock', 'in_use', 'retired'],
  in_stock: ['in_use', 'retired', 'disposed'],
  in_use: ['maintenance', 'in_stock', 'retired'],
  maintenance: ['in_use', 'in_stock', 'retired'],
  retired: ['in_stock', 'disposed'],
  disposed: [],
};

/** Why a move is refused, or null when it is allowed. */
export function transitionProblem(from: CiStatus, to: CiStatus): string | null {
  if (from === to) return null;
  if (CI_TRANSITIONS[from].includes(to)) return null;
  if (from === 'disposed') return 'A disposed item cannot change status';
  return `A CI cannot go from ${from} to ${to} (from ${from}: ${CI_TRANSITIONS[from].join(', ') || 'nowhere'})`;
}

/** Statuses in which a CI takes part in the live service (impact analysis reads these as up). */
export const ACTIVE_STATUSES: readonly CiStatus[] = ['in_use', 'maintenance'];

export const CRITICALITIES = ['low', 'medium', 'high', 'critical'] as const;
export type Criticality = (typeof CRITICALITIES)[number];
/** Higher is more critical (for ranking). */
export const criticalityRank = (c: Criticality): number => CRITICALITIES.indexOf(c);

/** Identifiers unique per organization where set (compared case-insensitively, trimmed). */
export const IDENTIFIERS = ['serialNumber', 'assetTag', 'hostname'] as const;
export type Identifier = (typeof IDENTIFIERS)[number];
/** How an identifier is compared: case and surrounding spaces do not make two items different. */
export const normalizeIdentifier = (v: string): string => v.trim().toLowerCase();

/** The dates a CI may carry whose end is reminded (issue 15: 90 / 30 / 7 days before). */
export const EXPIRY_DATES = ['warrantyEnd', 'supportEnd', 'licenceExpiry'] as const;
export type ExpiryDate = (typeof EXPIRY_DATES)[number];
export const EXPIRY_REMINDER_DAYS = [90, 30, 7] as const;
