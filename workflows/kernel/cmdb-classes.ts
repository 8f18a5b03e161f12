/**
 * CMDB classes (issue 15): a tree of classes, each inheriting its ancestors' attributes, and the
 * one schema that judges a CI's attribute values. Pure, shared by the API (what it stores) and
 * the web app (the class editor and the CI form check as the server will).
 *
 * Every class descends from `ci`. The shipped classes cannot be removed; an organization adds its
 * own below any of them and may add attributes to its own classes. Attributes are keyed by a
 * stable `key`, unique along a class's lineage (a subclass cannot redefine an inherited key).
 */
import { z } from 'zod';

export const ATTRIBUTE_TYPES = ['text', 'number', 'date', 'choice', 'user', 'team', 'ci'] as const;
export type AttributeType = (typeof ATTRIBUTE_TYPES)[number];

const Key = z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, 'a key is a-z, 0-9 and _, starting with a letter');
const Label = z.strictObject({
  en: z.string().trim().min(1).max(120),
  id: z.string().trim().min(1).max(120).optional(),
});
export type CmdbLabel = z.infer<typeof Label>;

export const AttributeSchema = z
  .strictObject({
    key: Key,
    label: Label,
    type: z.enum(ATTRIBUTE_TYPES),
    required: z.boolean().optional(),
    /** For `choice`: the values offered. */
    options: z.array(z.string().trim().min(1).max(100)).min(1).max(100).optional(),
    /** For `ci`: the class the referenced CI must be of (or descend from). */
    ciClass: Key.optional(),
    /** For `number`: its unit as shown ("GB", "cores"). */
    unit: z.string().max(20).optional(),
  })
  .superRefine((a, ctx) => {
    if (a.type === 'choice' && !a.options?.length)
      ctx.addIssue({ code: 'custom', path: ['options'], message: 'a choice needs its options' });
    if (a.type !== 'choice' && a.options)
      ctx.addIssue({ code: 'custom', path: ['options'], message: 'only a choice has options' });
    if (a.type !== 'ci' && a.ciClass)
      ctx.addIssue({ code: 'custom', path: ['ciClass'], message: 'only a CI reference names a class' });
    if (a.options && new Set(a.options).size !== a.options.length)
      ctx.addIssue({ code: 'custom', path: ['options'], message: 'options must differ' });
  });
export type Attribute = z.infer<typeof AttributeSchema>;

export const ClassSchema = z.strictObject({
  key: Key,
  name: Label,
  /** Null only for the root, `ci`. */
  parent: Key.nullable(),
  attributes: z.array(AttributeSchema).max(60),
});
export type CmdbClass = z.infer<typeof ClassSchema>;

const label = (en: string, id: string): CmdbLabel => ({ en, id });
const text = (key: string, en: string, id: string, required = false): Attribute => ({
  key,
  label: label(en, id),
  type: 'text',
  ...(required ? { required } : {}),
});
const num = (key: string, en: string, id: string, unit?: string): Attribute => ({
  key,
  label: label(en, id),
  type: 'number',
  ...(unit ? { unit } : {}),
});

