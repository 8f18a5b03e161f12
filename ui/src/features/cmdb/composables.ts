/** What the CMDB pages share: the class tree, the directory as options, and names in the reader's language. */
import { computed, ref } from 'vue';
import { useI18n } from 'vue-i18n';
import { get } from '../../kernel/api';
import { type Attribute, RELATION_RULES, type RelationType } from '../../kernel/rules';
import type { CiClass, Impact, Person, Team } from '../../kernel/types';

export function useCmdbBasics() {
  const { locale } = useI18n();
  const classes = ref<CiClass[]>([]);
  const people = ref<Person[]>([]);
  const teams = ref<Team[]>([]);
  /** A name in the reader's language. */
  const text = (l: { en: string; id?: string } | null | undefined) =>
    l ? (locale.value === 'id' && l.id) || l.en : '';
  async function load() {
    const [c, p, tm] = await Promise.all([
      get<{ items: CiClass[] }>('/cmdb/classes'),
      get<{ items: Person[] }>('/users?limit=500').catch(() => ({ items: [] as Person[] })),
      get<{ items: Team[] }>('/teams').catch(() => ({ items: [] as Team[] })),
    ]);
    classes.value = c.items;
    people.value = p.items;
    teams.value = tm.items;
  }
  /** Classes for a select, each under its parent (indented by depth). */
  const classOptions = computed(() => {
    const depth = (key: string | null, n = 0): number => {
      const c = classes.value.find((x) => x.key === key);
      return c?.parent ? depth(c.parent, n + 1) : n;
    };
    const ordered: CiClass[] = [];
    const walk = (parent: string | null) => {
      for (const c of classes.value.filter((x) => x.parent === parent)) {
        ordered.push(c);
        walk(c.key);
      }
    };
    walk(null);
    return ordered.map((c) => ({ value: c.key, title: `${'  '.repeat(depth(c.key))}${text(c.name)}` }));
  });
  const attributesOf = (key: string) => (classes.value.find((c) => c.key === key)?.attributes ?? []) as Attribute[];
  const peopleOptions = computed(() =>
    people.value.filter((p) => p.active !== false).map((p) => ({ value: p.id, title: p.displayName })),
  );
  const teamOptions = computed(() => teams.value.map((x) => ({ value: x.id, title: x.name })));
  return { classes, load, text, classOptions, attributesOf, peopleOptions, teamOptions };
}

/** The fields of a CI a form edits (identifiers and dates as typed; blanks are none). */
export interface CiForm {
  name: string;
  classKey: string;
  status: string;
  criticality: string;
  ownerUserId: string | null;
  ownerTeamId: string | null;
  location: string | null;
  version: string | null;
  description: string | null;
  serialNumber: string | null;
  assetTag: string | null;
  hostname: string | null;
  warrantyEnd: string | null;
  supportEnd: string | null;
  licenceExpiry: string | null;
  attributes: Record<string, unknown>;
}
export const CI_TEXT_FIELDS = ['location', 'version', 'serialNumber', 'assetTag', 'hostname'] as const;
export const CI_DATE_FIELDS = ['warrantyEnd', 'supportEnd', 'licenceExpiry'] as const;

/** The colour of an impact grade. */
export const GRADE_COLOR = { down: 'error', degraded: 'warning', at_risk: 'info' } as const;

type Affected = Impact['affected'][number];
interface Rule {
  kind: string;
  type: RelationType;
  fromName?: string;
  group?: string;
  down?: number;
  members?: number;
  needs?: number;
}

/** Why an affected CI suffers, in the reader's language: the rule in words, and an edge's short label. */
export function useImpactWords() {
  const { t } = useI18n();
  const reading = (type: RelationType) =>
    t(`cmdb.relation.${RELATION_RULES[type].suffers === 'to' ? 'inverse' : 'reading'}.${type}`);
  const ruleWords = (a: Affected) => {
    const r = a.rule as unknown as Rule;
    if (r.kind === 'group')
      return t('cmdb.impact.rule.group', { down: r.down, members: r.members, group: r.group, needs: r.needs });
    return t('cmdb.impact.rule.relation', { reading: reading(r.type), name: r.fromName ?? '' });
  };
  /** The relation as the sufferer reads it, or the group and how many of it are down. */
  const edgeWords = (a: Affected) => {
    const r = a.rule as unknown as Rule;
    return r.kind === 'group' ? `${reading(r.type)} · ${r.group} ${r.down}/${r.members}` : reading(r.type);
  };
  return { ruleWords, edgeWords };
}
