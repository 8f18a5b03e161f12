/**
 * The designer's document: a flow graph with where each node is drawn, and the edits a process
 * owner makes to it — each a pure function from one document to the next, so the command history
 * (history.ts) can keep them and the canvas adapter only draws. Connections are checked here, by
 * the same rules while dragging and when dropping: which exits a node has, one edge per outcome.
 */
import type { Flow, FlowEdge, FlowNode, FlowNodeType } from '../../workflows/kernel/flow.js';

export interface Point {
  x: number;
  y: number;
}
export type Outcome = NonNullable<FlowEdge['when']>;

export interface DesignDoc {
  nodes: FlowNode[];
  edges: FlowEdge[];
  layout: Record<string, Point>;
}

/** The grid nodes snap to (canvas units). */
export const GRID = 20;
export const NODE_WIDTH = 220;
export const NODE_HEIGHT = 72;
const ROW = 120;

/** The exits of a node by type: labelled outcomes, one unlabelled way on (`null`), or none. */
export function exitsOf(type: FlowNodeType): readonly (Outcome | null)[] {
  switch (type) {
    case 'approval':
      return ['approved', 'rejected'];
    case 'condition':
      return ['true', 'false'];
    case 'webhook':
      return ['ok', 'failed'];
    case 'end':
      return [];
    default:
      return [null];
  }
}

export const edgeKey = (e: Pick<FlowEdge, 'from' | 'to' | 'when'>) => `${e.from}>${e.to}>${e.when ?? ''}`;
const snap = (v: number) => Math.round(v / GRID) * GRID;

/** A document from a stored flow; nodes drawn nowhere yet are placed in a column, in order. */
export function fromFlow(flow: Flow): DesignDoc {
  const layout: Record<string, Point> = {};
  flow.nodes.forEach((n, i) => {
    layout[n.id] = flow.layout?.[n.id] ?? { x: 0, y: i * ROW };
  });
  return { nodes: flow.nodes, edges: flow.edges, layout };
}

/** The flow to store: the graph and the drawing of the nodes it has. */
export function toFlow(doc: DesignDoc): Flow {
  const layout: Record<string, Point> = {};
  for (const n of doc.nodes) {
    const p = doc.layout[n.id];
    if (p) layout[n.id] = { x: Math.round(p.x), y: Math.round(p.y) };
  }
  return { nodes: doc.nodes, edges: doc.edges, layout };
}

/** A fresh node id for a type: `approval`, `approval-2`, … */
export function freshId(doc: Pick<DesignDoc, 'nodes'>, type: string, taken: Set<string> = new Set()): string {
  const used = new Set([...doc.nodes.map((n) => n.id), ...taken]);
  const base = type.replace('_', '-');
  if (!used.has(base)) return base;
  for (let i = 2; ; i++) if (!used.has(`${base}-${i}`)) return `${base}-${i}`;
}

/** What a new node of each type starts with: a complete node the owner then edits. */
export interface NodeDefaults {
  teamId: string | null;
  /** The form field a new condition reads, when the flow's item has one. */
  fieldId: string | null;
  /** The split a new join closes (the newest one drawn). */
  splitId: string | null;
}

export function newNode(type: FlowNodeType, id: string, d: NodeDefaults): FlowNode {
  switch (type) {
    case 'start':
      return { id, type };
    case 'end':
      return { id, type, outcome: 'completed' };
    case 'approval':
      return { id, type, approvers: [{ kind: 'manager' }], rule: { kind: 'any' } };
    case 'condition':
      return d.fieldId
        ? { id, type, subject: { kind: 'answer', fieldId: d.fieldId }, op: 'not_empty' }
        : { id, type, subject: { kind: 'requester_team' }, op: 'in', value: d.teamId ? [d.teamId] : [] };
    case 'split':
      return { id, type };
    case 'join':
      return { id, type, split: d.splitId ?? 'split', mode: 'all' };
    case 'task':
      return { id, type, teamId: d.teamId ?? '00000000-0000-4000-8000-000000000000', title: 'Fulfil the request' };
    case 'notify':
      return { id, type, to: 'requester', template: 'request_update' };
    case 'set_field':
      return { id, type, field: 'status_note', value: 'set' };
    case 'webhook':
      return { id, type, url: 'https://example.com/webhook', secretRef: 'WEBHOOK_SECRET' };
    case 'wait':
      return { id, type, minutes: 60 };
  }
}

