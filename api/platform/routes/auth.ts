import { z } from 'zod';
import { Organization, User } from '../../../db/entities/index.js';
import type { Account } from '../account/index.js';
import type { Auth } from '../auth.js';
import { notFound } from '../../kernel/errors.js';
import { mfaRequiredFor, settingsOf } from '../../../workflows/kernel/org-settings.js';
import { type AnyRoute, authed, defineRoute } from '../../kernel/route.js';
import * as S from '../schemas.js';

const MfaVerifyBody = z
  .strictObject({
    mfaToken: z.string().min(10).max(2000),
    code: S.TotpCode.optional(),
    recoveryCode: z.string().min(4).max(40).optional(),
  })
  .refine((b) => !!b.code !== !!b.recoveryCode, { message: 'send either code or recoveryCode', path: ['code'] });
const Enrollment = z.object({ secret: z.string(), otpauthUri: z.string(), qrCodeDataUrl: z.string() });
const RecoveryCodes = z.object({ recoveryCodes: z.array(z.string()) });
const refused = { 401: { description: 'Not valid or expired' }, 429: { description: 'Too many attempts' } };

function preferencesOf(u: User): z.infer<typeof S.Preferences> {
  return {
    locale: u.locale,
    notifications: { email: true, ...(u.notificationPrefs ?? {}) },
    outOfOfficeUntil: u.outOfOfficeUntil ? u.outOfOfficeUntil.toISOString() : null,
  };
}

