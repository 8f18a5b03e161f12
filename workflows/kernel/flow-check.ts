/**
 * The approval-flow validator (the schema is flow.ts): each problem of a flow named at its node, in
 * five passes over one index of the graph — its shape (nodes, edges, exits), its paths (reach),
 * joins against their splits, cycles, and what the nodes refer to (form fields, roles, webhooks).
 */
import { type Form, comparisonIssue } from './form.js';
import type { Flow, FlowEdge, FlowNode, FlowNodeType } from './flow.js';

export interface FlowProblem {
  /** The node the problem is at (or an edge's source). */
  nodeId: string;
  code: string;
  /** In English, for the API and logs; people read it in their language from `code` and `params`. */
  message: string;
  /**
   * What the message names, for a translation of `code` (node ids under `node`, `to`, `split`…;
   * `variant` where one code has more than one wording).
   */
  params: Record<string, string | number>;
}

/** What the validator needs to know of the world: the item's form, the roles there are. */
export interface FlowContext {
  form?: Form | undefined;
  roles?: readonly string[] | undefined;
}

/** The outcomes a node of each type must have an edge for (an edge each, labelled). */
const OUTCOMES: Partial<Record<FlowNodeType, readonly string[]>> = {
  approval: ['approved', 'rejected'],
  condition: ['true', 'false'],
  webhook: ['ok', 'failed'],
};

/** Approvers a rule can count on: named users by number; the others are resolved when asked. */
function countableApprovers(n: Extract<FlowNode, { type: 'approval' }>): number | null {
  return n.approvers.every((a) => a.kind === 'users')
    ? new Set(n.approvers.flatMap((a) => (a.kind === 'users' ? a.userIds : []))).size
    : null;
}

/** The graph indexed once: nodes by id, edges out of and into each node, and where problems go. */
interface Graph {
  flow: Flow;
  nodes: Map<string, FlowNode>;
  out: Map<string, FlowEdge[]>;
  incoming: Map<string, FlowEdge[]>;
  starts: FlowNode[];
  at: (nodeId: string, code: string, message: string, params?: FlowProblem['params']) => void;
}

/** The node ids reached from `from` by `next`, breadth first. */
function walk(from: string[], next: (id: string) => string[]): Set<string> {
  const reached = new Set(from);
  const queue = [...from];
  while (queue.length) {
    for (const m of next(queue.shift()!)) {
      if (reached.has(m)) continue;
      reached.add(m);
      queue.push(m);
    }
  }
  return reached;
}

const forward = (g: Graph) => (id: string) => (g.out.get(id) ?? []).map((e) => e.to);

/** Indexes the graph, reporting duplicate nodes, start and end counts, dangling and duplicate edges. */
function indexGraph(flow: Flow, at: Graph['at']): Graph {
  const nodes = new Map<string, FlowNode>();
  for (const n of flow.nodes) {
    if (nodes.has(n.id)) at(n.id, 'duplicate_node', `Two nodes have the id '${n.id}'`, { node: n.id });
    nodes.set(n.id, n);
  }
  const starts = flow.nodes.filter((n) => n.type === 'start');
  if (starts.length !== 1)
    at(
      starts[1]?.id ?? flow.nodes[0]!.id,
      'start_count',
      `A flow has exactly one start (this one has ${starts.length})`,
      { n: starts.length },
    );
  if (!flow.nodes.some((n) => n.type === 'end')) at(flow.nodes[0]!.id, 'no_end', 'A flow needs at least one end', {});

  const out = new Map<string, FlowEdge[]>();
  const incoming = new Map<string, FlowEdge[]>();
  const seen = new Set<string>();
  for (const e of flow.edges) {
    if (!nodes.has(e.from) || !nodes.has(e.to)) {
      at(e.from, 'dangling_edge', `An edge from '${e.from}' to '${e.to}' names a node that does not exist`, {
        node: e.from,
        to: e.to,
      });
      continue;
    }
    const key = `${e.from}→${e.to}→${e.when ?? ''}`;
    if (seen.has(key))
      at(e.from, 'duplicate_edge', `The edge from '${e.from}' to '${e.to}' is there twice`, {
        node: e.from,
        to: e.to,
      });
    seen.add(key);
    out.set(e.from, [...(out.get(e.from) ?? []), e]);
    incoming.set(e.to, [...(incoming.get(e.to) ?? []), e]);
  }

  return { flow, nodes, out, incoming, starts, at };
}

