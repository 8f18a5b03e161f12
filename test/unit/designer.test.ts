/**
 * The designer's pure parts (issue 14): the command history (undo / redo, grouping), the document
 * edits and the connection rules the canvas enforces while dragging, copy / paste, auto-layout,
 * the Vue Flow adapter, and the diff drawn on the canvas.
 */
import { describe, expect, it } from '@jest/globals';
import { canvasEdges, canvasNodes, connectionOf, movesOf, selectionOf, whenOf } from '../../designer/canvas/adapter.js';
import { diffView } from '../../designer/model/diff-view.js';
import {
  type DesignDoc,
  addNode,
  canConnect,
  connect,
  copy,
  freshId,
  fromFlow,
  moveNodes,
  newNode,
  paste,
  remove,
  retarget,
  sameDoc,
  toFlow,
  updateNode,
} from '../../designer/model/document.js';
import { History } from '../../designer/model/history.js';
import { autoLayout } from '../../designer/model/layout.js';
import { FlowSchema, readyMadeFlows, validateFlow } from '../../workflows/kernel/flow.js';

const TEAM = '00000000-0000-4000-8000-000000000001';
const flows = readyMadeFlows(TEAM);
const managerFlow = flows.find((f) => f.key === 'manager')!.flow;
const defaults = { teamId: TEAM, fieldId: null, splitId: null };

describe('the command history', () => {
  it('undoes and redoes whole documents; a new edit drops what could be redone', () => {
    const h = new History<string>('a');
    h.push('b');
    h.push('c');
    expect(h.undo()).toBe('b');
    expect(h.undo()).toBe('a');
    expect(h.undo()).toBeNull();
    expect(h.redo()).toBe('b');
    h.push('x');
    expect(h.canRedo).toBe(false);
    expect(h.present).toBe('x');
    expect(h.undo()).toBe('b');
  });

  it('groups the edits of one gesture (typing in a field, one drag) into one step until sealed', () => {
    const h = new History<string>('');
    for (const s of ['L', 'La', 'Lap']) h.push(s, 'label:n1');
    h.push('Lap!', 'label:n2');
    expect(h.undo()).toBe('Lap');
    expect(h.undo()).toBe('');
    h.redo();
    h.redo();
    h.push('m1', 'drag');
    h.push('m2', 'drag');
    h.seal();
    h.push('m3', 'drag');
    expect(h.undo()).toBe('m2');
    expect(h.undo()).toBe('Lap!');
  });

  it('knows what is unsaved: an edit is, undoing back to the saved document is not, a reset starts clean', () => {
    const h = new History<string>('saved');
    expect(h.dirty).toBe(false);
    h.push('edited');
    expect(h.dirty).toBe(true);
    h.undo();
    expect(h.dirty).toBe(false);
    h.redo();
    h.markSaved();
    expect(h.dirty).toBe(false);
    h.reset('theirs');
    expect([h.present, h.canUndo, h.dirty]).toEqual(['theirs', false, false]);
  });

  it('keeps at most its limit of steps', () => {
    const h = new History<number>(0, 3);
    for (let i = 1; i <= 5; i++) h.push(i);
    let undone = 0;
    while (h.undo() !== null) undone++;
    expect(undone).toBe(3);
    expect(h.present).toBe(2);
  });
});

