/**
 * The designer's pure parts (issue 14): the command history (undo / redo, grouping), the document
 * edits and the connection rules the canvas enforces while dragging, copy / paste, auto-layout,
 * the Vue Flow adapter, the diff drawn on the canvas, and the findings and changes worded in
 * English and Bahasa Indonesia.
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
import { type Words, pathText, problemText, schemaText, valueText } from '../../designer/model/words.js';
import { designerEn } from '../../designer/locales/en.js';
import { designerId } from '../../designer/locales/id.js';
import { type Flow, FlowSchema, readyMadeFlows, validateFlow } from '../../workflows/kernel/flow.js';
import type { Form } from '../../workflows/kernel/form.js';

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

describe("findings and changes in the reader's language", () => {
  /** A translator over the designer's locale: nested keys, `{name}` filled in (as vue-i18n does). */
  const wordsIn = (locale: typeof designerEn, labels: Record<string, string> = {}): Words => {
    const lookup = (key: string): unknown =>
      key.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], locale);
    const t = (key: string, params: Record<string, unknown> = {}) =>
      String(lookup(key) ?? key).replace(/\{(\w+)\}/g, (_, k: string) => String(params[k] ?? `{${k}}`));
    return {
      t,
      te: (key) => typeof lookup(key) === 'string',
      nodeName: (id) => labels[id] ?? id,
      entityName: (key, id) => (key === 'teamId' && id === TEAM ? 'Hardware' : undefined),
    };
  };
  const en = wordsIn(designerEn, { manager: 'Line manager', fulfil: 'Prepare it' });
  const id = wordsIn(designerId as typeof designerEn, { manager: 'Line manager', fulfil: 'Prepare it' });

  /** Broken variants of a good flow, each making the validator find something else. */
  const broken = (): { flow: Flow; form?: Form }[] => {
    const good = () => structuredClone(managerFlow);
    const form: Form = {
      fields: [
        { id: 'cost', type: 'number', label: { en: 'Cost' }, required: false },
        { id: 'when', type: 'text', label: { en: 'When' }, required: false },
      ],
    } as Form;
    const out: { flow: Flow; form?: Form }[] = [];
    const add = (change: (f: Flow) => void, withForm = false) => {
      const f = good();
      change(f);
      out.push(withForm ? { flow: f, form } : { flow: f });
    };
    add((f) => f.nodes.push({ id: 'start2', type: 'start' }));
    add((f) => f.nodes.push({ id: 'manager', type: 'end', outcome: 'approved' }));
    add((f) => f.edges.push({ from: 'fulfil', to: 'ghost' }));
    add((f) => f.edges.push({ ...f.edges.find((e) => e.from === 'fulfil')! }));
    add((f) => f.edges.push({ from: 'fulfil', to: 'start' }));
    add((f) => (f.edges = f.edges.filter((e) => !(e.from === 'manager' && e.when === 'rejected'))));
    add((f) => (f.edges.find((e) => e.from === 'fulfil')!.when = 'ok'));
    add((f) => f.nodes.push({ id: 'lonely', type: 'task', teamId: TEAM, title: 'Nobody' }));
    add((f) => f.nodes.push({ id: 'j', type: 'join', split: 'manager', mode: 'all' }));
    add((f) => f.nodes.push({ id: 'w', type: 'wait', untilField: 'when' }), true);
    add((f) => {
      f.nodes.push({
        id: 'c',
        type: 'condition',
        subject: { kind: 'answer', fieldId: 'cost' },
        op: 'contains',
        value: 'x',
      });
      f.nodes.push({ id: 'c2', type: 'condition', subject: { kind: 'catalog_item' }, op: 'gt', value: 1 });
    }, true);
    add((f) => {
      const m = f.nodes.find((n) => n.id === 'manager')!;
      if (m.type === 'approval') m.deadline = { businessMinutes: 60, outcome: 'escalate' };
      f.nodes.push({
        id: 'role',
        type: 'approval',
        approvers: [{ kind: 'role', role: 'astronaut' }],
        rule: { kind: 'any' },
      });
    });
    return out;
  };

  it('words every finding of the validator in English and Bahasa Indonesia, from its code, naming nodes by label', () => {
    const codes = new Set<string>();
    for (const { flow, form } of broken())
      for (const p of validateFlow(flow, { roles: ['agent'], form })) {
        const variant = p.params['variant'];
        const key = `designer.problem.${p.code}${variant ? `_${String(variant)}` : ''}`;
        codes.add(key);
        expect([key, en.te(key), id.te(key)]).toEqual([key, true, true]);
        for (const text of [problemText(p, en), problemText(p, id)]) expect(text).not.toMatch(/\{\w+\}/);
      }
    // The broken flows between them make the validator say a good part of what it can.
    expect(codes.size).toBeGreaterThanOrEqual(15);
    const unreachable = validateFlow({
      ...managerFlow,
      nodes: [...managerFlow.nodes, { id: 'lonely', type: 'task', teamId: TEAM, title: 'x', label: 'Order it' }],
    }).find((p) => p.code === 'unreachable')!;
    const named = wordsIn(designerEn, { lonely: 'Order it' });
    expect(problemText(unreachable, named)).toBe('Nothing leads to Order it');
    expect(problemText(unreachable, wordsIn(designerId as typeof designerEn, { lonely: 'Order it' }))).toBe(
      'Tidak ada yang menuju Order it',
    );
    // A code no text knows keeps the validator's English.
    expect(problemText({ nodeId: 'x', code: 'new_code', message: 'Something new', params: {} }, en)).toBe(
      'Something new',
    );
  });

  it('has every text of the findings, refusals, schema and field names in both languages', () => {
    for (const part of ['problem', 'schema', 'refused', 'field', 'fieldType'] as const)
      expect(Object.keys(designerId.designer[part]).sort()).toEqual(Object.keys(designerEn.designer[part]).sort());
  });

  it('reads a diff in words: field paths by name, kinds and ids by name, lists joined', () => {
    expect(pathText('rule.n', en)).toBe('Rule › How many');
    expect(pathText('approvers.0.kind', id)).toBe('Pemberi persetujuan › #1 › Jenis');
    expect(valueText({ kind: 'n_of_m', n: 2 }, en)).toBe('N of them approve, How many: 2');
    expect(valueText({ kind: 'all' }, id)).toBe(valueText({ kind: 'all' }, wordsIn(designerId as typeof designerEn)));
    expect(valueText(TEAM, en, 'teamId')).toBe('Hardware');
    expect(valueText(true, id)).toBe('ya');
    expect(valueText(['a', 'b'], en)).toBe('a, b');
    expect(valueText(undefined, en)).toBe('—');
  });

  it('words what the schema refuses at its place in the node', () => {
    const parsed = FlowSchema.safeParse({
      ...managerFlow,
      nodes: managerFlow.nodes.map((n) => (n.type === 'approval' ? { ...n, approvers: [] } : n)),
    });
    expect(parsed.success).toBe(false);
    const issue = parsed.error!.issues[0]!;
    expect(schemaText(issue, en)).toBe('Approvers: too short or too few (at least 1)');
    expect(schemaText(issue, id)).toBe('Pemberi persetujuan: terlalu pendek atau terlalu sedikit (paling sedikit 1)');
  });
});
