/** What the properties sections share: the option shape, the edit they emit, bounded numbers, and lists. */
import { useI18n } from 'vue-i18n';

export type Option = { value: string; title: string };
/** Members of the node to change; an `undefined` member is removed. */
export type Patch = Record<string, unknown>;

/** A number typed into a field, rounded and kept within [min, max]. */
export const num = (v: string | number, min: number, max: number) =>
  Math.min(max, Math.max(min, Math.round(Number(v) || min)));

/** The translator, and choices whose titles are `<key>.<value>`. */
export function useWords() {
  const { t } = useI18n();
  const list = <T extends string>(values: readonly T[], key: string) =>
    values.map((v) => ({ value: v, title: t(`${key}.${v}`) }));
  return { t, list };
}
