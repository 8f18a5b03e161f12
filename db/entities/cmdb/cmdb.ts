/**
 * The CMDB (issue 15): an organization's own classes (and attributes added to shipped ones),
 * configuration items, the typed relations between them with the time each held, redundancy
 * groups, and a revision counter the in-memory impact graph is cached by.
 *
 * Relations are never deleted: ending one sets `validTo`, so the graph can be read as of any past
 * moment. A CI is not deleted either once related or ticketed; it is retired and disposed.
 */
import { defineEntity, p } from '@mikro-orm/core';
import type { Attribute, CmdbLabel } from '../../../workflows/kernel/cmdb-classes.js';
import { CI_STATUSES, CRITICALITIES } from '../../../workflows/kernel/cmdb-items.js';
import { RELATION_TYPES } from '../../../workflows/kernel/cmdb-relations.js';
import { baseProperties } from '../kernel/base.js';
import { Organization } from '../kernel/organization.js';
import { Team } from '../kernel/team.js';
import { User } from '../kernel/user.js';

/**
 * A class of the organization's, or (keyed like a shipped class) the attributes it adds to that
 * class; its name and parent are then the shipped ones.
 */
export const CiClassSchema = defineEntity({
  name: 'CiClass',
  tableName: 'cmdb_classes',
  uniques: [{ properties: ['organization', 'key'] }],
  properties: {
    ...baseProperties,
    organization: () => p.manyToOne(Organization),
    key: p.string().length(40),
    name: p.json<CmdbLabel>(),
    parent: p.string().length(40).nullable(),
    attributes: p.json<Attribute[]>(),
  },
});
export class CiClass extends CiClassSchema.class {}
CiClassSchema.setClass(CiClass);

export const ConfigurationItemSchema = defineEntity({
  name: 'ConfigurationItem',
  tableName: 'cmdb_items',
  indexes: [
    { properties: ['organization', 'classKey'] },
    { properties: ['organization', 'status'] },
    { properties: ['organization', 'name'] },
  ],
  uniques: [
    // Identifiers are unique where set, compared as normalizeIdentifier does (trimmed, lower case).
    {
      name: 'cmdb_items_serial_unique',
      expression:
        'create unique index "cmdb_items_serial_unique" on "cmdb_items" ("organization_id", lower(trim("serial_number"))) where "serial_number" is not null',
    },
    {
      name: 'cmdb_items_asset_tag_unique',
      expression:
        'create unique index "cmdb_items_asset_tag_unique" on "cmdb_items" ("organization_id", lower(trim("asset_tag"))) where "asset_tag" is not null',
    },
    {
      name: 'cmdb_items_hostname_unique',
      expression:
        'create unique index "cmdb_items_hostname_unique" on "cmdb_items" ("organization_id", lower(trim("hostname"))) where "hostname" is not null',
    },
  ],
  properties: {
    ...baseProperties,
    organization: () => p.manyToOne(Organization),
    name: p.string().length(200),
    classKey: p.string().length(40),
    status: p.enum(CI_STATUSES).default('planned'),
    /** When the status last changed (a retired CI leaves the live graph from then). */
    statusChangedAt: p.datetime(),
    /** The CI's own version (software, firmware), not a revision of the record. */
    version: p.string().length(60).nullable(),
    description: p.text().nullable(),
    ownerUser: () => p.manyToOne(User).nullable(),
    ownerTeam: () => p.manyToOne(Team).nullable(),
    location: p.string().length(200).nullable(),
    criticality: p.enum(CRITICALITIES).default('medium'),
    serialNumber: p.string().length(120).nullable(),
    assetTag: p.string().length(120).nullable(),
    hostname: p.string().length(255).nullable(),
    warrantyEnd: p.string().length(10).nullable(),
    supportEnd: p.string().length(10).nullable(),
    licenceExpiry: p.string().length(10).nullable(),
    attributes: p.json<Record<string, unknown>>(),
    /** Counts the record's changes: an edit names the revision it was made from. */
    revision: p.integer().default(1),
    /** The revision whose end dates the CI's reminder workflow was last told (null: never). */
    remindersRevision: p.integer().nullable(),
    /**
     * Who last set each field (`name`, `status`, `attributes.<key>`, …): a discovery source's key,
     * or `manual` for a person (an edit, a CSV import). A source only overwrites a field last set
     * by a source of lower or equal precedence; a person's edit outranks every source.
     */
    fieldSources: p.json<Record<string, string>>().default('{}'),
    /** When a discovery source last reported the CI (the data-quality check's "stale" reads it). */
    discoveredAt: p.datetime().nullable(),
    createdBy: () => p.manyToOne(User).nullable(),
  },
});
export class ConfigurationItem extends ConfigurationItemSchema.class {}
ConfigurationItemSchema.setClass(ConfigurationItem);

