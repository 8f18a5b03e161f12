/**
 * Graded impact analysis over the CMDB graph (issue 15). From one or more CIs that are down (or
 * degraded), a failure travels along relations to those that suffer from it — a CI hosted on a
 * server that is down is down; a CI that only uses one is degraded; a link makes the other end at
 * risk — up to a chosen depth, over chosen relation types, as of a moment. A redundancy group (the
 * members a CI depends on together, N of which must be up) turns "one member down" into degraded
 * and "too few up" into down, and says so: "1 of 2 members of web farm down, needs 1".
 *
 * The graph is held as flat arrays indexed by CI number, so a walk over 100 000 CIs and 500 000
 * relations touches only what it reaches. Grades only rise, so the walk ends on any graph, cycles
 * included; the cycles it passes are reported.
 */
import { RELATION_RULES, RELATION_TYPES, type RelationType } from './cmdb-relations.js';

export const GRADES = ['at_risk', 'degraded', 'down'] as const;
export type Grade = (typeof GRADES)[number];
/** 0 = untouched, 1 = at risk, 2 = degraded, 3 = down. */
const gradeOf = (g: Grade): number => GRADES.indexOf(g) + 1;

export interface GraphCi {
  id: string;
  /** Its class (so an answer can count services without reading them). */
  classKey: string;
  /** Higher is more critical (criticalityRank). */
  criticality: number;
  /** From when to when (ms) the CI is part of the estate: created, and retired or disposed. */
  since: number;
  until: number;
}
export interface GraphRelation {
  id: string;
  type: RelationType;
  from: string;
  to: string;
  groupId: string | null;
  validFrom: number;
  /** Infinity while current. */
  validTo: number;
}
export interface GraphGroup {
  id: string;
  name: string;
  minUp: number;
}

/**
 * One propagation step of a relation: when `source` fails, `victim` suffers. A relation whose
 * both ends suffer (a link) gives two.
 */
export class ImpactGraph {
  readonly ids: string[];
  private readonly classKeys: string[];
  private readonly index = new Map<string, number>();
  private readonly criticality: Int8Array;
  private readonly since: Float64Array;
  private readonly until: Float64Array;
  // Steps, as parallel arrays.
  private readonly stepSource: Int32Array;
  private readonly stepVictim: Int32Array;
  private readonly stepType: Uint8Array;
  private readonly stepGroup: Int32Array;
  private readonly stepFrom: Float64Array;
  private readonly stepTo: Float64Array;
  readonly stepRelation: string[];
  // Steps by source and by victim (CSR: offsets into a list of step numbers).
  private readonly outStart: Int32Array;
  private readonly outSteps: Int32Array;
  private readonly inStart: Int32Array;
  private readonly inSteps: Int32Array;
  readonly groups: { id: string; name: string; minUp: number; steps: number[] }[] = [];

  constructor(cis: readonly GraphCi[], relations: readonly GraphRelation[], groups: readonly GraphGroup[] = []) {
    const n = cis.length;
    this.ids = cis.map((c) => c.id);
    this.classKeys = cis.map((c) => c.classKey);
    this.criticality = new Int8Array(n);
    this.since = new Float64Array(n);
    this.until = new Float64Array(n);
    cis.forEach((c, i) => {
      this.index.set(c.id, i);
      this.criticality[i] = c.criticality;
      this.since[i] = c.since;
      this.until[i] = c.until;
    });
    const groupIndex = new Map<string, number>();
    for (const g of groups) {
      groupIndex.set(g.id, this.groups.length);
      this.groups.push({ id: g.id, name: g.name, minUp: g.minUp, steps: [] });
    }
    const steps: [number, number, number, number, number, number, string][] = [];
    for (const r of relations) {
      const a = this.index.get(r.from);
      const b = this.index.get(r.to);
      if (a === undefined || b === undefined) continue;
      const rule = RELATION_RULES[r.type];
      const type = RELATION_TYPES.indexOf(r.type);
      const g = r.groupId ? (groupIndex.get(r.groupId) ?? -1) : -1;
      if (rule.suffers !== 'to') steps.push([b, a, type, g, r.validFrom, r.validTo, r.id]);
      if (rule.suffers !== 'from') steps.push([a, b, type, g, r.validFrom, r.validTo, r.id]);
    }
    const m = steps.length;
    this.stepSource = new Int32Array(m);
    this.stepVictim = new Int32Array(m);
    this.stepType = new Uint8Array(m);
    this.stepGroup = new Int32Array(m);
    this.stepFrom = new Float64Array(m);
    this.stepTo = new Float64Array(m);
    this.stepRelation = new Array<string>(m);
    steps.forEach(([s, v, t, g, f, to, id], i) => {
      this.stepSource[i] = s;
      this.stepVictim[i] = v;
      this.stepType[i] = t;
      this.stepGroup[i] = g;
      this.stepFrom[i] = f;
      this.stepTo[i] = to;
      this.stepRelation[i] = id;
      if (g >= 0) this.groups[g]!.steps.push(i);
    });
    [this.outStart, this.outSteps] = csr(n, this.stepSource);
    [this.inStart, this.inSteps] = csr(n, this.stepVictim);
  }

