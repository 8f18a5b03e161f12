/**
 * The designer's findings and changes in the reader's language: the validator's problems (from
 * their stable code and params, not the English message), what the schema refuses, the dotted
 * paths and values of a diff. Pure given a translator (unit-tested in both languages).
 */
import type { FlowProblem } from '../../workflows/kernel/flow.js';

export interface Words {
  t: (key: string, params?: Record<string, unknown>) => string;
  /** Whether a key has a text (else the English message stands). */
  te: (key: string) => boolean;
  /** A node as people know it: its label, else its type and id. */
  nodeName: (id: string) => string;
  /** A person, team or SLA policy by name, for a diff's ids (`teamId`, `userIds`, `escalateTo`…). */
  entityName?: (key: string, id: string) => string | undefined;
}

const ENTITY_KEYS = new Set(['teamId', 'userIds', 'escalateTo', 'slaPolicyId']);

/** Params that name a node, an outcome, a comparison or a subject, and how each is read. */
const NODE_PARAMS = ['node', 'to', 'split'];

function readable(params: FlowProblem['params'], w: Words): Record<string, unknown> {
  const out: Record<string, unknown> = { ...params };
  for (const k of NODE_PARAMS) if (typeof params[k] === 'string') out[k] = w.nodeName(params[k]);
  const known = (prefix: string, v: unknown) =>
    typeof v === 'string' && w.te(`${prefix}.${v}`) ? w.t(`${prefix}.${v}`) : v;
  out['outcome'] = known('designer.outcome', params['outcome']);
  if (typeof params['outcomes'] === 'string')
    out['outcomes'] = params['outcomes']
      .split(' / ')
      .map((o) => known('designer.outcome', o))
      .join(' / ');
  out['op'] = known('designer.op', params['op']);
  out['subject'] = known('designer.subject', params['subject']);
  out['type'] = known('designer.fieldType', params['type']);
  return out;
}

/** A problem of the validator in the reader's language (its English message where no text is known). */
export function problemText(p: FlowProblem, w: Words): string {
  const params = p.params ?? {};
  const variant = params['variant'];
  const key = `designer.problem.${p.code}${variant ? `_${String(variant)}` : ''}`;
  return w.te(key) ? w.t(key, readable(params, w)) : p.message;
}

/** A dotted path of a node's data (`rule.n`, `approvers.0.kind`) in words: `Rule › How many`. */
export function pathText(path: string, w: Words): string {
  if (!path) return w.t('designer.field.type');
  return path
    .split('.')
    .map((seg) =>
      /^\d+$/.test(seg) ? `#${Number(seg) + 1}` : w.te(`designer.field.${seg}`) ? w.t(`designer.field.${seg}`) : seg,
    )
    .join(' › ');
}

/** A value of a diff in words: yes / no, kinds and operators by name, lists joined, parts as `key: value`. */
export function valueText(v: unknown, w: Words, key = ''): string {
  if (v === undefined || v === null || v === '') return '—';
  if (typeof v === 'boolean') return w.t(v ? 'designer.yes' : 'designer.no');
  if (typeof v === 'string') {
    if (ENTITY_KEYS.has(key)) return w.entityName?.(key, v) ?? v;
    for (const prefix of ['designer.op', 'designer.approverKind', 'designer.ruleName', 'designer.type'])
      if (['op', 'kind', 'type', ''].includes(key) && w.te(`${prefix}.${v}`)) return w.t(`${prefix}.${v}`);
    if (key === 'outcome' && w.te(`designer.deadlineOutcome.${v}`)) return w.t(`designer.deadlineOutcome.${v}`);
    return v;
  }
  if (typeof v === 'number') return String(v);
  if (Array.isArray(v)) return v.length ? v.map((x) => valueText(x, w, key)).join(', ') : '—';
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    const kind = typeof o['kind'] === 'string' ? valueText(o['kind'], w, 'kind') : null;
    const rest = Object.entries(o)
      .filter(([k, x]) => k !== 'kind' && x !== undefined)
      .map(([k, x]) => `${pathText(k, w)}: ${valueText(x, w, k)}`);
    return [kind, ...rest].filter(Boolean).join(', ') || '—';
  }
  return String(v);
}

/** What the schema refuses (a zod issue) in words, at its place in the node. */
export function schemaText(
  issue: { code: string; path: PropertyKey[]; message: string; minimum?: unknown; maximum?: unknown },
  w: Words,
): string {
  const inNode = issue.path.slice(2).map(String).join('.');
  const where = inNode ? pathText(inNode, w) : issue.path.map(String).join('.');
  const key = `designer.schema.${issue.code}`;
  if (!w.te(key)) return `${where}: ${issue.message}`;
  return w.t(key, { where, min: issue.minimum, max: issue.maximum });
}
