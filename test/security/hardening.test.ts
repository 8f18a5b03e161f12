/**
 * Hardening: security headers, strict CORS, size limits, rate limits answering 429 with
 * Retry-After, and no secret or password hash in any response or log line.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { expectProblem, mailedToken, totp } from '../support/problems.js';
import { http, PASSWORD, startStack, type Stack, type TestOrg } from '../support/stack.js';

let stack: Stack;
let org: TestOrg;
const ALLOWED = 'https://console.example.com';

beforeAll(async () => {
  stack = await startStack({ app: { authRateLimitPerMinute: 6, rateLimitPerMinute: 40, corsOrigins: [ALLOWED] } });
  org = await stack.createOrg();
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

describe('headers and CORS', () => {
  it('sends security headers on every answer, errors included', async () => {
    for (const res of [await org.agent.api('GET', '/api/v1/me'), await http(stack.baseUrl)('GET', '/api/v1/nowhere')]) {
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
      expect(res.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.headers.get('x-powered-by')).toBeNull();
    }
  });

  it('answers preflights from allowed origins only', async () => {
    const pre = (origin: string) =>
      fetch(`${stack.baseUrl}/api/v1/incidents`, {
        method: 'OPTIONS',
        headers: {
          Origin: origin,
          'Access-Control-Request-Method': 'POST',
          'Access-Control-Request-Headers': 'authorization',
        },
      });
    const ok = await pre(ALLOWED);
    expect(ok.status).toBe(204);
    expect(ok.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(ok.headers.get('access-control-allow-headers')).toMatch(/Authorization/);
    const evil = await pre('https://evil.example.net');
    expect(evil.status).toBe(403);
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
    expect(((await evil.json()) as any).code).toBe('cors_origin_denied');
    // A simple request from another origin gets no CORS grant, so a browser withholds the answer.
    const simple = await org.agent.api('GET', '/api/v1/me', undefined, { Origin: 'https://evil.example.net' });
    expect(simple.headers.get('access-control-allow-origin')).toBeNull();
    const allowed = await org.agent.api('GET', '/api/v1/me', undefined, { Origin: ALLOWED });
    expect(allowed.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(allowed.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('refuses bodies over the size limit', async () => {
    const res = await org.agent.api('POST', '/api/v1/incidents', { title: 'x', description: 'y'.repeat(70 * 1024) });
    expectProblem(res, 413, 'payload_too_large');
  });
});

describe('rate limits', () => {
  it('limits sign-in attempts per client address with 429 and Retry-After', async () => {
    const statuses: number[] = [];
    let last: any;
    for (let i = 0; i < 8; i++) {
      last = await http(stack.baseUrl)('POST', '/api/v1/auth/login', {
        email: `probe${i}@nowhere.test`,
        password: 'x',
      });
      statuses.push(last.status);
    }
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
    expectProblem(last, 429, 'rate_limited');
    expect(Number(last.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('limits password-reset requests per address', async () => {
    let last: any;
    for (let i = 0; i < 8; i++)
      last = await http(stack.baseUrl)('POST', '/api/v1/auth/password-reset', { email: org.agent.email });
    expectProblem(last, 429, 'rate_limited');
    expect(Number(last.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('limits overall requests per user', async () => {
    let last: any;
    for (let i = 0; i < 45 && last?.status !== 429; i++) last = await org.requester.api('GET', '/api/v1/incidents');
    expectProblem(last, 429, 'rate_limited');
    expect(Number(last.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another user's budget is untouched.
    expect((await org.agent2.api('GET', '/api/v1/me')).status).toBe(200);
  });
});

describe('behind a reverse proxy', () => {
  it('takes the client address from the proxy’s hop, not from what the client wrote', async () => {
    const s3 = await startStack({ app: { trustProxyHops: 1, authRateLimitPerMinute: 6 } });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 8; i++) {
        // The client forges a new left-most address each time; the proxy appends the real one.
        const res = await http(s3.baseUrl)(
          'POST',
          '/api/v1/auth/login',
          { email: `p${i}@nowhere.test`, password: 'x' },
          {
            'X-Forwarded-For': `10.0.0.${i}, 203.0.113.7`,
          },
        );
        statuses.push(res.status);
      }
      expect(statuses.slice(0, 6)).not.toContain(429);
      expect(statuses.slice(6)).toEqual([429, 429]);
      const o = await s3.createOrg();
      const r = await o.agent.api(
        'POST',
        '/api/v1/incidents',
        { title: 'via proxy', impact: 'low', urgency: 'low' },
        {
          'X-Forwarded-For': `${'9'.repeat(80)}, 198.51.100.9`,
        },
      );
      expect(r.status).toBe(201);
      const entry = (await o.admin.api('GET', '/api/v1/audit?action=incident.create')).body.items[0];
      expect(entry.sourceIp).toBe('198.51.100.9');
    } finally {
      await s3.stop();
    }
  }, 60_000);
});

describe('secrets never leak', () => {
  it('no password, hash, token, TOTP secret, recovery code or API key in any response body or log line', async () => {
    // A fresh stack with ample limits, so every flow runs to completion.
    const s2 = await startStack();
    try {
      const o = await s2.createOrg();
      const anon = http(s2.baseUrl);
      const secrets: string[] = [PASSWORD];
      const bodies: string[] = [];
      const keep = <T extends { body: any }>(r: T): T => {
        bodies.push(JSON.stringify(r.body ?? null));
        return r;
      };
      // Responses that hand a secret to its owner are not kept; every other body and log line is.
      const login = await s2.login(o.agent.email);
      secrets.push(login.body.accessToken, login.body.refreshToken);
      const api = http(s2.baseUrl, login.body.accessToken);
      const enrol = await api('POST', '/api/v1/me/mfa');
      secrets.push(enrol.body.secret);
      const confirm = await api('POST', '/api/v1/me/mfa/confirm', { code: await totp(enrol.body.secret) });
      secrets.push(...confirm.body.recoveryCodes);
      const step = await s2.login(o.agent.email);
      secrets.push(step.body.mfaToken);
      const verified = await anon('POST', '/api/v1/auth/mfa/verify', {
        mfaToken: step.body.mfaToken,
        code: await totp(enrol.body.secret, 1),
      });
      secrets.push(verified.body.accessToken, verified.body.refreshToken);
      const refreshed = await anon('POST', '/api/v1/auth/refresh', { refreshToken: verified.body.refreshToken });
      secrets.push(refreshed.body.refreshToken);
      const newPassword = 'a secret passphrase nobody logs';
      keep(
        await http(s2.baseUrl, refreshed.body.accessToken)('POST', '/api/v1/me/password', {
          currentPassword: PASSWORD,
          newPassword,
        }),
      );
      secrets.push(newPassword);
      keep(await anon('POST', '/api/v1/auth/password-reset', { email: o.requester.email }));
      const resetToken = await mailedToken(s2, o.id, o.requester.email, 'password_reset');
      secrets.push(resetToken);
      const resetPassword = 'reset passphrase also secret';
      keep(await anon('POST', '/api/v1/auth/password-reset/confirm', { token: resetToken, password: resetPassword }));
      secrets.push(resetPassword);
      const key = await o.admin.api('POST', '/api/v1/admin/api-keys', {
        name: 'leak check',
        scopes: ['incident.read'],
      });
      secrets.push(key.body.key);
      keep(await http(s2.baseUrl, key.body.key)('GET', '/api/v1/incidents'));
      keep(await anon('POST', '/api/v1/auth/login', { email: o.agent.email, password: 'wrong-but-secret-guess' }));
      secrets.push('wrong-but-secret-guess');
      // Reads that show people: no hash or secret field ever.
      for (const path of [
        '/api/v1/admin/users',
        '/api/v1/users',
        '/api/v1/me',
        '/api/v1/admin/api-keys',
        '/api/v1/audit?limit=500',
        '/api/v1/audit/export?format=json',
      ]) {
        keep(await o.admin.api('GET', path));
      }
      const everything = [...s2.logs, ...bodies].join('\n');
      expect(s2.logs.length).toBeGreaterThan(20);
      expect(everything).not.toMatch(/\$2[aby]\$\d\d\$/);
      expect(everything).not.toMatch(/passwordHash|password_hash|mfaSecret|secretHash/);
      const leaked = secrets.filter((x) => typeof x === 'string' && x.length >= 6 && everything.includes(x));
      expect(leaked).toEqual([]);
    } finally {
      await s2.stop();
    }
  }, 60_000);
});