export type ConnectRefusal =
  'same_node' | 'from_end' | 'into_start' | 'no_such_exit' | 'exit_taken' | 'duplicate' | 'unknown_node';

/** Whether an edge may be drawn from `from`'s exit `when` to `to`; why not when it may not. */
export function canConnect(doc: DesignDoc, from: string, when: Outcome | null, to: string): ConnectRefusal | null {
  const a = doc.nodes.find((n) => n.id === from);
  const b = doc.nodes.find((n) => n.id === to);
  if (!a || !b) return 'unknown_node';
  if (from === to) return 'same_node';
  if (a.type === 'end') return 'from_end';
  if (b.type === 'start') return 'into_start';
  if (!exitsOf(a.type).includes(when)) return 'no_such_exit';
  const out = doc.edges.filter((e) => e.from === from);
  if (out.some((e) => e.to === to && (e.when ?? null) === when)) return 'duplicate';
  // A split has as many lanes as it is drawn with; every other exit leads one way.
  if (a.type !== 'split' && out.some((e) => (e.when ?? null) === when)) return 'exit_taken';
  return null;
}

/** The first exit of a node no edge takes yet (a split always has one more lane). */
export function freeExit(doc: DesignDoc, from: string): Outcome | null | undefined {
  const n = doc.nodes.find((x) => x.id === from);
  if (!n) return undefined;
  if (n.type === 'split') return null;
  return exitsOf(n.type).find((w) => !doc.edges.some((e) => e.from === from && (e.when ?? null) === w));
}

export function connect(doc: DesignDoc, from: string, when: Outcome | null, to: string): DesignDoc {
  if (canConnect(doc, from, when, to)) return doc;
  const edge: FlowEdge = when ? { from, to, when } : { from, to };
  return { ...doc, edges: [...doc.edges, edge] };
}

/** Points an exit elsewhere (or nowhere), as the properties panel's "then" choice does. */
export function retarget(doc: DesignDoc, from: string, when: Outcome | null, to: string | null): DesignDoc {
  const rest = doc.edges.filter((e) => !(e.from === from && (e.when ?? null) === when));
  const next = { ...doc, edges: rest };
  return to ? connect(next, from, when, to) : next;
}

/**
 * Adds a node at `at`; placed after `after` (below it, wired from its first free exit) when one
 * is given and `at` is not.
 */
export function addNode(doc: DesignDoc, node: FlowNode, at: Point | null, after: string | null): DesignDoc {
  const prev = after ? doc.layout[after] : undefined;
  const p = at ?? (prev ? { x: prev.x, y: prev.y + ROW } : lowest(doc));
  let next: DesignDoc = {
    nodes: [...doc.nodes, node],
    edges: doc.edges,
    layout: { ...doc.layout, [node.id]: { x: snap(p.x), y: snap(p.y) } },
  };
  if (after) {
    const exit = freeExit(next, after);
    if (exit !== undefined) next = connect(next, after, exit, node.id);
  }
  return next;
}

function lowest(doc: DesignDoc): Point {
  const ys = Object.values(doc.layout);
  return ys.length ? { x: Math.min(...ys.map((p) => p.x)), y: Math.max(...ys.map((p) => p.y)) + ROW } : { x: 0, y: 0 };
}

export function updateNode(doc: DesignDoc, id: string, node: FlowNode): DesignDoc {
  // Renaming a node carries its edges, its place, and what refers to it.
  const renamed = node.id !== id;
  const ref = (x: string) => (renamed && x === id ? node.id : x);
  const nodes = doc.nodes.map((n) => {
    if (n.id === id) return node;
    if (!renamed) return n;
    if (n.type === 'join' && n.split === id) return { ...n, split: node.id };
    if (n.type === 'condition' && n.subject.kind === 'webhook' && n.subject.nodeId === id)
      return { ...n, subject: { ...n.subject, nodeId: node.id } };
    return n;
  });
  if (!renamed) return { ...doc, nodes };
  const { [id]: place, ...layout } = doc.layout;
  return {
    nodes,
    edges: doc.edges.map((e) => ({ ...e, from: ref(e.from), to: ref(e.to) })),
    layout: place ? { ...layout, [node.id]: place } : layout,
  };
}

