/**
 * The CMDB's pure rules (issue 15): the class tree and its inherited attributes, attribute values
 * judged by type, the CI lifecycle, which classes a relation may join and the cycles it may not
 * close, and graded impact analysis — redundancy groups, weakening relations, as-of reads, depth
 * and type limits, cycles that end and are reported, ranking by criticality.
 */
import { describe, expect, it } from '@jest/globals';
import {
  ClassTree,
  type CmdbClass,
  SHIPPED_CLASSES,
  attributeProblems,
  classProblems,
} from '../../workflows/kernel/cmdb-classes.js';
import { CI_STATUSES, CI_TRANSITIONS, transitionProblem } from '../../workflows/kernel/cmdb-items.js';
import { type GraphRelation, ImpactGraph, ruleText } from '../../workflows/kernel/cmdb-impact.js';
import { cycleThrough, pairProblem } from '../../workflows/kernel/cmdb-relations.js';

const tree = new ClassTree(SHIPPED_CLASSES);
const label = (en: string) => ({ en });

describe('the class tree', () => {
  it('ships a tree rooted at ci with no problem, hardware and services below it', () => {
    expect(classProblems(SHIPPED_CLASSES)).toEqual([]);
    expect(tree.lineage('server').map((c) => c.key)).toEqual(['ci', 'hardware', 'server']);
    expect(tree.isA('business_service', 'service')).toBe(true);
    expect(tree.isA('server', 'software')).toBe(false);
    expect(tree.descendants('hardware').sort()).toEqual([
      'hardware',
      'network_device',
      'printer',
      'server',
      'workstation',
    ]);
  });

  it('gives a class its ancestors’ attributes first, then its own', () => {
    const blade: CmdbClass = {
      key: 'blade',
      name: label('Blade'),
      parent: 'server',
      attributes: [{ key: 'slot', label: label('Slot'), type: 'number' }],
    };
    const t = new ClassTree([...SHIPPED_CLASSES, blade]);
    expect(t.attributesOf('blade').map((a) => a.key)).toEqual([
      'manufacturer',
      'model',
      'cpu_cores',
      'memory_gb',
      'operating_system',
      'ip_address',
      'slot',
    ]);
  });

  it('refuses a missing parent, a class that would descend from itself, and a redefined inherited key', () => {
    const bad: CmdbClass[] = [
      ...SHIPPED_CLASSES,
      { key: 'orphan', name: label('Orphan'), parent: 'nothing', attributes: [] },
      { key: 'loop_a', name: label('A'), parent: 'loop_b', attributes: [] },
      { key: 'loop_b', name: label('B'), parent: 'loop_a', attributes: [] },
      {
        key: 'vm',
        name: label('VM'),
        parent: 'server',
        attributes: [{ key: 'model', label: label('Model again'), type: 'text' }],
      },
    ];
    const codes = classProblems(bad).map((p) => `${p.classKey}:${p.code}`);
    expect(codes).toEqual(['orphan:no_parent', 'loop_a:cycle', 'loop_b:cycle', 'vm:duplicate_attribute']);
  });
});

describe('attribute values', () => {
  const attrs = new ClassTree([
    ...SHIPPED_CLASSES,
    {
      key: 'rack',
      name: label('Rack'),
      parent: 'hardware',
      attributes: [
        { key: 'units', label: label('Units'), type: 'number', required: true },
        { key: 'room', label: label('Room'), type: 'choice', options: ['A', 'B'] },
        { key: 'installed', label: label('Installed'), type: 'date' },
        { key: 'keeper', label: label('Keeper'), type: 'user' },
        { key: 'pdu', label: label('PDU'), type: 'ci', ciClass: 'hardware' },
      ],
    },
  ]).attributesOf('rack');

  it('takes values of the right type and hands back the references to check', () => {
    const id = '00000000-0000-4000-8000-000000000009';
    const r = attributeProblems(
      { units: 42, room: 'B', installed: '2026-01-31', keeper: id, pdu: id, model: 'R1' },
      attrs,
    );
    expect(r.problems).toEqual([]);
    expect(r.references).toEqual([
      { key: 'keeper', type: 'user', id },
      { key: 'pdu', type: 'ci', id, ciClass: 'hardware' },
    ]);
  });

  it('names each wrong value: unknown key, missing required, wrong type, not an option, bad date, bad id', () => {
    const r = attributeProblems(
      { colour: 'red', room: 'C', installed: '2026-02-30x', keeper: 'bob', units: '42' },
      attrs,
    );
    expect(r.problems.map((p) => `${p.key}:${p.code}`)).toEqual([
      'colour:unknown',
      'units:type',
      'room:option',
      'installed:type',
      'keeper:type',
    ]);
    expect(attributeProblems({}, attrs).problems).toEqual([
      { key: 'units', code: 'required', message: 'Units is required' },
    ]);
  });
});

