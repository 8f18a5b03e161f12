/**
 * Account security flows: sign-in with lockout, TOTP MFA (enrolment, verification, recovery codes),
 * password policy and history, password reset and invitations by single-use expiring tokens.
 */
import { LockMode } from '@mikro-orm/core';
import bcrypt from 'bcrypt';
import { generateSecret, generateURI, verify as verifyTotp } from 'otplib';
import QRCode from 'qrcode';
import {
  LoginThrottle,
  Organization,
  OutboxMessage,
  User,
  UserToken,
  type TokenPurpose,
} from '../../db/entities/index.js';
import type { Em, Orm } from '../../db/orm.js';
import type { AuditLog } from './audit.js';
import { type Auth, type Tokens, auditContext, hashPassword, tooManyRequests } from './auth.js';
import { orgEm } from '../../db/orm.js';
import type { AppContext, Principal } from '../kernel/context.js';
import { AppError } from '../kernel/errors.js';
import { type OrgSettings, mfaRequiredFor, settingsOf } from '../../workflows/kernel/org-settings.js';
import type { RateLimiter } from './rate-limit.js';
import { SecretBox, randomToken, sha256 } from '../../activities/kernel/secrets.js';

export interface AccountDeps {
  orm: Orm;
  auth: Auth;
  audit: AuditLog;
  bcryptCost: number;
  jwtSecret: string;
  mfaKey?: string | undefined;
  lockout: { maxFailures: number; windowMs: number; lockMs: number };
  authLimiter: RateLimiter;
  publicUrl: string;
}

export type LoginResult =
  Tokens | { status: 'mfa_required' | 'mfa_enrollment_required'; mfaToken: string; expiresIn: number };

const RESET_TTL_MS = 60 * 60_000;
const INVITE_TTL_MS = 7 * 86_400_000;
const RECOVERY_CODES = 10;
// A handful of the most common passwords; length rules catch most of the rest (NIST 800-63B §5.1.1.2).
const COMMON = new Set([
  'password1234',
  '123456789012',
  'qwertyuiopas',
  'passwordpassword',
  'letmein12345',
  'iloveyou1234',
  'welcome12345',
  'administrator',
  'changeme1234',
]);

const badTotp = () => new AppError(401, 'invalid_mfa_code', 'The code is wrong, expired or already used');
const invalidToken = () =>
  new AppError(400, 'invalid_token', 'This link is not valid, has expired or was already used');

/** Throttle key for passwords: per address, so unknown addresses lock like real ones. */
function emailKey(email: string): string {
  return sha256(`login:${email.trim().toLowerCase()}`);
}

/** Throttle key for second factors: per user, and not cleared by a correct password. */
function mfaKey(userId: string): string {
  return sha256(`mfa:${userId}`);
}

