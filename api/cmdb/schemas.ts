/** The CMDB over HTTP (issue 15): request and response shapes (zod), validated at the edge, published in OpenAPI. */
import { z } from 'zod';
import { AttributeSchema } from '../../workflows/kernel/cmdb-classes.js';
import { CI_STATUSES, CRITICALITIES } from '../../workflows/kernel/cmdb-items.js';
import { GRADES } from '../../workflows/kernel/cmdb-impact.js';
import { RELATION_TYPES } from '../../workflows/kernel/cmdb-relations.js';
import { csv, intParam, patchOf, text, uuid } from '../kernel/schemas.js';

export const IdParams = z.strictObject({ id: uuid });
const ClassKey = z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, 'a class key is a-z, 0-9 and _, starting with a letter');
export const ClassParams = z.strictObject({ key: ClassKey });
const Label = z.strictObject({ en: text(120).min(1), id: text(120).min(1).optional() });
const Name = z.object({ en: z.string(), id: z.string().optional() });
const Person = z.object({ id: uuid, name: z.string() }).nullable();
const DateOnly = z.iso.date().nullable();
const Moment = z.iso.datetime({ offset: true });

// ---- classes ----
export const ClassBody = z.strictObject({
  key: ClassKey,
  name: Label,
  parent: ClassKey.describe('the class it descends from (and inherits the attributes of)'),
  attributes: z.array(AttributeSchema).max(60).default([]),
});
export const ClassPatch = z
  .strictObject({ name: Label, attributes: z.array(AttributeSchema).max(60) })
  .partial()
  .describe(
    "a shipped class takes attributes only (its own are kept; these are added); the organization's own take both",
  );
export const ClassDto = z.object({
  key: z.string(),
  name: Name,
  parent: z.string().nullable(),
  shipped: z.boolean().describe('comes with Lintas (cannot be removed; attributes may be added)'),
  /** Attributes it defines itself (for a shipped class: the shipped ones and those the organization added). */
  own: z.array(z.unknown()),
  /** Every attribute a CI of the class has, inherited first. */
  attributes: z.array(z.unknown()),
  items: z.number().int().describe('CIs of exactly this class'),
});

// ---- configuration items ----
const Identifier = text(120).min(1).nullable();
export const ItemBody = z.strictObject({
  name: text(200).min(1),
  classKey: ClassKey,
  status: z.enum(CI_STATUSES).default('planned'),
  version: text(60).nullable().default(null),
  description: text(5000).nullable().default(null),
  ownerUserId: uuid.nullable().default(null),
  ownerTeamId: uuid.nullable().default(null),
  location: text(200).nullable().default(null),
  criticality: z.enum(CRITICALITIES).default('medium'),
  serialNumber: Identifier.default(null),
  assetTag: Identifier.default(null),
  hostname: text(255).min(1).nullable().default(null),
  warrantyEnd: DateOnly.default(null),
  supportEnd: DateOnly.default(null),
  licenceExpiry: DateOnly.default(null),
  attributes: z.record(z.string().max(40), z.unknown()).default({}),
});
export const ItemPatch = patchOf(ItemBody)
  .extend({
    revision: z
      .number()
      .int()
      .min(1)
      .describe('the revision the edit was made from: a newer one refuses it (409 revision_conflict)'),
    reason: text(500).optional().describe('why, kept in the history'),
  })
  .describe('attributes are merged: a key set to null is cleared');
export const ItemDto = z.object({
  id: uuid,
  name: z.string(),
  classKey: z.string(),
  className: Name,
  status: z.enum(CI_STATUSES),
  statusChangedAt: z.string(),
  version: z.string().nullable(),
  description: z.string().nullable(),
  owner: Person,
  ownerTeam: Person,
  location: z.string().nullable(),
  criticality: z.enum(CRITICALITIES),
  serialNumber: z.string().nullable(),
  assetTag: z.string().nullable(),
  hostname: z.string().nullable(),
  warrantyEnd: z.string().nullable(),
  supportEnd: z.string().nullable(),
  licenceExpiry: z.string().nullable(),
  attributes: z.record(z.string(), z.unknown()),
  revision: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
  fieldSources: z
    .record(z.string(), z.string())
    .describe("who last set each field (`attributes.<key>` for an attribute): a discovery source's key, or manual"),
  discoveredAt: z.string().nullable().describe('when a discovery source last reported it'),
});
/** A list of CI ids: `a,b` or repeated. */
const IdList = z
  .union([z.string(), z.array(z.string())])
  .transform((v) =>
    (Array.isArray(v) ? v : [v])
      .flatMap((x) => x.split(','))
      .map((x) => x.trim())
      .filter(Boolean),
  )
  .pipe(z.array(uuid).max(50));
