/** The incident module: its service, routes, and what of it refers to teams. */
import type { Client } from '@temporalio/client';
import { Incident } from '../../db/entities/index.js';
import type { Orm } from '../../db/orm.js';
import type { ApiModule } from '../kernel/modules.js';
import type { TemporalTimeouts } from '../kernel/temporal-calls.js';
import type { AuditLog } from '../platform/audit.js';
import { deskRoutes } from './routes/desk.js';
import { incidentRoutes } from './routes/incidents.js';
import { ratingRoutes } from './routes/ratings.js';
import * as S from './schemas.js';
import { IncidentService } from './service.js';
import { ownNumber } from '../kernel/command-route.js';
import { isTerminal } from '../../workflows/kernel/incident-lifecycle.js';
import { parseTicketReference, parseTicketWorkflowId } from '../../workflows/kernel/ticket-types.js';

export function incidentModule(deps: {
  orm: Orm;
  temporal: Client;
  audit: AuditLog;
  autoCloseAfterMs: number;
  taskQueue?: string | undefined;
  temporalTimeouts?: TemporalTimeouts | undefined;
  /** Signs rating links. */
  linkSecret: string;
}): ApiModule {
  const service = new IncidentService({
    temporal: deps.temporal,
    autoCloseAfterMs: deps.autoCloseAfterMs,
    taskQueue: deps.taskQueue,
    timeouts: deps.temporalTimeouts,
  });
  return {
    name: 'incident',
    routes: [
      ...deskRoutes(),
      ...incidentRoutes(service),
      ...ratingRoutes(service, deps.orm, deps.audit, deps.linkSecret),
    ],
    feed: {
      event: 'incident',
      type: 'incident',
      table: 'incidents',
      read: 'incident.read',
      readOwn: 'incident.read_own',
    },
    contract: { Incident: S.Incident, IncidentPage: S.IncidentPage, TimelineEntry: S.TimelineEntry },
    attachments: {
      path: 'incidents',
      type: 'incident',
      async ticket(em, principal, key) {
        const i = await service.load(
          em,
          principal,
          ownNumber(principal, parseTicketReference('incident', key), 'Incident'),
        );
        return {
          workflowId: i.workflowId,
          open: !isTerminal(i.status) && principal.permissions.has('incident.comment'),
        };
      },
      async readable(em, principal, workflowId) {
        const ref = parseTicketWorkflowId(workflowId);
        if (!ref || ref.orgSlug !== principal.orgSlug) return false;
        return service.load(em, principal, ref.number).then(
          () => true,
          () => false,
        );
      },
    },
    references: {
      team: async (em, teamId) =>
        (await em.count(Incident, { team: teamId })) ? 'Incidents refer to this team; rename it instead' : null,
    },
  };
}
