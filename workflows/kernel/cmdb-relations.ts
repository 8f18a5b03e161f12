/**
 * Relations between configuration items (issue 15): typed, directed, read both ways, allowed
 * between certain classes only, acyclic where a cycle cannot exist, and how a failure travels
 * along each (for impact analysis). Pure, shared by API and web app.
 *
 * A relation `A <type> B` reads "A hosted on B" one way and "B hosts A" the other.
 */
import type { ClassTree } from './cmdb-classes.js';

export const RELATION_TYPES = ['hosted_on', 'depends_on', 'uses', 'supports', 'contains', 'connects_to'] as const;
export type RelationType = (typeof RELATION_TYPES)[number];

export interface RelationRule {
  /** How `A type B` reads from A, and from B. */
  reading: string;
  inverse: string;
  /** Class pairs [from, to] allowed (a pair allows every subclass of each side). */
  pairs: readonly (readonly [string, string])[];
  /** A cycle along this type alone is impossible (nothing is hosted on itself, however far round). */
  acyclic: boolean;
  /**
   * Which end suffers when the other fails: `from` (A suffers when B fails: A is hosted on B),
   * `to` (B suffers when A fails: A supports B, A contains B), or `both` (a link).
   */
  suffers: 'from' | 'to' | 'both';
  /** How many grades a failure loses crossing this relation (0: down stays down; 1: down → degraded). */
  weakens: 0 | 1 | 2;
}

const ANY = [['ci', 'ci']] as const;

export const RELATION_RULES: Record<RelationType, RelationRule> = {
  hosted_on: {
    reading: 'hosted on',
    inverse: 'hosts',
    pairs: [
      ['application', 'hardware'],
      ['database', 'hardware'],
      ['software', 'hardware'],
      ['application', 'software'],
      ['database', 'software'],
      ['technical_service', 'hardware'],
    ],
    acyclic: true,
    suffers: 'from',
    weakens: 0,
  },
  depends_on: { reading: 'depends on', inverse: 'used by', pairs: ANY, acyclic: false, suffers: 'from', weakens: 0 },
  uses: {
    reading: 'uses',
    inverse: 'used by',
    pairs: [
      ['application', 'ci'],
      ['service', 'ci'],
      ['hardware', 'software'],
      ['database', 'software'],
    ],
    acyclic: false,
    suffers: 'from',
    weakens: 1,
  },
  supports: {
    reading: 'supports',
    inverse: 'supported by',
    pairs: [
      ['technical_service', 'service'],
      ['application', 'service'],
      ['database', 'service'],
      ['hardware', 'service'],
      ['software', 'service'],
      ['document', 'ci'],
    ],
    acyclic: false,
    suffers: 'to',
    weakens: 0,
  },
  contains: {
    reading: 'contains',
    inverse: 'part of',
    pairs: [
      ['hardware', 'hardware'],
      ['software', 'software'],
      ['application', 'application'],
      ['service', 'service'],
      ['document', 'document'],
    ],
    acyclic: true,
    suffers: 'to',
    weakens: 0,
  },
  connects_to: {
    reading: 'connects to',
    inverse: 'connects to',
    pairs: [['hardware', 'hardware']],
    acyclic: false,
    suffers: 'both',
    weakens: 2,
  },
};

/** Why a relation of this type may not join these classes, or null when it may. */
export function pairProblem(type: RelationType, fromClass: string, toClass: string, tree: ClassTree): string | null {
  const rule = RELATION_RULES[type];
  if (rule.pairs.some(([a, b]) => tree.isA(fromClass, a) && tree.isA(toClass, b))) return null;
  const name = (k: string) => tree.get(k)?.name.en ?? k;
  return `${name(fromClass)} cannot be ${rule.reading} ${name(toClass)} (allowed: ${rule.pairs
    .map(([a, b]) => `${name(a)} → ${name(b)}`)
    .join(', ')})`;
}

/**
 * The path that adding `from → to` would close into a cycle along relations of one acyclic type
 * (`to` already reaches `from`), or null. `next` gives, for a CI, the CIs it points to by that type.
 */
export function cycleThrough(from: string, to: string, next: (id: string) => readonly string[]): string[] | null {
  if (from === to) return [from, from];
  // Breadth-first from `to`, remembering how each CI was reached, until `from` turns up.
  const came = new Map<string, string>([[to, '']]);
  const queue = [to];
  for (let i = 0; i < queue.length; i++) {
    const at = queue[i]!;
    for (const n of next(at)) {
      if (came.has(n)) continue;
      came.set(n, at);
      if (n === from) {
        const path = [from];
        for (let c = at; c; c = came.get(c) ?? '') path.unshift(c);
        return [from, ...path];
      }
      queue.push(n);
    }
  }
  return null;
}
