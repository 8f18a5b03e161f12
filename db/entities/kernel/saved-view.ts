import { defineEntity, p } from '@mikro-orm/core';
import { baseProperties } from './base.js';
import { Organization } from './organization.js';
import { User } from './user.js';

/**
 * A list's filters saved under a name by a person (the CMDB's CI list first): their own, or shared
 * with the organization. `scope` names the list; `query` is its filters as query parameters.
 */
export const SavedViewSchema = defineEntity({
  name: 'SavedView',
  tableName: 'saved_views',
  indexes: [{ properties: ['organization', 'scope'] }],
  properties: {
    ...baseProperties,
    organization: () => p.manyToOne(Organization),
    owner: () => p.manyToOne(User),
    scope: p.string().length(40),
    name: p.string().length(80),
    query: p.json<Record<string, string>>(),
    shared: p.boolean().default(false),
  },
});
export class SavedView extends SavedViewSchema.class {}
SavedViewSchema.setClass(SavedView);
