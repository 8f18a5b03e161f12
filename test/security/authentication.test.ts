/**
 * Authentication against the real stack: password policy and history, lockout, TOTP MFA with
 * recovery codes, sessions with rotating refresh tokens, timeouts, reset and invitation.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { REUSE_GRACE_MS } from '../../api/platform/auth.js';
import { Session, User } from '../../db/entities/index.js';
import { TENANT_FILTER } from '../../db/orm.js';
import { eventually, expectProblem, mailedToken, totp } from '../support/problems.js';
import { http, PASSWORD, startStack, type Stack, type TestOrg } from '../support/stack.js';

let stack: Stack;
let org: TestOrg;
const LOCK_MS = 2_000;

beforeAll(async () => {
  stack = await startStack({ app: { lockout: { maxFailures: 3, windowMs: 60_000, lockMs: LOCK_MS } } });
  org = await stack.createOrg();
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

const anon = () => http(stack.baseUrl);
const em = () => {
  const e = stack.orm.em.fork();
  e.setFilterParams(TENANT_FILTER, { orgId: org.id });
  return e;
};

/** A fresh user of the test organization with the shared password; returns its id and e-mail. */
async function newUser(role: User['role'] = 'agent'): Promise<{ id: string; email: string }> {
  const invite = await org.admin.api('POST', '/api/v1/admin/users', {
    email: `u${Math.random().toString(36).slice(2, 10)}@${org.slug}.test`,
    displayName: 'New person',
    role,
  });
  expect(invite.status).toBe(201);
  const token = await mailedToken(stack, org.id, invite.body.email, 'invitation');
  const accepted = await anon()('POST', '/api/v1/auth/invitation/accept', { token, password: PASSWORD });
  expect(accepted.status).toBe(204);
  return { id: invite.body.id, email: invite.body.email };
}

async function signIn(email: string, password = PASSWORD) {
  const res = await stack.login(email, password);
  expect(res.status).toBe(200);
  return res.body;
}

describe('passwords', () => {
  it('refuses short and common passwords with the policy code', async () => {
    const u = await newUser();
    const { accessToken } = await signIn(u.email);
    const api = http(stack.baseUrl, accessToken);
    for (const bad of ['short', 'password1234', u.email]) {
      const res = await api('POST', '/api/v1/me/password', { currentPassword: PASSWORD, newPassword: bad });
      expectProblem(res, 422, 'password_policy');
    }
    const wrong = await api('POST', '/api/v1/me/password', {
      currentPassword: 'not it at all',
      newPassword: 'a fine new passphrase',
    });
    expectProblem(wrong, 403, 'invalid_credentials');
  });

  it('refuses reuse of any of the last 5 passwords and accepts the 6th-oldest again', async () => {
    const u = await newUser();
    let current = PASSWORD;
    const token = (await signIn(u.email)).accessToken;
    const history = [PASSWORD];
    for (let i = 1; i <= 5; i++) {
      const next = `rotating passphrase number ${i}`;
      const res = await http(stack.baseUrl, token)('POST', '/api/v1/me/password', {
        currentPassword: current,
        newPassword: next,
      });
      expect(res.status).toBe(204);
      current = next;
      history.unshift(next);
      // The session that changed the password stays valid.
      const me = await http(stack.baseUrl, token)('GET', '/api/v1/me');
      expect(me.status).toBe(200);
    }
    const api = http(stack.baseUrl, token);
    // The last five (the current one included) are refused...
    for (const old of history.slice(0, 5)) {
      expectProblem(
        await api('POST', '/api/v1/me/password', { currentPassword: current, newPassword: old }),
        422,
        'password_policy',
      );
    }
    // ...the sixth-newest is old enough to come back.
    const res = await api('POST', '/api/v1/me/password', { currentPassword: current, newPassword: history[5]! });
    expect(res.status).toBe(204);
  }, 120_000);

  it('ends other sessions when the password changes', async () => {
    const u = await newUser();
    const a = await signIn(u.email);
    const b = await signIn(u.email);
    const res = await http(stack.baseUrl, a.accessToken)('POST', '/api/v1/me/password', {
      currentPassword: PASSWORD,
      newPassword: 'another long passphrase',
    });
    expect(res.status).toBe(204);
    expectProblem(await http(stack.baseUrl, b.accessToken)('GET', '/api/v1/me'), 401, 'session_revoked');
    expectProblem(
      await anon()('POST', '/api/v1/auth/refresh', { refreshToken: b.refreshToken }),
      401,
      'invalid_refresh_token',
    );
    expect((await http(stack.baseUrl, a.accessToken)('GET', '/api/v1/me')).status).toBe(200);
  });
});