/** The classes every organization has. */
export const SHIPPED_CLASSES: readonly CmdbClass[] = [
  { key: 'ci', name: label('Configuration item', 'Item konfigurasi'), parent: null, attributes: [] },
  {
    key: 'hardware',
    name: label('Hardware', 'Perangkat keras'),
    parent: 'ci',
    attributes: [text('manufacturer', 'Manufacturer', 'Produsen'), text('model', 'Model', 'Model')],
  },
  {
    key: 'server',
    name: label('Server', 'Server'),
    parent: 'hardware',
    attributes: [
      num('cpu_cores', 'CPU cores', 'Inti CPU', 'cores'),
      num('memory_gb', 'Memory', 'Memori', 'GB'),
      text('operating_system', 'Operating system', 'Sistem operasi'),
      text('ip_address', 'IP address', 'Alamat IP'),
    ],
  },
  {
    key: 'workstation',
    name: label('Workstation', 'Workstation'),
    parent: 'hardware',
    attributes: [text('operating_system', 'Operating system', 'Sistem operasi')],
  },
  {
    key: 'network_device',
    name: label('Network device', 'Perangkat jaringan'),
    parent: 'hardware',
    attributes: [
      {
        key: 'role',
        label: label('Role', 'Peran'),
        type: 'choice',
        options: ['router', 'switch', 'firewall', 'load_balancer', 'access_point'],
      },
      num('ports', 'Ports', 'Port'),
      text('ip_address', 'IP address', 'Alamat IP'),
    ],
  },
  { key: 'printer', name: label('Printer', 'Printer'), parent: 'hardware', attributes: [] },
  {
    key: 'software',
    name: label('Software', 'Perangkat lunak'),
    parent: 'ci',
    attributes: [text('vendor', 'Vendor', 'Vendor'), text('edition', 'Edition', 'Edisi')],
  },
  {
    key: 'licence',
    name: label('Licence', 'Lisensi'),
    parent: 'software',
    attributes: [
      num('seats', 'Seats', 'Kursi'),
      { key: 'covers', label: label('Covers', 'Mencakup'), type: 'ci', ciClass: 'software' },
    ],
  },
  {
    key: 'application',
    name: label('Application', 'Aplikasi'),
    parent: 'ci',
    attributes: [text('url', 'URL', 'URL')],
  },
  {
    key: 'database',
    name: label('Database', 'Basis data'),
    parent: 'ci',
    attributes: [text('engine', 'Engine', 'Mesin'), num('size_gb', 'Size', 'Ukuran', 'GB')],
  },
  {
    key: 'service',
    name: label('Service', 'Layanan'),
    parent: 'ci',
    attributes: [text('service_hours', 'Service hours', 'Jam layanan')],
  },
  { key: 'business_service', name: label('Business service', 'Layanan bisnis'), parent: 'service', attributes: [] },
  { key: 'technical_service', name: label('Technical service', 'Layanan teknis'), parent: 'service', attributes: [] },
  {
    key: 'document',
    name: label('Document', 'Dokumen'),
    parent: 'ci',
    attributes: [text('url', 'URL', 'URL')],
  },
];
export const SHIPPED_CLASS_KEYS: ReadonlySet<string> = new Set(SHIPPED_CLASSES.map((c) => c.key));

/** A class tree to read: by key, with each class's lineage (root first) and its attributes. */
export class ClassTree {
  private readonly byKey: Map<string, CmdbClass>;
  constructor(readonly classes: readonly CmdbClass[]) {
    this.byKey = new Map(classes.map((c) => [c.key, c]));
  }
  get(key: string): CmdbClass | undefined {
    return this.byKey.get(key);
  }
  /** The class and its ancestors, root first; cut short where a parent is missing or repeats. */
  lineage(key: string): CmdbClass[] {
    const out: CmdbClass[] = [];
    const seen = new Set<string>();
    for (let c = this.byKey.get(key); c && !seen.has(c.key); c = c.parent ? this.byKey.get(c.parent) : undefined) {
      seen.add(c.key);
      out.unshift(c);
    }
    return out;
  }
  /** Whether `key` is `ancestor` or descends from it. */
  isA(key: string, ancestor: string): boolean {
    return this.lineage(key).some((c) => c.key === ancestor);
  }
  /** The attributes a CI of this class has: inherited ones first. */
  attributesOf(key: string): Attribute[] {
    return this.lineage(key).flatMap((c) => c.attributes);
  }
  /** The class and every class below it. */
  descendants(key: string): string[] {
    return this.classes.filter((c) => this.isA(c.key, key)).map((c) => c.key);
  }
}

export interface ClassProblem {
  classKey: string;
  field: string;
  code: 'no_parent' | 'cycle' | 'duplicate_key' | 'duplicate_attribute' | 'no_ci_class' | 'root';
  message: string;
}