export function createAccount(deps: AccountDeps) {
  const box = new SecretBox(deps.mfaKey ?? deps.jwtSecret, 'totp-secret');

  /** The readable content of an outbox message (opens the sealed link), for the mail sender. */
  function readOutbox(data: Record<string, unknown>): Record<string, unknown> {
    const { sealed, ...rest } = data;
    return typeof sealed === 'string' ? { ...rest, ...(JSON.parse(box.open(sealed)) as object) } : rest;
  }

  function limit(key: string): void {
    const t = deps.authLimiter.take(key);
    if (!t.allowed) throw tooManyRequests(t.retryAfterSec);
  }

  // ---- lockout ------------------------------------------------------------------------------

  async function lockedForMs(key: string): Promise<number> {
    const row = await deps.orm.em.fork().findOne(LoginThrottle, { emailHash: key });
    return row?.lockedUntil ? Math.max(0, row.lockedUntil.getTime() - Date.now()) : 0;
  }

  /** Counts a failure under a throttle key; true when it has just locked it. */
  async function recordFailure(key: string): Promise<boolean> {
    const em = deps.orm.em.fork();
    const now = new Date();
    const windowStart = new Date(now.getTime() - deps.lockout.windowMs);
    const rows = await em.execute<{ failures: number }[]>(
      `insert into login_throttle (email_hash, failures, window_started_at, locked_until) values (?, 1, ?, null)
       on conflict (email_hash) do update set
         failures = case when login_throttle.window_started_at < ? then 1 else login_throttle.failures + 1 end,
         window_started_at = case when login_throttle.window_started_at < ? then excluded.window_started_at
                                  else login_throttle.window_started_at end
       returning failures`,
      [key, now, windowStart, windowStart],
    );
    if ((rows[0]?.failures ?? 0) < deps.lockout.maxFailures) return false;
    await em.nativeUpdate(
      LoginThrottle,
      { emailHash: key },
      { lockedUntil: new Date(now.getTime() + deps.lockout.lockMs), failures: 0, windowStartedAt: now },
    );
    return true;
  }

  async function clearFailures(key: string): Promise<void> {
    await deps.orm.em.fork().nativeDelete(LoginThrottle, { emailHash: key });
  }

  /** Lifts every sign-in lock of a user (admin unlock): password and second factor. */
  async function unlock(user: User): Promise<void> {
    await deps.orm.em
      .fork()
      .nativeDelete(LoginThrottle, { emailHash: { $in: [emailKey(user.email), mfaKey(user.id)] } });
  }

  function lockedError(ms: number): AppError {
    return new AppError(
      423,
      'account_locked',
      'Too many failed sign-ins: sign-in is locked for a while. Try later or ask an administrator to unlock it',
      [],
      { 'Retry-After': String(Math.max(1, Math.ceil(ms / 1000))) },
    );
  }

  async function orgSettings(em: Em, orgId: string): Promise<OrgSettings> {
    return settingsOf((await em.findOneOrFail(Organization, { id: orgId })).settings);
  }

  async function securityEvent(ctx: AppContext, user: User, action: string, extra: Record<string, unknown> = {}) {
    await deps.audit.append(user.organization.id, {
      ...auditContext(ctx),
      actorId: ctx.state.principal?.userId ?? user.id,
      actorKind: ctx.state.principal ? (ctx.state.principal.kind === 'api_key' ? 'api_key' : 'user') : 'user',
      actorLabel: ctx.state.principal?.email ?? user.email,
      action,
      targetType: 'user',
      targetId: user.id,
      after: Object.keys(extra).length ? extra : null,
    });
  }

  /**
   * A failed sign-in step: counted toward lockout, audited when the account exists. The audit
   * write is not awaited, so a known address answers as fast as an unknown one.
   */
  async function failedStep(ctx: AppContext, key: string, user: User | null, action: string): Promise<AppError | null> {
    const lockedNow = await recordFailure(key);
    if (user) {
      const record = async () => {
        await securityEvent(ctx, user, action);
        if (lockedNow) await securityEvent(ctx, user, 'auth.lockout', { lockMs: deps.lockout.lockMs });
      };
      background(ctx, record());
    } else {
      ctx.state.log.warn({ event: action }, 'sign-in failed for an unknown address');
    }
    return lockedNow ? lockedError(deps.lockout.lockMs) : null;
  }

  /** Work finished after the answer is sent; a failure is logged with the request id. */
  function background(ctx: AppContext, work: Promise<unknown>): void {
    work.catch((err: unknown) => ctx.state.log.error({ err }, 'background security work failed'));
  }

  // ---- sign-in ------------------------------------------------------------------------------

  async function login(ctx: AppContext, email: string): Promise<LoginResult> {
    limit(`login-ip:${ctx.ip}`);
    limit(`login-email:${emailKey(email)}`);
    const locked = await lockedForMs(emailKey(email));
    if (locked > 0) throw lockedError(locked);
    const { user, known } = await deps.auth.checkPassword(ctx);
    if (!user) {
      const lockedNow = await failedStep(ctx, emailKey(email), known, 'auth.login_failed');
      throw lockedNow ?? new AppError(401, 'invalid_credentials', 'The e-mail or password is wrong');
    }
    await clearFailures(emailKey(email));
    const settings = await orgSettings(orgEm(deps.orm, user.organization.id), user.organization.id);
    if (user.mfaEnabled) {
      return { status: 'mfa_required', mfaToken: deps.auth.mfaToken(user, 'mfa'), expiresIn: 300 };
    }
    if (mfaRequiredFor(settings, user.role)) {
      return { status: 'mfa_enrollment_required', mfaToken: deps.auth.mfaToken(user, 'mfa_enroll'), expiresIn: 300 };
    }
    await securityEvent(ctx, user, 'auth.login', { mfa: false });
    return deps.auth.startSession(ctx, user);
  }

  /** The time step of a valid code for the secret, later than `after` when given; else null. */
  async function totpStep(sealedSecret: string, code: string, after?: number): Promise<number | null> {
    if (!/^\d{6}$/.test(code)) return null;
    const r = await verifyTotp({
      secret: box.open(sealedSecret),
      token: code,
      epochTolerance: 30,
      ...(after !== undefined ? { afterTimeStep: after } : {}),
    });
    if (!r.valid) return null;
    return (r as { timeStep?: number }).timeStep ?? Math.floor(Date.now() / 30_000);
  }

  /** Accepts a TOTP code at most once: the accepted time step is stored and older ones refused. */
  async function acceptTotp(em: Em, user: User, code: string, sealedSecret: string): Promise<boolean> {
    const step = await totpStep(sealedSecret, code, user.mfaLastTimeStep ?? undefined);
    if (step === null) return false;
    // Conditional write: of two concurrent uses of the same code, one wins.
    const won = await em.nativeUpdate(
      User,
      { id: user.id, $or: [{ mfaLastTimeStep: null }, { mfaLastTimeStep: { $lt: step } }] },
      { mfaLastTimeStep: step },
    );
    return won === 1;
  }

  async function useRecoveryCode(em: Em, user: User, code: string): Promise<boolean> {
    const hash = sha256(code.trim().toLowerCase());
    return em.transactional(async (tx) => {
      const fresh = await tx.findOneOrFail(
        User,
        { id: user.id },
        { populate: ['mfaRecoveryCodes'], lockMode: LockMode.PESSIMISTIC_WRITE },
      );
      const codes = fresh.mfaRecoveryCodes ?? [];
      if (!codes.includes(hash)) return false;
      fresh.mfaRecoveryCodes = codes.filter((c) => c !== hash);
      return true;
    });
  }

  /** Second step of sign-in: a TOTP code or a recovery code. */
  async function verifyMfa(
    ctx: AppContext,
    mfaToken: string,
    code: string | undefined,
    recoveryCode: string | undefined,
  ) {
    const user = await deps.auth.mfaTokenUser(mfaToken, 'mfa');
    limit(`mfa:${user.id}`);
    const locked = await lockedForMs(mfaKey(user.id));
    if (locked > 0) throw lockedError(locked);
    const em = orgEm(deps.orm, user.organization.id);
    const full = await em.findOneOrFail(User, { id: user.id }, { populate: ['mfaSecret'] });
    const ok = recoveryCode
      ? await useRecoveryCode(em, full, recoveryCode)
      : !!full.mfaSecret && (await acceptTotp(em, full, code ?? '', full.mfaSecret));
    if (!ok) throw (await failedStep(ctx, mfaKey(user.id), user, 'auth.mfa_failed')) ?? badTotp();
    await clearFailures(mfaKey(user.id));
    await securityEvent(ctx, user, 'auth.login', { mfa: recoveryCode ? 'recovery_code' : 'totp' });
    return deps.auth.startSession(ctx, user);
  }

  // ---- MFA enrolment ------------------------------------------------------------------------

  /**
   * Starts enrolment. When MFA is already on, replacing the authenticator needs a current code
   * (or a recovery code), so a stolen access token alone cannot take over the second factor.
   */
  async function beginEnrollment(user: User, proof?: { code?: string | undefined }) {
    const em = orgEm(deps.orm, user.organization.id);
    if (user.mfaEnabled) {
      if (!proof) throw new AppError(409, 'mfa_already_enabled', 'MFA is already enabled');
      limit(`mfa:${user.id}`);
      const full = await em.findOneOrFail(User, { id: user.id }, { populate: ['mfaSecret'] });
      if (!proof.code || !full.mfaSecret || !(await acceptTotp(em, full, proof.code, full.mfaSecret))) {
        throw new AppError(401, 'invalid_mfa_code', 'Replacing your authenticator needs a current code from it');
      }
    }
    const org = await em.findOneOrFail(Organization, { id: user.organization.id });
    const secret = generateSecret();
    await em.nativeUpdate(User, { id: user.id }, { mfaPendingSecret: box.seal(secret) });
    const otpauthUri = generateURI({ issuer: `Lintas (${org.slug})`, label: user.email, secret });
    return { secret, otpauthUri, qrCodeDataUrl: await QRCode.toDataURL(otpauthUri) };
  }

  /** Confirms enrolment with a code from the new secret; returns recovery codes, shown only now. */
  async function confirmEnrollment(ctx: AppContext, user: User, code: string) {
    limit(`mfa:${user.id}`);
    const em = orgEm(deps.orm, user.organization.id);
    const full = await em.findOneOrFail(User, { id: user.id }, { populate: ['mfaPendingSecret'] });
    if (!full.mfaPendingSecret) throw new AppError(409, 'no_enrollment', 'Start MFA enrolment first');
    // The new authenticator's first code: not compared with the step last used on the old one (a
    // replacement may well show a code of the same 30 seconds).
    const step = await totpStep(full.mfaPendingSecret, code);
    if (step === null) throw badTotp();
    const recoveryCodes = Array.from({ length: RECOVERY_CODES }, () => {
      const raw = randomToken(8)
        .toLowerCase()
        .replace(/[^a-z0-9]/g, 'x');
      return `${raw.slice(0, 5)}-${raw.slice(5, 10)}`;
    });
    // One write, conditional on the pending secret: of two concurrent confirmations one wins.
    const won = await em.nativeUpdate(
      User,
      { id: user.id, mfaPendingSecret: full.mfaPendingSecret },
      {
        mfaEnabled: true,
        mfaSecret: full.mfaPendingSecret,
        mfaPendingSecret: null,
        mfaRecoveryCodes: recoveryCodes.map((c) => sha256(c)),
        mfaLastTimeStep: Math.max(step, full.mfaLastTimeStep ?? 0),
      },
    );
    if (won !== 1) throw new AppError(409, 'no_enrollment', 'Start MFA enrolment first');
    await securityEvent(ctx, user, 'auth.mfa_enrolled');
    return { recoveryCodes };
  }

  /** Turns MFA off for oneself (needs a current code), unless the organization requires it. */
  async function disableMfa(ctx: AppContext, principal: Principal, code: string) {
    const em = orgEm(deps.orm, principal.orgId);
    const user = await em.findOneOrFail(User, { id: principal.userId }, { populate: ['mfaSecret'] });
    if (!user.mfaEnabled || !user.mfaSecret) throw new AppError(409, 'mfa_not_enabled', 'MFA is not enabled');
    if (mfaRequiredFor(await orgSettings(em, principal.orgId), user.role)) {
      throw new AppError(403, 'mfa_required_by_policy', "Your organization's policy requires MFA for your role");
    }
    limit(`mfa:${user.id}`);
    if (!(await acceptTotp(em, user, code, user.mfaSecret))) throw badTotp();
    await clearMfa(em, user.id);
    await securityEvent(ctx, user, 'auth.mfa_disabled');
  }

  async function clearMfa(em: Em, userId: string) {
    await em.nativeUpdate(
      User,
      { id: userId },
      { mfaEnabled: false, mfaSecret: null, mfaPendingSecret: null, mfaRecoveryCodes: null, mfaLastTimeStep: null },
    );
  }

  // ---- passwords ----------------------------------------------------------------------------

  /** Refuses a password the policy does not allow (length, common, equal to the e-mail, reused). */
  async function checkNewPassword(em: Em, user: User, password: string): Promise<void> {
    const policy = (await orgSettings(em, user.organization.id)).password;
    const problems: string[] = [];
    if ([...password].length < policy.minLength) problems.push(`must be at least ${policy.minLength} characters`);
    // bcrypt reads only the first 72 bytes; a longer password would silently be cut.
    if (Buffer.byteLength(password, 'utf8') > 72) problems.push('must be at most 72 bytes');
    if (COMMON.has(password.toLowerCase()) || password.toLowerCase() === user.email.toLowerCase()) {
      problems.push('is too easy to guess');
    }
    if (!problems.length) {
      const full = await em.findOneOrFail(User, { id: user.id }, { populate: ['passwordHash', 'passwordHistory'] });
      const recent = [full.passwordHash, ...(full.passwordHistory ?? [])].filter((h): h is string => !!h);
      for (const h of recent.slice(0, policy.historyCount)) {
        if (await bcrypt.compare(password, h)) {
          problems.push(`must differ from your last ${policy.historyCount} passwords`);
          break;
        }
      }
    }
    if (problems.length) {
      throw new AppError(422, 'password_policy', `The password ${problems.join('; ')}`, [
        { field: 'password', message: problems.join('; ') },
      ]);
    }
  }

  async function setPassword(em: Em, user: User, password: string): Promise<void> {
    const policy = (await orgSettings(em, user.organization.id)).password;
    const full = await em.findOneOrFail(User, { id: user.id }, { populate: ['passwordHash', 'passwordHistory'] });
    const history = [full.passwordHash, ...(full.passwordHistory ?? [])].filter((h): h is string => !!h);
    await em.nativeUpdate(
      User,
      { id: user.id },
      {
        passwordHash: await hashPassword(password, deps.bcryptCost),
        passwordHistory: history.slice(0, Math.max(0, policy.historyCount - 1)),
        passwordChangedAt: new Date(),
      },
    );
  }

  /** Changes one's own password; every other session of the user ends. */
  async function changePassword(ctx: AppContext, principal: Principal, current: string, next: string) {
    const em = orgEm(deps.orm, principal.orgId);
    const user = await em.findOneOrFail(User, { id: principal.userId }, { populate: ['passwordHash'] });
    if (!user.passwordHash || !(await bcrypt.compare(current, user.passwordHash))) {
      throw new AppError(403, 'invalid_credentials', 'The current password is wrong');
    }
    await checkNewPassword(em, user, next);
    await setPassword(em, user, next);
    const ended = await deps.auth.revokeSessions(
      em,
      { user: user.id, ...(principal.sessionId ? { exceptId: principal.sessionId } : {}) },
      'password_changed',
    );
    await securityEvent(ctx, user, 'auth.password_changed', { sessionsEnded: ended });
  }

  // ---- single-use tokens: reset and invitation ----------------------------------------------

  async function issueToken(em: Em, user: User, purpose: TokenPurpose, ttlMs: number): Promise<string> {
    const token = randomToken(32);
    const now = new Date();
    em.create(UserToken, {
      tokenHash: sha256(token),
      organization: user.organization.id,
      user: user.id,
      purpose,
      createdAt: now,
      expiresAt: new Date(now.getTime() + ttlMs),
      usedAt: null,
    });
    const path = purpose === 'password_reset' ? 'reset-password' : 'accept-invitation';
    em.create(OutboxMessage, {
      organization: user.organization.id,
      recipient: user.email,
      template: purpose,
      // The link is a credential: sealed at rest, opened only by whatever delivers the e-mail.
      data: {
        sealed: box.seal(JSON.stringify({ url: `${deps.publicUrl}/${path}#token=${token}`, token })),
        displayName: user.displayName,
      },
      createdAt: now,
      sentAt: null,
    });
    await em.flush();
    return token;
  }

  /**
   * Always answers the same way and equally fast, whether or not the address has an account: the
   * lookup, the token and the e-mail happen after the answer.
   */
  function requestReset(ctx: AppContext, email: string): void {
    limit(`reset-ip:${ctx.ip}`);
    limit(`reset-email:${emailKey(email)}`);
    background(ctx, issueReset(ctx, email));
  }

  async function issueReset(ctx: AppContext, email: string): Promise<void> {
    const user = await deps.orm.em
      .fork()
      .findOne(
        User,
        { email: email.toLowerCase(), active: true },
        { filters: { tenant: false }, populate: ['passwordHash'] },
      );
    if (!user || user.role === 'integration') return;
    await issueToken(orgEm(deps.orm, user.organization.id), user, 'password_reset', RESET_TTL_MS);
    await securityEvent(ctx, user, 'auth.password_reset_requested');
  }

  /** Spends a token: valid, unexpired, unused, for this purpose; claimed atomically. */
  async function spendToken(token: string, purpose: TokenPurpose): Promise<{ em: Em; user: User }> {
    const hash = sha256(token);
    const row = await deps.orm.em
      .fork()
      .findOne(UserToken, { tokenHash: hash, purpose }, { filters: { tenant: false } });
    if (!row || row.usedAt || row.expiresAt.getTime() <= Date.now()) throw invalidToken();
    const em = orgEm(deps.orm, row.organization.id);
    const user = await em.findOne(User, { id: row.user.id });
    if (!user) throw invalidToken();
    return { em, user };
  }

  async function claimToken(em: Em, token: string): Promise<void> {
    const won = await em.nativeUpdate(UserToken, { tokenHash: sha256(token), usedAt: null }, { usedAt: new Date() });
    if (won !== 1) throw invalidToken();
  }

  async function completeReset(ctx: AppContext, token: string, password: string): Promise<void> {
    limit(`reset-ip:${ctx.ip}`);
    const { em, user } = await spendToken(token, 'password_reset');
    await checkNewPassword(em, user, password);
    await claimToken(em, token);
    await setPassword(em, user, password);
    await deps.auth.revokeSessions(em, { user: user.id }, 'password_reset');
    await clearFailures(emailKey(user.email));
    await securityEvent(ctx, user, 'auth.password_reset');
  }

  async function acceptInvitation(ctx: AppContext, token: string, password: string): Promise<void> {
    limit(`reset-ip:${ctx.ip}`);
    const { em, user } = await spendToken(token, 'invitation');
    await checkNewPassword(em, user, password);
    await claimToken(em, token);
    await setPassword(em, user, password);
    await securityEvent(ctx, user, 'auth.invitation_accepted');
  }

  return {
    login,
    verifyMfa,
    beginEnrollment,
    confirmEnrollment,
    disableMfa,
    clearMfa,
    changePassword,
    requestReset,
    completeReset,
    acceptInvitation,
    issueToken,
    unlock,
    securityEvent,
    readOutbox,
    invitationTtlMs: INVITE_TTL_MS,
  };
}

export type Account = ReturnType<typeof createAccount>;
