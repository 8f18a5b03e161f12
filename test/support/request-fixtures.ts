/** What the request tests share: a two-level flow, a laptop form with a condition, the hardware team. */
import { hashPassword } from '../../api/platform/auth.js';
import { Team, TeamMember, User } from '../../db/entities/index.js';
import { TENANT_FILTER } from '../../db/orm.js';
import { PASSWORD, type Stack, type TestOrg } from './stack.js';

export interface Someone {
  id: string;
  email: string;
}

/** The manager approves, then 2 of 3 of a team; either rejection rejects. */
export const twoLevelFlow = (teamId: string) => ({
  nodes: [
    { id: 'start', type: 'start' },
    { id: 'manager', type: 'approval', label: 'Manager', approvers: [{ kind: 'manager' }], rule: { kind: 'any' } },
    {
      id: 'team',
      type: 'approval',
      label: 'Hardware team',
      approvers: [{ kind: 'team', teamId }],
      rule: { kind: 'n_of_m', n: 2 },
    },
    { id: 'approved', type: 'end', outcome: 'approved' },
    { id: 'rejected', type: 'end', outcome: 'rejected' },
  ],
  edges: [
    { from: 'start', to: 'manager' },
    { from: 'manager', to: 'team', when: 'approved' },
    { from: 'manager', to: 'rejected', when: 'rejected' },
    { from: 'team', to: 'approved', when: 'approved' },
    { from: 'team', to: 'rejected', when: 'rejected' },
  ],
});

/** A model to choose; a reason shown and required only for a power laptop; optionally a quote file. */
export const laptopForm = (o: { defaultModel?: string; quote?: boolean } = {}) => [
  {
    id: 'model',
    type: 'choice',
    label: { en: 'Model', id: 'Model' },
    required: true,
    options: [
      { value: 'standard', label: { en: 'Standard' } },
      { value: 'power', label: { en: 'Power user' } },
    ],
    ...(o.defaultModel ? { default: o.defaultModel } : {}),
  },
  {
    id: 'reason',
    type: 'long_text',
    label: { en: 'Why a power laptop?', id: 'Mengapa laptop bertenaga?' },
    visibleWhen: { field: 'model', op: 'eq', value: 'power' },
    requiredWhen: { field: 'model', op: 'eq', value: 'power' },
  },
  ...(o.quote ? [{ id: 'quote', type: 'attachment', label: { en: 'Supplier quote', id: 'Penawaran pemasok' } }] : []),
];

/**
 * People beyond a test organization's own: Maya Manager (a team lead, the requester's manager) and
 * the Hardware team of three agents, Ana, Budi and Citra (e-mail: first name @ the org's domain).
 */
export async function addHardwareTeam(
  stack: Stack,
  org: TestOrg,
): Promise<{ manager: Someone; members: [Someone, Someone, Someone]; teamId: string }> {
  const em = stack.orm.em.fork();
  em.setFilterParams(TENANT_FILTER, { orgId: org.id });
  const hash = await hashPassword(PASSWORD, 12);
  const mk = (name: string, role: User['role']) =>
    em.create(User, {
      organization: org.id,
      email: `${name.split(' ')[0]!.toLowerCase()}@${org.slug}.test`,
      displayName: name,
      role,
      active: true,
      passwordHash: hash,
    });
  const manager = mk('Maya Manager', 'team_lead');
  const members = ['Ana', 'Budi', 'Citra'].map((n) => mk(n, 'agent'));
  const team = em.create(Team, { organization: org.id, name: 'Hardware' });
  await em.flush();
  for (const m of members) em.create(TeamMember, { organization: org.id, team, user: m });
  await em.flush();
  const set = await org.admin.api('PATCH', `/api/v1/admin/users/${org.requester.id}`, { managerId: manager.id });
  if (set.status !== 200) throw new Error(`setting the requester's manager answered ${set.status}`);
  const someone = (u: User): Someone => ({ id: u.id, email: u.email });
  return {
    manager: someone(manager),
    members: members.map(someone) as [Someone, Someone, Someone],
    teamId: team.id,
  };
}
