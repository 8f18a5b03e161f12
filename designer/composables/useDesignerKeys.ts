/**
 * The designer's keyboard: Ctrl/Cmd+Z, Shift+Z or Y, S, C, X, V, A, Delete and Escape — never
 * while text is being typed (it has its own undo) — and the question before leaving unsaved work.
 */
import { onBeforeUnmount, onMounted } from 'vue';
import { onBeforeRouteLeave } from 'vue-router';

export interface DesignerKeys {
  undo(): void;
  redo(): void;
  save(): void;
  copy(): void;
  cut(): void;
  paste(): void;
  selectAll(): void;
  remove(): void;
  escape(): void;
}

const NOT_TEXT = new Set(['checkbox', 'radio', 'button', 'submit', 'reset', 'range', 'color', 'file']);

/** Whether a key goes to text being typed; a select or a checkbox leaves Ctrl+Z to the drawing. */
export function typing(e: KeyboardEvent): boolean {
  const el = e.target as HTMLElement | null;
  if (!el) return false;
  if (el.isContentEditable) return true;
  if (el instanceof HTMLTextAreaElement) return !el.readOnly;
  return el instanceof HTMLInputElement && !el.readOnly && !NOT_TEXT.has(el.type);
}

/** Whether Escape closes a list or a field's menu (it must not also let go of the node being edited). */
function inMenu(e: KeyboardEvent): boolean {
  const el = e.target as HTMLElement | null;
  return !!el?.closest?.('.v-field, .v-overlay, [role="listbox"], [role="combobox"], [role="dialog"]');
}

export function useDesignerKeys(
  keys: DesignerKeys,
  opts: { blocked: () => boolean; unsaved: () => boolean; leaveText: () => string },
): void {
  function onKey(e: KeyboardEvent) {
    if (typing(e) || opts.blocked()) return;
    const mod = e.metaKey || e.ctrlKey;
    const k = e.key.toLowerCase();
    if (mod && k === 'z') {
      e.preventDefault();
      if (e.shiftKey) keys.redo();
      else keys.undo();
    } else if (mod && k === 'y') {
      e.preventDefault();
      keys.redo();
    } else if (mod && k === 's') {
      e.preventDefault();
      keys.save();
    } else if (mod && k === 'c') keys.copy();
    else if (mod && k === 'x') keys.cut();
    else if (mod && k === 'v') keys.paste();
    else if (mod && k === 'a') {
      e.preventDefault();
      keys.selectAll();
    } else if ((e.key === 'Delete' || e.key === 'Backspace') && !mod) {
      e.preventDefault();
      keys.remove();
    } else if (e.key === 'Escape' && !inMenu(e)) keys.escape();
  }
  const beforeUnload = (e: BeforeUnloadEvent) => {
    if (opts.unsaved()) e.preventDefault();
  };
  onMounted(() => {
    window.addEventListener('keydown', onKey);
    window.addEventListener('beforeunload', beforeUnload);
  });
  onBeforeUnmount(() => {
    window.removeEventListener('keydown', onKey);
    window.removeEventListener('beforeunload', beforeUnload);
  });
  onBeforeRouteLeave(() => !opts.unsaved() || window.confirm(opts.leaveText()));
}
