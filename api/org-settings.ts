/** An organization's security settings: stored overrides merged over these defaults. */
import { z } from 'zod';
import { ROLES, type Role } from '../db/entities/index.js';
import { DEFAULT_MATRIX, LEVELS, PRIORITIES } from '../workflows/rules/priority.js';

const Row = z.strictObject(
  Object.fromEntries(LEVELS.map((l) => [l, z.enum(PRIORITIES)])) as Record<
    (typeof LEVELS)[number],
    z.ZodEnum<{ [K in (typeof PRIORITIES)[number]]: K }>
  >,
);
/** Impact (rows) × urgency (columns) → priority. */
const Matrix = z.strictObject(
  Object.fromEntries(LEVELS.map((l) => [l, Row])) as Record<(typeof LEVELS)[number], typeof Row>,
);

export const OrgSettings = z
  .object({
    mfa: z
      .object({
        /** Everyone must use MFA. */
        required: z.boolean(),
        /** These roles must use MFA (when `required` is false). */
        requiredRoles: z.array(z.enum(ROLES)).max(ROLES.length),
      })
      .strict(),
    password: z
      .object({
        minLength: z.number().int().min(8).max(64),
        /** A new password may not equal any of this many most recent ones (the current included). */
        historyCount: z.number().int().min(1).max(24),
      })
      .strict(),
    session: z
      .object({
        idleTimeoutMinutes: z
          .number()
          .int()
          .min(5)
          .max(7 * 24 * 60),
        absoluteTimeoutHours: z
          .number()
          .int()
          .min(1)
          .max(30 * 24),
      })
      .strict(),
    priorityMatrix: Matrix,
  })
  .strict();
export type OrgSettings = z.infer<typeof OrgSettings>;

export const DEFAULT_SETTINGS: OrgSettings = {
  mfa: { required: false, requiredRoles: [] },
  password: { minLength: 12, historyCount: 5 },
  session: { idleTimeoutMinutes: 30, absoluteTimeoutHours: 12 },
  priorityMatrix: DEFAULT_MATRIX,
};

/** A partial update of the settings (each section optional, each field optional). */
export const OrgSettingsPatch = z
  .object({
    mfa: OrgSettings.shape.mfa.partial().optional(),
    password: OrgSettings.shape.password.partial().optional(),
    session: OrgSettings.shape.session.partial().optional(),
    priorityMatrix: Matrix.optional(),
  })
  .strict();

/** Settings in force: stored values over the defaults (unknown or invalid stored values fall back). */
export function settingsOf(stored: Record<string, unknown> | null | undefined): OrgSettings {
  const s = (stored ?? {}) as Partial<Record<keyof OrgSettings, Record<string, unknown>>>;
  const merged = {
    mfa: { ...DEFAULT_SETTINGS.mfa, ...s.mfa },
    password: { ...DEFAULT_SETTINGS.password, ...s.password },
    session: { ...DEFAULT_SETTINGS.session, ...s.session },
    priorityMatrix: s.priorityMatrix ?? DEFAULT_SETTINGS.priorityMatrix,
  };
  const parsed = OrgSettings.safeParse(merged);
  return parsed.success ? parsed.data : DEFAULT_SETTINGS;
}

/** Whether the organization's policy requires MFA of a user with this role. */
export function mfaRequiredFor(settings: OrgSettings, role: Role): boolean {
  return role !== 'integration' && (settings.mfa.required || settings.mfa.requiredRoles.includes(role));
}
