/**
 * The draft on the server and in this browser. It is saved with the revision it was made from, so
 * a save or a publish over someone else's newer draft is refused and offered as reload / compare /
 * overwrite; work not saved yet is kept in this browser until it is (or is thrown away).
 */
import { ref, watch } from 'vue';
import { useI18n } from 'vue-i18n';
import { ApiError, api, get, post } from '../../ui/src/kernel/api';
import type { useAction } from '../../ui/src/kernel/composables';
import type { Flow } from '../../workflows/kernel/flow.js';
import { fromFlow, toFlow } from '../model/document.js';
import { autoLayout } from '../model/layout.js';
import type { DraftConflict, FlowDto } from '../types';
import type { useDocHistory } from './useDocHistory';

interface Backup {
  revision: number;
  flow: Flow;
  at: string;
}

const conflictOf = (err: unknown): DraftConflict | null =>
  err instanceof ApiError && err.code === 'draft_conflict' ? (err.problem.current as DraftConflict) : null;

export function useDraft(
  flowId: string,
  hist: ReturnType<typeof useDocHistory>,
  action: ReturnType<typeof useAction>,
  /** Called when a draft is opened afresh (what was selected is gone). */
  onOpen: () => void,
) {
  const { t } = useI18n();
  const { run, notice, error } = action;
  const dto = ref<FlowDto | null>(null);
  const revision = ref(0);
  const conflict = ref<DraftConflict | null>(null);
  const backupKey = `lintas.designer.${flowId}`;
  const backup = ref<Backup | null>(null);

  function open(d: FlowDto) {
    dto.value = d;
    revision.value = d.draft.revision;
    // A flow never drawn (a template, an import through the API) is laid out once, as its base.
    const drawn = Object.keys(d.draft.definition.layout ?? {}).length > 0;
    hist.reset(drawn ? fromFlow(d.draft.definition) : autoLayout(fromFlow(d.draft.definition)));
    onOpen();
  }
  const fetchFlow = () => get<FlowDto>(`/flows/${flowId}`);

  /** Opens the draft, offering what this browser kept of work on it that differs from it. */
  function openWithBackup(d: FlowDto) {
    open(d);
    const raw = localStorage.getItem(backupKey);
    const kept = raw ? (JSON.parse(raw) as Backup) : null;
    backup.value =
      kept && JSON.stringify(kept.flow) !== JSON.stringify(toFlow(fromFlow(d.draft.definition))) ? kept : null;
  }
  watch(hist.doc, (doc) => {
    if (!dto.value) return;
    if (hist.isDirty())
      localStorage.setItem(
        backupKey,
        JSON.stringify({ revision: revision.value, flow: toFlow(doc), at: new Date().toISOString() }),
      );
    else localStorage.removeItem(backupKey);
  });
  function restoreBackup() {
    if (!backup.value) return;
    hist.apply(fromFlow(backup.value.flow));
    if (backup.value.revision !== revision.value) notice.value = t('designer.backupOlder');
    backup.value = null;
  }
  function dropBackup() {
    localStorage.removeItem(backupKey);
    backup.value = null;
  }

  /** Saves the drawing as made from revision `from`; false (and the conflict shown) when that is not the newest. */
  async function send(from: number): Promise<boolean> {
    const sent = hist.doc.value;
    try {
      const { data } = await api<FlowDto>('PUT', `/flows/${flowId}/draft`, {
        definition: toFlow(sent),
        revision: from,
      });
      dto.value = data;
      revision.value = data.draft.revision;
      hist.markSaved(sent);
      if (!hist.isDirty()) localStorage.removeItem(backupKey);
      return true;
    } catch (err) {
      const c = conflictOf(err);
      if (!c) throw err;
      conflict.value = c;
      return false;
    }
  }
  const save = () =>
    run(async () => {
      if (await send(revision.value)) notice.value = t('designer.saved', { r: revision.value });
    });
  const publish = () =>
    run(async () => {
      if (hist.isDirty() && !(await send(revision.value))) return;
      try {
        const d = await post<FlowDto>(`/flows/${flowId}/publish`, { revision: revision.value });
        dto.value = d;
        notice.value = t('designer.publishedAs', { v: d.published ?? 0 });
      } catch (err) {
        const c = conflictOf(err);
        if (!c) throw err;
        if (hist.isDirty()) conflict.value = c;
        else {
          // Nothing of mine to keep: show what was saved meanwhile, to be checked before publishing.
          open(await fetchFlow());
          error.value = t('designer.changedBeforePublish', {
            name: c.savedBy?.name ?? t('designer.conflict.someone'),
            r: c.revision,
          });
        }
      }
    });
  /** The conflict answered by taking the draft as it now stands. */
  function reloadTheirs() {
    const c = conflict.value!;
    conflict.value = null;
    void run(async () => {
      open(await fetchFlow());
      localStorage.removeItem(backupKey);
      notice.value = t('designer.reloaded', { r: c.revision });
    });
  }
  /** The conflict answered by saving mine over theirs. */
  const overwrite = () =>
    run(async () => {
      const c = conflict.value!;
      conflict.value = null;
      if (await send(c.revision)) notice.value = t('designer.saved', { r: revision.value });
    });

  return {
    dto,
    revision,
    conflict,
    backup,
    fetchFlow,
    openWithBackup,
    restoreBackup,
    dropBackup,
    save,
    publish,
    reloadTheirs,
    overwrite,
  };
}