describe('lockout', () => {
  it('locks after repeated failures, the same way for a real and an invented address, and unlocks by itself', async () => {
    const u = await newUser();
    const ghost = `nobody-${Date.now()}@${org.slug}.test`;
    for (const email of [u.email, ghost]) {
      for (let i = 0; i < 2; i++)
        expectProblem(await stack.login(email, 'wrong password!'), 401, 'invalid_credentials');
      const third = await stack.login(email, 'wrong password!');
      expectProblem(third, 423, 'account_locked');
      expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(0);
      // While locked, even the right password is refused, with the same answer.
      const right = await stack.login(email, PASSWORD);
      expectProblem(right, 423, 'account_locked');
    }
    await new Promise((r) => setTimeout(r, LOCK_MS + 200));
    expect((await stack.login(u.email, PASSWORD)).status).toBe(200);
  });

  it('an admin can unlock an account, and the lockout is audited', async () => {
    const u = await newUser();
    for (let i = 0; i < 3; i++) await stack.login(u.email, 'wrong password!');
    expectProblem(await stack.login(u.email, PASSWORD), 423, 'account_locked');
    const unlock = await org.admin.api('POST', `/api/v1/admin/users/${u.id}/unlock`);
    expect(unlock.status).toBe(204);
    expect((await stack.login(u.email, PASSWORD)).status).toBe(200);
    // Failures are audited after the answer (so they cost no extra time): wait for them.
    await eventually(async () => {
      const log = await org.admin.api('GET', `/api/v1/audit?targetId=${u.id}&action=auth.`);
      const actions = log.body.items.map((e: any) => e.action);
      expect(actions.filter((a: string) => a === 'auth.login_failed')).toHaveLength(3);
      expect(actions).toContain('auth.lockout');
      expect(actions).toContain('auth.login');
    });
  });
});

