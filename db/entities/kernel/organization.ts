import { defineEntity, p } from '@mikro-orm/core';
import { baseProperties } from './base.js';

/** A tenant. `slug` prefixes every workflow id of the organization. */
export const OrganizationSchema = defineEntity({
  name: 'Organization',
  tableName: 'organizations',
  properties: {
    ...baseProperties,
    slug: p.string().length(40).unique(),
    name: p.string().length(200),
    // Security policy overrides (MFA, password, sessions); defaults live in workflows/kernel/org-settings.ts.
    settings: p.json<Record<string, unknown>>().nullable(),
  },
});
export class Organization extends OrganizationSchema.class {}
OrganizationSchema.setClass(Organization);
