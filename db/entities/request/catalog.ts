/**
 * The service catalog: categories of items people order, the items (their form, flow, fulfilment
 * team and SLA), and field sets several forms reuse. Edited by catalog managers; a request keeps
 * what it was ordered with (the item's form answers and the flow version's snapshot).
 */
import { defineEntity, p } from '@mikro-orm/core';
import type { FormField } from '../../../workflows/kernel/form.js';
import { baseProperties } from '../kernel/base.js';
import { ApprovalFlow } from '../kernel/flow.js';
import { Organization } from '../kernel/organization.js';
import { SlaPolicy } from '../kernel/sla.js';
import { Team } from '../kernel/team.js';

/** A name in the languages the app speaks (English required). */
export type Localized = { en: string; id?: string | undefined };

export const CatalogCategorySchema = defineEntity({
  name: 'CatalogCategory',
  tableName: 'catalog_categories',
  uniques: [{ properties: ['organization', 'key'] }],
  properties: {
    ...baseProperties,
    organization: () => p.manyToOne(Organization),
    /** The English name folded for comparison. */
    key: p.string().length(120),
    name: p.json<Localized>(),
    description: p.json<Localized>().nullable(),
    icon: p.string().length(60).nullable(),
    sortOrder: p.integer().default(0),
    active: p.boolean().default(true),
  },
});
export class CatalogCategory extends CatalogCategorySchema.class {}
CatalogCategorySchema.setClass(CatalogCategory);

/** Fields several items' forms reuse ("Cost centre and budget owner"): copied in by reference. */
export const FieldSetSchema = defineEntity({
  name: 'FieldSet',
  tableName: 'catalog_field_sets',
  uniques: [{ properties: ['organization', 'key'] }],
  properties: {
    ...baseProperties,
    organization: () => p.manyToOne(Organization),
    key: p.string().length(120),
    name: p.string().length(120),
    fields: p.json<FormField[]>(),
  },
});
export class FieldSet extends FieldSetSchema.class {}
FieldSetSchema.setClass(FieldSet);

export const CatalogItemSchema = defineEntity({
  name: 'CatalogItem',
  tableName: 'catalog_items',
  uniques: [{ properties: ['organization', 'key'] }],
  indexes: [{ properties: ['organization', 'category'] }],
  properties: {
    ...baseProperties,
    organization: () => p.manyToOne(Organization),
    category: () => p.manyToOne(CatalogCategory),
    key: p.string().length(120),
    name: p.json<Localized>(),
    description: p.json<Localized>().nullable(),
    icon: p.string().length(60).nullable(),
    /** Who may order it: roles and/or teams (both empty: everyone in the organization). */
    audienceRoles: p.json<string[]>(),
    audienceTeamIds: p.json<string[]>(),
    /** The item's own fields, then the field sets it includes (by id), in this order. */
    fields: p.json<FormField[]>(),
    fieldSetIds: p.json<string[]>(),
    flow: () => p.manyToOne(ApprovalFlow).nullable(),
    fulfilmentTeam: () => p.manyToOne(Team).nullable(),
    slaPolicy: () => p.manyToOne(SlaPolicy).nullable(),
    active: p.boolean().default(true),
  },
});
export class CatalogItem extends CatalogItemSchema.class {}
CatalogItemSchema.setClass(CatalogItem);
