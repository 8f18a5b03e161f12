/**
 * The drawing and its one command history: every edit is applied here, undo and redo travel it,
 * and what reads it (dirty, can undo) updates with each move.
 */
import { computed, ref, shallowRef } from 'vue';
import type { DesignDoc } from '../model/document.js';
import { History } from '../model/history.js';

export const EMPTY_DOC: DesignDoc = { nodes: [], edges: [], layout: {} };

export function useDocHistory(onTravel: (to: DesignDoc) => void) {
  const history = new History<DesignDoc>(EMPTY_DOC);
  const doc = shallowRef<DesignDoc>(EMPTY_DOC);
  /** Bumped on every history move, so what reads the history (undo, dirty) updates. */
  const tick = ref(0);
  const moved = () => {
    doc.value = history.present;
    tick.value++;
  };
  function travel(to: DesignDoc | null) {
    if (!to) return;
    moved();
    onTravel(to);
  }
  return {
    doc,
    dirty: computed(() => (tick.value, history.dirty)),
    canUndo: computed(() => (tick.value, history.canUndo)),
    canRedo: computed(() => (tick.value, history.canRedo)),
    /** Whether there is unsaved work right now (for handlers outside Vue's reactivity). */
    isDirty: () => history.dirty,
    apply(next: DesignDoc, group: string | null = null) {
      if (next === doc.value) return;
      history.push(next, group);
      moved();
    },
    undo: () => travel(history.undo()),
    redo: () => travel(history.redo()),
    /** Closes the current group (a drag ends), so the next edit is its own undo step. */
    seal: () => history.seal(),
    /** Starts afresh from a loaded draft: nothing to undo, nothing unsaved. */
    reset(base: DesignDoc) {
      history.reset(base);
      moved();
    },
    /** What was sent is now the saved state (edits made meanwhile stay unsaved). */
    markSaved(sent: DesignDoc) {
      history.markSaved(sent);
      tick.value++;
    },
  };
}
