/** What the account flows share: their dependencies, the sealing box, rate limits, the organization's policy, security events. */
import { Organization, User } from '../../../db/entities/index.js';
import type { Em, Orm } from '../../../db/orm.js';
import type { AuditLog } from '../audit.js';
import { type Auth, type Tokens, auditContext, tooManyRequests } from '../auth.js';
import type { AppContext } from '../../kernel/context.js';
import { type OrgSettings, settingsOf } from '../../../workflows/kernel/org-settings.js';
import type { RateLimiter } from '../rate-limit.js';
import { SecretBox } from '../../../activities/kernel/secrets.js';

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

export function createCore(deps: AccountDeps) {
  const box = new SecretBox(deps.mfaKey ?? deps.jwtSecret, 'totp-secret');

  function limit(key: string): void {
    const t = deps.authLimiter.take(key);
    if (!t.allowed) throw tooManyRequests(t.retryAfterSec);
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

  /** Work finished after the answer is sent; a failure is logged with the request id. */
  function background(ctx: AppContext, work: Promise<unknown>): void {
    work.catch((err: unknown) => ctx.state.log.error({ err }, 'background security work failed'));
  }

  return { deps, box, limit, orgSettings, securityEvent, background };
}

export type AccountCore = ReturnType<typeof createCore>;
