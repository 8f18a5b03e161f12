/**
 * Request and response shapes every part of the public API shares (zod): validated at the edge,
 * published in OpenAPI. A ticket type's own shapes live in api/<type>/schemas.ts.
 */
import { z } from 'zod';
import { DISPLAYABLE_TEXT_MESSAGE, isDisplayableText } from '../../workflows/kernel/text.js';

export const text = (max: number) => z.string().trim().max(max).refine(isDisplayableText, DISPLAYABLE_TEXT_MESSAGE);
export const uuid = z.uuid();

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

/** A list parameter: `a,b` or repeated `?x=a&x=b`, each value one of `values`. */
export const csv = <T extends readonly [string, ...string[]]>(values: T) =>
  z
    .union([z.string(), z.array(z.string())])
    .transform((v) =>
      (Array.isArray(v) ? v : [v])
        .flatMap((s) => s.split(','))
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.enum(values)).min(1))
    .describe(`comma-separated, any of: ${values.join(', ')}`);

/** A decimal integer parameter (no hex, exponents or blanks). */
export const intParam = (min: number, max: number, fallback: number) =>
  z
    .string()
    .regex(/^\d{1,9}$/, 'expected a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max))
    .default(fallback);

export const TimelineEntry = z.object({
  revision: z.number().int(),
  type: z.string(),
  actorId: uuid.nullable(),
  actorKind: z.string(),
  at: z.string(),
  data: z.record(z.string(), z.unknown()),
});

export const Timeline = z.object({ items: z.array(TimelineEntry) });

/** An RFC 9457 problem details body (named so that it cannot be taken for an ITIL problem). */
export const ProblemDetails = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
  code: z.string(),
  requestId: z.string(),
  errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
});