export const ItemQuery = z.strictObject({
  ids: IdList.optional().describe('only these CIs (comma-separated ids, at most 50)'),
  class: ClassKey.optional().describe('the class or any below it'),
  status: csv(CI_STATUSES).optional(),
  criticality: csv(CRITICALITIES).optional(),
  ownerUserId: uuid.optional(),
  ownerTeamId: uuid.optional(),
  q: text(200).optional().describe('in the name or an identifier'),
  limit: intParam(1, 200, 50),
  offset: intParam(0, 1_000_000, 0),
});
export const ItemPage = z.object({
  items: z.array(ItemDto),
  total: z.number().int(),
  limit: z.number().int(),
  offset: z.number().int(),
});

// ---- relations and groups ----
export const RelationBody = z.strictObject({
  type: z.enum(RELATION_TYPES),
  fromId: uuid,
  toId: uuid,
  groupId: uuid.nullable().default(null).describe('a redundancy group of fromId that the target is a member of'),
  validFrom: Moment.optional().describe('when it began to hold; now when absent'),
  note: text(500).nullable().default(null),
});
export const EndRelationBody = z.strictObject({
  at: Moment.optional().describe('when it stopped holding; now when absent'),
  reason: text(500).optional(),
});
const CiRef = z.object({ id: uuid, name: z.string(), classKey: z.string() });
export const RelationDto = z.object({
  id: uuid,
  type: z.enum(RELATION_TYPES),
  from: CiRef,
  to: CiRef,
  reading: z.string().describe('from reads to this way: "hosted on"'),
  inverse: z.string().describe('to reads from this way: "hosts"'),
  group: z.object({ id: uuid, name: z.string(), minUp: z.number().int() }).nullable(),
  validFrom: z.string(),
  validTo: z.string().nullable(),
  note: z.string().nullable(),
});
export const RelationQuery = z.strictObject({
  at: Moment.optional().describe('as of this moment (default now); `all` lists ended ones too'),
  all: z.enum(['true', 'false']).optional(),
});
export const GroupBody = z.strictObject({
  ciId: uuid.describe('the CI that relies on the members'),
  name: text(120).min(1),
  minUp: z.number().int().min(1).max(1000).describe('members that must be up for the CI to stay up'),
});
export const GroupPatch = GroupBody.omit({ ciId: true }).partial();
export const GroupDto = z.object({
  id: uuid,
  ciId: uuid,
  name: z.string(),
  minUp: z.number().int(),
  members: z.array(CiRef),
});

// ---- history ----
export const HistoryEntry = z.object({
  at: z.string(),
  action: z.string(),
  actor: z.string().nullable(),
  before: z.unknown(),
  after: z.unknown(),
  reason: z.string().nullable(),
});

// ---- impact ----
export const ImpactQuery = z
  .strictObject({
    down: IdList.optional().describe('CIs that are down (comma-separated ids)'),
    degraded: IdList.optional().describe('CIs that are degraded'),
    depth: intParam(1, 10, 4),
    types: csv(RELATION_TYPES).optional().describe('relation types to walk; all when absent'),
    at: Moment.optional().describe('as of this moment; now when absent'),
    limit: intParam(1, 1000, 100).describe('affected CIs listed (the worst and most critical first)'),
  })
  .refine((q) => (q.down?.length ?? 0) + (q.degraded?.length ?? 0) > 0, {
    message: 'name at least one CI that is down or degraded',
    path: ['down'],
  });
const Ci = z.object({
  id: uuid,
  name: z.string(),
  classKey: z.string(),
  className: Name,
  criticality: z.enum(CRITICALITIES),
  status: z.enum(CI_STATUSES),
  owner: Person,
  ownerTeam: Person,
  service: z.boolean().describe('a business or technical service'),
});
const OpenIncidents = z
  .array(z.object({ key: z.string(), title: z.string(), priority: z.string() }))
  .describe('open incidents on the CI, most urgent first (empty without incident.read)');
export const ImpactDto = z.object({
  at: z.string(),
  failed: z.array(z.object({ ci: Ci, grade: z.enum(GRADES), incidents: OpenIncidents })),
  affected: z.array(
    z.object({
      ci: Ci,
      grade: z.enum(GRADES),
      depth: z.number().int(),
      rule: z
        .record(z.string(), z.unknown())
        .describe('why: a relation (type, from) or a group (group, down, members, needs)'),
      reason: z.string().describe('the rule in English'),
      path: z.array(z.object({ id: uuid, name: z.string() })),
      incidents: OpenIncidents,
    }),
  ),
  total: z.number().int().describe('affected in all (the list may stop at limit)'),
  services: z.number().int().describe('affected services in all'),
  cycles: z.array(z.array(z.object({ id: uuid, name: z.string() }))),
});
export const DependencyQuery = z.strictObject({
  depth: intParam(1, 10, 4),
  types: csv(RELATION_TYPES).optional(),
  at: Moment.optional(),
});
export const DependencyDto = z.object({
  items: z.array(
    z.object({
      ci: Ci,
      depth: z.number().int(),
      type: z.enum(RELATION_TYPES),
      of: z.object({ id: uuid, name: z.string() }),
    }),
  ),
});