/** What is wrong with a set of classes as a tree: missing parents, cycles, repeated keys along a lineage. */
export function classProblems(classes: readonly CmdbClass[]): ClassProblem[] {
  const out: ClassProblem[] = [];
  const tree = new ClassTree(classes);
  const keys = new Set<string>();
  for (const c of classes) {
    if (keys.has(c.key))
      out.push({ classKey: c.key, field: 'key', code: 'duplicate_key', message: `Two classes are keyed ${c.key}` });
    keys.add(c.key);
    if (c.parent === null) {
      if (c.key !== 'ci')
        out.push({ classKey: c.key, field: 'parent', code: 'root', message: 'Only the root class ci has no parent' });
      continue;
    }
    if (!tree.get(c.parent)) {
      out.push({
        classKey: c.key,
        field: 'parent',
        code: 'no_parent',
        message: `No class ${c.parent} to inherit from`,
      });
      continue;
    }
    const line = tree.lineage(c.key);
    if (line[0]?.key !== 'ci') {
      out.push({ classKey: c.key, field: 'parent', code: 'cycle', message: `${c.key} would descend from itself` });
      continue;
    }
    const seen = new Set<string>();
    for (const a of line.flatMap((x) => x.attributes.map((attr) => ({ attr, owner: x.key })))) {
      if (seen.has(a.attr.key) && a.owner === c.key)
        out.push({
          classKey: c.key,
          field: `attributes.${a.attr.key}`,
          code: 'duplicate_attribute',
          message: `${a.attr.key} is already an attribute of ${c.key} or a class it descends from`,
        });
      seen.add(a.attr.key);
      if (a.owner === c.key && a.attr.ciClass && !tree.get(a.attr.ciClass))
        out.push({
          classKey: c.key,
          field: `attributes.${a.attr.key}.ciClass`,
          code: 'no_ci_class',
          message: `No class ${a.attr.ciClass} for ${a.attr.key} to refer to`,
        });
    }
  }
  return out;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

export interface ValueProblem {
  key: string;
  code: 'unknown' | 'required' | 'type' | 'option';
  message: string;
}

/** A reference an attribute makes, for the caller to check exists (people, teams, CIs of a class). */
export interface Reference {
  key: string;
  type: 'user' | 'team' | 'ci';
  id: string;
  ciClass?: string;
}

/**
 * Judges a CI's attribute values against its class's attributes: unknown keys, missing required
 * ones, values of the wrong type or outside a choice. `null` clears a value. Returns the problems
 * and the references to check (existence is the caller's: it has the directory).
 */
export function attributeProblems(
  values: Record<string, unknown>,
  attributes: readonly Attribute[],
): { problems: ValueProblem[]; references: Reference[] } {
  const problems: ValueProblem[] = [];
  const references: Reference[] = [];
  const byKey = new Map(attributes.map((a) => [a.key, a]));
  for (const key of Object.keys(values))
    if (!byKey.has(key)) problems.push({ key, code: 'unknown', message: `${key} is not an attribute of this class` });
  for (const a of attributes) {
    const v = values[a.key];
    if (v === undefined || v === null || v === '') {
      if (a.required) problems.push({ key: a.key, code: 'required', message: `${a.label.en} is required` });
      continue;
    }
    const wrong = (what: string) =>
      problems.push({ key: a.key, code: 'type', message: `${a.label.en} must be ${what}` });
    switch (a.type) {
      case 'text':
        if (typeof v !== 'string' || v.length > 2000) wrong('text of at most 2000 characters');
        break;
      case 'number':
        if (typeof v !== 'number' || !Number.isFinite(v)) wrong('a number');
        break;
      case 'date':
        if (typeof v !== 'string' || !DATE.test(v) || Number.isNaN(Date.parse(`${v}T00:00:00Z`)))
          wrong('a date (YYYY-MM-DD)');
        break;
      case 'choice':
        if (typeof v !== 'string' || !a.options?.includes(v))
          problems.push({
            key: a.key,
            code: 'option',
            message: `${a.label.en} must be one of ${a.options?.join(', ')}`,
          });
        break;
      default:
        if (typeof v !== 'string' || !UUID.test(v))
          wrong(`the id of a ${a.type === 'ci' ? 'configuration item' : a.type}`);
        else references.push({ key: a.key, type: a.type, id: v, ...(a.ciClass ? { ciClass: a.ciClass } : {}) });
    }
  }
  return { problems, references };
}
