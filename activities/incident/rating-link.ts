/**
 * Signed rating links: the requester rates a resolution without signing in. The token carries the
 * incident, the requester and the resolution it rates, with an expiry, under an HMAC-SHA256 whose
 * key is derived from the deployment's secret; nothing is stored, and a changed byte is refused.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { deriveKey } from '../kernel/secrets.js';

export interface RatingLink {
  orgId: string;
  workflowId: string;
  requesterId: string;
  /** The resolution it rates (ISO instant); a reopen and a new resolve need a new link. */
  resolvedAt: string;
  /** Expiry, seconds since the epoch. */
  exp: number;
}

export type RatingLinkProblem = 'malformed' | 'bad_signature' | 'expired';

/** How long a link works (the workflow also refuses once the incident is closed or reopened). */
export const RATING_LINK_TTL_S = 30 * 86_400;

export function ratingLinkKey(secret: string): Buffer {
  return deriveKey(secret, 'rating-link');
}

function mac(key: Buffer, body: string): Buffer {
  return createHmac('sha256', key).update(`v1.${body}`).digest();
}

export function signRatingLink(key: Buffer, link: RatingLink): string {
  const body = Buffer.from(
    JSON.stringify({ o: link.orgId, w: link.workflowId, u: link.requesterId, r: link.resolvedAt, e: link.exp }),
  ).toString('base64url');
  return `v1.${body}.${mac(key, body).toString('base64url')}`;
}

/** The link a token carries, or why it is refused. */
export function verifyRatingLink(
  key: Buffer,
  token: string,
  nowMs = Date.now(),
): { ok: true; link: RatingLink } | { ok: false; problem: RatingLinkProblem } {
  const parts = token.split('.');
  if (parts.length !== 3 || parts[0] !== 'v1' || !parts[1] || !parts[2]) return { ok: false, problem: 'malformed' };
  const given = Buffer.from(parts[2], 'base64url');
  const expected = mac(key, parts[1]);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, problem: 'bad_signature' };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
  } catch {
    return { ok: false, problem: 'malformed' };
  }
  const r = raw as Record<string, unknown>;
  if (
    typeof r['o'] !== 'string' ||
    typeof r['w'] !== 'string' ||
    typeof r['u'] !== 'string' ||
    typeof r['r'] !== 'string' ||
    typeof r['e'] !== 'number'
  ) {
    return { ok: false, problem: 'malformed' };
  }
  if (r['e'] * 1000 <= nowMs) return { ok: false, problem: 'expired' };
  return {
    ok: true,
    link: { orgId: r['o'], workflowId: r['w'], requesterId: r['u'], resolvedAt: r['r'], exp: r['e'] },
  };
}