// ---- tickets ----
export const CiTickets = z.object({
  items: z.array(
    z.object({
      type: z.enum(['incident', 'request']),
      key: z.string(),
      title: z.string(),
      status: z.string(),
      priority: z.string().nullable(),
      open: z.boolean(),
      updatedAt: z.string(),
    }),
  ),
});

// ---- import / export ----
export const ImportBody = z.strictObject({
  csv: z.string().min(1).describe('the file: a header line naming the columns, then a CI a line'),
  dryRun: z.boolean().default(true).describe('report what would happen without writing (the default)'),
});
export const ImportReport = z.object({
  dryRun: z.boolean(),
  rows: z.array(
    z.object({
      line: z.number().int().describe('the line of the file (the header is line 1)'),
      action: z.enum(['create', 'update', 'unchanged', 'error']),
      ciId: uuid.nullable(),
      errors: z.array(z.object({ field: z.string(), message: z.string() })),
      changed: z.array(z.string()).optional(),
    }),
  ),
  created: z.number().int(),
  updated: z.number().int(),
  unchanged: z.number().int(),
  errors: z.number().int(),
  ms: z.number().int(),
});

// ---- discovery ----
const SourceKey = z
  .string()
  .regex(/^[a-z][a-z0-9_-]{0,39}$/, 'a source key is a-z, 0-9, _ and -, starting with a letter')
  .refine((k) => k !== 'manual', { message: "'manual' stands for people's own edits" });
export const SourceParams = z.strictObject({ source: SourceKey });
export const SourceBody = z.strictObject({
  name: text(120).min(1),
  precedence: z
    .number()
    .int()
    .min(1)
    .max(999)
    .describe("a field set by a source of higher precedence is not overwritten; a person's edit counts as 1000"),
});
export const SourceDto = z.object({
  key: z.string(),
  name: z.string(),
  precedence: z.number().int(),
  cis: z.number().int().describe('CIs it has reported'),
  lastSeenAt: z.string().nullable().describe('when it last reported one'),
});
/** What a source reports of a CI: only the fields it names are judged (an absent one is left alone, null clears). */
export const DiscoveredItem = z.strictObject({
  externalId: text(200).min(1).describe("the source's own id for the CI: it is matched by this first"),
  classKey: ClassKey,
  name: text(200).min(1),
  status: z.enum(CI_STATUSES).optional().describe('in_use for a new CI when absent'),
  version: text(60).nullable().optional(),
  description: text(5000).nullable().optional(),
  location: text(200).nullable().optional(),
  criticality: z.enum(CRITICALITIES).optional(),
  serialNumber: Identifier.optional(),
  assetTag: Identifier.optional(),
  hostname: text(255).min(1).nullable().optional(),
  warrantyEnd: DateOnly.optional(),
  supportEnd: DateOnly.optional(),
  licenceExpiry: DateOnly.optional(),
  attributes: z.record(z.string().max(40), z.unknown()).optional(),
});
export const DiscoveryBody = z.strictObject({
  items: z.array(DiscoveredItem).min(1).max(500),
});
export const DiscoveryReport = z.object({
  source: z.string(),
  items: z.array(
    z.object({
      externalId: z.string(),
      action: z.enum(['create', 'update', 'unchanged', 'error']),
      ciId: uuid.nullable(),
      matchedBy: z
        .enum(['link', 'serialNumber', 'assetTag', 'hostname'])
        .nullable()
        .describe('how an existing CI was found: its link to this source, or an identifier'),
      changed: z.array(z.string()),
      kept: z
        .array(z.object({ field: z.string(), by: z.string() }))
        .describe('fields left as they are: set by a person or a source of higher precedence'),
      errors: z.array(z.object({ field: z.string(), message: z.string() })),
    }),
  ),
  created: z.number().int(),
  updated: z.number().int(),
  unchanged: z.number().int(),
  errors: z.number().int(),
});

// ---- data quality ----
export const HealthQuery = z.strictObject({ staleDays: intParam(1, 3650, 90) });
const Examples = z.array(z.object({ id: uuid, name: z.string() }));
export const HealthDto = z.object({
  staleDays: z.number().int(),
  classes: z.array(
    z.object({
      classKey: z.string(),
      className: Name,
      total: z.number().int(),
      score: z.number().int().describe('0–100: the share of its CIs with no finding'),
      counts: z.object({
        missingRequired: z.number().int(),
        noOwner: z.number().int(),
        stale: z.number().int(),
        orphan: z.number().int(),
      }),
      examples: z.object({ missingRequired: Examples, noOwner: Examples, stale: Examples, orphan: Examples }),
    }),
  ),
});