  get size(): { cis: number; steps: number } {
    return { cis: this.ids.length, steps: this.stepSource.length };
  }
  has(id: string): boolean {
    return this.index.has(id);
  }
  /** The class of a CI in the graph. */
  classOf(id: string): string | undefined {
    const i = this.index.get(id);
    return i === undefined ? undefined : this.classKeys[i];
  }

  /**
   * Who suffers from the failures `failed` (CI id → down or degraded), graded, to `depth` steps,
   * over `types` (all when absent), as of `at` (ms). The failed CIs themselves are not listed.
   */
  impact(q: ImpactQuery): ImpactAnswer {
    const n = this.ids.length;
    const grade = new Int8Array(n);
    const depth = new Int16Array(n).fill(-1);
    const via = new Int32Array(n).fill(-1);
    const rules = new Map<number, ImpactRule>();
    const types = typeMask(q.types);
    const at = q.at;
    const stepOn = (s: number) =>
      types[this.stepType[s]!] === 1 &&
      this.stepFrom[s]! <= at &&
      at < this.stepTo[s]! &&
      this.alive(this.stepSource[s]!, at);
    const queue: number[] = [];
    for (const [id, g] of Object.entries(q.failed)) {
      const i = this.index.get(id);
      if (i === undefined) continue;
      grade[i] = gradeOf(g);
      depth[i] = 0;
      queue.push(i);
    }
    const cycles: string[][] = [];
    for (let head = 0; head < queue.length; head++) {
      const u = queue[head]!;
      if (depth[u]! >= q.depth) continue;
      for (let k = this.outStart[u]!; k < this.outStart[u + 1]!; k++) {
        const s = this.outSteps[k]!;
        if (!stepOn(s)) continue;
        const v = this.stepVictim[s]!;
        if (!this.alive(v, at)) continue;
        const weakens = RELATION_RULES[RELATION_TYPES[this.stepType[s]!]!].weakens;
        let next: number;
        let rule: ImpactRule;
        const g = this.stepGroup[s]!;
        if (g >= 0) {
          const group = this.groups[g]!;
          let members = 0;
          let down = 0;
          let degraded = 0;
          for (const m of group.steps) {
            if (this.stepVictim[m] !== v || !stepOn(m)) continue;
            members++;
            const mg = grade[this.stepSource[m]!]!;
            if (mg === 3) down++;
            else if (mg === 2) degraded++;
          }
          const base = members - down < group.minUp ? 3 : down > 0 ? 2 : degraded > 0 ? 1 : 0;
          next = weaken(base, weakens);
          rule = {
            kind: 'group',
            type: RELATION_TYPES[this.stepType[s]!]!,
            group: group.name,
            down,
            members,
            needs: group.minUp,
          };
        } else {
          next = weaken(grade[u]!, weakens);
          rule = { kind: 'relation', type: RELATION_TYPES[this.stepType[s]!]!, from: this.ids[u]! };
        }
        if (next <= grade[v]!) {
          if (grade[v]! > 0 && cycles.length < 10) this.noteCycle(u, v, via, cycles);
          continue;
        }
        grade[v] = next;
        if (depth[v] === -1 || depth[v]! > depth[u]! + 1) depth[v] = depth[u]! + 1;
        via[v] = s;
        rules.set(v, rule);
        queue.push(v);
      }
    }
    const affected: Affected[] = [];
    for (const [v, rule] of rules) {
      if (depth[v] === 0) continue;
      affected.push({
        id: this.ids[v]!,
        grade: GRADES[grade[v]! - 1]!,
        depth: depth[v]!,
        criticality: this.criticality[v]!,
        rule,
        path: this.pathTo(v, via, depth),
      });
    }
    affected.sort(
      (a, b) =>
        gradeOf(b.grade) - gradeOf(a.grade) ||
        b.criticality - a.criticality ||
        a.depth - b.depth ||
        a.id.localeCompare(b.id),
    );
    return { affected, total: affected.length, cycles };
  }

