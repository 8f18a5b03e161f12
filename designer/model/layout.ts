/**
 * Auto-layout with dagre, top to bottom, from the sizes the canvas measured (a node not measured
 * yet counts as the standard size). Positions are the nodes' top-left corners, on the grid.
 */
import dagre from '@dagrejs/dagre';
import { type DesignDoc, GRID, NODE_HEIGHT, NODE_WIDTH, type Point } from './document.js';

export function autoLayout(doc: DesignDoc, sizes: Record<string, { width: number; height: number }> = {}): DesignDoc {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: 'TB', nodesep: 60, ranksep: 70, marginx: 20, marginy: 20 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of doc.nodes) {
    const s = sizes[n.id] ?? { width: NODE_WIDTH, height: NODE_HEIGHT };
    g.setNode(n.id, { width: s.width, height: s.height });
  }
  for (const e of doc.edges) if (!e.maxTraversals) g.setEdge(e.from, e.to);
  dagre.layout(g);
  const layout: Record<string, Point> = {};
  for (const n of doc.nodes) {
    const p = g.node(n.id) as { x: number; y: number; width: number; height: number };
    const x = p.x - p.width / 2;
    const y = p.y - p.height / 2;
    layout[n.id] = { x: Math.round(x / GRID) * GRID, y: Math.round(y / GRID) * GRID };
  }
  return { ...doc, layout };
}
