/** The CMDB module (issue 15): classes, configuration items, relations and groups, history, impact. */
import { ConfigurationItem } from '../../db/entities/index.js';
import type { Client } from '@temporalio/client';
import type { ApiModule } from '../kernel/modules.js';
import { TASK_QUEUE } from '../../workflows/runtime/contract.js';
import { ReminderSync } from './reminders.js';
import { GraphCache } from './graph.js';
import { classRoutes } from './routes/classes.js';
import { discoveryRoutes } from './routes/discovery.js';
import { impactRoutes } from './routes/impact.js';
import { itemRoutes } from './routes/items.js';
import { relationRoutes } from './routes/relations.js';
import * as S from './schemas.js';

export function cmdbModule(deps: { temporal: Client; taskQueue?: string | undefined }): ApiModule {
  const graphs = new GraphCache();
  const reminders = new ReminderSync(deps.temporal, deps.taskQueue ?? TASK_QUEUE);
  return {
    name: 'cmdb',
    routes: [
      ...classRoutes(),
      ...itemRoutes(reminders),
      ...discoveryRoutes(reminders),
      ...relationRoutes(),
      ...impactRoutes(graphs),
    ],
    contract: {
      CiClass: S.ClassDto,
      ConfigurationItem: S.ItemDto,
      CiRelation: S.RelationDto,
      RedundancyGroup: S.GroupDto,
      Impact: S.ImpactDto,
      CmdbHealth: S.HealthDto,
      CiTickets: S.CiTickets,
      CiSource: S.SourceDto,
    },
    references: {
      team: async (em, teamId) =>
        (await em.count(ConfigurationItem, { ownerTeam: teamId }))
          ? 'Configuration items are owned by this team; give them another owner first'
          : null,
    },
  };
}
