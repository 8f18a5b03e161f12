/** Pure security rules: permission checks, settings merge, the rate limiter, audit hashing, README sync. */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { canonicalJson, entryHash, GENESIS_HASH } from '../../api/platform/audit.js';
import { DEFAULT_SETTINGS, mfaRequiredFor, settingsOf } from '../../workflows/kernel/org-settings.js';
import { ADMIN_FLOOR, DEFAULT_GRANTS, PERMISSION_NAMES, satisfies } from '../../workflows/kernel/permissions.js';
import { RateLimiter } from '../../api/platform/rate-limit.js';
import { SecretBox } from '../../activities/kernel/secrets.js';
import { ROLES } from '../../db/entities/index.js';

describe('permissions', () => {
  it('checks one permission, any of several, and the person requirement', () => {
    const g = new Set(['incident.read_own']);
    expect(satisfies('user', g, 'incident.read')).toBe(false);
    expect(satisfies('user', g, ['incident.read', 'incident.read_own'])).toBe(true);
    expect(satisfies('api_key', g, 'person')).toBe(false);
    expect(satisfies('user', new Set(), 'person')).toBe(true);
    expect(satisfies('api_key', new Set(), 'authenticated')).toBe(true);
  });

  it('grants only catalogued permissions, and admins hold the floor', () => {
    for (const role of ROLES) for (const p of DEFAULT_GRANTS[role]) expect(PERMISSION_NAMES).toContain(p);
    for (const p of ADMIN_FLOOR) expect(DEFAULT_GRANTS.admin).toContain(p);
  });

  it('the README table states exactly the default grants', () => {
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    const header = readme.split('\n').find((l) => l.startsWith('| permission | meaning |'))!;
    const roleCount = header.split('|').length - 4;
    expect(roleCount).toBe(ROLES.length);
    for (const p of PERMISSION_NAMES) {
      const row = readme.split('\n').find((l) => l.startsWith(`| \`${p}\` |`));
      expect(row).toBeDefined();
      const cells = row!
        .split('|')
        .slice(3, 3 + ROLES.length)
        .map((c) => c.trim() === '✓');
      expect(cells).toEqual(ROLES.map((r) => DEFAULT_GRANTS[r].includes(p)));
    }
  });
});

describe('organization settings', () => {
  it('merges stored overrides over defaults and falls back on invalid stored values', () => {
    expect(settingsOf(null)).toEqual(DEFAULT_SETTINGS);
    expect(settingsOf({ password: { minLength: 16 } }).password).toEqual({ minLength: 16, historyCount: 5 });
    expect(settingsOf({ password: { minLength: 3 } })).toEqual(DEFAULT_SETTINGS);
  });

  it('requires MFA by organization or by role, never for API keys', () => {
    const s = { ...DEFAULT_SETTINGS, mfa: { required: false, requiredRoles: ['admin' as const] } };
    expect(mfaRequiredFor(s, 'admin')).toBe(true);
    expect(mfaRequiredFor(s, 'agent')).toBe(false);
    expect(mfaRequiredFor({ ...s, mfa: { required: true, requiredRoles: [] } }, 'agent')).toBe(true);
    expect(mfaRequiredFor({ ...s, mfa: { required: true, requiredRoles: [] } }, 'integration')).toBe(false);
  });
});

describe('rate limiter', () => {
  it('allows the limit per window, then refuses with the seconds left, then allows again', () => {
    let now = 1_000_000;
    const l = new RateLimiter(3, 60_000, () => now);
    expect([1, 2, 3].map(() => l.take('a').allowed)).toEqual([true, true, true]);
    now += 20_000;
    expect(l.take('a')).toEqual({ allowed: false, retryAfterSec: 40 });
    expect(l.take('b').allowed).toBe(true);
    now += 40_000;
    expect(l.take('a').allowed).toBe(true);
  });
});

describe('audit hashing', () => {
  const base = {
    seq: 1,
    at: new Date('2026-11-24T10:00:00.123Z'),
    actorId: null,
    actorKind: 'user',
    actorLabel: 'a@b.c',
    action: 'x.y',
    targetType: null,
    targetId: null,
    before: { b: 1, a: [1, { z: 'ü', y: null }] },
    after: null,
    requestId: 'r',
    sourceIp: '127.0.0.1',
    prevHash: GENESIS_HASH,
  };

  it('canonical JSON ignores key order (jsonb reorders keys)', () => {
    expect(canonicalJson({ b: 1, a: { d: 2, c: 3 } })).toBe(canonicalJson({ a: { c: 3, d: 2 }, b: 1 }));
    expect(canonicalJson({ a: undefined, b: 1 })).toBe('{"b":1}');
  });

  it('changes when any field, the organization or the previous hash changes', () => {
    const h = entryHash('org', base);
    expect(entryHash('org', { ...base, before: JSON.parse(JSON.stringify(base.before)) })).toBe(h);
    expect(entryHash('org2', base)).not.toBe(h);
    expect(entryHash('org', { ...base, actorLabel: 'x@b.c' })).not.toBe(h);
    expect(entryHash('org', { ...base, at: new Date(base.at.getTime() + 1) })).not.toBe(h);
    expect(entryHash('org', { ...base, prevHash: '1'.repeat(64) })).not.toBe(h);
  });
});

describe('secret box', () => {
  it('round-trips, uses a fresh IV each time, and refuses a tampered or foreign value', () => {
    const box = new SecretBox('k'.repeat(32), 'test');
    const a = box.seal('JBSWY3DPEHPK3PXP');
    expect(a).not.toBe(box.seal('JBSWY3DPEHPK3PXP'));
    expect(box.open(a)).toBe('JBSWY3DPEHPK3PXP');
    const parts = a.split('.');
    parts[3] = Buffer.from('tampered').toString('base64url');
    expect(() => box.open(parts.join('.'))).toThrow();
    expect(() => new SecretBox('o'.repeat(32), 'test').open(a)).toThrow();
  });
});
