/** Single-use expiring tokens by e-mail: password reset and invitations (links sealed in the outbox). */
import { OutboxMessage, User, UserToken, type TokenPurpose } from '../../../db/entities/index.js';
import type { Em } from '../../../db/orm.js';
import { orgEm } from '../../../db/orm.js';
import type { AppContext } from '../../kernel/context.js';
import { AppError } from '../../kernel/errors.js';
import { randomToken, sha256 } from '../../../activities/kernel/secrets.js';
import type { AccountCore } from './core.js';
import { type Lockout, emailKey } from './lockout.js';
import type { Passwords } from './passwords.js';

const RESET_TTL_MS = 60 * 60_000;
const invalidToken = () =>
  new AppError(400, 'invalid_token', 'This link is not valid, has expired or was already used');

export function createTokens(core: AccountCore, lockout: Lockout, passwords: Passwords) {
  const { deps, box, limit, securityEvent, background } = core;
  const { clearFailures } = lockout;
  const { checkNewPassword, setPassword } = passwords;

  /** The readable content of an outbox message (opens the sealed link), for the mail sender. */
  function readOutbox(data: Record<string, unknown>): Record<string, unknown> {
    const { sealed, ...rest } = data;
    return typeof sealed === 'string' ? { ...rest, ...(JSON.parse(box.open(sealed)) as object) } : rest;
  }

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

  return { issueToken, requestReset, completeReset, acceptInvitation, readOutbox };
}