describe('document edits and connection rules', () => {
  const doc = (): DesignDoc => fromFlow(managerFlow);

  it('refuses, while dragging, what the flow cannot have', () => {
    const d = doc();
    expect(canConnect(d, 'fulfil', null, 'fulfil')).toBe('same_node');
    expect(canConnect(d, 'completed', null, 'fulfil')).toBe('from_end');
    expect(canConnect(d, 'fulfil', null, 'start')).toBe('into_start');
    expect(canConnect(d, 'manager', null, 'fulfil')).toBe('no_such_exit');
    expect(canConnect(d, 'manager', 'approved', 'completed')).toBe('exit_taken');
    expect(canConnect(d, 'manager', 'approved', 'fulfil')).toBe('duplicate');
    const loose = remove(d, [], ['manager>rejected>rejected']);
    expect(canConnect(loose, 'manager', 'rejected', 'completed')).toBeNull();
    expect(connect(loose, 'manager', 'rejected', 'completed').edges).toContainEqual({
      from: 'manager',
      to: 'completed',
      when: 'rejected',
    });
  });

  it('a split takes as many lanes as are drawn, never the same one twice', () => {
    let d = addNode(doc(), newNode('split', 'split', defaults), { x: 0, y: 0 }, null);
    d = connect(d, 'split', null, 'manager');
    expect(canConnect(d, 'split', null, 'fulfil')).toBeNull();
    expect(canConnect(d, 'split', null, 'manager')).toBe('duplicate');
  });

  it('a node added after the selected one is placed below it and wired from its first free exit', () => {
    let d = remove(doc(), [], ['manager>rejected>rejected']);
    const id = freshId(d, 'approval');
    expect(id).toBe('approval');
    d = addNode(d, newNode('approval', id, defaults), null, 'manager');
    expect(d.edges).toContainEqual({ from: 'manager', to: 'approval', when: 'rejected' });
    expect(d.layout['approval']!.y).toBeGreaterThan(d.layout['manager']!.y);
    expect(freshId(d, 'approval')).toBe('approval-2');
  });

  it('every new node is a complete node of the shared schema', () => {
    for (const type of [
      'start',
      'end',
      'approval',
      'condition',
      'split',
      'join',
      'task',
      'notify',
      'set_field',
      'webhook',
      'wait',
    ] as const) {
      expect(FlowSchema.shape.nodes.element.safeParse(newNode(type, 'n1', defaults)).success).toBe(true);
    }
  });

  it('renaming a node carries its edges, its place and what refers to it', () => {
    let d = fromFlow(flows.find((f) => f.key === 'security-legal')!.flow);
    d = updateNode(d, 'split', { id: 'reviews', type: 'split' });
    expect(d.edges.filter((e) => e.from === 'reviews')).toHaveLength(2);
    expect(d.nodes.find((n) => n.id === 'join')).toMatchObject({ split: 'reviews' });
    expect(d.layout['reviews']).toBeDefined();
    expect(validateFlow(toFlow(d))).toEqual([]);
  });

  it('points an exit elsewhere or nowhere (the keyboard way to connect)', () => {
    let d = retarget(doc(), 'manager', 'rejected', 'completed');
    expect(d.edges.filter((e) => e.from === 'manager' && e.when === 'rejected')).toEqual([
      { from: 'manager', to: 'completed', when: 'rejected' },
    ]);
    d = retarget(d, 'manager', 'rejected', null);
    expect(validateFlow(toFlow(d)).map((p) => p.code)).toContain('outcome_missing');
  });

  it('pastes a copy under fresh ids, with the edges between the copied nodes and their references', () => {
    const d = fromFlow(flows.find((f) => f.key === 'security-legal')!.flow);
    const clip = copy(d, ['start', 'split', 'security', 'legal', 'join']);
    expect(clip.nodes.map((n) => n.id)).toEqual(['split', 'security', 'legal', 'join']);
    const { doc: pasted, ids } = paste(d, clip);
    expect(ids).toEqual(['split-2', 'security-2', 'legal-2', 'join-2']);
    expect(pasted.nodes.find((n) => n.id === 'join-2')).toMatchObject({ split: 'split-2' });
    expect(pasted.edges).toContainEqual({ from: 'split-2', to: 'security-2' });
    expect(pasted.edges.some((e) => e.from === 'security-2' && e.to === 'rejected')).toBe(false);
    expect(pasted.layout['split-2']).toEqual({ x: d.layout['split']!.x + 40, y: d.layout['split']!.y + 40 });
  });

  it('moves snap to the grid; removing nodes removes their edges; the stored flow keeps the drawing', () => {
    let d = moveNodes(doc(), { manager: { x: 13, y: 29 } });
    expect(d.layout['manager']).toEqual({ x: 20, y: 20 });
    d = remove(d, ['manager']);
    expect(d.edges.some((e) => e.from === 'manager' || e.to === 'manager')).toBe(false);
    const f = toFlow(d);
    expect(f.layout?.['manager']).toBeUndefined();
    expect(sameDoc(fromFlow(f), d)).toBe(true);
  });

  it('auto-layout puts each node below the ones leading to it, on the grid, without overlaps', () => {
    const d = autoLayout(fromFlow(flows.find((f) => f.key === 'manager-then-finance')!.flow));
    for (const e of d.edges) expect(d.layout[e.to]!.y).toBeGreaterThan(d.layout[e.from]!.y);
    const places = Object.values(d.layout);
    for (const p of places) expect([p.x % 20, p.y % 20].map(Math.abs)).toEqual([0, 0]);
    const boxes = places.map((p) => `${p.x},${p.y}`);
    expect(new Set(boxes).size).toBe(boxes.length);
  });
});

