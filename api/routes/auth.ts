import { z } from 'zod';
import { Organization, User } from '../../db/entities/index.js';
import type { Auth } from '../auth.js';
import { notFound } from '../errors.js';
import { type AnyRoute, authed, defineRoute } from '../route.js';
import * as S from '../schemas.js';

export function authRoutes(auth: Auth): AnyRoute[] {
  return [
    defineRoute({
      method: 'post',
      path: '/auth/login',
      summary: 'Sign in with e-mail and password; returns a bearer token',
      tag: 'auth',
      auth: false,
      body: S.LoginBody,
      responses: {
        200: { description: 'Signed in', schema: S.TokenResponse },
        401: { description: 'Wrong e-mail or password' },
        422: { description: 'Malformed body' },
      },
      handler: async (ctx) => {
        const principal = await auth.login(ctx);
        ctx.body = auth.issueToken(principal);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/me',
      summary: 'The signed-in user and organization',
      tag: 'auth',
      auth: true,
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
          organization: { id: org.id, slug: org.slug, name: org.name },
        };
        ctx.body = me;
      },
    }),
  ];
}
