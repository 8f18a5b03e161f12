/** Password policy (length, common, the e-mail, history) and changing one's password. */
import bcrypt from 'bcrypt';
import { User } from '../../../db/entities/index.js';
import type { Em } from '../../../db/orm.js';
import { hashPassword } from '../auth.js';
import { orgEm } from '../../../db/orm.js';
import type { AppContext, Principal } from '../../kernel/context.js';
import { AppError } from '../../kernel/errors.js';
import type { AccountCore } from './core.js';

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

export function createPasswords(core: AccountCore) {
  const { deps, orgSettings, securityEvent } = core;

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

  return { checkNewPassword, setPassword, changePassword };
}

export type Passwords = ReturnType<typeof createPasswords>;
