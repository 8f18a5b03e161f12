/**
 * The editor's command history: each step a whole document (flows are small: at most 200 nodes),
 * so undo and redo are exact. Edits with the same group key in a row — the keystrokes of one text
 * field, the moves of one drag — are one step; a paste, an auto-layout or an import is one step
 * because it is one `push`. Selection is not in the document, so it is never a step.
 */
export class History<T> {
  private past: T[] = [];
  private future: T[] = [];
  private group: string | null = null;
  private saved: T;

  constructor(
    private current: T,
    private readonly limit = 200,
  ) {
    this.saved = current;
  }

  get present(): T {
    return this.current;
  }
  get canUndo(): boolean {
    return this.past.length > 0;
  }
  get canRedo(): boolean {
    return this.future.length > 0;
  }
  /** Whether the present differs from what was last saved (by identity: every edit makes a new document). */
  get dirty(): boolean {
    return this.current !== this.saved;
  }

  /** Records an edit. With `group` equal to the previous edit's, it joins that step. */
  push(next: T, group: string | null = null): void {
    if (next === this.current) return;
    if (group === null || group !== this.group || !this.past.length) {
      this.past.push(this.current);
      if (this.past.length > this.limit) this.past.shift();
    }
    this.group = group;
    this.current = next;
    this.future = [];
  }

  /** Ends the open group: the next edit is a step of its own even with the same key. */
  seal(): void {
    this.group = null;
  }

  undo(): T | null {
    const prev = this.past.pop();
    if (prev === undefined) return null;
    this.future.push(this.current);
    this.current = prev;
    this.group = null;
    return prev;
  }

  redo(): T | null {
    const next = this.future.pop();
    if (next === undefined) return null;
    this.past.push(this.current);
    this.current = next;
    this.group = null;
    return next;
  }

  /** The present is what the server holds now. */
  markSaved(state: T = this.current): void {
    this.saved = state;
  }

  /** Starts over from a document (a flow opened or reloaded): no steps, nothing unsaved. */
  reset(state: T): void {
    this.past = [];
    this.future = [];
    this.group = null;
    this.current = state;
    this.saved = state;
  }
}
