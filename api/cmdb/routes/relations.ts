/**
 * Relations and redundancy groups over HTTP. A relation's audit entry is keyed `<from>|<to>`, so
 * the history of either CI finds it.
 */
import { z } from 'zod';
import { RedundancyGroup } from '../../../db/entities/index.js';
import { notFound } from '../../kernel/errors.js';
import { type AnyRoute, authed, defineRoute } from '../../kernel/route.js';
import { loadItem } from '../items.js';
import {
  createGroup,
  createRelation,
  endRelation,
  groupDto,
  relationDto,
  relationsOf,
  updateGroup,
} from '../relations.js';
import * as S from '../schemas.js';

const tag = 'cmdb';
const byId = { 404: { description: 'Not found in your organization' } } as const;

export function relationRoutes(): AnyRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/cmdb/items/:id/relations',
      summary: "A CI's relations either way, as of a moment (now by default), or every one ever",
      tag,
      permission: 'cmdb.read',
      params: S.IdParams,
      query: S.RelationQuery,
      responses: { 200: { description: 'Relations', schema: z.object({ items: z.array(S.RelationDto) }) }, ...byId },
      handler: async (c, { params, query }) => {
        const ctx = authed(c);
        const { em } = ctx.state;
        await loadItem(em, params.id);
        const at = query.all === 'true' ? 'all' : query.at ? new Date(query.at) : new Date();
        ctx.body = { items: (await relationsOf(em, params.id, at)).map(relationDto) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/cmdb/relations',
      summary: 'Relate two CIs: `from` is `type` `to` (an application hosted on a server)',
      tag,
      permission: 'cmdb.write',
      audit: 'cmdb.relation.create',
      body: S.RelationBody,
      responses: {
        201: { description: 'Created', schema: S.RelationDto },
        409: {
          description:
            'The same relation holds already (relation_exists), it would close a cycle where none may be ' +
            '(relation_cycle, with `cycle`), or a CI is disposed (ci_disposed)',
        },
        422: { description: 'The classes may not be related so (relation_not_allowed), or a CI or group is unknown' },
      },
      handler: async (c, { body }) => {
        const ctx = authed(c);
        const { em, principal } = ctx.state;
        const r = await createRelation(em, principal.orgId, principal.userId, body);
        const dto = relationDto(r);
        ctx.state.audit = {
          targetType: 'ci_relation',
          targetId: `${r.from.id}|${r.to.id}`,
          after: {
            relationId: r.id,
            type: r.type,
            from: dto.from.name,
            to: dto.to.name,
            validFrom: dto.validFrom,
            note: dto.note,
          },
        };
        ctx.status = 201;
        ctx.body = dto;
      },
    }),
    defineRoute({
      method: 'post',
      path: '/cmdb/relations/:id/end',
      summary: 'End a relation (now, or at a given moment); it stays readable as of any moment before',
      tag,
      permission: 'cmdb.write',
      audit: 'cmdb.relation.end',
      params: S.IdParams,
      body: S.EndRelationBody,
      responses: {
        200: { description: 'Ended', schema: S.RelationDto },
        ...byId,
        409: { description: 'It has ended already (relation_ended)' },
        422: { description: 'The end is before its beginning' },
      },
      handler: async (c, { params, body }) => {
        const ctx = authed(c);
        const { em, principal } = ctx.state;
        const r = await endRelation(em, principal.orgId, principal.userId, params.id, body.at);
        const dto = relationDto(r);
        ctx.state.audit = {
          targetType: 'ci_relation',
          targetId: `${r.from.id}|${r.to.id}`,
          before: { validTo: null },
          after: {
            relationId: r.id,
            type: r.type,
            from: dto.from.name,
            to: dto.to.name,
            validTo: dto.validTo,
            reason: body.reason ?? null,
          },
        };
        ctx.body = dto;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/cmdb/items/:id/groups',
      summary: 'The redundancy groups a CI relies on, with their current members',
      tag,
      permission: 'cmdb.read',
      params: S.IdParams,
      responses: { 200: { description: 'Groups', schema: z.object({ items: z.array(S.GroupDto) }) }, ...byId },
      handler: async (c, { params }) => {
        const ctx = authed(c);
        const { em } = ctx.state;
        await loadItem(em, params.id);
        const groups = await em.find(RedundancyGroup, { ci: params.id }, { orderBy: { name: 'asc' } });
        ctx.body = { items: await Promise.all(groups.map((g) => groupDto(em, g))) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/cmdb/groups',
      summary: 'Make a redundancy group: members a CI relies on together, `minUp` of which keep it up',
      description: 'Members join by relations from the CI that name the group (`groupId`).',
      tag,
      permission: 'cmdb.write',
      audit: 'cmdb.group.create',
      body: S.GroupBody,
      responses: {
        201: { description: 'Created', schema: S.GroupDto },
        409: { description: 'The CI has a group of this name (name_taken)' },
        422: { description: 'No such CI' },
      },
      handler: async (c, { body }) => {
        const ctx = authed(c);
        const { em, principal } = ctx.state;
        const g = await createGroup(em, principal.orgId, body);
        ctx.state.audit = { targetType: 'ci_group', targetId: `${body.ciId}|${g.id}`, after: body };
        ctx.status = 201;
        ctx.body = await groupDto(em, g);
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/cmdb/groups/:id',
      summary: 'Rename a redundancy group or change how many members must be up',
      tag,
      permission: 'cmdb.write',
      audit: 'cmdb.group.update',
      params: S.IdParams,
      body: S.GroupPatch,
      responses: { 200: { description: 'Changed', schema: S.GroupDto }, ...byId },
      handler: async (c, { params, body }) => {
        const ctx = authed(c);
        const { em, principal } = ctx.state;
        const { group, before } = await updateGroup(em, principal.orgId, params.id, body);
        if (!group) throw notFound('Redundancy group');
        ctx.state.audit = { targetType: 'ci_group', targetId: `${group.ci.id}|${group.id}`, before, after: body };
        ctx.body = await groupDto(em, group);
      },
    }),
  ];
}
