import { IdempotencyKey } from './idempotency-key.js';
import { Incident, IncidentEvent } from './incident.js';
import { Organization } from './organization.js';
import { Team, TeamMember } from './team.js';
import { User } from './user.js';

export { IdempotencyKey, Incident, IncidentEvent, Organization, Team, TeamMember, User };
export { ROLES, type Role } from './user.js';

/** Every entity, listed explicitly (folder discovery breaks under bundlers and Jest). */
export const ENTITIES = [Organization, User, Team, TeamMember, Incident, IncidentEvent, IdempotencyKey];

/** Entities owned by a tenant: the `tenant` filter applies to each. */
export const TENANT_ENTITIES = [User, Team, TeamMember, Incident, IncidentEvent, IdempotencyKey];
