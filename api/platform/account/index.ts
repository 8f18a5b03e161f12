/**
 * Account security flows: sign-in with lockout, TOTP MFA (enrolment, verification, recovery codes),
 * password policy and history, password reset and invitations by single-use expiring tokens. One
 * file per concern beside this one; here they are put together, with the sign-in itself.
 */
import { type Tokens } from '../auth.js';
import { orgEm } from '../../../db/orm.js';
import type { AppContext } from '../../kernel/context.js';
import { AppError } from '../../kernel/errors.js';
import { mfaRequiredFor } from '../../../workflows/kernel/org-settings.js';
import { type AccountDeps, createCore } from './core.js';
import { createLockout, emailKey } from './lockout.js';
import { createMfa } from './mfa.js';
import { createPasswords } from './passwords.js';
import { createTokens } from './tokens.js';

export type { AccountDeps } from './core.js';

export type LoginResult =
  Tokens | { status: 'mfa_required' | 'mfa_enrollment_required'; mfaToken: string; expiresIn: number };

const INVITE_TTL_MS = 7 * 86_400_000;

export function createAccount(deps: AccountDeps) {
  const core = createCore(deps);
  const { limit, orgSettings, securityEvent } = core;
  const lockout = createLockout(core);
  const { lockedForMs, lockedError, failedStep, clearFailures, unlock } = lockout;
  const mfa = createMfa(core, lockout);
  const passwords = createPasswords(core);
  const tokens = createTokens(core, lockout, passwords);

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

  return {
    login,
    verifyMfa: mfa.verifyMfa,
    beginEnrollment: mfa.beginEnrollment,
    confirmEnrollment: mfa.confirmEnrollment,
    disableMfa: mfa.disableMfa,
    clearMfa: mfa.clearMfa,
    changePassword: passwords.changePassword,
    requestReset: tokens.requestReset,
    completeReset: tokens.completeReset,
    acceptInvitation: tokens.acceptInvitation,
    issueToken: tokens.issueToken,
    unlock,
    securityEvent,
    readOutbox: tokens.readOutbox,
    invitationTtlMs: INVITE_TTL_MS,
  };
}

export type Account = ReturnType<typeof createAccount>;