describe('MFA (TOTP)', () => {
  async function enrol(accessToken: string) {
    const api = http(stack.baseUrl, accessToken);
    const start = await api('POST', '/api/v1/me/mfa');
    expect(start.status).toBe(200);
    expect(start.body.otpauthUri).toMatch(/^otpauth:\/\/totp\//);
    expect(start.body.qrCodeDataUrl).toMatch(/^data:image\/png;base64,/);
    const firstCode = await totp(start.body.secret);
    const confirm = await api('POST', '/api/v1/me/mfa/confirm', { code: firstCode });
    expect(confirm.status).toBe(200);
    expect(confirm.body.recoveryCodes).toHaveLength(10);
    return { secret: start.body.secret as string, firstCode, recoveryCodes: confirm.body.recoveryCodes as string[] };
  }

  it('enrols, then asks for a code at sign-in, accepts it once and refuses its replay', async () => {
    const u = await newUser();
    const { secret, firstCode } = await enrol((await signIn(u.email)).accessToken);
    const step = await signIn(u.email);
    expect(step).toMatchObject({ status: 'mfa_required', mfaToken: expect.any(String) });
    expect(step.accessToken).toBeUndefined();
    // The code used to confirm enrolment is spent: a replay of that very code is refused (even when
    // a 30-second step has passed since, which a freshly computed code would not test).
    expectProblem(
      await anon()('POST', '/api/v1/auth/mfa/verify', { mfaToken: step.mfaToken, code: firstCode }),
      401,
      'invalid_mfa_code',
    );
    const next = await totp(secret, 1);
    const ok = await anon()('POST', '/api/v1/auth/mfa/verify', { mfaToken: step.mfaToken, code: next });
    expect(ok.status).toBe(200);
    expect(ok.body.accessToken).toEqual(expect.any(String));
    const again = await signIn(u.email);
    expectProblem(
      await anon()('POST', '/api/v1/auth/mfa/verify', { mfaToken: again.mfaToken, code: next }),
      401,
      'invalid_mfa_code',
    );
    // The secret is stored encrypted, never as given.
    const row = await em().findOneOrFail(User, { id: u.id }, { populate: ['mfaSecret', 'mfaRecoveryCodes'] });
    expect(row.mfaSecret).not.toContain(secret);
    expect(row.mfaSecret).toMatch(/^v1\./);
    const log = await org.admin.api('GET', `/api/v1/audit?targetId=${u.id}&action=auth.`);
    const actions = log.body.items.map((e: any) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['auth.mfa_enrolled', 'auth.mfa_failed', 'auth.login']));
    expect(log.body.items.find((e: any) => e.action === 'auth.login' && e.after?.mfa === 'totp')).toBeDefined();
  });

  it('accepts each recovery code once; they are stored hashed', async () => {
    const u = await newUser();
    const { recoveryCodes } = await enrol((await signIn(u.email)).accessToken);
    const row = await em().findOneOrFail(User, { id: u.id }, { populate: ['mfaRecoveryCodes'] });
    expect(row.mfaRecoveryCodes).toHaveLength(10);
    for (const c of recoveryCodes) expect(row.mfaRecoveryCodes).not.toContain(c);
    const step = await signIn(u.email);
    const first = await anon()('POST', '/api/v1/auth/mfa/verify', {
      mfaToken: step.mfaToken,
      recoveryCode: recoveryCodes[0],
    });
    expect(first.status).toBe(200);
    const step2 = await signIn(u.email);
    expectProblem(
      await anon()('POST', '/api/v1/auth/mfa/verify', { mfaToken: step2.mfaToken, recoveryCode: recoveryCodes[0] }),
      401,
      'invalid_mfa_code',
    );
    const other = await anon()('POST', '/api/v1/auth/mfa/verify', {
      mfaToken: step2.mfaToken,
      recoveryCode: recoveryCodes[1],
    });
    expect(other.status).toBe(200);
  });

  it('an MFA token cannot be used as an access token, nor an access token as an MFA token', async () => {
    const u = await newUser();
    const { accessToken } = await signIn(u.email);
    await enrol(accessToken);
    const step = await signIn(u.email);
    expectProblem(await http(stack.baseUrl, step.mfaToken)('GET', '/api/v1/me'), 401, 'unauthorized');
    expectProblem(
      await anon()('POST', '/api/v1/auth/mfa/verify', { mfaToken: accessToken, code: '123456' }),
      401,
      'invalid_mfa_token',
    );
  });

  it('requires enrolment at sign-in when the organization requires MFA for the role, and then refuses to disable it', async () => {
    const u = await newUser('auditor');
    const set = await org.admin.api('PATCH', '/api/v1/admin/settings', { mfa: { requiredRoles: ['auditor'] } });
    expect(set.status).toBe(200);
    try {
      const step = await signIn(u.email);
      expect(step.status).toBe('mfa_enrollment_required');
      const start = await anon()('POST', '/api/v1/auth/mfa/enrollment', { mfaToken: step.mfaToken });
      expect(start.status).toBe(200);
      const done = await anon()('POST', '/api/v1/auth/mfa/enrollment/confirm', {
        mfaToken: step.mfaToken,
        code: await totp(start.body.secret),
      });
      expect(done.status).toBe(200);
      expect(done.body.recoveryCodes).toHaveLength(10);
      const api = http(stack.baseUrl, done.body.accessToken);
      expect((await api('GET', '/api/v1/me')).body).toMatchObject({ mfaEnabled: true, mfaRequired: true });
      expectProblem(
        await api('DELETE', '/api/v1/me/mfa', { code: await totp(start.body.secret, 1) }),
        403,
        'mfa_required_by_policy',
      );
      // Once the policy no longer requires it, the user may turn MFA off with a fresh code.
      await org.admin.api('PATCH', '/api/v1/admin/settings', { mfa: { requiredRoles: [] } });
      expect((await api('DELETE', '/api/v1/me/mfa', { code: await totp(start.body.secret, 1) })).status).toBe(204);
      expect((await signIn(u.email)).status).toBe('signed_in');
      const log = await org.admin.api('GET', `/api/v1/audit?targetId=${u.id}&action=auth.mfa_disabled`);
      expect(log.body.items).toHaveLength(1);
    } finally {
      await org.admin.api('PATCH', '/api/v1/admin/settings', { mfa: { requiredRoles: [] } });
    }
  });

  it('locks the second factor after repeated wrong codes, even across fresh sign-ins', async () => {
    const u = await newUser();
    const { secret } = await enrol((await signIn(u.email)).accessToken);
    const wrong = async () => {
      // A correct password between guesses must not reset the second-factor count.
      const step = await signIn(u.email);
      return anon()('POST', '/api/v1/auth/mfa/verify', { mfaToken: step.mfaToken, code: '000000' });
    };
    expectProblem(await wrong(), 401, 'invalid_mfa_code');
    expectProblem(await wrong(), 401, 'invalid_mfa_code');
    expectProblem(await wrong(), 423, 'account_locked');
    const step = await signIn(u.email);
    expectProblem(
      await anon()('POST', '/api/v1/auth/mfa/verify', { mfaToken: step.mfaToken, code: await totp(secret, 1) }),
      423,
      'account_locked',
    );
    await org.admin.api('POST', `/api/v1/admin/users/${u.id}/unlock`);
    const ok = await anon()('POST', '/api/v1/auth/mfa/verify', {
      mfaToken: step.mfaToken,
      code: await totp(secret, 1),
    });
    expect(ok.status).toBe(200);
  });

  it('replacing an enrolled authenticator needs a current code', async () => {
    const u = await newUser();
    const { accessToken } = await signIn(u.email);
    const { secret } = await enrol(accessToken);
    const api = http(stack.baseUrl, accessToken);
    expectProblem(await api('POST', '/api/v1/me/mfa'), 401, 'invalid_mfa_code');
    expectProblem(await api('POST', '/api/v1/me/mfa', { code: '123456' }), 401, 'invalid_mfa_code');
    const again = await api('POST', '/api/v1/me/mfa', { code: await totp(secret, 1) });
    expect(again.status).toBe(200);
    expect(again.body.secret).not.toBe(secret);
    // The new authenticator's first code may fall in the very 30 seconds the old one's code did.
    const confirmed = await api('POST', '/api/v1/me/mfa/confirm', { code: await totp(again.body.secret, 1) });
    expect(confirmed.status).toBe(200);
    expectProblem(
      await api('POST', '/api/v1/me/mfa/confirm', { code: await totp(again.body.secret, 1) }),
      409,
      'no_enrollment',
    );
  });

  it('of recovery codes used at the same moment, each is accepted once and none fails', async () => {
    const u = await newUser();
    const { recoveryCodes } = await enrol((await signIn(u.email)).accessToken);
    const steps = await Promise.all([0, 1, 2, 3].map(() => signIn(u.email)));
    const codes = [recoveryCodes[2], recoveryCodes[3], recoveryCodes[2], recoveryCodes[4]];
    const results = await Promise.all(
      steps.map((st, i) =>
        anon()('POST', '/api/v1/auth/mfa/verify', { mfaToken: st.mfaToken, recoveryCode: codes[i] }),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 200, 200, 401]);
  });
});