/** Each node's exits fit its type: labelled outcomes, lanes of a split, one way on, none from an end. */
function checkExits({ flow, out, incoming, at }: Graph): void {
  for (const n of flow.nodes) {
    const exits = out.get(n.id) ?? [];
    const outcomes = OUTCOMES[n.type];
    if (n.type === 'start' && (incoming.get(n.id) ?? []).length)
      at(n.id, 'edge_into_start', 'Nothing leads back into the start', { node: n.id });
    if (n.type === 'end') {
      if (exits.length) at(n.id, 'edge_from_end', 'An end has no way out', { node: n.id });
      continue;
    }
    if (outcomes) {
      for (const o of outcomes)
        if (!exits.some((e) => e.when === o))
          at(n.id, 'outcome_missing', `'${n.id}' has no way to go when ${o}`, { node: n.id, outcome: o });
      for (const e of exits)
        if (!e.when || !outcomes.includes(e.when))
          at(
            n.id,
            'bad_outcome',
            `An edge from '${n.id}' must say which outcome it follows (${outcomes.join(' or ')})`,
            { node: n.id, variant: 'label', outcomes: outcomes.join(' / ') },
          );
      for (const o of outcomes)
        if (exits.filter((e) => e.when === o).length > 1)
          at(n.id, 'outcome_twice', `'${n.id}' goes two ways when ${o}`, { node: n.id, outcome: o });
    } else if (n.type === 'split') {
      if (exits.length < 2)
        at(n.id, 'split_lanes', `A split needs at least two lanes ('${n.id}' has ${exits.length})`, {
          node: n.id,
          n: exits.length,
        });
      if (exits.some((e) => e.when))
        at(n.id, 'bad_outcome', 'The lanes of a split follow no outcome', { node: n.id, variant: 'split' });
    } else {
      if (exits.length !== 1)
        at(n.id, 'one_exit', `'${n.id}' needs exactly one way on (it has ${exits.length})`, {
          node: n.id,
          n: exits.length,
        });
      if (exits.some((e) => e.when))
        at(n.id, 'bad_outcome', `'${n.id}' has no outcomes to follow`, { node: n.id, variant: 'none' });
    }
  }
}

/** Every node reachable from the start and able to reach an end. */
function checkPaths(g: Graph): void {
  const { flow, incoming, starts, at } = g;
  const reachable = walk(
    starts.slice(0, 1).map((s) => s.id),
    forward(g),
  );
  const ends = flow.nodes.filter((n) => n.type === 'end').map((n) => n.id);
  const toEnd = walk(ends, (id) => (incoming.get(id) ?? []).map((e) => e.from));
  for (const n of flow.nodes) {
    if (starts.length && !reachable.has(n.id)) at(n.id, 'unreachable', `Nothing leads to '${n.id}'`, { node: n.id });
    else if (!toEnd.has(n.id)) at(n.id, 'no_way_to_end', `From '${n.id}' no path reaches an end`, { node: n.id });
  }
}

