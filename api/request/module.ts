/** The service request module: the catalog, requests, approvals and fulfilment tasks. */
import type { Client } from '@temporalio/client';
import { CatalogItem, RequestTask, ServiceRequest } from '../../db/entities/index.js';
import { parseTicketReference } from '../../workflows/kernel/ticket-types.js';
import { TERMINAL_REQUEST_STATUSES } from '../../workflows/request/messages.js';
import { ownNumber } from '../kernel/command-route.js';
import type { Orm } from '../../db/orm.js';
import type { ApiModule } from '../kernel/modules.js';
import type { TemporalTimeouts } from '../kernel/temporal-calls.js';
import type { AuditLog } from '../platform/audit.js';
import { approvalRoutes } from './routes/approvals.js';
import { catalogRoutes } from './routes/catalog.js';
import { flowTrialRoutes } from './routes/flow-trials.js';
import { flowRoutes } from './routes/flows.js';
import { requestRoutes } from './routes/requests.js';
import * as S from './schemas.js';
import { DEFAULT_RATING_WINDOW_MS, RequestService } from './service.js';

export function requestModule(deps: {
  orm: Orm;
  temporal: Client;
  audit: AuditLog;
  taskQueue?: string | undefined;
  temporalTimeouts?: TemporalTimeouts | undefined;
  /** Signs approval links (the worker signs them with the same secret). */
  linkSecret: string;
  ratingWindowMs?: number | undefined;
}): ApiModule {
  const service = new RequestService({
    temporal: deps.temporal,
    taskQueue: deps.taskQueue,
    timeouts: deps.temporalTimeouts,
    ratingWindowMs: deps.ratingWindowMs ?? DEFAULT_RATING_WINDOW_MS,
  });
  return {
    name: 'request',
    routes: [
      ...catalogRoutes(service.catalog),
      ...flowRoutes(service.catalog),
      ...flowTrialRoutes(),
      ...requestRoutes(service),
      ...approvalRoutes(service, deps.orm, deps.audit, deps.linkSecret),
    ],
    feed: {
      event: 'request',
      type: 'request',
      table: 'requests',
      read: 'request.read',
      readOwn: 'request.read_own',
      // Approvers hear of the requests they are asked on (their inbox changes with them).
      participants: `(select coalesce(array_agg(a.user_id::text), '{}') from request_approvals a
        where a.organization_id = requests.organization_id and a.request_workflow_id = requests.workflow_id)`,
    },
    contract: {
      ServiceRequest: S.ServiceRequest,
      RequestFlow: S.RequestFlow,
      RequestPage: S.RequestPage,
      CatalogItem: S.CatalogItem,
      PortalCatalog: S.PortalCatalog,
      ApprovalRow: S.ApprovalRow,
      TaskRow: S.TaskRow,
      LinkInfo: S.LinkInfo,
      VoteAnswer: S.VoteAnswer,
      CatalogCategory: S.Category,
      FieldSet: S.FieldSet,
    },
    attachments: {
      path: 'requests',
      type: 'request',
      async ticket(em, principal, key) {
        const r = await service.load(
          em,
          principal,
          ownNumber(principal, parseTicketReference('request', key), 'Request'),
        );
        return { workflowId: r.workflowId, open: !TERMINAL_REQUEST_STATUSES.includes(r.status) };
      },
      async readable(em, principal, workflowId) {
        const r = await em.findOne(ServiceRequest, { workflowId });
        return !!r && (await service.mayRead(em, principal, r));
      },
    },
    references: {
      team: async (em, teamId) => {
        const items = await em.find(CatalogItem, {});
        if (items.some((i) => i.fulfilmentTeam?.id === teamId || i.audienceTeamIds.includes(teamId)))
          return 'Catalog items refer to this team; rename it instead';
        return (await em.count(RequestTask, { team: teamId }))
          ? 'Request tasks refer to this team; rename it instead'
          : null;
      },
    },
  };
}
