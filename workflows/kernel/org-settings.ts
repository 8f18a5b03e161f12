/** An organization's security settings: stored overrides merged over these defaults. */
import { z } from 'zod';
import { ROLES, type Role } from './vocabulary.js';
import { DEFAULT_MATRIX, LEVELS, PRIORITIES } from './priority.js';
import { DEFAULT_ATTACHMENT_MAX_BYTES, DEFAULT_ATTACHMENT_TYPES, NEVER_TYPES } from './attachments.js';

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

/** Shown instead of secrets; sending it back unchanged keeps the stored value. */
export const REDACTED = '********';

const WebUrl = z
  .url({ protocol: /^https?$/ })
  .max(2000)
  .describe('http(s) URL');

/** Where escalations are posted besides e-mail: Slack / Teams incoming webhooks and signed webhooks. */
export const NotificationChannels = z.strictObject({
  slackWebhookUrl: WebUrl.nullable().default(null),
  teamsWebhookUrl: WebUrl.nullable().default(null),
  webhooks: z
    .array(
      z.strictObject({
        url: WebUrl,
        /** A name flows refer to: a flow's webhook call-out is signed with the secret of this one. */
        name: z
          .string()
          .regex(/^[A-Za-z][\w.-]{0,59}$/)
          .optional(),
        secret: z
          .string()
          .max(200)
          // ******** (as shown) stands for the stored secret of the webhook with this URL
          .refine((v) => v === REDACTED || v.length >= 16, 'at least 16 characters')
          .describe('HMAC key for X-Lintas-Signature'),
      }),
    )
    .max(10)
    .default([]),
});
export type NotificationChannels = z.infer<typeof NotificationChannels>;

function redactUrl(url: string | null): string | null {
  if (!url) return url;
  // Incoming-webhook URLs carry their credential in the path: show only where they point.
  return `${new URL(url).origin}/${REDACTED}`;
}

/** The channels as admins see them (and as the audit log records them): no secrets. */
export function redactChannels(c: NotificationChannels): NotificationChannels {
  return {
    slackWebhookUrl: redactUrl(c.slackWebhookUrl),
    teamsWebhookUrl: redactUrl(c.teamsWebhookUrl),
    webhooks: c.webhooks.map((w) => ({ url: w.url, ...(w.name ? { name: w.name } : {}), secret: REDACTED })),
  };
}

/**
 * New channels from an admin's edit of the redacted view: a value sent back exactly as it was
 * shown keeps the stored secret; anything else replaces it.
 */
export function mergeChannels(current: NotificationChannels, edit: NotificationChannels): NotificationChannels {
  const keep = (sent: string | null, stored: string | null) =>
    sent !== null && sent === redactUrl(stored) ? stored : sent;
  return {
    slackWebhookUrl: keep(edit.slackWebhookUrl, current.slackWebhookUrl),
    teamsWebhookUrl: keep(edit.teamsWebhookUrl, current.teamsWebhookUrl),
    webhooks: edit.webhooks.map((w) => {
      if (w.secret !== REDACTED) return w;
      const old = current.webhooks.find((o) => o.url === w.url);
      if (!old) throw new Error(`webhook ${w.url}: send its secret`);
      return { ...w, secret: old.secret };
    }),
  };
}

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
    notifications: NotificationChannels,
    attachments: z
      .object({
        /** The largest file accepted, in bytes (1 KiB to 100 MiB). */
        maxBytes: z
          .number()
          .int()
          .min(1024)
          .max(100 * 1024 * 1024),
        /** The (sniffed) types accepted; active content is never accepted whatever this says. */
        allowedTypes: z
          .array(
            z
              .string()
              .regex(/^[a-z]+\/[a-z0-9.+-]+$/, 'a media type such as image/png')
              .refine((t) => !NEVER_TYPES.includes(t), 'this type is never accepted'),
          )
          .max(50),
      })
      .strict(),
    routing: z
      .object({
        /** Where incidents go that name no team and whose category no team routes (null: nowhere). */
        defaultTeamId: z.uuid().nullable(),
      })
      .strict(),
  })
  .strict();
export type OrgSettings = z.infer<typeof OrgSettings>;

export const DEFAULT_SETTINGS: OrgSettings = {
  mfa: { required: false, requiredRoles: [] },
  password: { minLength: 12, historyCount: 5 },
  session: { idleTimeoutMinutes: 30, absoluteTimeoutHours: 12 },
  priorityMatrix: DEFAULT_MATRIX,
  notifications: { slackWebhookUrl: null, teamsWebhookUrl: null, webhooks: [] },
  attachments: { maxBytes: DEFAULT_ATTACHMENT_MAX_BYTES, allowedTypes: [...DEFAULT_ATTACHMENT_TYPES] },
  routing: { defaultTeamId: null },
};

/** A partial update of the settings (each section optional, each field optional). */
export const OrgSettingsPatch = z
  .object({
    mfa: OrgSettings.shape.mfa.partial().optional(),
    password: OrgSettings.shape.password.partial().optional(),
    session: OrgSettings.shape.session.partial().optional(),
    priorityMatrix: Matrix.optional(),
    notifications: NotificationChannels.optional().describe(
      'replaces all channels; a secret sent back as shown (********) keeps the stored one',
    ),
    routing: OrgSettings.shape.routing.partial().optional(),
    attachments: OrgSettings.shape.attachments.partial().optional(),
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
    notifications: { ...DEFAULT_SETTINGS.notifications, ...s.notifications },
    routing: { ...DEFAULT_SETTINGS.routing, ...s.routing },
    attachments: { ...DEFAULT_SETTINGS.attachments, ...s.attachments },
  };
  const parsed = OrgSettings.safeParse(merged);
  return parsed.success ? parsed.data : DEFAULT_SETTINGS;
}

/** Whether the organization's policy requires MFA of a user with this role. */
export function mfaRequiredFor(settings: OrgSettings, role: Role): boolean {
  return role !== 'integration' && (settings.mfa.required || settings.mfa.requiredRoles.includes(role));
}