/** Joins name a split whose lanes all arrive at them (or end in a rejection), with a count their mode meets. */
function checkJoins(g: Graph): void {
  const { flow, nodes, out, incoming, at } = g;
  for (const j of flow.nodes) {
    if (j.type !== 'join') continue;
    const split = nodes.get(j.split);
    if (!split || split.type !== 'split') {
      at(j.id, 'join_without_split', `The join '${j.id}' names '${j.split}', which is not a split`, {
        node: j.id,
        split: j.split,
      });
      continue;
    }
    const lanes = (out.get(split.id) ?? []).length;
    const inLanes = new Set<string>([split.id]);
    for (const lane of out.get(split.id) ?? []) {
      // A lane may stop early only by a rejection; every other way leads through this join (a
      // lane may bring both its outcomes there: the join then tolerates a rejection in it).
      const laneNodes = walk([lane.to], (id) => (id === j.id ? [] : forward(g)(id)));
      laneNodes.forEach((id) => inLanes.add(id));
      const bypass = [...laneNodes].some((id) => {
        const n = nodes.get(id);
        return n?.type === 'end' && n.outcome !== 'rejected';
      });
      if (!laneNodes.has(j.id) || bypass)
        at(j.id, 'lane_lost', `The lane of '${split.id}' through '${lane.to}' goes on without arriving at '${j.id}'`, {
          node: j.id,
          split: split.id,
          to: lane.to,
        });
    }
    const strays = (incoming.get(j.id) ?? []).filter((e) => !inLanes.has(e.from)).length;
    if (strays)
      at(
        j.id,
        'join_mismatch',
        `${strays} way${strays === 1 ? '' : 's'} into '${j.id}' come${strays === 1 ? 's' : ''} from outside the lanes of '${split.id}'`,
        { node: j.id, split: split.id, n: strays },
      );
    if (j.mode === 'n' && (j.n === undefined || j.n > lanes))
      at(j.id, 'join_count', `The join '${j.id}' waits for ${j.n ?? '?'} of ${lanes} lanes`, {
        node: j.id,
        variant: 'over',
        n: j.n ?? '?',
        of: lanes,
      });
    if (j.mode !== 'n' && j.n !== undefined)
      at(j.id, 'join_count', `Only a join of mode 'n' takes a count`, { node: j.id, variant: 'mode' });
  }
}

/** Every cycle contains an edge that says how often it may be taken. */
function checkCycles({ flow, nodes, at }: Graph): void {
  const unbounded = new Map<string, string[]>();
  for (const e of flow.edges)
    if (!e.maxTraversals && nodes.has(e.from) && nodes.has(e.to))
      unbounded.set(e.from, [...(unbounded.get(e.from) ?? []), e.to]);
  const state = new Map<string, 'open' | 'done'>();
  const reported = new Set<string>();
  const dfs = (id: string): void => {
    state.set(id, 'open');
    for (const m of unbounded.get(id) ?? []) {
      if (state.get(m) === 'open' && !reported.has(m)) {
        reported.add(m);
        at(m, 'unbounded_cycle', `A loop through '${m}' has no limit: give one of its edges maxTraversals`, {
          node: m,
        });
      } else if (!state.has(m)) dfs(m);
    }
    state.set(id, 'done');
  };
  for (const n of flow.nodes) if (!state.has(n.id)) dfs(n.id);
}