/** Sign-in, MFA, sessions, passwords: the routes of the account-security flows. */
export function authRoutes(auth: Auth, account: Account): AnyRoute[] {
  return [
    defineRoute({
      method: 'post',
      path: '/auth/login',
      summary: 'Sign in with e-mail and password; returns tokens, or the MFA step to take next',
      tag: 'auth',
      permission: 'public',
      body: S.LoginBody,
      responses: {
        200: { description: 'Signed in, or MFA needed', schema: S.LoginResponse },
        401: { description: 'Wrong e-mail or password' },
        423: { description: 'Locked after repeated failures (Retry-After)' },
        429: { description: 'Too many attempts from this address' },
      },
      handler: async (ctx, { body }) => {
        ctx.body = await account.login(ctx, body.email);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/auth/mfa/verify',
      summary: 'Second sign-in step: a TOTP code or a one-time recovery code',
      tag: 'auth',
      permission: 'public',
      body: MfaVerifyBody,
      responses: {
        200: { description: 'Signed in', schema: S.TokenResponse },
        ...refused,
        423: { description: 'Locked' },
      },
      handler: async (ctx, { body }) => {
        ctx.body = await account.verifyMfa(ctx, body.mfaToken, body.code, body.recoveryCode);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/auth/mfa/enrollment',
      summary: 'Start MFA enrolment during sign-in, when the organization requires MFA',
      tag: 'auth',
      permission: 'public',
      body: z.strictObject({ mfaToken: z.string().min(10).max(2000) }),
      responses: { 200: { description: 'Secret, otpauth URI and QR code', schema: Enrollment }, ...refused },
      handler: async (ctx, { body }) => {
        ctx.body = await account.beginEnrollment(await auth.mfaTokenUser(body.mfaToken, 'mfa_enroll'));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/auth/mfa/enrollment/confirm',
      summary: 'Finish MFA enrolment during sign-in; returns recovery codes (shown once) and tokens',
      tag: 'auth',
      permission: 'public',
      body: z.strictObject({ mfaToken: z.string().min(10).max(2000), code: S.TotpCode }),
      responses: { 200: { description: 'Signed in', schema: S.TokenResponse.extend(RecoveryCodes.shape) }, ...refused },
      handler: async (ctx, { body }) => {
        const user = await auth.mfaTokenUser(body.mfaToken, 'mfa_enroll');
        const { recoveryCodes } = await account.confirmEnrollment(ctx, user, body.code);
        await account.securityEvent(ctx, user, 'auth.login', { mfa: 'enrolled' });
        ctx.body = { ...(await auth.startSession(ctx, user)), recoveryCodes };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/auth/refresh',
      summary: 'Exchange a refresh token for new tokens (the old refresh token stops working)',
      tag: 'auth',
      permission: 'public',
      body: z.strictObject({ refreshToken: z.string().min(10).max(200) }),
      responses: { 200: { description: 'New tokens', schema: S.TokenResponse }, ...refused },
      handler: async (ctx, { body }) => {
        ctx.body = await auth.refresh(ctx, body.refreshToken);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/auth/password-reset',
      summary: 'Ask for a password-reset link by e-mail (same answer whether or not the address exists)',
      tag: 'auth',
      permission: 'public',
      body: z.strictObject({ email: z.email().max(254) }),
      responses: {
        202: { description: 'If the address has an account, a link is on its way' },
        429: { description: 'Too many' },
      },
      handler: async (ctx, { body }) => {
        account.requestReset(ctx, body.email);
        ctx.status = 202;
        ctx.body = { status: 'accepted' };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/auth/password-reset/confirm',
      summary: 'Set a new password with a reset token (single use, expires after an hour)',
      tag: 'auth',
      permission: 'public',
      body: z.strictObject({ token: S.Token, password: S.NewPassword }),
      responses: {
        204: { description: 'Password set; every session ended' },
        400: { description: 'Bad token' },
        422: { description: 'Password policy' },
      },
      handler: async (ctx, { body }) => {
        await account.completeReset(ctx, body.token, body.password);
        ctx.status = 204;
      },
    }),
    defineRoute({
      method: 'post',
      path: '/auth/invitation/accept',
      summary: 'Accept an invitation by choosing a password (token single use, expires after 7 days)',
      tag: 'auth',
      permission: 'public',
      body: z.strictObject({ token: S.Token, password: S.NewPassword }),
      responses: {
        204: { description: 'Password set; sign in now' },
        400: { description: 'Bad token' },
        422: { description: 'Password policy' },
      },
      handler: async (ctx, { body }) => {
        await account.acceptInvitation(ctx, body.token, body.password);
        ctx.status = 204;
      },
    }),
    defineRoute({
      method: 'post',
      path: '/auth/logout',
      summary: 'End this session (its refresh token stops working)',
      tag: 'auth',
      permission: 'person',
      audit: 'auth.logout',
      responses: { 204: { description: 'Signed out' } },
      handler: async (c) => {
        const ctx = authed(c);
        const { principal, em } = ctx.state;
        if (principal.sessionId) await auth.revokeSessions(em, { id: principal.sessionId }, 'logout');
        ctx.state.audit = { targetType: 'session', targetId: principal.sessionId ?? principal.userId };
        ctx.status = 204;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/me',
      summary: 'The signed-in user, organization and permissions',
      tag: 'auth',
      permission: 'authenticated',
      responses: { 200: { description: 'The caller', schema: S.Me }, 401: { description: 'No valid token' } },
      handler: async (c) => {
        const ctx = authed(c);
        const { em, principal } = ctx.state;
        const user = await em.findOne(User, { id: principal.userId });
        const org = await em.findOne(Organization, { id: principal.orgId });
        if (!user || !org) throw notFound('User');
        const me: z.infer<typeof S.Me> = {
          id: user.id,
          email: user.email,
          displayName: user.displayName,
          role: user.role,
          permissions: [...principal.permissions].sort(),
          mfaEnabled: user.mfaEnabled,
          mfaRequired: mfaRequiredFor(settingsOf(org.settings), user.role),
          authenticatedBy: principal.kind,
          organization: { id: org.id, slug: org.slug, name: org.name },
          locale: user.locale === 'id' ? 'id' : 'en',
          preferences: preferencesOf(user),
        };
        ctx.body = me;
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/me/preferences',
      summary: 'Your language, notification channels and out-of-office period',
      tag: 'auth',
      permission: 'person',
      audit: 'user.preferences',
      body: z.strictObject({
        locale: z.enum(['en', 'id']).optional(),
        notifications: z.strictObject({ email: z.boolean().optional() }).optional(),
        outOfOfficeUntil: z.iso.datetime({ offset: true }).nullable().optional(),
      }),
      responses: { 200: { description: 'Saved', schema: S.Preferences } },
      handler: async (c, { body }) => {
        const ctx = authed(c);
        const user = await ctx.state.em.findOneOrFail(User, { id: ctx.state.principal.userId });
        const before = preferencesOf(user);
        if (body.locale) user.locale = body.locale;
        if (body.notifications) user.notificationPrefs = { ...(user.notificationPrefs ?? {}), ...body.notifications };
        if (body.outOfOfficeUntil !== undefined) {
          user.outOfOfficeUntil = body.outOfOfficeUntil ? new Date(body.outOfOfficeUntil) : null;
        }
        await ctx.state.em.flush();
        ctx.state.audit = { targetType: 'user', targetId: user.id, before, after: preferencesOf(user) };
        ctx.body = preferencesOf(user);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/me/password',
      summary: 'Change your password (your other sessions end)',
      tag: 'auth',
      permission: 'person',
      audit: 'user.password_change',
      body: z.strictObject({ currentPassword: z.string().min(1).max(200), newPassword: S.NewPassword }),
      responses: {
        204: { description: 'Changed' },
        403: { description: 'Current password wrong' },
        422: { description: 'Policy' },
      },
      handler: async (c, { body }) => {
        const ctx = authed(c);
        await account.changePassword(ctx, ctx.state.principal, body.currentPassword, body.newPassword);
        ctx.state.audit = { targetType: 'user', targetId: ctx.state.principal.userId };
        ctx.status = 204;
      },
    }),
    defineRoute({
      method: 'post',
      path: '/me/mfa',
      summary:
        'Start enrolling an authenticator app (TOTP): secret, otpauth URI and QR code; replacing one needs a current code',
      tag: 'auth',
      permission: 'person',
      audit: 'user.mfa_enrollment_started',
      body: z
        .strictObject({
          code: S.TotpCode.optional().describe('a current code, when replacing an enrolled authenticator'),
        })
        .optional(),
      responses: { 200: { description: 'Scan the QR code, then confirm with a code', schema: Enrollment } },
      handler: async (c, { body }) => {
        const ctx = authed(c);
        const user = await ctx.state.em.findOneOrFail(User, { id: ctx.state.principal.userId });
        ctx.state.audit = { targetType: 'user', targetId: user.id };
        ctx.body = await account.beginEnrollment(user, { code: body?.code });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/me/mfa/confirm',
      summary: 'Confirm enrolment with a current code; returns recovery codes (shown once)',
      tag: 'auth',
      permission: 'person',
      audit: 'user.mfa_enrollment_confirmed',
      body: z.strictObject({ code: S.TotpCode }),
      responses: {
        200: { description: 'MFA on', schema: RecoveryCodes },
        401: { description: 'Wrong code' },
        409: { description: 'Not started' },
      },
      handler: async (c, { body }) => {
        const ctx = authed(c);
        const user = await ctx.state.em.findOneOrFail(User, { id: ctx.state.principal.userId });
        ctx.state.audit = { targetType: 'user', targetId: user.id };
        ctx.body = await account.confirmEnrollment(ctx, user, body.code);
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/me/mfa',
      summary: "Turn MFA off (needs a current code; refused when the organization's policy requires it)",
      tag: 'auth',
      permission: 'person',
      audit: 'user.mfa_disable',
      body: z.strictObject({ code: S.TotpCode }),
      responses: {
        204: { description: 'MFA off' },
        401: { description: 'Wrong code' },
        403: { description: 'Required by policy' },
      },
      handler: async (c, { body }) => {
        const ctx = authed(c);
        await account.disableMfa(ctx, ctx.state.principal, body.code);
        ctx.state.audit = { targetType: 'user', targetId: ctx.state.principal.userId };
        ctx.status = 204;
      },
    }),
  ];
}
