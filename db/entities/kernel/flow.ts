import { defineEntity, p } from '@mikro-orm/core';
import type { Flow as FlowDefinition } from '../../../workflows/kernel/flow.js';
import { baseProperties } from './base.js';
import { Organization } from './organization.js';
import { User } from './user.js';

export const FLOW_VERSION_STATES = ['published', 'retired'] as const;

/**
 * An approval flow of the organization (a request's, later a change's) with its one draft: the
 * graph being edited, saved with a revision that every save must name (a save against a newer
 * revision is refused, never silently overwritten). Publishing copies the draft into a version.
 */
export const ApprovalFlowSchema = defineEntity({
  name: 'ApprovalFlow',
  tableName: 'flows',
  uniques: [{ properties: ['organization', 'name'] }],
  properties: {
    ...baseProperties,
    organization: () => p.manyToOne(Organization).index(),
    name: p.string().length(120),
    draft: p.json<FlowDefinition>(),
    /** Counts the draft's saves: a save or a publish names the revision it was made from. */
    draftRevision: p.integer().default(1),
    draftSavedAt: p.datetime(),
    draftSavedBy: () => p.manyToOne(User).nullable(),
  },
});
export class ApprovalFlow extends ApprovalFlowSchema.class {}
ApprovalFlowSchema.setClass(ApprovalFlow);

/**
 * A published version of a flow's graph: immutable, numbered 1, 2, … Publishing a new one retires
 * the version published before it. A request runs the snapshot of the version it started with.
 */
export const FlowVersionSchema = defineEntity({
  name: 'FlowVersion',
  tableName: 'flow_versions',
  uniques: [{ properties: ['flow', 'version'] }],
  properties: {
    ...baseProperties,
    organization: () => p.manyToOne(Organization).index(),
    flow: () => p.manyToOne(ApprovalFlow),
    version: p.integer(),
    definition: p.json<FlowDefinition>(),
    state: p.enum(FLOW_VERSION_STATES).default('published'),
    /** Who published it. */
    createdBy: () => p.manyToOne(User).nullable(),
    publishedAt: p.datetime().nullable(),
  },
});
export class FlowVersion extends FlowVersionSchema.class {}
FlowVersionSchema.setClass(FlowVersion);
