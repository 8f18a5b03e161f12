/**
 * Who is calling: sign-in (passport-local, bcrypt), short-lived access tokens (passport-jwt) tied
 * to a session with idle and absolute timeouts, rotating refresh tokens with reuse detection, and
 * API keys for integrations. The organization of every request comes from the verified credential.
 */
import { LockMode } from '@mikro-orm/core';
import bcrypt from 'bcrypt';
import { createSecretKey } from 'node:crypto';
import jwt from 'jsonwebtoken';
import koaPassport from 'koa-passport';
import type { Next } from 'koa';
import { ExtractJwt, Strategy as JwtStrategy } from 'passport-jwt';
import { Strategy as LocalStrategy } from 'passport-local';
import {
  ApiKey,
  Organization,
  RefreshToken,
  RolePermission,
  Session,
  User,
  type Role,
} from '../../db/entities/index.js';
import { type Em, type Orm, orgEm, TENANT_FILTER } from '../../db/orm.js';
import type { AuditInput, AuditLog } from './audit.js';
import type { AppContext, Principal } from '../kernel/context.js';
import { AppError, unauthorized } from '../kernel/errors.js';
import { settingsOf } from '../../workflows/kernel/org-settings.js';
import { DEFAULT_GRANTS, type Permission } from '../../workflows/kernel/permissions.js';
import type { RateLimiter } from './rate-limit.js';
import { SecretBox, randomToken, sha256 } from '../../activities/kernel/secrets.js';

const ISSUER = 'lintas';
const AUDIENCE = 'lintas-api';
const MFA_AUDIENCE = 'lintas-mfa';
export const API_KEY_PREFIX = 'lk_';
/** How often a session's last-seen time is written (it only needs minute precision). */
const TOUCH_EVERY_MS = 30_000;
/** How long after its use a refresh token may be presented again by the same client (other tabs). */
export const REUSE_GRACE_MS = 10_000;

export interface AuthDeps {
  orm: Orm;
  jwtSecret: string;
  jwtTtlMs: number;
  bcryptCost: number;
  audit: AuditLog;
  /** Overall request budget per user or API key. */
  principalLimiter: RateLimiter;
}

interface AccessClaims {
  sub: string;
  org: string;
  sid: string;
  typ: string;
}

export interface Tokens {
  status: 'signed_in';
  accessToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
  refreshToken: string;
  sessionId: string;
}

/** Hashes a password with the configured bcrypt cost. */
export function hashPassword(password: string, cost: number): Promise<string> {
  return bcrypt.hash(password, cost);
}

/** The permissions a role has in an organization: the admin's choice, else the default. */
export async function grantsFor(em: Em, orgId: string, role: Role): Promise<Set<Permission>> {
  const row = await em.findOne(RolePermission, { organization: orgId, role });
  return new Set((row?.permissions ?? DEFAULT_GRANTS[role]) as Permission[]);
}

/** Audit fields describing the request (id, source address) and its principal. */
export function auditContext(ctx: AppContext, principal?: Principal | null): Omit<AuditInput, 'action'> {
  const p = principal ?? ctx.state.principal;
  return {
    actorId: p?.userId ?? null,
    actorKind: p ? (p.kind === 'api_key' ? 'api_key' : 'user') : 'anonymous',
    actorLabel: p?.email ?? null,
    requestId: ctx.state.requestId,
    sourceIp: ctx.ip || null,
  };
}

type Refusal = { code: string; detail: string };

