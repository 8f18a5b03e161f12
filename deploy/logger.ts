import { pino, type Logger } from 'pino';

/** JSON logs; secrets and credentials are redacted wherever they appear in a logged object. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    redact: {
      paths: [
        ...[
          'password',
          'currentPassword',
          'newPassword',
          'passwordHash',
          'accessToken',
          'refreshToken',
          'mfaToken',
          'token',
          'code',
          'recoveryCode',
          'recoveryCodes',
          'secret',
          'mfaSecret',
          'key',
        ].flatMap((k) => [k, `*.${k}`]),
        'req.headers.authorization',
        'headers.authorization',
        'req.headers["x-api-key"]',
        'headers["x-api-key"]',
      ],
      censor: '[redacted]',
    },
  });
}