describe('sessions and refresh tokens', () => {
  it('rotates refresh tokens; a reused one ends the whole session', async () => {
    const u = await newUser();
    const first = await signIn(u.email);
    const r1 = await anon()('POST', '/api/v1/auth/refresh', { refreshToken: first.refreshToken });
    expect(r1.status).toBe(200);
    expect(r1.body.refreshToken).not.toBe(first.refreshToken);
    expect(r1.body.sessionId).toBe(first.sessionId);
    // The thief replays the first token from another client: refused, and the session (with the
    // legitimate new token) ends — even inside the grace that other tabs of one browser get.
    expectProblem(
      await anon()('POST', '/api/v1/auth/refresh', { refreshToken: first.refreshToken }, { 'user-agent': 'thief/1.0' }),
      401,
      'refresh_token_reused',
    );
    expectProblem(
      await anon()('POST', '/api/v1/auth/refresh', { refreshToken: r1.body.refreshToken }),
      401,
      'invalid_refresh_token',
    );
    expectProblem(await http(stack.baseUrl, r1.body.accessToken)('GET', '/api/v1/me'), 401, 'session_revoked');
    const log = await org.admin.api('GET', `/api/v1/audit?action=auth.refresh_token_reuse&targetId=${first.sessionId}`);
    expect(log.body.items).toHaveLength(1);
  });

  it('tabs of one browser refreshing with the same token at once share one successor, and the session lives on', async () => {
    const u = await newUser();
    const s = await signIn(u.email);
    const tab = { 'user-agent': 'Mozilla/5.0 (one browser)' };
    const results = await Promise.all(
      [1, 2, 3, 4].map(() => anon()('POST', '/api/v1/auth/refresh', { refreshToken: s.refreshToken }, tab)),
    );
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    // One chain: every tab got the same next token (the grace returns it, it makes no new one).
    expect(new Set(results.map((r) => r.body.refreshToken)).size).toBe(1);
    const next = results[0]!.body.refreshToken;
    const later = await anon()('POST', '/api/v1/auth/refresh', { refreshToken: next }, tab);
    expect(later.status).toBe(200);
    expect((await http(stack.baseUrl, later.body.accessToken)('GET', '/api/v1/me')).status).toBe(200);
    // Once the successor has been used, the old token is no longer a tab's late echo: theft.
    expectProblem(
      await anon()('POST', '/api/v1/auth/refresh', { refreshToken: s.refreshToken }, tab),
      401,
      'refresh_token_reused',
    );
    expect(
      (await org.admin.api('GET', `/api/v1/audit?action=auth.refresh_token_reuse&targetId=${s.sessionId}`)).body.items,
    ).toHaveLength(1);
  });

  it('a replay from the same browser after the grace is theft', async () => {
    const u = await newUser();
    const s = await signIn(u.email);
    expect((await anon()('POST', '/api/v1/auth/refresh', { refreshToken: s.refreshToken })).status).toBe(200);
    await new Promise((r) => setTimeout(r, REUSE_GRACE_MS + 500));
    expectProblem(
      await anon()('POST', '/api/v1/auth/refresh', { refreshToken: s.refreshToken }),
      401,
      'refresh_token_reused',
    );
  }, 30_000);

  it('logout ends the session; stored refresh tokens are hashes', async () => {
    const u = await newUser();
    const s = await signIn(u.email);
    const api = http(stack.baseUrl, s.accessToken);
    expect((await api('POST', '/api/v1/auth/logout')).status).toBe(204);
    expectProblem(await api('GET', '/api/v1/me'), 401, 'session_revoked');
    expectProblem(
      await anon()('POST', '/api/v1/auth/refresh', { refreshToken: s.refreshToken }),
      401,
      'invalid_refresh_token',
    );
    const rows = await stack.orm.em.fork().getConnection().execute('select token_hash from refresh_tokens');
    expect(rows.some((r: any) => r.token_hash === s.refreshToken)).toBe(false);
  });

  it('an admin can revoke all sessions of a user', async () => {
    const u = await newUser();
    const s1 = await signIn(u.email);
    const s2 = await signIn(u.email);
    const res = await org.admin.api('POST', `/api/v1/admin/users/${u.id}/sessions/revoke`);
    expect(res.body.revoked).toBe(2);
    for (const s of [s1, s2]) {
      expectProblem(await http(stack.baseUrl, s.accessToken)('GET', '/api/v1/me'), 401, 'session_revoked');
      expectProblem(
        await anon()('POST', '/api/v1/auth/refresh', { refreshToken: s.refreshToken }),
        401,
        'invalid_refresh_token',
      );
    }
  });

  it('times out an idle session and a session past its absolute lifetime', async () => {
    const u = await newUser();
    const idle = await signIn(u.email);
    const old = await signIn(u.email);
    // Move the clock of the stored sessions instead of waiting 30 minutes / 12 hours.
    await em().nativeUpdate(Session, { id: idle.sessionId }, { lastSeenAt: new Date(Date.now() - 31 * 60_000) });
    await em().nativeUpdate(Session, { id: old.sessionId }, { absoluteExpiresAt: new Date(Date.now() - 1000) });
    for (const s of [idle, old]) {
      expectProblem(await http(stack.baseUrl, s.accessToken)('GET', '/api/v1/me'), 401, 'session_expired');
      expectProblem(
        await anon()('POST', '/api/v1/auth/refresh', { refreshToken: s.refreshToken }),
        401,
        'session_expired',
      );
    }
    // Activity keeps a session alive: a fresh one still works.
    const fresh = await signIn(u.email);
    expect((await http(stack.baseUrl, fresh.accessToken)('GET', '/api/v1/me')).status).toBe(200);
  });

  it('a deactivated user is signed out at once', async () => {
    const u = await newUser();
    const s = await signIn(u.email);
    expect((await org.admin.api('PATCH', `/api/v1/admin/users/${u.id}`, { active: false })).status).toBe(200);
    expectProblem(await http(stack.baseUrl, s.accessToken)('GET', '/api/v1/me'), 401, 'session_revoked');
    expectProblem(await stack.login(u.email), 401, 'invalid_credentials');
  });
});