export function createAuth(deps: AuthDeps) {
  const passport = new koaPassport.KoaPassport();
  // Compared against when the e-mail is unknown, so a miss costs the same time as a wrong password.
  const dummyHash = bcrypt.hashSync('lintas-timing-equaliser', deps.bcryptCost);

  async function principalFor(
    em: Em,
    user: User,
    kind: Principal['kind'],
    ids: Partial<Principal>,
  ): Promise<Principal> {
    const org = await em.findOneOrFail(Organization, { id: user.organization.id });
    return {
      kind,
      userId: user.id,
      orgId: org.id,
      orgSlug: org.slug,
      role: user.role,
      email: user.email,
      permissions: await grantsFor(em, org.id, user.role),
      sessionId: ids.sessionId ?? null,
      apiKeyId: ids.apiKeyId ?? null,
    };
  }

  /**
   * Session checks for an access token: live, not idle too long, not past its absolute end. One
   * query for the session, its user, organization and role grant: it runs on every request.
   */
  async function sessionPrincipal(claims: AccessClaims): Promise<Principal | Refusal> {
    const em = orgEm(deps.orm, claims.org);
    const rows = await em.execute<
      {
        last_seen_at: Date;
        idle_timeout_ms: number;
        absolute_expires_at: Date;
        revoked_at: Date | null;
        role: Role;
        email: string;
        active: boolean;
        slug: string;
        permissions: string[] | null;
      }[]
    >(
      `select s.last_seen_at, s.idle_timeout_ms, s.absolute_expires_at, s.revoked_at,
              u.role, u.email, u.active, o.slug, rp.permissions
         from sessions s
         join users u on u.id = s.user_id and u.organization_id = s.organization_id
         join organizations o on o.id = s.organization_id
         left join role_permissions rp on rp.organization_id = s.organization_id and rp.role = u.role
        where s.id = ? and s.user_id = ? and s.organization_id = ?`,
      [claims.sid, claims.sub, claims.org],
    );
    const row = rows[0];
    if (!row || row.revoked_at)
      return { code: 'session_revoked', detail: 'This session has been ended; sign in again' };
    const now = Date.now();
    const lastSeen = new Date(row.last_seen_at).getTime();
    if (now > new Date(row.absolute_expires_at).getTime() || now - lastSeen > Number(row.idle_timeout_ms)) {
      return { code: 'session_expired', detail: 'The session has timed out; sign in again' };
    }
    if (!row.active) return { code: 'unauthorized', detail: 'A valid bearer token is required' };
    if (now - lastSeen > TOUCH_EVERY_MS)
      await em.nativeUpdate(Session, { id: claims.sid }, { lastSeenAt: new Date(now) });
    return {
      kind: 'user',
      userId: claims.sub,
      orgId: claims.org,
      orgSlug: row.slug,
      role: row.role,
      email: row.email,
      permissions: new Set((row.permissions ?? DEFAULT_GRANTS[row.role]) as Permission[]),
      sessionId: claims.sid,
      apiKeyId: null,
    };
  }

  passport.use(
    new LocalStrategy(
      { usernameField: 'email', passwordField: 'password', session: false },
      (email, password, done) => {
        void (async () => {
          // Sign-in is the one place a user is looked up before the organization is known.
          const user = await deps.orm.em
            .fork()
            .findOne(
              User,
              { email: email.toLowerCase() },
              { filters: { [TENANT_FILTER]: false }, populate: ['passwordHash'] },
            );
          const ok = await bcrypt.compare(password, user?.passwordHash ?? dummyHash);
          // The third argument carries the account (if any) so a failure can be audited in its organization.
          const info = (user ? { message: 'failed', user } : undefined) as { message: string } | undefined;
          done(null, user && ok && user.active && user.passwordHash ? user : false, info);
        })().catch(done);
      },
    ),
  );

  passport.use(
    new JwtStrategy(
      {
        jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
        // A key object made once: from a string, every verification would derive one again.
        secretOrKey: createSecretKey(Buffer.from(deps.jwtSecret, 'utf8')) as unknown as string,
        algorithms: ['HS256'],
        issuer: ISSUER,
        audience: AUDIENCE,
      },
      (claims: AccessClaims, done: (err: unknown, user?: Principal | false, info?: Refusal) => void) => {
        if (claims.typ !== 'access' || typeof claims.sid !== 'string' || typeof claims.org !== 'string') {
          return done(null, false);
        }
        sessionPrincipal(claims).then((r) => ('code' in r ? done(null, false, r) : done(null, r)), done);
      },
    ),
  );

  function accessToken(user: { id: string }, orgId: string, sessionId: string): string {
    return jwt.sign({ org: orgId, sid: sessionId, typ: 'access' }, deps.jwtSecret, {
      subject: user.id,
      issuer: ISSUER,
      audience: AUDIENCE,
      expiresIn: Math.floor(deps.jwtTtlMs / 1000),
      algorithm: 'HS256',
    });
  }

  async function newRefreshToken(em: Em, session: Session): Promise<string> {
    const token = randomToken(32);
    em.create(RefreshToken, {
      tokenHash: sha256(token),
      organization: session.organization,
      session,
      createdAt: new Date(),
      usedAt: null,
    });
    await em.flush();
    return token;
  }

  /** Starts a session for a user who has proven who they are; returns access and refresh tokens. */
  async function startSession(ctx: AppContext, user: User): Promise<Tokens> {
    const em = orgEm(deps.orm, user.organization.id);
    const org = await em.findOneOrFail(Organization, { id: user.organization.id });
    const policy = settingsOf(org.settings).session;
    const now = new Date();
    const session = em.create(Session, {
      organization: org,
      user: user.id,
      createdAt: now,
      lastSeenAt: now,
      idleTimeoutMs: policy.idleTimeoutMinutes * 60_000,
      absoluteExpiresAt: new Date(now.getTime() + policy.absoluteTimeoutHours * 3_600_000),
      sourceIp: ctx.ip.slice(0, 64) || null,
      userAgent: ctx.get('User-Agent').slice(0, 300) || null,
    });
    const refreshToken = await newRefreshToken(em, session);
    return {
      status: 'signed_in',
      accessToken: accessToken(user, org.id, session.id),
      tokenType: 'Bearer',
      expiresIn: Math.floor(deps.jwtTtlMs / 1000),
      refreshToken,
      sessionId: session.id,
    };
  }

  /** Ends sessions (one, or all of a user's); their refresh and access tokens stop working. */
  async function revokeSessions(em: Em, where: { id?: string; user?: string; exceptId?: string }, reason: string) {
    const filter: Record<string, unknown> = { revokedAt: null };
    if (where.user) filter['user'] = where.user;
    if (where.id || where.exceptId) {
      filter['id'] = { ...(where.id ? { $eq: where.id } : {}), ...(where.exceptId ? { $ne: where.exceptId } : {}) };
    }
    return em.nativeUpdate(Session, filter, { revokedAt: new Date(), revokedReason: reason });
  }

  /**
   * Exchanges a refresh token for a new pair. A token used twice means it was copied: the whole
   * session is revoked and the event audited — with one exception, so that several tabs of one
   * browser sharing a session do not sign each other out: within REUSE_GRACE_MS of its use, by the
   * same client (address and User-Agent), while its successor is still unused, presenting it again
   * returns that same successor (no fork of the chain). A replay later than that, from anywhere
   * else, or after the successor was used is theft.
   */
  async function refresh(ctx: AppContext, token: string): Promise<Tokens> {
    const hash = sha256(token);
    const by = sha256(`${ctx.ip}\n${ctx.get('User-Agent')}`);
    const invalid = () => new AppError(401, 'invalid_refresh_token', 'The refresh token is not valid; sign in again');
    const outcome = await deps.orm.em.fork().transactional(async (tx) => {
      // Locked: of two uses at once, the second waits and then sees the first one's successor.
      const row = await tx.findOne(
        RefreshToken,
        { tokenHash: hash },
        {
          filters: { [TENANT_FILTER]: false },
          populate: ['session', 'session.user'],
          lockMode: LockMode.PESSIMISTIC_WRITE,
          lockTableAliases: ['r0'],
        },
      );
      if (!row) throw invalid();
      const session = row.session;
      if (session.revokedAt) throw invalid();
      const now = Date.now();
      if (row.usedAt) {
        const successor =
          row.successorSealed && row.usedBy === by && now - row.usedAt.getTime() <= REUSE_GRACE_MS
            ? new SecretBox(token, 'refresh-successor').open(row.successorSealed)
            : null;
        const next = successor
          ? await tx.findOne(RefreshToken, { tokenHash: sha256(successor) }, { filters: { [TENANT_FILTER]: false } })
          : null;
        if (successor && next && !next.usedAt) return { kind: 'grace' as const, session, refreshToken: successor };
        return { kind: 'reused' as const, session };
      }
      if (now > session.absoluteExpiresAt.getTime() || now - session.lastSeenAt.getTime() > session.idleTimeoutMs) {
        return { kind: 'expired' as const, session };
      }
      if (!session.user.active) throw invalid();
      const refreshToken = randomToken(32);
      row.usedAt = new Date(now);
      row.usedBy = by;
      row.successorSealed = new SecretBox(token, 'refresh-successor').seal(refreshToken);
      tx.create(RefreshToken, {
        tokenHash: sha256(refreshToken),
        organization: session.organization,
        session,
        createdAt: new Date(now),
        usedAt: null,
      });
      session.lastSeenAt = new Date(now);
      return { kind: 'rotated' as const, session, refreshToken };
    });
    const { session } = outcome;
    const orgId = session.organization.id;
    const scoped = orgEm(deps.orm, orgId);
    if (outcome.kind === 'reused') {
      await revokeSessions(scoped, { id: session.id }, 'refresh_token_reuse');
      await deps.audit.append(orgId, {
        ...auditContext(ctx),
        actorId: session.user.id,
        actorKind: 'user',
        actorLabel: session.user.email,
        action: 'auth.refresh_token_reuse',
        targetType: 'session',
        targetId: session.id,
      });
      throw new AppError(
        401,
        'refresh_token_reused',
        'This refresh token was already used; the session has been ended',
      );
    }
    if (outcome.kind === 'expired') {
      await revokeSessions(scoped, { id: session.id }, 'expired');
      throw new AppError(401, 'session_expired', 'The session has timed out; sign in again');
    }
    return {
      status: 'signed_in',
      accessToken: accessToken(session.user, orgId, session.id),
      tokenType: 'Bearer',
      expiresIn: Math.floor(deps.jwtTtlMs / 1000),
      refreshToken: outcome.refreshToken,
      sessionId: session.id,
    };
  }

  async function apiKeyPrincipal(secret: string): Promise<Principal | null> {
    const em = deps.orm.em.fork();
    const key = await em.findOne(
      ApiKey,
      { secretHash: sha256(secret) },
      { filters: { [TENANT_FILTER]: false }, populate: ['serviceAccount'] },
    );
    const now = new Date();
    if (!key || key.revokedAt || (key.expiresAt && key.expiresAt <= now) || !key.serviceAccount.active) return null;
    const scoped = orgEm(deps.orm, key.organization.id);
    if (!key.lastUsedAt || now.getTime() - key.lastUsedAt.getTime() > TOUCH_EVERY_MS) {
      await scoped.nativeUpdate(ApiKey, { id: key.id }, { lastUsedAt: now });
    }
    const p = await principalFor(scoped, key.serviceAccount, 'api_key', { apiKeyId: key.id });
    // A key can do what its scopes say, and never more than the integration role allows.
    const scopes = new Set(key.scopes);
    return { ...p, permissions: new Set([...p.permissions].filter((x) => scopes.has(x))) };
  }

  /** Middleware: verifies the credential and scopes an EntityManager to the caller's organization. */
  async function authenticate(ctx: AppContext, next: Next): Promise<void> {
    const bearer = /^Bearer\s+(\S+)$/i.exec(ctx.get('Authorization'))?.[1];
    const keySecret = ctx.get('X-Api-Key') || (bearer?.startsWith(API_KEY_PREFIX) ? bearer : '');
    let principal: Principal | false | null;
    let refusal: Refusal | undefined;
    if (keySecret) {
      principal = await apiKeyPrincipal(keySecret);
      if (!principal) refusal = { code: 'invalid_api_key', detail: 'The API key is not valid' };
    } else {
      [principal, refusal] = await new Promise<[Principal | false, Refusal | undefined]>((resolve, reject) => {
        void passport.authenticate(
          'jwt',
          { session: false },
          (err: unknown, user: Principal | false, info?: Refusal) =>
            err ? reject(err) : resolve([user, info && 'code' in info ? info : undefined]),
        )(ctx, async () => undefined);
      });
    }
    if (!principal) {
      throw refusal
        ? new AppError(401, refusal.code, refusal.detail, [], { 'WWW-Authenticate': 'Bearer' })
        : unauthorized('A valid bearer token is required');
    }
    const budget = deps.principalLimiter.take(`${principal.kind}:${principal.apiKeyId ?? principal.userId}`);
    if (!budget.allowed) throw tooManyRequests(budget.retryAfterSec);
    ctx.state.principal = principal;
    ctx.state.em = orgEm(deps.orm, principal.orgId);
    await next();
  }

  /** Checks e-mail and password with passport-local; the user on success, else null (and why, if known). */
  async function checkPassword(ctx: AppContext): Promise<{ user: User | null; known: User | null }> {
    return new Promise((resolve, reject) => {
      void passport.authenticate(
        'local',
        { session: false },
        (err: unknown, user: User | false, info?: { user?: User }) =>
          err ? reject(err) : resolve({ user: user || null, known: info?.user ?? null }),
      )(ctx, async () => undefined);
    });
  }

  /** A short-lived token that only lets its holder finish MFA (verify or enrol). */
  function mfaToken(user: User, purpose: 'mfa' | 'mfa_enroll'): string {
    return jwt.sign({ org: user.organization.id, typ: purpose }, deps.jwtSecret, {
      subject: user.id,
      issuer: ISSUER,
      audience: MFA_AUDIENCE,
      expiresIn: 300,
      algorithm: 'HS256',
    });
  }

  /** The user an MFA token was issued to, if it is valid and for this purpose. */
  async function mfaTokenUser(token: string, purpose: 'mfa' | 'mfa_enroll'): Promise<User> {
    let claims: { sub?: string; org?: string; typ?: string };
    try {
      claims = jwt.verify(token, deps.jwtSecret, {
        issuer: ISSUER,
        audience: MFA_AUDIENCE,
        algorithms: ['HS256'],
      }) as typeof claims;
    } catch {
      throw new AppError(401, 'invalid_mfa_token', 'The MFA step has expired or is not valid; sign in again');
    }
    if (claims.typ !== purpose || !claims.sub || !claims.org) {
      throw new AppError(401, 'invalid_mfa_token', 'The MFA step has expired or is not valid; sign in again');
    }
    const user = await orgEm(deps.orm, claims.org).findOne(User, { id: claims.sub, active: true });
    if (!user) throw new AppError(401, 'invalid_mfa_token', 'The MFA step has expired or is not valid; sign in again');
    return user;
  }

  return {
    authenticate,
    checkPassword,
    startSession,
    refresh,
    revokeSessions,
    mfaToken,
    mfaTokenUser,
  };
}

export type Auth = ReturnType<typeof createAuth>;

/** 429 with the number of seconds to wait. */
export function tooManyRequests(retryAfterSec: number): AppError {
  return new AppError(429, 'rate_limited', 'Too many requests; wait before trying again', [], {
    'Retry-After': String(retryAfterSec),
  });
}
