import { defineEntity, p } from '@mikro-orm/core';
import { baseProperties } from './base.js';
import { Organization } from './organization.js';
import { User } from './user.js';

import { ASSIGNMENT_STRATEGIES } from '../../../workflows/kernel/vocabulary.js';

export { ASSIGNMENT_STRATEGIES, type AssignmentStrategy } from '../../../workflows/kernel/vocabulary.js';

export const TeamSchema = defineEntity({
  name: 'Team',
  tableName: 'teams',
  uniques: [{ properties: ['organization', 'name'] }],
  properties: {
    ...baseProperties,
    organization: () => p.manyToOne(Organization).index(),
    name: p.string().length(120),
    lead: () => p.manyToOne(User).nullable(),
    /** How new incidents routed to the team get an assignee. */
    assignment: p.enum(ASSIGNMENT_STRATEGIES).default('none'),
    /** Incident categories routed to this team when an incident names no team. */
    categories: p.json<string[]>().nullable(),
    /** Round-robin turn counter, advanced atomically by each automatic assignment. */
    turn: p.integer().default(0),
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

/** The automatic assignment made for an incident, once: a retried activity returns the same one. */
export const AssignmentDecisionSchema = defineEntity({
  name: 'AssignmentDecision',
  tableName: 'assignment_decisions',
  properties: {
    workflowId: p.string().length(80).primary(),
    organization: () => p.manyToOne(Organization).index(),
    teamId: p.uuid().nullable(),
    assigneeId: p.uuid().nullable(),
    strategy: p.string().length(20),
    createdAt: p.datetime(),
  },
});
export class AssignmentDecision extends AssignmentDecisionSchema.class {}
AssignmentDecisionSchema.setClass(AssignmentDecision);
