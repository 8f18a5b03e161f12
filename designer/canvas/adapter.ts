/**
 * The one translation between the designer's document and Vue Flow (1.48): what the canvas draws
 * from a document, and what the canvas's events mean as edits. Only this folder touches Vue Flow,
 * so its next major version (which changes the API) is a change here alone.
 */
import type { Connection, Edge, Node, NodeChange } from '@vue-flow/core';
import type { FlowNode } from '../../workflows/kernel/flow.js';
import {
  type ConnectRefusal,
  type DesignDoc,
  type Outcome,
  type Point,
  canConnect,
  edgeKey,
  exitsOf,
} from '../model/document.js';

/** How a node or an edge is marked: the path a run took, where it waits, a diff. */
export type Mark = 'taken' | 'waiting' | 'added' | 'removed' | 'changed' | 'moved';

/** What each node component receives (typed per node type by `NodeView<…>`). */
export interface NodeView<N extends FlowNode = FlowNode> {
  node: N;
  problems: string[];
  mark: Mark | null;
  /** The handles it draws at its foot, one per exit. */
  exits: { handle: string; when: Outcome | null }[];
  /** Whether edges may come in (not into the start). */
  entry: boolean;
}

export interface CanvasMarks {
  problems?: Map<string, string[]>;
  nodes?: Map<string, Mark>;
  edges?: Map<string, Mark>;
}

const NEXT = 'next';
export const handleOf = (when: Outcome | null | undefined) => when ?? NEXT;
export const whenOf = (handle: string | null | undefined): Outcome | null =>
  !handle || handle === NEXT ? null : (handle as Outcome);

export function canvasNodes(
  doc: DesignDoc,
  marks: CanvasMarks,
  selected: ReadonlySet<string>,
  label: (n: FlowNode) => string,
  readonly = false,
): Node<NodeView>[] {
  return doc.nodes.map((n) => ({
    id: n.id,
    type: n.type,
    position: doc.layout[n.id] ?? { x: 0, y: 0 },
    selected: selected.has(n.id),
    draggable: !readonly,
    connectable: !readonly,
    deletable: false,
    ariaLabel: label(n),
    data: {
      node: n,
      problems: marks.problems?.get(n.id) ?? [],
      mark: marks.nodes?.get(n.id) ?? null,
      exits: exitsOf(n.type).map((when) => ({ handle: handleOf(when), when })),
      entry: n.type !== 'start',
    },
  }));
}

export function canvasEdges(
  doc: DesignDoc,
  marks: CanvasMarks,
  selected: ReadonlySet<string>,
  outcomeLabel: (w: Outcome) => string,
): Edge[] {
  return doc.edges.map((e) => {
    const key = edgeKey(e);
    const mark = marks.edges?.get(key) ?? null;
    return {
      id: key,
      source: e.from,
      target: e.to,
      sourceHandle: handleOf(e.when),
      targetHandle: 'in',
      type: 'smoothstep',
      selected: selected.has(key),
      deletable: false,
      label: e.when ? outcomeLabel(e.when) + (e.maxTraversals ? ` ×${e.maxTraversals}` : '') : undefined,
      animated: mark === 'waiting' || mark === 'taken',
      class: mark ? `edge-${mark}` : e.when ? `edge-${e.when}` : undefined,
      ariaLabel: `${e.from} → ${e.to}${e.when ? ` (${outcomeLabel(e.when)})` : ''}`,
    };
  });
}

/** A connection drawn on the canvas as the edit it asks for; null where the rules refuse it. */
export function connectionOf(doc: DesignDoc, c: Connection): { from: string; when: Outcome | null; to: string } | null {
  const when = whenOf(c.sourceHandle);
  return refusalOf(doc, c) ? null : { from: c.source, when, to: c.target };
}

/** Why the rules refuse a connection drawn on the canvas (null: they allow it). */
export const refusalOf = (doc: DesignDoc, c: Connection): ConnectRefusal | null =>
  canConnect(doc, c.source, whenOf(c.sourceHandle), c.target);

/** Where dragged nodes ended up, and whether the drag is over (a drag is one undo step). */
export function movesOf(changes: NodeChange[]): { places: Record<string, Point>; dragging: boolean } | null {
  const places: Record<string, Point> = {};
  let dragging = false;
  for (const c of changes) {
    if (c.type !== 'position' || !c.position) continue;
    places[c.id] = { x: c.position.x, y: c.position.y };
    dragging ||= !!c.dragging;
  }
  return Object.keys(places).length ? { places, dragging } : null;
}

/** The selection a set of changes leaves (Vue Flow reports selection as changes too). */
export function selectionOf(changes: NodeChange[], before: ReadonlySet<string>): Set<string> | null {
  const sel = changes.filter((c) => c.type === 'select');
  if (!sel.length) return null;
  const next = new Set(before);
  for (const c of sel)
    if (c.type === 'select') {
      if (c.selected) next.add(c.id);
      else next.delete(c.id);
    }
  return next;
}
