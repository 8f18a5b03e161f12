import { defineEntity, p } from '@mikro-orm/core';
import type { Flow as FlowDefinition } from '../../../workflows/kernel/flow.js';
import { baseProperties } from './base.js';
import { Organization } from './organization.js';
import { User } from './user.js';

export const FLOW_VERSION_STATES = ['draft', 'published', 'retired'] as const;

/** An approval flow of the organization (a request's, later a change's): its versions follow. */
export const ApprovalFlowSchema = defineEntity({
  name: 'ApprovalFlow',
  tableName: 'flows',
  uniques: [{ properties: ['organization', 'name'] }],
  properties: {
    ...baseProperties,
    organization: () => p.manyToOne(Organization).index(),
    name: p.string().length(120),
  },
});
export class ApprovalFlow extends ApprovalFlowSchema.class {}
ApprovalFlowSchema.setClass(ApprovalFlow);

/**
 * One version of a flow's graph. Drafts are saved as new versions; publishing one retires the
 * version published before it. A request runs the snapshot of the version it started with.
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
    state: p.enum(FLOW_VERSION_STATES).default('draft'),
    createdBy: () => p.manyToOne(User).nullable(),
    publishedAt: p.datetime().nullable(),
  },
});
export class FlowVersion extends FlowVersionSchema.class {}
FlowVersionSchema.setClass(FlowVersion);
