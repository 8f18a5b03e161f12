/** Small pieces the pages share: running an action with its error, the ticking clock, one incident. */
import { type Ref, computed, onBeforeUnmount, onMounted, ref, watch } from 'vue';
import { useI18n } from 'vue-i18n';
import { ApiError, followEvents, get } from './api';
import { ASSIGNABLE_ROLES } from './rules';
import type { Incident, Person, TimelineEntry } from './types';

/** The items of a comma-separated list a person typed, trimmed, empty ones dropped. */
export const splitList = (text: string): string[] =>
  text
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);

/** The people incidents can be assigned to: active, in a role that works incidents. */
export const assignable = (people: Person[]): Person[] =>
  people.filter((p) => p.active !== false && (ASSIGNABLE_ROLES as readonly string[]).includes(p.role));

/** A problem with what the user typed, found before anything is sent. */
export class InputError extends Error {}

/** What to tell the user about a failed action: the server's explanation with the fields it names. */
export function explain(err: unknown, fallback: string): string {
  if (err instanceof InputError) return err.message;
  if (!(err instanceof ApiError)) return fallback;
  const fields = (err.problem.errors ?? [])
    .filter((e) => e.message !== err.problem.detail)
    .map((e) => `${e.field.replace(/^body\./, '')}: ${e.message}`);
  return fields.length ? `${err.problem.detail} (${fields.join('; ')})` : err.problem.detail;
}

/**
 * Runs user actions: clears the previous error and notice, marks `busy`, shows the server's explanation (or a
 * generic one). `onError` may handle an error itself by returning true.
 */
export function useAction() {
  const { t } = useI18n();
  const error = ref('');
  const notice = ref('');
  const busy = ref(false);
  async function run(work: () => Promise<unknown>, onError?: (err: unknown) => Promise<boolean> | boolean) {
    error.value = '';
    notice.value = '';
    busy.value = true;
    try {
      await work();
      return true;
    } catch (err) {
      if (!(await onError?.(err))) error.value = explain(err, t('common.error'));
      return false;
    } finally {
      busy.value = false;
    }
  }
  return { error, notice, busy, run };
}

// One timer for every countdown on the page.
const now = ref(Date.now());
let users = 0;
let timer: ReturnType<typeof setInterval> | null = null;

/** The current time, ticking every second while any component uses it. */
export function useNow(): Ref<number> {
  onMounted(() => {
    if (users++ === 0) timer = setInterval(() => (now.value = Date.now()), 1000);
  });
  onBeforeUnmount(() => {
    if (--users === 0 && timer) clearInterval(timer);
  });
  return now;
}

/**
 * One incident with its timeline, kept current: reloaded when the live stream reports a newer
 * revision (`onChanged` is told, e.g. to say so); the comment draft survives reloads and sign-in.
 */
export function useIncident(key: Ref<string>, onChanged?: () => void) {
  const incident = ref<Incident | null>(null);
  const timeline = ref<TimelineEntry[]>([]);
  const draftKey = computed(() => `lintas.draft.${key.value}`);
  const draft = ref(localStorage.getItem(draftKey.value) ?? '');
  watch(draft, (v) => (v ? localStorage.setItem(draftKey.value, v) : localStorage.removeItem(draftKey.value)));

  async function load() {
    const [i, tl] = await Promise.all([
      get<Incident>(`/incidents/${key.value}`),
      get<{ items: TimelineEntry[] }>(`/incidents/${key.value}/timeline`),
    ]);
    incident.value = i;
    timeline.value = tl.items;
  }

  let stop: (() => void) | null = null;
  onMounted(async () => {
    await load();
    stop = followEvents((type, data) => {
      const e = data as { key: string; revision: number };
      if (type !== 'incident' || e.key !== key.value || !incident.value || e.revision <= incident.value.revision)
        return;
      void load().then(() => onChanged?.());
    });
  });
  onBeforeUnmount(() => stop?.());
  return { incident, timeline, draft, load };
}