/** What nodes refer to: approver rules that can be met, roles, form fields of fitting types, webhooks. */
function checkReferences({ flow, nodes, at }: Graph, ctx: FlowContext): void {
  const fields = new Map((ctx.form?.fields ?? []).map((f) => [f.id, f]));
  const needField = (
    nodeId: string,
    fieldId: string,
    types: readonly string[],
    what: { text: string; variant: string },
  ) => {
    const f = fields.get(fieldId);
    if (!ctx.form) return;
    if (!f)
      at(nodeId, 'unknown_field', `'${nodeId}' refers to '${fieldId}', which the form does not have`, {
        node: nodeId,
        field: fieldId,
      });
    else if (!types.includes(f.type))
      at(nodeId, 'field_type', `'${nodeId}': '${fieldId}' is a ${f.type} field, not ${what.text}`, {
        node: nodeId,
        field: fieldId,
        type: f.type,
        variant: what.variant,
      });
  };
  for (const n of flow.nodes) {
    if (n.type === 'approval') {
      const m = countableApprovers(n);
      if (n.rule.kind === 'n_of_m' && m !== null && n.rule.n > m)
        at(n.id, 'rule_unmeetable', `'${n.id}' asks ${n.rule.n} of ${m} named approvers`, {
          node: n.id,
          n: n.rule.n,
          of: m,
        });
      for (const a of n.approvers) {
        if (a.kind === 'field') needField(n.id, a.fieldId, ['user'], { text: 'a person', variant: 'person' });
        if (a.kind === 'role' && ctx.roles && !ctx.roles.includes(a.role))
          at(n.id, 'unknown_role', `'${n.id}': there is no role '${a.role}'`, { node: n.id, role: a.role });
      }
      if (n.deadline?.outcome === 'escalate' && !n.deadline.escalateTo)
        at(n.id, 'escalation_target', `'${n.id}' escalates at its deadline but names no one to escalate to`, {
          node: n.id,
          variant: 'missing',
        });
      if (n.deadline && n.deadline.outcome !== 'escalate' && n.deadline.escalateTo)
        at(n.id, 'escalation_target', `'${n.id}': only an escalating deadline names someone`, {
          node: n.id,
          variant: 'extra',
        });
    }
    if (n.type === 'condition') {
      if (n.subject.kind === 'answer' && ctx.form) {
        const p = comparisonIssue(
          { field: n.subject.fieldId, op: n.op, value: n.value },
          fields.get(n.subject.fieldId),
        );
        if (p)
          at(n.id, 'bad_condition', `'${n.id}': ${p.message}`, {
            ...p.params,
            node: n.id,
            variant: p.reason,
          });
      }
      if (n.subject.kind === 'webhook') {
        const hook = nodes.get(n.subject.nodeId);
        if (!hook || hook.type !== 'webhook')
          at(n.id, 'bad_condition', `'${n.id}' reads the answer of '${n.subject.nodeId}', which is not a webhook`, {
            node: n.id,
            variant: 'not_webhook',
            to: n.subject.nodeId,
          });
      }
      if (
        (n.subject.kind === 'requester_team' || n.subject.kind === 'catalog_item') &&
        !['eq', 'ne', 'in'].includes(n.op)
      )
        at(n.id, 'bad_condition', `'${n.id}': compare the ${n.subject.kind.replace('_', ' ')} with eq, ne or in`, {
          node: n.id,
          variant: 'equality',
          subject: n.subject.kind,
        });
    }
    if (n.type === 'wait') {
      if ((n.minutes === undefined) === (n.untilField === undefined))
        at(n.id, 'wait_kind', `'${n.id}' waits either a number of minutes or until a date field`, { node: n.id });
      if (n.untilField) needField(n.id, n.untilField, ['date', 'datetime'], { text: 'a date', variant: 'date' });
    }
    if (n.type === 'set_field' && ctx.form && !fields.has(n.field))
      at(n.id, 'unknown_field', `'${n.id}' refers to '${n.field}', which the form does not have`, {
        node: n.id,
        field: n.field,
      });
  }
}

/**
 * The problems of a flow, each at its node: one start and at least one end; ids unique; edges that
 * join existing nodes, not twice, labelled with the outcomes their source has (every outcome
 * covered, single-exit nodes with one edge); every node reachable from the start and able to reach
 * an end; joins that name a split whose lanes all arrive at them, with a count their mode can
 * meet; no cycle that no edge bounds; approver rules that can be met; conditions, approvers and
 * waits that refer to fields of the item's form with operators and values that fit them.
 */
export function validateFlow(flow: Flow, ctx: FlowContext = {}): FlowProblem[] {
  const problems: FlowProblem[] = [];
  const g = indexGraph(flow, (nodeId, code, message, params = {}) => problems.push({ nodeId, code, message, params }));
  checkExits(g);
  checkPaths(g);
  checkJoins(g);
  checkCycles(g);
  checkReferences(g, ctx);
  return problems;
}
