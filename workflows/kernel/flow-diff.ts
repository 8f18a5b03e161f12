/**
 * What changed between two versions of a flow, for people comparing them (the designer draws it
 * on the canvas and lists it): nodes and edges added, removed and changed, each change field by
 * field; nodes only moved on the canvas are told apart from nodes whose meaning changed. Pure.
 */
import type { Flow, FlowEdge, FlowNode } from './flow.js';

export interface FieldChange {
  /** Where in the node or edge, dotted: `rule.n`, `approvers.0.kind`, `deadline`. */
  path: string;
  before: unknown;
  after: unknown;
}

export interface FlowDiff {
  nodes: {
    added: FlowNode[];
    removed: FlowNode[];
    changed: { id: string; before: FlowNode; after: FlowNode; changes: FieldChange[] }[];
    /** Drawn elsewhere, meaning unchanged. */
    moved: string[];
  };
  edges: {
    added: FlowEdge[];
    removed: FlowEdge[];
    changed: { key: string; before: FlowEdge; after: FlowEdge; changes: FieldChange[] }[];
  };
}

/** An edge is known by its ends and the outcome it follows. */
export const edgeKey = (e: Pick<FlowEdge, 'from' | 'to' | 'when'>): string => `${e.from}>${e.to}>${e.when ?? ''}`;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/** The leaves that differ between two values, dotted (arrays by index). */
export function fieldChanges(before: unknown, after: unknown, path = ''): FieldChange[] {
  if (Object.is(before, after)) return [];
  const bothArrays = Array.isArray(before) && Array.isArray(after);
  const bothObjects = isObject(before) && isObject(after) && !Array.isArray(before) && !Array.isArray(after);
  if (bothArrays || bothObjects) {
    const b = before as Record<string, unknown>;
    const a = after as Record<string, unknown>;
    const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])];
    // A discriminated part whose kind changed is one change, not a list of its leaves.
    if (bothObjects && 'kind' in b && 'kind' in a && b['kind'] !== a['kind']) return [{ path, before, after }];
    return keys.flatMap((k) => fieldChanges(b[k], a[k], path ? `${path}.${k}` : k));
  }
  return [{ path, before, after }];
}

export function diffFlows(before: Flow, after: Flow): FlowDiff {
  const was = new Map(before.nodes.map((n) => [n.id, n]));
  const now = new Map(after.nodes.map((n) => [n.id, n]));
  const diff: FlowDiff = {
    nodes: { added: [], removed: [], changed: [], moved: [] },
    edges: { added: [], removed: [], changed: [] },
  };
  for (const n of after.nodes) {
    const old = was.get(n.id);
    if (!old) {
      diff.nodes.added.push(n);
      continue;
    }
    const changes = fieldChanges(old, n);
    if (changes.length) diff.nodes.changed.push({ id: n.id, before: old, after: n, changes });
    else {
      const p = before.layout?.[n.id];
      const q = after.layout?.[n.id];
      if (p && q && (Math.round(p.x) !== Math.round(q.x) || Math.round(p.y) !== Math.round(q.y)))
        diff.nodes.moved.push(n.id);
    }
  }
  diff.nodes.removed = before.nodes.filter((n) => !now.has(n.id));

  const oldEdges = new Map(before.edges.map((e) => [edgeKey(e), e]));
  const newEdges = new Map(after.edges.map((e) => [edgeKey(e), e]));
  for (const [key, e] of newEdges) {
    const old = oldEdges.get(key);
    if (!old) diff.edges.added.push(e);
    else {
      const changes = fieldChanges(old, e);
      if (changes.length) diff.edges.changed.push({ key, before: old, after: e, changes });
    }
  }
  diff.edges.removed = [...oldEdges].filter(([k]) => !newEdges.has(k)).map(([, e]) => e);
  return diff;
}

/** Whether two flows mean the same (the drawing aside). */
export function sameFlow(a: Flow, b: Flow): boolean {
  const d = diffFlows(a, b);
  return !d.nodes.added.length && !d.nodes.removed.length && !d.nodes.changed.length && !hasEdgeChanges(d);
}

const hasEdgeChanges = (d: FlowDiff) => !!(d.edges.added.length || d.edges.removed.length || d.edges.changed.length);