export function updateEdge(doc: DesignDoc, key: string, edge: FlowEdge): DesignDoc {
  return { ...doc, edges: doc.edges.map((e) => (edgeKey(e) === key ? edge : e)) };
}

/** Removes nodes (and the edges touching them) and edges by key. */
export function remove(doc: DesignDoc, nodeIds: Iterable<string>, edgeKeys: Iterable<string> = []): DesignDoc {
  const ids = new Set(nodeIds);
  const keys = new Set(edgeKeys);
  const layout = { ...doc.layout };
  for (const id of ids) delete layout[id];
  return {
    nodes: doc.nodes.filter((n) => !ids.has(n.id)),
    edges: doc.edges.filter((e) => !ids.has(e.from) && !ids.has(e.to) && !keys.has(edgeKey(e))),
    layout,
  };
}

/** Moves nodes to new places (snapped to the grid when `snapToGrid`). */
export function moveNodes(doc: DesignDoc, places: Record<string, Point>, snapToGrid = true): DesignDoc {
  const layout = { ...doc.layout };
  for (const [id, p] of Object.entries(places)) {
    if (!doc.nodes.some((n) => n.id === id)) continue;
    layout[id] = snapToGrid ? { x: snap(p.x), y: snap(p.y) } : p;
  }
  return { ...doc, layout };
}

/** What a copy holds: the nodes chosen, the edges between them, their places. */
export interface Clip {
  nodes: FlowNode[];
  edges: FlowEdge[];
  layout: Record<string, Point>;
}

export function copy(doc: DesignDoc, ids: Iterable<string>): Clip {
  const chosen = new Set(ids);
  const nodes = doc.nodes.filter((n) => chosen.has(n.id) && n.type !== 'start');
  const kept = new Set(nodes.map((n) => n.id));
  const layout: Record<string, Point> = {};
  for (const id of kept) if (doc.layout[id]) layout[id] = doc.layout[id]!;
  return { nodes, edges: doc.edges.filter((e) => kept.has(e.from) && kept.has(e.to)), layout };
}

/** Pastes a copy beside where it was taken from, each node under a fresh id; answers the new ids. */
export function paste(
  doc: DesignDoc,
  clip: Clip,
  offset: Point = { x: 2 * GRID, y: 2 * GRID },
): { doc: DesignDoc; ids: string[] } {
  const names = new Map<string, string>();
  const taken = new Set<string>();
  for (const n of clip.nodes) {
    const id = freshId(doc, n.id.replace(/-\d+$/, ''), taken);
    taken.add(id);
    names.set(n.id, id);
  }
  const re = (x: string) => names.get(x) ?? x;
  const nodes = clip.nodes.map((n): FlowNode => {
    const m = { ...n, id: re(n.id) } as FlowNode;
    if (m.type === 'join') return { ...m, split: re(m.split) };
    if (m.type === 'condition' && m.subject.kind === 'webhook')
      return { ...m, subject: { ...m.subject, nodeId: re(m.subject.nodeId) } };
    return m;
  });
  const layout = { ...doc.layout };
  for (const n of clip.nodes) {
    const p = clip.layout[n.id] ?? { x: 0, y: 0 };
    layout[re(n.id)] = { x: snap(p.x + offset.x), y: snap(p.y + offset.y) };
  }
  return {
    doc: {
      nodes: [...doc.nodes, ...nodes],
      edges: [...doc.edges, ...clip.edges.map((e) => ({ ...e, from: re(e.from), to: re(e.to) }))],
      layout,
    },
    ids: nodes.map((n) => n.id),
  };
}

/** Two documents are the same drawing (for the dirty marker). */
export function sameDoc(a: DesignDoc, b: DesignDoc): boolean {
  return JSON.stringify(toFlow(a)) === JSON.stringify(toFlow(b));
}