describe('the CI lifecycle', () => {
  it('moves forward with the loops an estate has, and never out of disposed', () => {
    expect(transitionProblem('planned', 'in_use')).toBeNull();
    expect(transitionProblem('in_use', 'maintenance')).toBeNull();
    expect(transitionProblem('maintenance', 'in_use')).toBeNull();
    expect(transitionProblem('retired', 'in_stock')).toBeNull();
    expect(transitionProblem('in_use', 'planned')).toMatch(/cannot go from in_use to planned/);
    expect(transitionProblem('disposed', 'in_use')).toBe('A disposed item cannot change status');
    // Every status but disposed has a way on; every status is reachable from planned.
    const reach = new Set(['planned']);
    for (let i = 0; i < CI_STATUSES.length; i++)
      for (const s of [...reach]) for (const n of CI_TRANSITIONS[s as 'planned']) reach.add(n);
    expect([...reach].sort()).toEqual([...CI_STATUSES].sort());
  });
});

describe('relations', () => {
  it('joins only the classes a type allows, subclasses included', () => {
    expect(pairProblem('hosted_on', 'application', 'server', tree)).toBeNull();
    expect(pairProblem('supports', 'technical_service', 'business_service', tree)).toBeNull();
    expect(pairProblem('depends_on', 'document', 'printer', tree)).toBeNull();
    expect(pairProblem('hosted_on', 'server', 'application', tree)).toMatch(
      /^Server cannot be hosted on Application \(allowed: Application → Hardware, /,
    );
    expect(pairProblem('connects_to', 'application', 'server', tree)).not.toBeNull();
  });

  it('finds the cycle a new relation would close, with its path', () => {
    const next: Record<string, string[]> = { b: ['c'], c: ['a'], a: [] };
    expect(cycleThrough('a', 'b', (id) => next[id] ?? [])).toEqual(['a', 'b', 'c', 'a']);
    expect(cycleThrough('x', 'b', (id) => next[id] ?? [])).toBeNull();
    expect(cycleThrough('a', 'a', () => [])).toEqual(['a', 'a']);
  });
});

describe('graded impact analysis', () => {
  const T0 = Date.parse('2026-01-01T00:00:00Z');
  const NOW = Date.parse('2026-06-01T00:00:00Z');
  const ci = (id: string, criticality = 1) => ({ id, classKey: 'ci', criticality, since: T0, until: Infinity });
  let n = 0;
  const rel = (
    from: string,
    type: GraphRelation['type'],
    to: string,
    extra: Partial<GraphRelation> = {},
  ): GraphRelation => ({
    id: `r${++n}`,
    type,
    from,
    to,
    groupId: null,
    validFrom: T0,
    validTo: Infinity,
    ...extra,
  });
  // A shop (business service) supported by an app hosted on a web farm of two servers (one must be
  // up); the app uses a database hosted on its own server; the farm's switch links to a router.
  const cis = ['shop', 'app', 'web1', 'web2', 'db', 'dbhost', 'switch', 'router', 'report'].map((id) =>
    ci(id, id === 'shop' ? 3 : 1),
  );
  const relations = [
    rel('app', 'supports', 'shop'),
    rel('app', 'hosted_on', 'web1', { groupId: 'farm' }),
    rel('app', 'hosted_on', 'web2', { groupId: 'farm' }),
    rel('app', 'uses', 'db'),
    rel('db', 'hosted_on', 'dbhost'),
    rel('web1', 'connects_to', 'switch'),
    rel('switch', 'connects_to', 'router'),
    // The report used the database until March.
    rel('report', 'depends_on', 'db', { validTo: Date.parse('2026-03-01T00:00:00Z') }),
  ];
  const graph = new ImpactGraph(cis, relations, [{ id: 'farm', name: 'web farm', minUp: 1 }]);
  const grades = (
    failed: Record<string, 'down' | 'degraded'>,
    opts: { depth?: number; at?: number; types?: GraphRelation['type'][] } = {},
  ) =>
    Object.fromEntries(
      graph
        .impact({ failed, depth: opts.depth ?? 6, at: opts.at ?? NOW, types: opts.types })
        .affected.map((a) => [a.id, a.grade]),
    );

  it('one member of a redundancy group down: what it hosts is degraded, and says why', () => {
    const answer = graph.impact({ failed: { web1: 'down' }, depth: 6, at: NOW });
    const app = answer.affected.find((a) => a.id === 'app')!;
    expect(app.grade).toBe('degraded');
    expect(ruleText(app.rule, (id) => id)).toBe('1 of 2 in web farm down, needs 1');
    expect(app.path).toEqual(['web1', 'app']);
    // The shop is supported by the degraded app: degraded too, two steps away.
    expect(answer.affected.find((a) => a.id === 'shop')).toMatchObject({
      grade: 'degraded',
      depth: 2,
      path: ['web1', 'app', 'shop'],
    });
    // The link to the switch makes it at risk, and no further (at risk does not cross another link).
    expect(grades({ web1: 'down' })).toEqual({ shop: 'degraded', app: 'degraded', switch: 'at_risk' });
  });

  it('every member down: what it hosts is down, and what it supports', () => {
    const g = grades({ web1: 'down', web2: 'down' });
    expect(g).toMatchObject({ app: 'down', shop: 'down' });
    const app = graph
      .impact({ failed: { web1: 'down', web2: 'down' }, depth: 6, at: NOW })
      .affected.find((a) => a.id === 'app')!;
    expect(ruleText(app.rule, (id) => id)).toBe('2 of 2 in web farm down, needs 1');
  });

  it('a relation that only uses weakens the failure by a grade; hosted-on keeps it', () => {
    // dbhost down → db down (hosted on) → app degraded (uses) → shop degraded (supports).
    expect(grades({ dbhost: 'down' })).toEqual({ db: 'down', app: 'degraded', shop: 'degraded' });
    const db = graph.impact({ failed: { dbhost: 'down' }, depth: 6, at: NOW }).affected.find((a) => a.id === 'db')!;
    expect(ruleText(db.rule, (id) => id)).toBe('hosted on dbhost');
    const shop = graph.impact({ failed: { dbhost: 'down' }, depth: 6, at: NOW }).affected.find((a) => a.id === 'shop')!;
    expect(ruleText(shop.rule, (id) => id)).toBe('supported by app');
  });

  it('reads the graph as of a past moment: a relation since ended still counted then', () => {
    expect(grades({ db: 'down' }, { at: Date.parse('2026-02-01T00:00:00Z') })).toMatchObject({ report: 'down' });
    expect(grades({ db: 'down' })).not.toHaveProperty('report');
    // Before the estate existed, nothing is affected.
    expect(grades({ db: 'down' }, { at: T0 - 1 })).toEqual({});
  });

  it('stops at the depth asked and walks only the relation types asked', () => {
    expect(grades({ dbhost: 'down' }, { depth: 1 })).toEqual({ db: 'down' });
    expect(grades({ dbhost: 'down' }, { types: ['hosted_on'] })).toEqual({ db: 'down' });
  });

  it('ranks the worst first, then the most critical, then the nearest', () => {
    const order = graph
      .impact({ failed: { web1: 'down', web2: 'down', dbhost: 'down' }, depth: 6, at: NOW })
      .affected.map((a) => a.id);
    expect(order.slice(0, 3)).toEqual(['shop', 'app', 'db']);
  });

  it('ends on a cycle and reports it once', () => {
    const loop = new ImpactGraph(
      ['a', 'b', 'c'].map((id) => ci(id)),
      [rel('a', 'depends_on', 'b'), rel('b', 'depends_on', 'c'), rel('c', 'depends_on', 'a')],
    );
    const answer = loop.impact({ failed: { a: 'down' }, depth: 50, at: NOW });
    expect(answer.affected.map((x) => [x.id, x.grade])).toEqual([
      ['c', 'down'],
      ['b', 'down'],
    ]);
    expect(answer.cycles).toEqual([['a', 'c', 'b', 'a']]);
  });

  it('lists what CIs rely on, nearest first', () => {
    const deps = graph.dependencies({ of: ['shop'], depth: 6, at: NOW });
    expect(deps.map((d) => `${d.depth}:${d.id}`)).toEqual([
      '1:app',
      '2:db',
      '2:web1',
      '2:web2',
      '3:dbhost',
      '3:switch',
      '4:router',
    ]);
    expect(deps[0]).toMatchObject({ type: 'supports', of: 'shop' });
  });
});
