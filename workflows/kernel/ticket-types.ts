/**
 * Ticket types and their keys. A ticket's key is `<PREFIX>-<number>` (unique per organization
 * and type), its workflow id `<org slug>/<PREFIX>-<number>` (DESIGN rule 5). Pure: workflows,
 * activities, the API and the web app share it.
 */

export const TICKET_TYPES = {
  incident: { prefix: 'INC' },
  request: { prefix: 'REQ' },
  change: { prefix: 'CHG' },
  problem: { prefix: 'PRB' },
} as const;
export type TicketType = keyof typeof TICKET_TYPES;
export type TicketPrefix = (typeof TICKET_TYPES)[TicketType]['prefix'];
/** Every ticket prefix (the type column of shared tables). */
export const TICKET_PREFIXES = Object.values(TICKET_TYPES).map((t) => t.prefix) as TicketPrefix[];

const BY_PREFIX = new Map<string, TicketType>(
  Object.entries(TICKET_TYPES).map(([type, t]) => [t.prefix, type as TicketType]),
);

/** An organization slug as it appears in workflow ids. */
export const ORG_SLUG_PATTERN = '[a-z0-9][a-z0-9-]{0,39}';

/** The key people use for a ticket, e.g. INC-42. */
export function ticketKey(type: TicketType, number: number): string {
  return `${TICKET_TYPES[type].prefix}-${number}`;
}

/** The workflow id of a ticket: `<org slug>/<PREFIX>-<number>`. */
export function ticketWorkflowId(orgSlug: string, type: TicketType, number: number): string {
  return `${orgSlug}/${ticketKey(type, number)}`;
}

/** The parts of a workflow id (or null when it is not a ticket's). */
export function parseTicketWorkflowId(
  workflowId: string,
): { orgSlug: string; type: TicketType; number: number } | null {
  const m = new RegExp(`^(${ORG_SLUG_PATTERN})/([A-Z]{3})-([1-9]\\d{0,9})$`).exec(workflowId);
  const type = m ? BY_PREFIX.get(m[2]!) : undefined;
  return m && type ? { orgSlug: m[1]!, type, number: Number(m[3]) } : null;
}

/** The pattern of a reference to a ticket of one type (see parseTicketReference); match it case-blind. */
export function ticketReferencePattern(type: TicketType): string {
  return `^(?:(${ORG_SLUG_PATTERN})/)?(?:${TICKET_TYPES[type].prefix}-)?([1-9]\\d{0,9})$`;
}

/**
 * A reference people type for a ticket of one type: `INC-42`, `inc-42`, `42`, or with the
 * organization, `acme/INC-42`. Null when it is none of these.
 */
export function parseTicketReference(
  type: TicketType,
  text: string,
): { orgSlug: string | null; number: number } | null {
  const m = new RegExp(ticketReferencePattern(type), 'i').exec(text);
  return m ? { orgSlug: m[1]?.toLowerCase() ?? null, number: Number(m[2]) } : null;
}
