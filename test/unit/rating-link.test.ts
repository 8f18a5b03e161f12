/** Signed rating links and per-incident measures: pure functions. */
import { describe, expect, it } from '@jest/globals';
import { ratingLinkKey, signRatingLink, verifyRatingLink } from '../../activities/incident/rating-link.js';
import { measuresOf } from '../../workflows/kernel/measures.js';

const key = ratingLinkKey('a'.repeat(64));
const link = {
  orgId: 'org-1',
  workflowId: 'acme/INC-7',
  requesterId: 'user-1',
  resolvedAt: '2026-11-24T10:00:00.000Z',
  exp: Math.floor(Date.parse('2026-12-24T10:00:00Z') / 1000),
};
const now = Date.parse('2026-11-25T00:00:00Z');

describe('rating links', () => {
  it('round-trips what they carry', () => {
    expect(verifyRatingLink(key, signRatingLink(key, link), now)).toEqual({ ok: true, link });
  });

  it('refuses any changed byte, another key, an expired link and junk', () => {
    const token = signRatingLink(key, link);
    const [v, body, mac] = token.split('.') as [string, string, string];
    const forged = Buffer.from(
      JSON.stringify({ o: 'org-1', w: 'acme/INC-8', u: 'user-1', r: link.resolvedAt, e: link.exp }),
    ).toString('base64url');
    expect(verifyRatingLink(key, `${v}.${forged}.${mac}`, now)).toEqual({ ok: false, problem: 'bad_signature' });
    expect(verifyRatingLink(ratingLinkKey('b'.repeat(64)), token, now)).toEqual({
      ok: false,
      problem: 'bad_signature',
    });
    expect(verifyRatingLink(key, `${v}.${body}.${mac.slice(0, -4)}`, now)).toEqual({
      ok: false,
      problem: 'bad_signature',
    });
    expect(verifyRatingLink(key, token, link.exp * 1000)).toEqual({ ok: false, problem: 'expired' });
    for (const junk of ['', 'v1', 'v1..', 'v2.a.b', 'a.b.c.d']) {
      expect(verifyRatingLink(key, junk, now)).toEqual({ ok: false, problem: 'malformed' });
    }
  });
});

describe('measures', () => {
  const base = { createdAt: '2026-11-24T08:00:00.000Z', resolvedAt: null, reopenCount: 0 };

  it('are empty until acknowledged and resolved', () => {
    expect(measuresOf(base)).toEqual({
      timeToAcknowledgeMs: null,
      timeToResolveMs: null,
      businessTimeToResolveMs: null,
      reassignmentCount: 0,
      reopenCount: 0,
      firstContactResolution: null,
    });
  });

  it('measure calendar and business time; first contact needs no reassignment and no reopen', () => {
    const resolved = {
      ...base,
      acknowledgedAt: '2026-11-24T08:05:00.000Z',
      resolvedAt: '2026-11-24T10:00:00.000Z',
      sla: { resolution: { elapsedMs: 3_600_000, metAt: Date.parse('2026-11-24T10:00:00Z') } },
    };
    expect(measuresOf(resolved)).toMatchObject({
      timeToAcknowledgeMs: 300_000,
      timeToResolveMs: 7_200_000,
      businessTimeToResolveMs: 3_600_000,
      firstContactResolution: true,
    });
    expect(measuresOf({ ...resolved, reassignmentCount: 1 }).firstContactResolution).toBe(false);
    expect(measuresOf({ ...resolved, reopenCount: 1 }).firstContactResolution).toBe(false);
    // A clock that is still running (no resolution met) gives no business figure.
    expect(
      measuresOf({ ...resolved, sla: { resolution: { elapsedMs: 1, metAt: null } } }).businessTimeToResolveMs,
    ).toBeNull();
  });
});
