/** Small pieces the pages share: running an action with its error, the ticking clock. */
import { type Ref, onBeforeUnmount, onMounted, ref } from 'vue';
import { useI18n } from 'vue-i18n';
import { ApiError, followEvents } from './api';
import { ASSIGNABLE_ROLES } from './rules';
import type { Person } from './types';

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

type Translate = { t: (key: string, named?: Record<string, unknown>) => string; te: (key: string) => boolean };

/**
 * What to tell the user about a failed action. In English: the server's explanation, with the
 * fields it names (unless the explanation already says it). In another language: the message for
 * the problem's stable code (`problem.<code>`), with the fields by their translated names.
 */
export function explain(err: unknown, fallback: string, i18n?: Translate & { locale: string }): string {
  if (err instanceof InputError) return err.message;
  if (!(err instanceof ApiError)) return fallback;
  const p = err.problem;
  const fields = (p.errors ?? []).filter((e) => !p.detail.includes(e.message) && e.message !== 'taken');
  if (i18n && i18n.locale !== 'en' && i18n.te(`problem.${p.code}`)) {
    const names = [...new Set((p.errors ?? []).map((e) => e.field.replace(/^(body|query)\./, '')))].map((f) =>
      i18n.te(`field.${f}`) ? i18n.t(`field.${f}`) : f,
    );
    const said = i18n.t(`problem.${p.code}`);
    return names.length ? `${said} (${names.join(', ')})` : said;
  }
  const detail = fields.map((e) => `${e.field.replace(/^(body|query)\./, '')}: ${e.message}`);
  return detail.length ? `${p.detail} (${detail.join('; ')})` : p.detail;
}

/**
 * Runs user actions: clears the previous error and notice, marks `busy`, shows the server's explanation (or a
 * generic one). `onError` may handle an error itself by returning true.
 */
export function useAction() {
  const { t, te, locale } = useI18n();
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
      if (!(await onError?.(err))) error.value = explain(err, t('common.error'), { t, te, locale: locale.value });
      return false;
    } finally {
      busy.value = false;
    }
  }
  return { error, notice, busy, run };
}

/** The server's refusal of fields, by field as the form names it (without `body.` / `query.`); none for other errors. */
export function fieldErrorsOf(err: unknown): Record<string, string> {
  if (!(err instanceof ApiError)) return {};
  return Object.fromEntries((err.problem.errors ?? []).map((e) => [e.field.replace(/^(body|query)\./, ''), e.message]));
}

/** A moment as the reader writes it (their language's date and time); '' for none. */
export function useWhen(): (iso: string | null | undefined) => string {
  const { locale } = useI18n();
  return (iso) => (iso ? new Date(iso).toLocaleString(locale.value) : '');
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
 * Loads a page's data when it opens and again whenever the live stream reports a change of the
 * given ticket type (the server tells each person only of the changes they may see).
 */
export function useLiveLoad(load: () => Promise<unknown>, ticketType: string): void {
  let stop: (() => void) | null = null;
  onMounted(async () => {
    await load();
    stop = followEvents((type) => {
      if (type === ticketType) void load();
    });
  });
  onBeforeUnmount(() => stop?.());
}
