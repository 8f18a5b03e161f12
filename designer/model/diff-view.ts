/**
 * A diff drawn on one canvas: every node and edge of the newer flow, plus those the older one had
 * and the newer lost, each marked added / removed / changed / moved. Pure (unit-tested).
 */
import type { Flow } from '../../workflows/kernel/flow.js';
import { type FlowDiff, diffFlows, edgeKey } from '../../workflows/kernel/flow-diff.js';
import { type DesignDoc, fromFlow } from './document.js';

export type DiffMark = 'added' | 'removed' | 'changed' | 'moved';

export interface DiffView {
  doc: DesignDoc;
  nodes: Map<string, DiffMark>;
  edges: Map<string, DiffMark>;
  diff: FlowDiff;
}

export function diffView(before: Flow, after: Flow): DiffView {
  const diff = diffFlows(before, after);
  const a = fromFlow(after);
  const b = fromFlow(before);
  const doc: DesignDoc = {
    nodes: [...a.nodes, ...diff.nodes.removed],
    edges: [...a.edges, ...diff.edges.removed],
    layout: { ...b.layout, ...a.layout },
  };
  const nodes = new Map<string, DiffMark>();
  diff.nodes.added.forEach((n) => nodes.set(n.id, 'added'));
  diff.nodes.removed.forEach((n) => nodes.set(n.id, 'removed'));
  diff.nodes.changed.forEach((c) => nodes.set(c.id, 'changed'));
  diff.nodes.moved.forEach((id) => nodes.set(id, 'moved'));
  const edges = new Map<string, DiffMark>();
  diff.edges.added.forEach((e) => edges.set(edgeKey(e), 'added'));
  diff.edges.removed.forEach((e) => edges.set(edgeKey(e), 'removed'));
  diff.edges.changed.forEach((c) => edges.set(c.key, 'changed'));
  return { doc, nodes, edges, diff };
}

/** Whether a diff has anything in it (moves included). */
export const isEmptyDiff = (d: FlowDiff) =>
  !d.nodes.added.length &&
  !d.nodes.removed.length &&
  !d.nodes.changed.length &&
  !d.nodes.moved.length &&
  !d.edges.added.length &&
  !d.edges.removed.length &&
  !d.edges.changed.length;