describe('the Vue Flow adapter', () => {
  const d = fromFlow(managerFlow);

  it('draws each node with its type, problems and exits, and each edge from its outcome handle', () => {
    const problems = new Map([['manager', ['no way when rejected']]]);
    const nodes = canvasNodes(d, { problems }, new Set(['manager']), (n) => n.id);
    const m = nodes.find((n) => n.id === 'manager')!;
    expect(m).toMatchObject({ type: 'approval', selected: true, deletable: false, position: d.layout['manager'] });
    expect(m.data!.exits.map((x) => x.handle)).toEqual(['approved', 'rejected']);
    expect(m.data!.problems).toEqual(['no way when rejected']);
    expect(nodes.find((n) => n.id === 'start')!.data!.entry).toBe(false);
    const edges = canvasEdges(d, {}, new Set(), (w) => w.toUpperCase());
    expect(edges.find((e) => e.id === 'manager>fulfil>approved')).toMatchObject({
      source: 'manager',
      target: 'fulfil',
      sourceHandle: 'approved',
      targetHandle: 'in',
      label: 'APPROVED',
    });
    expect(edges.find((e) => e.id === 'start>manager>')!.sourceHandle).toBe('next');
  });

  it('reads connections, moves and selections back as edits', () => {
    expect(whenOf('next')).toBeNull();
    expect(
      connectionOf(d, { source: 'fulfil', sourceHandle: 'next', target: 'rejected', targetHandle: 'in' }),
    ).toBeNull();
    const loose = remove(d, [], ['fulfil>completed>']);
    expect(connectionOf(loose, { source: 'fulfil', sourceHandle: 'next', target: 'rejected' })).toEqual({
      from: 'fulfil',
      when: null,
      to: 'rejected',
    });
    expect(
      movesOf([
        { id: 'manager', type: 'position', position: { x: 5, y: 6 }, from: { x: 0, y: 0 }, dragging: true },
        { id: 'x', type: 'select', selected: true },
      ]),
    ).toEqual({ places: { manager: { x: 5, y: 6 } }, dragging: true });
    expect(movesOf([{ id: 'x', type: 'select', selected: true }])).toBeNull();
    const sel = selectionOf(
      [
        { id: 'a', type: 'select', selected: true },
        { id: 'b', type: 'select', selected: false },
      ],
      new Set(['b', 'c']),
    );
    expect([...sel!].sort()).toEqual(['a', 'c']);
  });
});

describe('the diff drawn on the canvas', () => {
  it('marks added, removed, changed and moved nodes and edges, and keeps the removed ones drawn', () => {
    const before = flows.find((f) => f.key === 'manager')!.flow;
    const after = flows.find((f) => f.key === 'manager-then-team')!.flow;
    const moved = { ...after, layout: { fulfil: { x: 300, y: 0 } } };
    const v = diffView({ ...before, layout: { fulfil: { x: 0, y: 0 } } }, moved);
    expect(v.nodes.get('team')).toBe('added');
    expect(v.nodes.get('fulfil')).toBe('moved');
    expect(v.edges.get('manager>fulfil>approved')).toBe('removed');
    expect(v.edges.get('manager>team>approved')).toBe('added');
    expect(v.doc.edges.some((e) => e.from === 'manager' && e.to === 'fulfil')).toBe(true);
    const renamed = {
      ...after,
      nodes: after.nodes.map((n) => (n.id === 'team' ? { ...n, rule: { kind: 'all' as const } } : n)),
    };
    const c = diffView(after, renamed);
    expect(c.nodes.get('team')).toBe('changed');
    expect(c.diff.nodes.changed[0]!.changes).toEqual([
      { path: 'rule', before: { kind: 'n_of_m', n: 2 }, after: { kind: 'all' } },
    ]);
  });
});
