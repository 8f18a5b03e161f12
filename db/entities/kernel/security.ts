/** Sessions, refresh tokens, one-time tokens, API keys, role permissions and sign-in throttling. */
import { defineEntity, p } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { Organization } from './organization.js';
import { ROLES, User } from './user.js';

/** One sign-in: refresh tokens rotate within it; revoking it ends every token of it. */
export const SessionSchema = defineEntity({
  name: 'Session',
  tableName: 'sessions',
  indexes: [{ properties: ['organization', 'user'] }],
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    organization: () => p.manyToOne(Organization),
    user: () => p.manyToOne(User),
    createdAt: p.datetime(),
    lastSeenAt: p.datetime(),
    idleTimeoutMs: p.integer(),
    absoluteExpiresAt: p.datetime(),
    revokedAt: p.datetime().nullable(),
    revokedReason: p.string().length(40).nullable(),
    sourceIp: p.string().length(64).nullable(),
    userAgent: p.string().length(300).nullable(),
  },
});
export class Session extends SessionSchema.class {}
SessionSchema.setClass(Session);

/** A refresh token, stored as its SHA-256. A used one presented again is a theft signal. */
export const RefreshTokenSchema = defineEntity({
  name: 'RefreshToken',
  tableName: 'refresh_tokens',
  properties: {
    tokenHash: p.string().length(64).primary(),
    organization: () => p.manyToOne(Organization).index(),
    session: () => p.manyToOne(Session).index(),
    createdAt: p.datetime(),
    usedAt: p.datetime().nullable(),
    /** Who used it: SHA-256 of the client address and User-Agent (for the short reuse grace). */
    usedBy: p.string().length(64).nullable(),
    /**
     * The token that replaced it, sealed with a key derived from this token itself: only someone who
     * holds this token can read it, and only during the grace after its use (see api/platform/auth.ts).
     */
    successorSealed: p.text().nullable(),
  },
});
export class RefreshToken extends RefreshTokenSchema.class {}
RefreshTokenSchema.setClass(RefreshToken);

export const TOKEN_PURPOSES = ['password_reset', 'invitation'] as const;
export type TokenPurpose = (typeof TOKEN_PURPOSES)[number];

/** A single-use, expiring token for a password reset or an invitation, stored as its SHA-256. */
export const UserTokenSchema = defineEntity({
  name: 'UserToken',
  tableName: 'user_tokens',
  properties: {
    tokenHash: p.string().length(64).primary(),
    organization: () => p.manyToOne(Organization).index(),
    user: () => p.manyToOne(User).index(),
    purpose: p.enum(TOKEN_PURPOSES),
    createdAt: p.datetime(),
    expiresAt: p.datetime(),
    usedAt: p.datetime().nullable(),
  },
});
export class UserToken extends UserTokenSchema.class {}
UserTokenSchema.setClass(UserToken);

/** An integration's API key: the secret is stored as SHA-256; the key acts as its service account. */
export const ApiKeySchema = defineEntity({
  name: 'ApiKey',
  tableName: 'api_keys',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    organization: () => p.manyToOne(Organization).index(),
    serviceAccount: () => p.manyToOne(User),
    name: p.string().length(120),
    secretHash: p.string().length(64).unique(),
    scopes: p.json<string[]>(),
    createdBy: () => p.manyToOne(User),
    createdAt: p.datetime(),
    expiresAt: p.datetime().nullable(),
    lastUsedAt: p.datetime().nullable(),
    revokedAt: p.datetime().nullable(),
  },
});
export class ApiKey extends ApiKeySchema.class {}
ApiKeySchema.setClass(ApiKey);

/** An organization's permission set for a role, when an admin changed it from the default. */
export const RolePermissionSchema = defineEntity({
  name: 'RolePermission',
  tableName: 'role_permissions',
  properties: {
    organization: () => p.manyToOne(Organization).primary(),
    role: p.enum(ROLES).primary(),
    permissions: p.json<string[]>(),
    updatedAt: p.datetime(),
  },
});
export class RolePermission extends RolePermissionSchema.class {}
RolePermissionSchema.setClass(RolePermission);

/**
 * Failed sign-ins per e-mail address (hashed), whether or not the account exists, so that a lockout
 * looks the same for a real and an invented address.
 */
export const LoginThrottleSchema = defineEntity({
  name: 'LoginThrottle',
  tableName: 'login_throttle',
  properties: {
    emailHash: p.string().length(64).primary(),
    failures: p.integer(),
    windowStartedAt: p.datetime(),
    lockedUntil: p.datetime().nullable(),
  },
});
export class LoginThrottle extends LoginThrottleSchema.class {}
LoginThrottleSchema.setClass(LoginThrottle);

/** Messages waiting for delivery (e-mail), written in the same transaction as what caused them. */
export const OutboxMessageSchema = defineEntity({
  name: 'OutboxMessage',
  tableName: 'outbox',
  properties: {
    id: p.bigint('number').primary().autoincrement(),
    organization: () => p.manyToOne(Organization).index(),
    recipient: p.string().length(254),
    template: p.string().length(60),
    data: p.json<Record<string, unknown>>(),
    createdAt: p.datetime(),
    sentAt: p.datetime().nullable(),
    /** Failed deliveries so far; the sender gives up after a few (see api/platform/outbox-sender.ts). */
    attempts: p.integer().default(0),
    /** After a failure: not before this instant. */
    nextAttemptAt: p.datetime().nullable(),
  },
});
export class OutboxMessage extends OutboxMessageSchema.class {}
OutboxMessageSchema.setClass(OutboxMessage);

/**
 * The audit log: append-only (a trigger refuses UPDATE and DELETE) and hash-chained per
 * organization (`hash` covers the row and the previous row's hash).
 */
export const AuditEntrySchema = defineEntity({
  name: 'AuditEntry',
  tableName: 'audit_log',
  uniques: [{ properties: ['organization', 'seq'] }],
  indexes: [
    { properties: ['organization', 'at'] },
    { properties: ['organization', 'action'] },
    { name: 'audit_log_by_target', properties: ['organization', 'targetType', 'targetId'] },
  ],
  properties: {
    id: p.bigint('number').primary().autoincrement(),
    organization: () => p.manyToOne(Organization),
    seq: p.integer(),
    at: p.datetime(),
    actorId: p.uuid().nullable(),
    actorKind: p.string().length(20),
    actorLabel: p.string().length(254).nullable(),
    action: p.string().length(60),
    targetType: p.string().length(40).nullable(),
    targetId: p.string().length(120).nullable(),
    before: p.json<unknown>().nullable(),
    after: p.json<unknown>().nullable(),
    requestId: p.string().length(100).nullable(),
    sourceIp: p.string().length(64).nullable(),
    prevHash: p.string().length(64),
    hash: p.string().length(64),
  },
});
export class AuditEntry extends AuditEntrySchema.class {}
AuditEntrySchema.setClass(AuditEntry);
