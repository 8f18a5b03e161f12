/** The organization-admin API: users, teams, roles and permissions, settings and API keys. */
import type { RecordReferences } from '../../../kernel/modules.js';
import type { AnyRoute } from '../../../kernel/route.js';
import type { Account } from '../../account/index.js';
import type { Auth } from '../../auth.js';
import { adminApiKeyRoutes } from './api-keys.js';
import { adminRoleRoutes } from './roles.js';
import { adminSettingsRoutes } from './settings.js';
import { adminTeamRoutes } from './teams.js';
import { adminUserRoutes } from './users.js';

export function adminRoutes(auth: Auth, account: Account, references: RecordReferences): AnyRoute[] {
  return [
    ...adminUserRoutes(auth, account),
    ...adminTeamRoutes(references),
    ...adminRoleRoutes(),
    ...adminSettingsRoutes(),
    ...adminApiKeyRoutes(),
  ];
}
