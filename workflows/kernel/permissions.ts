/**
 * The permission catalogue and each role's default grant. An organization admin may change a
 * role's grant (stored in role_permissions); the defaults apply until then.
 */
import type { Role } from './vocabulary.js';

export const PERMISSIONS = {
  'incident.create': 'Raise incidents',
  'incident.read': "Read every incident of the organization (without it: only one's own)",
  'incident.read_own': 'Read incidents one raised',
  'incident.update': 'Move incidents through their lifecycle',
  'incident.assign': 'Assign incidents to people and teams',
  'incident.comment': 'Comment on incidents one can read',
  'incident.work_note': 'Write and read internal work notes',
  'incident.history': "Read a ticket's workflow history",
  'request.create': 'Order from the service catalog',
  'request.read': "Read every service request of the organization (without it: only one's own)",
  'request.read_own': 'Read requests one ordered',
  'request.fulfil': "Complete the fulfilment tasks of one's teams",
  'catalog.manage': 'Edit the service catalog: categories, items, forms and field sets',
  'change.read': 'Read changes',
  'change.write': 'Raise and edit changes',
  'change.approve': 'Vote on changes as a CAB member',
  'cmdb.read': 'Read configuration items',
  'cmdb.write': 'Edit configuration items and their relations',
  'cmdb.classes': 'Define CI classes and their attributes',
  'flow.read': 'Read approval flows',
  'flow.design': 'Draft approval flows',
  'flow.publish': 'Publish approval flows',
  'sla.manage': 'Edit SLA policies and business calendars',
  'user.read': 'Read the people and teams directory',
  'user.manage': 'Invite, edit, deactivate and unlock users; revoke their sessions; reset their MFA',
  'team.manage': 'Create and edit teams, their members, skills and lead',
  'role.manage': 'Change which permissions each role has',
  'org.settings': "Change the organization's security settings",
  'apikey.manage': 'Create and revoke API keys',
  'audit.read': 'Read and verify the audit log',
  'audit.export': 'Export the audit log',
} as const;
export type Permission = keyof typeof PERMISSIONS;
export const PERMISSION_NAMES = Object.keys(PERMISSIONS) as Permission[];

/** Permissions an admin can never take away from the admin role, so nobody locks everyone out. */
export const ADMIN_FLOOR: readonly Permission[] = ['role.manage', 'user.manage'];

const AGENT: Permission[] = [
  'incident.create',
  'incident.read',
  'incident.update',
  'incident.assign',
  'incident.comment',
  'incident.work_note',
  'request.create',
  'request.read',
  'request.fulfil',
  'change.read',
  'change.write',
  'cmdb.read',
  'flow.read',
  'user.read',
];

export const DEFAULT_GRANTS: Record<Role, readonly Permission[]> = {
  admin: PERMISSION_NAMES,
  process_owner: [
    'incident.read',
    'incident.history',
    'request.create',
    'request.read',
    'catalog.manage',
    'change.read',
    'cmdb.read',
    'flow.read',
    'flow.design',
    'flow.publish',
    'sla.manage',
    'user.read',
  ],
  team_lead: [...AGENT, 'incident.history', 'cmdb.write'],
  agent: AGENT,
  cab_member: [
    'incident.read',
    'request.create',
    'request.read_own',
    'change.read',
    'change.approve',
    'cmdb.read',
    'user.read',
  ],
  requester: ['incident.create', 'incident.read_own', 'incident.comment', 'request.create', 'request.read_own'],
  auditor: [
    'incident.read',
    'incident.history',
    'request.read',
    'change.read',
    'cmdb.read',
    'flow.read',
    'user.read',
    'audit.read',
    'audit.export',
  ],
  integration: [
    'incident.create',
    'incident.read',
    'incident.update',
    'incident.assign',
    'incident.comment',
    'request.create',
    'request.read',
    'cmdb.read',
    'cmdb.write',
    'user.read',
  ],
};

/**
 * What a route requires: `public` (no sign-in), `authenticated` (any signed-in principal),
 * `person` (a signed-in person, not an API key: one's own password, MFA, session), one
 * permission, or any one of several.
 */
export type Requirement = 'public' | 'authenticated' | 'person' | Permission | readonly Permission[];

/** Whether a principal (its kind and granted permissions) satisfies a requirement. */
export function satisfies(kind: 'user' | 'api_key', granted: ReadonlySet<string>, req: Requirement): boolean {
  if (req === 'public' || req === 'authenticated') return true;
  if (req === 'person') return kind === 'user';
  if (typeof req === 'string') return granted.has(req);
  return req.some((p) => granted.has(p));
}

/** Permissions that include others: whoever reads every incident also reads their own. */
export const IMPLIED: Partial<Record<Permission, readonly Permission[]>> = {
  'incident.read': ['incident.read_own'],
  'request.read': ['request.read_own'],
};

/** A grant with what it implies added. */
export function withImplied(granted: Iterable<Permission>): Set<Permission> {
  const out = new Set(granted);
  for (const p of [...out]) for (const q of IMPLIED[p] ?? []) out.add(q);
  return out;
}

/** Roles whose members may be assigned incidents. */
export const ASSIGNABLE_ROLES: readonly Role[] = ['admin', 'team_lead', 'agent', 'process_owner'];
