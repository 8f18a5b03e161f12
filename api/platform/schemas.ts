/** The platform's request and response shapes: sign-in, tokens, MFA, the signed-in person. */
import { z } from 'zod';
import { uuid } from '../kernel/schemas.js';

export const LoginBody = z.strictObject({
  email: z.email().max(254),
  password: z.string().min(1).max(200),
});

export const TokenResponse = z.object({
  status: z.literal('signed_in'),
  accessToken: z.string(),
  tokenType: z.literal('Bearer'),
  expiresIn: z.number().int().describe('seconds'),
  refreshToken: z.string().describe('single use: each refresh returns a new one'),
  sessionId: uuid,
});

export const MfaStep = z.object({
  status: z.enum(['mfa_required', 'mfa_enrollment_required']),
  mfaToken: z.string().describe('valid 5 minutes, only for the MFA endpoints'),
  expiresIn: z.number().int(),
});

export const LoginResponse = z.union([TokenResponse, MfaStep]);

/** A new password (policy checked on the server: length, history, common passwords). */
export const NewPassword = z.string().min(1).max(200);
export const Token = z.string().min(16).max(200);
export const TotpCode = z.string().regex(/^\d{6}$/, 'expected a 6-digit code');

export const Preferences = z.object({
  locale: z.string(),
  notifications: z.record(z.string(), z.boolean()),
  outOfOfficeUntil: z.string().nullable(),
});

export const Me = z.object({
  id: uuid,
  email: z.string(),
  displayName: z.string(),
  role: z.string(),
  permissions: z.array(z.string()),
  mfaEnabled: z.boolean(),
  mfaRequired: z.boolean(),
  authenticatedBy: z.enum(['user', 'api_key']),
  organization: z.object({ id: uuid, slug: z.string(), name: z.string() }),
  locale: z.enum(['en', 'id']).describe('the language chosen for the app and e-mail'),
  preferences: Preferences,
});
