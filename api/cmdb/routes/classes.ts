/** CI classes over HTTP: everyone who reads the CMDB reads the tree; `cmdb.classes` edits it. */
import { z } from 'zod';
import { type AnyRoute, authed, defineRoute } from '../../kernel/route.js';
import { classDtos, createClass, updateClass } from '../classes.js';
import * as S from '../schemas.js';

const tag = 'cmdb';
const invalid = { 422: { description: 'The tree would have a problem (class_invalid), named at its field' } } as const;

export function classRoutes(): AnyRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/cmdb/classes',
      summary: 'The class tree: shipped classes and the organization’s own, each with every attribute it has',
      tag,
      permission: 'cmdb.read',
      responses: { 200: { description: 'Classes, root first', schema: z.object({ items: z.array(S.ClassDto) }) } },
      handler: async (c) => {
        const ctx = authed(c);
        ctx.body = { items: await classDtos(ctx.state.em, ctx.state.principal.orgId) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/cmdb/classes',
      summary: 'Add a class below another, with attributes of its own',
      tag,
      permission: 'cmdb.classes',
      audit: 'cmdb.class.create',
      body: S.ClassBody,
      responses: {
        201: { description: 'Created', schema: S.ClassDto },
        409: { description: 'The key is taken (key_taken)' },
        ...invalid,
      },
      handler: async (c, { body }) => {
        const ctx = authed(c);
        const { em, principal } = ctx.state;
        const row = await createClass(em, principal.orgId, body);
        ctx.state.audit = { targetType: 'ci_class', targetId: row.key, after: body };
        ctx.status = 201;
        ctx.body = (await classDtos(em, principal.orgId)).find((x) => x.key === row.key);
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/cmdb/classes/:key',
      summary: 'Rename an own class or change its attributes; add attributes to a shipped class',
      tag,
      permission: 'cmdb.classes',
      audit: 'cmdb.class.update',
      params: S.ClassParams,
      body: S.ClassPatch,
      responses: {
        200: { description: 'Changed', schema: S.ClassDto },
        404: { description: 'No such class' },
        409: { description: 'An attribute taken away still has values (attribute_in_use)' },
        ...invalid,
      },
      handler: async (c, { params, body }) => {
        const ctx = authed(c);
        const { em, principal } = ctx.state;
        const { before, after } = await updateClass(em, principal.orgId, params.key, body);
        ctx.state.audit = {
          targetType: 'ci_class',
          targetId: params.key,
          before: { attributes: before },
          after: { ...body, attributes: after },
        };
        ctx.body = (await classDtos(em, principal.orgId)).find((x) => x.key === params.key);
      },
    }),
  ];
}