  /**
   * What the CIs `of` rely on, to `depth` steps over `types`, as of `at`: the CIs whose failure
   * would reach them (the candidates when they fail), nearest first.
   */
  dependencies(q: {
    of: string[];
    depth: number;
    types?: readonly RelationType[] | undefined;
    at: number;
  }): Dependency[] {
    const types = typeMask(q.types);
    const depth = new Map<number, number>();
    const via = new Map<number, number>();
    const queue: number[] = [];
    for (const id of q.of) {
      const i = this.index.get(id);
      if (i !== undefined && !depth.has(i)) {
        depth.set(i, 0);
        queue.push(i);
      }
    }
    for (let head = 0; head < queue.length; head++) {
      const v = queue[head]!;
      const d = depth.get(v)!;
      if (d >= q.depth) continue;
      for (let k = this.inStart[v]!; k < this.inStart[v + 1]!; k++) {
        const s = this.inSteps[k]!;
        const u = this.stepSource[s]!;
        if (types[this.stepType[s]!] !== 1 || !(this.stepFrom[s]! <= q.at && q.at < this.stepTo[s]!)) continue;
        if (depth.has(u) || !this.alive(u, q.at)) continue;
        depth.set(u, d + 1);
        via.set(u, s);
        queue.push(u);
      }
    }
    const out: Dependency[] = [];
    for (const [u, d] of depth) {
      if (d === 0) continue;
      const s = via.get(u)!;
      out.push({
        id: this.ids[u]!,
        depth: d,
        criticality: this.criticality[u]!,
        type: RELATION_TYPES[this.stepType[s]!]!,
        of: this.ids[this.stepVictim[s]!]!,
      });
    }
    return out.sort((a, b) => a.depth - b.depth || b.criticality - a.criticality || a.id.localeCompare(b.id));
  }

  private alive(i: number, at: number): boolean {
    return this.since[i]! <= at && at < this.until[i]!;
  }

  /** From a failed CI to `v`, along the steps that graded each. */
  private pathTo(v: number, via: Int32Array, depth: Int16Array): string[] {
    const path = [this.ids[v]!];
    for (let c = v, guard = 0; depth[c]! > 0 && via[c]! >= 0 && guard < 64; guard++) {
      c = this.stepSource[via[c]!]!;
      path.unshift(this.ids[c]!);
    }
    return path;
  }

  /** Records u → v as a cycle when v is on the chain that graded u. */
  private noteCycle(u: number, v: number, via: Int32Array, cycles: string[][]): void {
    const chain = [u];
    for (let c = u, guard = 0; via[c]! >= 0 && guard < 64; guard++) {
      c = this.stepSource[via[c]!]!;
      chain.unshift(c);
      if (c === v) {
        const ids = [...chain.map((x) => this.ids[x]!), this.ids[v]!];
        const key = [...ids.slice(0, -1)].sort().join();
        if (!cycles.some((x) => [...x.slice(0, -1)].sort().join() === key)) cycles.push(ids);
        return;
      }
    }
  }
}

export interface ImpactQuery {
  failed: Record<string, Grade>;
  depth: number;
  types?: readonly RelationType[] | undefined;
  at: number;
}
export type ImpactRule =
  | { kind: 'relation'; type: RelationType; from: string }
  | { kind: 'group'; type: RelationType; group: string; down: number; members: number; needs: number };
export interface Affected {
  id: string;
  grade: Grade;
  depth: number;
  criticality: number;
  rule: ImpactRule;
  /** From a failed CI to this one. */
  path: string[];
}
export interface ImpactAnswer {
  affected: Affected[];
  total: number;
  /** Cycles the walk passed (each closed: its first CI again at the end); at most ten. */
  cycles: string[][];
}
export interface Dependency {
  id: string;
  depth: number;
  criticality: number;
  /** The relation by which `of` relies on it. */
  type: RelationType;
  of: string;
}

/** The grade a failure keeps after crossing a relation that weakens it; at risk goes no further through one. */
function weaken(grade: number, steps: number): number {
  if (steps === 0) return grade;
  return grade - steps >= 1 ? grade - steps : grade === 3 ? 1 : 0;
}

function typeMask(types: readonly RelationType[] | undefined): Uint8Array {
  const mask = new Uint8Array(RELATION_TYPES.length);
  for (let t = 0; t < RELATION_TYPES.length; t++) mask[t] = !types || types.includes(RELATION_TYPES[t]!) ? 1 : 0;
  return mask;
}

/** Compressed rows: for each CI, the steps whose `key` is that CI. */
function csr(n: number, key: Int32Array): [Int32Array, Int32Array] {
  const start = new Int32Array(n + 1);
  for (const k of key) start[k + 1]!++;
  for (let i = 0; i < n; i++) start[i + 1]! += start[i]!;
  const fill = start.slice(0, n);
  const steps = new Int32Array(key.length);
  key.forEach((k, s) => (steps[fill[k]!++] = s));
  return [start, steps];
}

/** An impact rule in English (the web app words it in the reader's language from the same fields). */
export function ruleText(rule: ImpactRule, name: (id: string) => string): string {
  const r = RELATION_RULES[rule.type];
  // Read from the one who suffers: "hosted on S" (it is the relation's from), "supported by S" (its to).
  if (rule.kind === 'relation') return `${r.suffers === 'to' ? r.inverse : r.reading} ${name(rule.from)}`;
  return `${rule.down} of ${rule.members} in ${rule.group} down, needs ${rule.needs}`;
}
