/** One service request on a page with its timeline, kept current by the live stream. */
import { type Ref, onBeforeUnmount, onMounted, ref } from 'vue';
import { useI18n } from 'vue-i18n';
import { ApiError, followEvents, get } from '../../kernel/api';
import type { ServiceRequest, TimelineEntry } from '../../kernel/types';

/**
 * The request named by `key`, reloaded when the stream reports a newer revision. `act` runs this
 * page's own commands and reloads after; a change that arrived meanwhile from someone else is
 * reported through `onChanged`. `missing` is set when there is no such request for this person.
 */
export function useRequest(key: Ref<string>, onChanged?: () => void) {
  const request = ref<ServiceRequest | null>(null);
  const timeline = ref<TimelineEntry[]>([]);
  const missing = ref(false);

  async function load() {
    try {
      const [r, tl] = await Promise.all([
        get<ServiceRequest>(`/requests/${key.value}`),
        get<{ items: TimelineEntry[] }>(`/requests/${key.value}/timeline`),
      ]);
      request.value = r;
      timeline.value = tl.items;
      missing.value = false;
    } catch (err) {
      if (err instanceof ApiError && (err.status === 404 || err.status === 400)) missing.value = true;
      else throw err;
    }
  }

  let acting = 0;
  let newest = 0;
  async function act<T>(command: () => Promise<T>, revisionOf: (t: T) => number): Promise<T> {
    acting++;
    try {
      const out = await command();
      await load();
      if (newest > revisionOf(out)) onChanged?.();
      return out;
    } finally {
      if (--acting === 0) newest = 0;
    }
  }

  let stop: (() => void) | null = null;
  onMounted(async () => {
    await load();
    stop = followEvents((type, data) => {
      const e = data as { key: string; revision: number };
      if (type !== 'request' || e.key !== key.value || (request.value && e.revision <= request.value.revision)) return;
      if (acting) newest = Math.max(newest, e.revision);
      else void load().then(() => onChanged?.());
    });
  });
  onBeforeUnmount(() => stop?.());
  return { request, timeline, missing, load, act };
}

/** A tally as the server words it ("1 of 2"), in the reader's language ("1 dari 2 persetujuan"). */
export function useTally(): (text: string | null | undefined) => string {
  const { t } = useI18n();
  return (text) => {
    const m = /^(\d+) of (\d+)$/.exec(text ?? '');
    return m ? t('request.tally', { a: m[1], b: m[2] }) : (text ?? '');
  };
}
