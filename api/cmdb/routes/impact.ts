/** Impact analysis over HTTP: who suffers when CIs fail, graded; what a CI relies on; the CMDB's data quality. */
import { type AnyRoute, authed, defineRoute } from '../../kernel/route.js';
import { classTree } from '../classes.js';
import type { GraphCache } from '../graph.js';
import { cmdbHealth } from '../health.js';
import { dependencyAnswer, impactAnswer } from '../impact.js';
import { loadItem } from '../items.js';
import * as S from '../schemas.js';

const tag = 'cmdb';

export function impactRoutes(graphs: GraphCache): AnyRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/cmdb/impact',
      summary: 'What suffers when these CIs are down or degraded: graded, ranked, with the path and the rule',
      description:
        'Walks from the CIs down or degraded along relations to those that suffer from them, up to `depth` steps over `types`, as ' +
        'of `at`. Each affected CI is down, degraded or at risk, with the path from a failed CI and the rule that graded ' +
        'it (a relation, or a redundancy group: "1 of 2 in web farm down, needs 1"); the worst and most critical first.',
      tag,
      permission: 'cmdb.read',
      query: S.ImpactQuery,
      responses: {
        200: { description: 'The graded impact', schema: S.ImpactDto },
        400: { description: 'No CI named, or one unknown in your organization (invalid_parameter)' },
      },
      handler: async (c, { query }) => {
        const ctx = authed(c);
        const { em, principal } = ctx.state;
        const [graph, tree] = await Promise.all([graphs.get(em, principal.orgId), classTree(em)]);
        ctx.body = await impactAnswer(em, principal, graph, tree, query);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/cmdb/items/:id/dependencies',
      summary: 'What a CI relies on, nearest first: the CIs whose failure would reach it',
      tag,
      permission: 'cmdb.read',
      params: S.IdParams,
      query: S.DependencyQuery,
      responses: { 200: { description: 'Dependencies', schema: S.DependencyDto }, 404: { description: 'No such CI' } },
      handler: async (c, { params, query }) => {
        const ctx = authed(c);
        const { em, principal } = ctx.state;
        await loadItem(em, params.id);
        const [graph, tree] = await Promise.all([graphs.get(em, principal.orgId), classTree(em)]);
        ctx.body = await dependencyAnswer(em, graph, tree, params.id, query);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/cmdb/health',
      summary:
        'Data quality per class: CIs missing a required attribute, without an owner, stale, or orphaned; a score each',
      tag,
      permission: 'cmdb.read',
      query: S.HealthQuery,
      responses: { 200: { description: 'The classes, worst first', schema: S.HealthDto } },
      handler: async (c, { query }) => {
        const ctx = authed(c);
        const { em, principal } = ctx.state;
        const tree = await classTree(em);
        const classes = await cmdbHealth(em, principal.orgId, tree, query.staleDays);
        ctx.body = {
          staleDays: query.staleDays,
          classes: classes.map((h) => ({ ...h, className: tree.get(h.classKey)?.name ?? { en: h.classKey } })),
        };
      },
    }),
  ];
}
