/**
 * Signed approval links: an approver answers one step of one request from an e-mail without
 * signing in. The token names the request, the step and the approver, with an expiry, under an
 * HMAC-SHA256 whose key is derived from the deployment's secret. It is single-use by the
 * workflow's rules: once the approver has answered (or the step has closed) a second use is
 * refused and records nothing.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { deriveKey } from '../kernel/secrets.js';

export interface ApprovalLink {
  orgId: string;
  workflowId: string;
  stepId: string;
  userId: string;
  /** Expiry, seconds since the epoch. */
  exp: number;
}

export const APPROVAL_LINK_TTL_S = 30 * 86_400;

export function approvalLinkKey(secret: string): Buffer {
  return deriveKey(secret, 'approval-link');
}

const mac = (key: Buffer, body: string) => createHmac('sha256', key).update(`a1.${body}`).digest();

export function signApprovalLink(key: Buffer, link: ApprovalLink): string {
  const body = Buffer.from(
    JSON.stringify({ o: link.orgId, w: link.workflowId, s: link.stepId, u: link.userId, e: link.exp }),
  ).toString('base64url');
  return `a1.${body}.${mac(key, body).toString('base64url')}`;
}

export type ApprovalLinkProblem = 'malformed' | 'bad_signature' | 'expired';

export function verifyApprovalLink(
  key: Buffer,
  token: string,
  nowMs = Date.now(),
): { ok: true; link: ApprovalLink } | { ok: false; problem: ApprovalLinkProblem } {
  const parts = token.split('.');
  if (parts.length !== 3 || parts[0] !== 'a1' || !parts[1] || !parts[2]) return { ok: false, problem: 'malformed' };
  const given = Buffer.from(parts[2], 'base64url');
  const expected = mac(key, parts[1]);
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return { ok: false, problem: 'bad_signature' };
  let r: Record<string, unknown>;
  try {
    r = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    return { ok: false, problem: 'malformed' };
  }
  const { o, w, s, u, e } = r;
  if (
    typeof o !== 'string' ||
    typeof w !== 'string' ||
    typeof s !== 'string' ||
    typeof u !== 'string' ||
    typeof e !== 'number'
  )
    return { ok: false, problem: 'malformed' };
  if (e * 1000 < nowMs) return { ok: false, problem: 'expired' };
  return { ok: true, link: { orgId: o, workflowId: w, stepId: s, userId: u, exp: e } };
}