describe('password reset and invitations', () => {
  it('answers a reset request the same for known and unknown addresses, and the token works once', async () => {
    const u = await newUser();
    const s = await signIn(u.email);
    const known = await anon()('POST', '/api/v1/auth/password-reset', { email: u.email });
    const unknown = await anon()('POST', '/api/v1/auth/password-reset', { email: `ghost@${org.slug}.test` });
    expect([known.status, unknown.status]).toEqual([202, 202]);
    expect(known.body).toEqual(unknown.body);
    const token = await mailedToken(stack, org.id, u.email, 'password_reset');
    expectProblem(
      await anon()('POST', '/api/v1/auth/password-reset/confirm', { token, password: 'short' }),
      422,
      'password_policy',
    );
    const ok = await anon()('POST', '/api/v1/auth/password-reset/confirm', {
      token,
      password: 'a brand new passphrase',
    });
    expect(ok.status).toBe(204);
    expectProblem(
      await anon()('POST', '/api/v1/auth/password-reset/confirm', { token, password: 'yet another passphrase' }),
      400,
      'invalid_token',
    );
    // The reset ended existing sessions; the new password signs in.
    expectProblem(await http(stack.baseUrl, s.accessToken)('GET', '/api/v1/me'), 401, 'session_revoked');
    expect((await stack.login(u.email, 'a brand new passphrase')).status).toBe(200);
  });

  it('refuses an expired reset token', async () => {
    const u = await newUser();
    await anon()('POST', '/api/v1/auth/password-reset', { email: u.email });
    const token = await mailedToken(stack, org.id, u.email, 'password_reset');
    await stack.orm.em
      .fork()
      .getConnection()
      .execute(`update user_tokens set expires_at = now() - interval '1 second' where user_id = ?`, [u.id]);
    expectProblem(
      await anon()('POST', '/api/v1/auth/password-reset/confirm', { token, password: 'a brand new passphrase' }),
      400,
      'invalid_token',
    );
  });

  it('an invited user cannot sign in before accepting, and the invitation works once', async () => {
    const email = `invitee${Date.now()}@${org.slug}.test`;
    const invite = await org.admin.api('POST', '/api/v1/admin/users', { email, displayName: 'Invitee', role: 'agent' });
    expect(invite.body).toMatchObject({ invitationPending: true, role: 'agent' });
    expectProblem(await stack.login(email, PASSWORD), 401, 'invalid_credentials');
    const token = await mailedToken(stack, org.id, email, 'invitation');
    expect((await anon()('POST', '/api/v1/auth/invitation/accept', { token, password: PASSWORD })).status).toBe(204);
    expectProblem(
      await anon()('POST', '/api/v1/auth/invitation/accept', { token, password: PASSWORD }),
      400,
      'invalid_token',
    );
    expect((await stack.login(email, PASSWORD)).status).toBe(200);
    // A reset token is not an invitation token and vice versa.
    expectProblem(
      await anon()('POST', '/api/v1/auth/password-reset/confirm', { token, password: 'a brand new passphrase' }),
      400,
      'invalid_token',
    );
  });
});
