/**
 * Editing the drawing: the selection, and the edits made on it — add (by drop, or after the
 * selected node), move, connect (or say why not), delete, copy / cut / paste — each one step of
 * the history, and each read out for a screen reader.
 */
import { type Ref, computed, ref, shallowRef } from 'vue';
import { useI18n } from 'vue-i18n';
import type { FlowNodeType } from '../../workflows/kernel/flow.js';
import {
  type Clip,
  type ConnectRefusal,
  type DesignDoc,
  type NodeDefaults,
  type Outcome,
  type Point,
  addNode,
  connect,
  copy,
  edgeKey,
  freshId,
  moveNodes,
  newNode,
  paste,
  remove,
} from '../model/document.js';
import type { useDocHistory } from './useDocHistory';

export function useEditing(
  hist: ReturnType<typeof useDocHistory>,
  o: {
    readonly: Ref<boolean>;
    /** What a new node starts with (a team, a field, the split a join closes). */
    defaults: () => Omit<NodeDefaults, 'splitId'>;
    announce: (text: string) => void;
    /** Something was selected (the page shows its properties). */
    onSelect: () => void;
  },
) {
  const { t } = useI18n();
  const { doc, apply } = hist;
  const selNodes = shallowRef<Set<string>>(new Set());
  const selEdges = shallowRef<Set<string>>(new Set());
  let clipboard: Clip | null = null;

  const selectedNode = computed(() =>
    selNodes.value.size === 1 ? (doc.value.nodes.find((n) => selNodes.value.has(n.id)) ?? null) : null,
  );
  const selectedEdge = computed(() =>
    !selNodes.value.size && selEdges.value.size === 1
      ? (doc.value.edges.find((e) => selEdges.value.has(edgeKey(e))) ?? null)
      : null,
  );
  function select(nodes: Set<string>, edges: Set<string>) {
    selNodes.value = nodes;
    selEdges.value = edges;
    if (nodes.size || edges.size) o.onSelect();
  }
  /** After an undo or a redo: what is selected and no longer drawn is let go. */
  function keepDrawn(to: DesignDoc) {
    const ids = new Set(to.nodes.map((n) => n.id));
    selNodes.value = new Set([...selNodes.value].filter((id) => ids.has(id)));
  }
  function add(type: FlowNodeType, at: Point | null = null) {
    if (o.readonly.value) return;
    const id = freshId(doc.value, type);
    const after = at ? null : (selectedNode.value?.id ?? null);
    const splits = doc.value.nodes.filter((n) => n.type === 'split');
    const defaults = { ...o.defaults(), splitId: splits[splits.length - 1]?.id ?? null };
    // Nothing selected: below the drawing (never on top of a node).
    apply(addNode(doc.value, newNode(type, id, defaults), at, after));
    select(new Set([id]), new Set());
    o.announce(t('designer.added', { type: t(`designer.type.${type}`), id }));
  }
  function move(places: Record<string, Point>, dragging: boolean) {
    apply(moveNodes(doc.value, places), dragging ? 'drag' : null);
    if (!dragging) hist.seal();
  }
  /** Why a connection dragged onto a handle was not drawn: shown for a few seconds and read out. */
  const refusal = ref('');
  let refusalTimer: ReturnType<typeof setTimeout> | undefined;
  function refused(why: ConnectRefusal) {
    refusal.value = t(`designer.refused.${why}`);
    o.announce(refusal.value);
    clearTimeout(refusalTimer);
    refusalTimer = setTimeout(() => (refusal.value = ''), 5000);
  }
  function connectNodes(from: string, when: Outcome | null, to: string) {
    apply(connect(doc.value, from, when, to));
    o.announce(t('designer.connected', { from, to }));
  }
  function removeSelection() {
    if (o.readonly.value) return;
    const nodes = [...selNodes.value].filter((id) => doc.value.nodes.find((n) => n.id === id)?.type !== 'start');
    if (!nodes.length && !selEdges.value.size) return;
    apply(remove(doc.value, nodes, selEdges.value));
    select(new Set(), new Set());
  }
  function copySelection(cut = false) {
    if (!selNodes.value.size) return;
    clipboard = copy(doc.value, selNodes.value);
    if (cut) removeSelection();
    o.announce(t(cut ? 'designer.cutDone' : 'designer.copied', clipboard.nodes.length));
  }
  function pasteClip() {
    if (!clipboard || o.readonly.value) return;
    const { doc: next, ids } = paste(doc.value, clipboard);
    apply(next);
    select(new Set(ids), new Set());
  }
  return {
    selNodes,
    selEdges,
    selectedNode,
    selectedEdge,
    select,
    keepDrawn,
    add,
    move,
    refusal,
    refused,
    connect: connectNodes,
    removeSelection,
    copySelection,
    pasteClip,
  };
}
