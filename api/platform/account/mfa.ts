/** TOTP second factor: the sign-in step (code or recovery code, each used once), enrolment, turning it off. */
import { LockMode } from '@mikro-orm/core';
import { generateSecret, generateURI, verify as verifyTotp } from 'otplib';
import QRCode from 'qrcode';
import { Organization, User } from '../../../db/entities/index.js';
import type { Em } from '../../../db/orm.js';
import { orgEm } from '../../../db/orm.js';
import type { AppContext, Principal } from '../../kernel/context.js';
import { AppError } from '../../kernel/errors.js';
import { mfaRequiredFor } from '../../../workflows/kernel/org-settings.js';
import { randomToken, sha256 } from '../../../activities/kernel/secrets.js';
import type { AccountCore } from './core.js';
import { type Lockout, mfaKey } from './lockout.js';

const RECOVERY_CODES = 10;
const badTotp = () => new AppError(401, 'invalid_mfa_code', 'The code is wrong, expired or already used');

export function createMfa(core: AccountCore, lockout: Lockout) {
  const { deps, box, limit, orgSettings, securityEvent } = core;
  const { lockedForMs, lockedError, failedStep, clearFailures } = lockout;

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

  return { verifyMfa, beginEnrollment, confirmEnrollment, disableMfa, clearMfa };
}
