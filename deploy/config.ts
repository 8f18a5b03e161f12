/**
 * Server-side configuration, read once from the environment and validated. A bad value stops the
 * process with a message naming the variable.
 */
import { z } from 'zod';

const DURATION = /^(\d+)(ms|s|m|h|d)$/;
const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** Parses `250ms`, `30s`, `15m`, `12h`, `3d` into milliseconds. */
export function parseDuration(text: string): number {
  const m = DURATION.exec(text.trim());
  if (!m) throw new Error(`'${text}' is not a duration like 30s, 15m, 12h or 3d`);
  return Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
}

/** A duration variable, bounded so that a typo cannot stop tickets closing or make tokens eternal. */
const duration = (min: number, max: number) =>
  z.string().transform((v, ctx) => {
    let ms: number;
    try {
      ms = parseDuration(v);
    } catch (e) {
      ctx.addIssue({ code: 'custom', message: (e as Error).message });
      return z.NEVER;
    }
    if (ms < min || ms > max) {
      ctx.addIssue({ code: 'custom', message: `must be between ${min / 1000}s and ${max / 86_400_000}d` });
      return z.NEVER;
    }
    return ms;
  });

const sizeInBytes = z
  .string()
  .regex(/^\d+(b|kb|mb)$/i, 'expected a size like 512kb or 1mb')
  .transform((v) => {
    const m = /^(\d+)(b|kb|mb)$/i.exec(v)!;
    return Number(m[1]) * { b: 1, kb: 1024, mb: 1024 * 1024 }[m[2]!.toLowerCase() as 'b' | 'kb' | 'mb'];
  });

const schema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'expected a postgres:// URL')
    .optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  TEMPORAL_ADDRESS: z
    .string()
    .regex(/^[\w.-]+:\d+$/, 'expected host:port')
    .optional(),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_UI_PORT: z.coerce.number().int().min(1).max(65535).default(8233),
  TEMPORAL_PORT: z.coerce.number().int().min(1).max(65535).default(7233),
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  // Lifetime of an access token; sessions live on through rotating refresh tokens.
  JWT_TTL: duration(10_000, 86_400_000).default(15 * 60_000),
  // Separate key for TOTP secrets at rest; derived from JWT_SECRET when unset.
  MFA_ENCRYPTION_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
  LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).max(100).default(5),
  LOGIN_FAILURE_WINDOW: duration(1000, 86_400_000).default(15 * 60_000),
  LOGIN_LOCKOUT: duration(1000, 7 * 86_400_000).default(15 * 60_000),
  // Requests per minute: per signed-in user or API key, and per client IP on sign-in/MFA/reset.
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(600),
  AUTH_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(30),
  // Browser origins allowed to call the API cross-origin (comma-separated); none by default.
  CORS_ORIGINS: z
    .string()
    .transform((v) =>
      v
        .split(',')
        .map((o) => o.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.url().regex(/^https?:\/\/[^/]+$/, 'origins are scheme://host[:port] with no path')))
    .default([]),
  // Reverse proxies in front of the API that append to X-Forwarded-For (0: ignore the header).
  TRUST_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
  // Outgoing e-mail (notifications); without it no e-mail is sent (webhooks still are).
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'expected smtp://user:pass@host:port or smtps://…')
    .optional(),
  SMTP_FROM: z.string().min(3).max(200).default('Lintas <no-reply@lintas.invalid>'),
  // Base URL of the web app, used in links sent by e-mail (password reset, invitation).
  PUBLIC_URL: z.url().optional(),
  INCIDENT_AUTO_CLOSE_AFTER: duration(60_000, 365 * 86_400_000).default(3 * 86_400_000),
  BODY_LIMIT: sizeInBytes.default(256 * 1024),
  BCRYPT_COST: z.coerce.number().int().min(4).max(15).default(12),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Config = z.infer<typeof schema>;

/** Reads and validates the environment; throws an Error naming each bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  if (parsed.data.NODE_ENV === 'production' && !parsed.data.JWT_SECRET) {
    throw new Error('Invalid configuration:\n  JWT_SECRET: required in production');
  }
  return parsed.data;
}

type Optional = 'DATABASE_URL' | 'TEMPORAL_ADDRESS' | 'JWT_SECRET';

/**
 * Loads the configuration for an entry point, requiring the named optional variables; on a bad or
 * missing value prints the message naming it and exits with status 2.
 */
export function configOrExit<K extends Optional = never>(...required: K[]): Config & Required<Pick<Config, K>> {
  try {
    const config = loadConfig();
    const missing = required.filter((k) => !config[k]);
    if (missing.length) {
      throw new Error(`Invalid configuration:\n${missing.map((k) => `  ${k}: required by this process`).join('\n')}`);
    }
    return config as Config & Required<Pick<Config, K>>;
  } catch (err) {
    console.error((err as Error).message);
    process.exit(2);
  }
}

/** The API settings that come straight from the configuration. */
export function apiSettings(config: Config) {
  return {
    jwtTtlMs: config.JWT_TTL,
    mfaKey: config.MFA_ENCRYPTION_KEY,
    lockout: {
      maxFailures: config.LOGIN_MAX_FAILURES,
      windowMs: config.LOGIN_FAILURE_WINDOW,
      lockMs: config.LOGIN_LOCKOUT,
    },
    rateLimitPerMinute: config.RATE_LIMIT_PER_MINUTE,
    authRateLimitPerMinute: config.AUTH_RATE_LIMIT_PER_MINUTE,
    corsOrigins: config.CORS_ORIGINS,
    trustProxyHops: config.TRUST_PROXY_HOPS,
    publicUrl: config.PUBLIC_URL ?? `http://${config.HOST}:${config.PORT}`,
    bcryptCost: config.BCRYPT_COST,
    bodyLimitBytes: config.BODY_LIMIT,
    autoCloseAfterMs: config.INCIDENT_AUTO_CLOSE_AFTER,
  };
}
