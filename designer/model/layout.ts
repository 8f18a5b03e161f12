/**
 * Auto-layout with dagre, top to bottom, from the sizes the canvas measured (a node not measured
 * yet counts as the standard size). Positions are the nodes' top-left corners, on the grid.
 */
import dagre from '@dagrejs/dagre';
import { type DesignDoc, GRID, NODE_HEIGHT, NODE_WIDTH, type Point } from './document.js';

type Size = { width: number; height: number };

/** Top-left corners, on the grid, for any graph: nodes by id (with sizes where measured) and edges. */
export function layoutGraph(
  ids: readonly string[],
  edges: readonly { from: string; to: string }[],
  sizes: Record<string, Size> = {},
  rankdir: 'TB' | 'LR' = 'TB',
): Record<string, Point> {
  const g = new dagre.graphlib.Graph();
  // Left to right, the ranks leave room for an edge's label between them.
  g.setGraph({ rankdir, nodesep: 60, ranksep: rankdir === 'LR' ? 160 : 70, marginx: 20, marginy: 20 });
  g.setDefaultEdgeLabel(() => ({}));
  // dagre writes the position into the label it is given: one object each.
  for (const id of ids) g.setNode(id, { ...(sizes[id] ?? { width: NODE_WIDTH, height: NODE_HEIGHT }) });
  for (const e of edges) g.setEdge(e.from, e.to);
  dagre.layout(g);
  const layout: Record<string, Point> = {};
  for (const id of ids) {
    const p = g.node(id) as { x: number; y: number; width: number; height: number };
    layout[id] = {
      x: Math.round((p.x - p.width / 2) / GRID) * GRID,
      y: Math.round((p.y - p.height / 2) / GRID) * GRID,
    };
  }
  return layout;
}

export function autoLayout(doc: DesignDoc, sizes: Record<string, Size> = {}): DesignDoc {
  const layout = layoutGraph(
    doc.nodes.map((n) => n.id),
    // A loop back (an edge with a traversal limit) does not rank its target below its source.
    doc.edges.filter((e) => !e.maxTraversals),
    sizes,
  );
  return { ...doc, layout };
}
