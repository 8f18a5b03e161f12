/** One incident on a page, kept current with the live stream (the desk's ticket page and the portal's). */
import { type Ref, computed, onBeforeUnmount, onMounted, ref, watch } from 'vue';
import { ApiError, followEvents, get } from '../../kernel/api';
import type { Incident, TimelineEntry } from '../../kernel/types';

/**
 * One incident with its timeline, kept current: reloaded when the live stream reports a newer
 * revision made elsewhere (`onChanged` is told, e.g. to say so); the comment draft survives reloads
 * and sign-in. `send` runs this page's own commands: while one is under way the stream's reports
 * are held back and compared with the revision the command produced, so one's own change is never
 * announced as someone else's. `missing` is set when the incident does not exist for this person.
 */
export function useIncident(key: Ref<string>, onChanged?: () => void) {
  const incident = ref<Incident | null>(null);
  const timeline = ref<TimelineEntry[]>([]);
  const missing = ref(false);
  const draftKey = computed(() => `lintas.draft.${key.value}`);
  const draft = ref(localStorage.getItem(draftKey.value) ?? '');
  watch(draft, (v) => (v ? localStorage.setItem(draftKey.value, v) : localStorage.removeItem(draftKey.value)));

  async function load() {
    try {
      const [i, tl] = await Promise.all([
        get<Incident>(`/incidents/${key.value}`),
        get<{ items: TimelineEntry[] }>(`/incidents/${key.value}/timeline`),
      ]);
      incident.value = i;
      timeline.value = tl.items;
      missing.value = false;
    } catch (err) {
      // Unknown here — someone else's, or another organization's, alike (the server says 404; a
      // malformed key is a 400): a not-found page, not an endless spinner.
      if (err instanceof ApiError && (err.status === 404 || err.status === 400)) missing.value = true;
      else throw err;
    }
  }

  let sending = 0;
  let heldBack = 0;
  /** Runs one of this page's commands; answers with the changed incident. */
  async function send<T extends { revision: number } | { incident: { revision: number } }>(
    command: () => Promise<T>,
  ): Promise<T> {
    sending++;
    try {
      const result = await command();
      const revision = 'incident' in result ? result.incident.revision : result.revision;
      await load();
      if (heldBack > revision) onChanged?.();
      return result;
    } finally {
      if (--sending === 0) heldBack = 0;
    }
  }

  let stop: (() => void) | null = null;
  onMounted(async () => {
    await load();
    stop = followEvents((type, data) => {
      const e = data as { key: string; revision: number };
      if (type !== 'incident' || e.key !== key.value || !incident.value || e.revision <= incident.value.revision)
        return;
      if (sending) heldBack = Math.max(heldBack, e.revision);
      else void load().then(() => onChanged?.());
    });
  });
  onBeforeUnmount(() => stop?.());
  return { incident, timeline, draft, load, send, missing };
}
