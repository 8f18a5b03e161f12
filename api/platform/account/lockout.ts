/** Sign-in lockout: failures counted per address and per user's second factor, locks, admin unlock. */
import { LoginThrottle, User } from '../../../db/entities/index.js';
import type { AppContext } from '../../kernel/context.js';
import { AppError } from '../../kernel/errors.js';
import { sha256 } from '../../../activities/kernel/secrets.js';
import type { AccountCore } from './core.js';

/** Throttle key for passwords: per address, so unknown addresses lock like real ones. */
export function emailKey(email: string): string {
  return sha256(`login:${email.trim().toLowerCase()}`);
}

/** Throttle key for second factors: per user, and not cleared by a correct password. */
export function mfaKey(userId: string): string {
  return sha256(`mfa:${userId}`);
}

export function createLockout(core: AccountCore) {
  const { deps, securityEvent, background } = core;

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

  return { lockedForMs, recordFailure, clearFailures, unlock, lockedError, failedStep };
}

export type Lockout = ReturnType<typeof createLockout>;
