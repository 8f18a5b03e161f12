/** Admin: API keys of service accounts, shown once, revocable. */
import { z } from 'zod';
import { ApiKey, User } from '../../../../db/entities/index.js';
import { API_KEY_PREFIX } from '../../auth.js';
import { notFound } from '../../../kernel/errors.js';
import { DEFAULT_GRANTS, type Permission } from '../../../../workflows/kernel/permissions.js';
import { type AnyRoute, authed, defineRoute } from '../../../kernel/route.js';
import { randomToken, sha256 } from '../../../../activities/kernel/secrets.js';

import { IdParams, Name120, iso, noEscalation, uuid } from './common.js';

const ApiKeyDto = z.object({
  id: uuid,
  name: z.string(),
  fingerprint: z.string().describe('first characters of the stored hash, to tell keys apart'),
  scopes: z.array(z.string()),
  serviceAccountId: uuid,
  createdAt: z.string(),
  expiresAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});

function keyDto(k: ApiKey): z.infer<typeof ApiKeyDto> {
  return {
    id: k.id,
    name: k.name,
    fingerprint: k.secretHash.slice(0, 12),
    scopes: k.scopes,
    serviceAccountId: k.serviceAccount.id,
    createdAt: k.createdAt.toISOString(),
    expiresAt: iso(k.expiresAt),
    lastUsedAt: iso(k.lastUsedAt),
    revokedAt: iso(k.revokedAt),
  };
}

export function adminApiKeyRoutes(): AnyRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/admin/api-keys',
      summary: 'API keys (secrets are never shown again)',
      tag: 'admin',
      permission: 'apikey.manage',
      responses: { 200: { description: 'Keys', schema: z.object({ items: z.array(ApiKeyDto) }) } },
      handler: async (c) => {
        const ctx = authed(c);
        const keys = await ctx.state.em.find(ApiKey, {}, { orderBy: { createdAt: 'desc' } });
        ctx.body = { items: keys.map(keyDto) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/admin/api-keys',
      summary: 'Create an API key for an integration; the secret is in this answer only',
      tag: 'admin',
      permission: 'apikey.manage',
      audit: 'apikey.create',
      body: z.strictObject({
        name: Name120,
        scopes: z
          .array(z.enum(DEFAULT_GRANTS.integration as [Permission, ...Permission[]]))
          .min(1)
          .max(20),
        expiresInDays: z.number().int().min(1).max(730).optional(),
      }),
      responses: { 201: { description: 'Created', schema: ApiKeyDto.extend({ key: z.string() }) } },
      handler: async (c, { body }) => {
        const ctx = authed(c);
        const { em, principal } = ctx.state;
        noEscalation(ctx, body.scopes, 'create a key with these scopes');
        const secret = `${API_KEY_PREFIX}${randomToken(32)}`;
        const now = new Date();
        const secretHash = sha256(secret);
        const account = em.create(User, {
          organization: principal.orgId,
          email: `apikey-${secretHash.slice(0, 12)}@${principal.orgSlug}.integrations.invalid`,
          displayName: `API key: ${body.name}`,
          role: 'integration',
          active: true,
          passwordHash: null,
        });
        const key = em.create(ApiKey, {
          organization: principal.orgId,
          serviceAccount: account,
          name: body.name,
          secretHash,
          scopes: [...new Set(body.scopes)].sort(),
          createdBy: principal.userId,
          createdAt: now,
          expiresAt: body.expiresInDays ? new Date(now.getTime() + body.expiresInDays * 86_400_000) : null,
        });
        await em.flush();
        ctx.state.audit = { targetType: 'api_key', targetId: key.id, after: { name: key.name, scopes: key.scopes } };
        ctx.status = 201;
        ctx.body = { ...keyDto(key), key: secret };
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/admin/api-keys/:id',
      summary: 'Revoke an API key (at once; its service account is deactivated)',
      tag: 'admin',
      permission: 'apikey.manage',
      audit: 'apikey.revoke',
      params: IdParams,
      responses: { 204: { description: 'Revoked' }, 404: { description: 'No such key' } },
      handler: async (c, { params }) => {
        const ctx = authed(c);
        const { em } = ctx.state;
        const key = await em.findOne(ApiKey, { id: params.id });
        if (!key) throw notFound('API key');
        if (!key.revokedAt) {
          key.revokedAt = new Date();
          await em.nativeUpdate(User, { id: key.serviceAccount.id }, { active: false });
          await em.flush();
        }
        ctx.state.audit = { targetType: 'api_key', targetId: key.id, before: { name: key.name } };
        ctx.status = 204;
      },
    }),
  ];
}
