import { defineEntity, p } from '@mikro-orm/core';
import { baseProperties } from './base.js';
import { Organization } from './organization.js';
import { User } from './user.js';

export const TeamSchema = defineEntity({
  name: 'Team',
  tableName: 'teams',
  uniques: [{ properties: ['organization', 'name'] }],
  properties: {
    ...baseProperties,
    organization: () => p.manyToOne(Organization).index(),
    name: p.string().length(120),
    lead: () => p.manyToOne(User).nullable(),
  },
});
export class Team extends TeamSchema.class {}
TeamSchema.setClass(Team);

export const TeamMemberSchema = defineEntity({
  name: 'TeamMember',
  tableName: 'team_members',
  properties: {
    organization: () => p.manyToOne(Organization).index(),
    team: () => p.manyToOne(Team).primary(),
    user: () => p.manyToOne(User).primary(),
    // What the member can work on (matched against categories by auto-assignment).
    skills: p.json<string[]>().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export class TeamMember extends TeamMemberSchema.class {}
TeamMemberSchema.setClass(TeamMember);