/** Members a CI relies on together (a web farm): it stays up while `minUp` of them are. */
export const RedundancyGroupSchema = defineEntity({
  name: 'RedundancyGroup',
  tableName: 'cmdb_groups',
  uniques: [{ properties: ['organization', 'ci', 'name'] }],
  properties: {
    ...baseProperties,
    organization: () => p.manyToOne(Organization),
    /** The CI that relies on the members (every relation of the group is from it). */
    ci: () => p.manyToOne(ConfigurationItem),
    name: p.string().length(120),
    minUp: p.integer(),
  },
});
export class RedundancyGroup extends RedundancyGroupSchema.class {}
RedundancyGroupSchema.setClass(RedundancyGroup);

export const CiRelationSchema = defineEntity({
  name: 'CiRelation',
  tableName: 'cmdb_relations',
  indexes: [
    { properties: ['organization', 'from'] },
    { properties: ['organization', 'to'] },
    {
      name: 'cmdb_relations_current',
      expression:
        'create index "cmdb_relations_current" on "cmdb_relations" ("organization_id", "from_id", "to_id") where "valid_to" is null',
    },
  ],
  properties: {
    ...baseProperties,
    organization: () => p.manyToOne(Organization),
    type: p.enum(RELATION_TYPES),
    from: () => p.manyToOne(ConfigurationItem),
    to: () => p.manyToOne(ConfigurationItem),
    group: () => p.manyToOne(RedundancyGroup).nullable(),
    validFrom: p.datetime(),
    /** Null while the relation holds. */
    validTo: p.datetime().nullable(),
    note: p.string().length(500).nullable(),
    createdBy: () => p.manyToOne(User).nullable(),
    endedBy: () => p.manyToOne(User).nullable(),
  },
});
export class CiRelation extends CiRelationSchema.class {}
CiRelationSchema.setClass(CiRelation);

/** Bumped with every change to an organization's CMDB graph, in the same transaction. */
export const CmdbRevisionSchema = defineEntity({
  name: 'CmdbRevision',
  tableName: 'cmdb_revisions',
  properties: {
    organization: () => p.manyToOne(Organization).primary(),
    revision: p.integer().default(0),
  },
});
export class CmdbRevision extends CmdbRevisionSchema.class {}
CmdbRevisionSchema.setClass(CmdbRevision);

/** A discovery tool that reports CIs, with the precedence its values have over other sources'. */
export const CmdbSourceSchema = defineEntity({
  name: 'CmdbSource',
  tableName: 'cmdb_sources',
  uniques: [{ properties: ['organization', 'key'] }],
  properties: {
    ...baseProperties,
    organization: () => p.manyToOne(Organization),
    key: p.string().length(40),
    name: p.string().length(120),
    /** 1–999; a person's edit counts as 1000. */
    precedence: p.integer(),
  },
});
export class CmdbSource extends CmdbSourceSchema.class {}
CmdbSourceSchema.setClass(CmdbSource);

/** The CI a source's own id for it stands for (a report is matched by it first). */
export const CmdbSourceLinkSchema = defineEntity({
  name: 'CmdbSourceLink',
  tableName: 'cmdb_source_links',
  indexes: [{ properties: ['ci'] }],
  properties: {
    organization: () => p.manyToOne(Organization).primary(),
    sourceKey: p.string().length(40).primary(),
    externalId: p.string().length(200).primary(),
    ci: () => p.manyToOne(ConfigurationItem),
    lastSeenAt: p.datetime(),
  },
});
export class CmdbSourceLink extends CmdbSourceLinkSchema.class {}
CmdbSourceLinkSchema.setClass(CmdbSourceLink);
