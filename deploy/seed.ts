/** Seeds the demo organization once: an admin, two agents in a team, and a requester. */
import { randomBytes } from 'node:crypto';
import { hashPassword } from '../api/platform/auth.js';
import { Organization, Team, TeamMember, User, type Role } from '../db/entities/index.js';
import { type Orm, TENANT_FILTER } from '../db/orm.js';

export interface SeededUser {
  email: string;
  password: string;
  role: Role;
}

const DEMO_USERS: { email: string; displayName: string; role: Role; team: boolean }[] = [
  { email: 'admin@demo.lintas.local', displayName: 'Ayu Admin', role: 'admin', team: false },
  { email: 'agent1@demo.lintas.local', displayName: 'Budi Agent', role: 'agent', team: true },
  { email: 'agent2@demo.lintas.local', displayName: 'Citra Agent', role: 'agent', team: true },
  { email: 'requester@demo.lintas.local', displayName: 'Dewi Requester', role: 'requester', team: false },
  { email: 'auditor@demo.lintas.local', displayName: 'Eko Auditor', role: 'auditor', team: false },
];

/** Creates the demo organization if it does not exist; returns the credentials only when it did. */
export async function seedDemo(orm: Orm, bcryptCost: number): Promise<SeededUser[] | null> {
  const em = orm.em.fork();
  if (await em.findOne(Organization, { slug: 'demo' })) return null;
  const org = em.create(Organization, { slug: 'demo', name: 'Demo Company' });
  em.setFilterParams(TENANT_FILTER, { orgId: org.id });
  const team = em.create(Team, { organization: org, name: 'Service Desk' });
  const seeded: SeededUser[] = [];
  for (const u of DEMO_USERS) {
    const password = randomBytes(9).toString('base64url');
    const user = em.create(User, {
      organization: org,
      email: u.email,
      displayName: u.displayName,
      role: u.role,
      active: true,
      passwordHash: await hashPassword(password, bcryptCost),
    });
    if (u.team) em.create(TeamMember, { organization: org, team, user });
    seeded.push({ email: u.email, password, role: u.role });
  }
  await em.flush();
  return seeded;
}
