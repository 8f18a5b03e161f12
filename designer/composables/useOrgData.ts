/**
 * What the designer knows of the organization: people, teams, SLA calendars and catalog items
 * with their forms; and how nodes name them (provided to the node components).
 */
import { computed, ref } from 'vue';
import { useI18n } from 'vue-i18n';
import { get } from '../../ui/src/kernel/api';
import { ROLES } from '../../ui/src/kernel/rules';
import type { Person, Team } from '../../ui/src/kernel/types';
import type { FormField } from '../../workflows/kernel/form.js';

export interface ItemForm {
  id: string;
  key: string;
  name: string;
  fields: FormField[];
}

export function useOrgData() {
  const { t, locale } = useI18n();
  const people = ref<Person[]>([]);
  const teams = ref<Team[]>([]);
  const policies = ref<{ value: string; title: string }[]>([]);
  const items = ref<ItemForm[]>([]);

  /** Loads it all; a list the person may not read stays empty (the page still works without it). */
  async function load() {
    const [ps, ts, its, pol] = await Promise.all([
      get<{ items: Person[] }>('/users?limit=500').catch(() => ({ items: [] as Person[] })),
      get<{ items: Team[] }>('/teams').catch(() => ({ items: [] as Team[] })),
      get<{ items: { id: string; key: string; name: { en: string; id?: string }; form: { fields: FormField[] } }[] }>(
        '/catalog/items',
      ).catch(() => ({ items: [] })),
      get<{ items: { id: string; name: string }[] }>('/admin/sla-policies').catch(() => ({ items: [] })),
    ]);
    people.value = ps.items;
    teams.value = ts.items;
    items.value = its.items.map((i) => ({
      id: i.id,
      key: i.key,
      name: (locale.value === 'id' && i.name.id) || i.name.en,
      fields: i.form.fields,
    }));
    policies.value = pol.items.map((p) => ({ value: p.id, title: p.name }));
  }

  const directory = {
    user: (id: string) => people.value.find((p) => p.id === id)?.displayName ?? id,
    team: (id: string) => teams.value.find((x) => x.id === id)?.name ?? t('designer.unknownTeam'),
    field: (id: string) => {
      const f = items.value.flatMap((i) => i.fields).find((x) => x.id === id);
      return f ? ((f.label as Record<string, string | undefined>)[locale.value] ?? f.label.en) : id;
    },
  };
  const options = {
    people: computed(() =>
      people.value.filter((p) => p.active !== false).map((p) => ({ value: p.id, title: p.displayName })),
    ),
    teams: computed(() => teams.value.map((x) => ({ value: x.id, title: x.name }))),
    roles: computed(() => ROLES.map((r) => ({ value: r, title: t(`roleName.${r}`) }))),
    items: computed(() => items.value.map((i) => ({ value: i.id, title: i.name }))),
  };
  return { teams, policies, items, load, directory, options };
}
