/**
 * The service catalog: categories, items and reusable field sets, edited by catalog managers and
 * browsed in the portal by those an item is for. An item's form is its own fields followed by its
 * field sets' fields; it is checked with the kernel's form checker and its flow's published
 * version with the flow validator against that form, so an item never offers a form or a flow
 * that cannot work. Each problem names its field or node.
 */
import type { z } from 'zod';
import {
  ApprovalFlow,
  CatalogCategory,
  CatalogItem,
  FieldSet,
  FlowVersion,
  SlaPolicy,
  Team,
  TeamMember,
} from '../../db/entities/index.js';
import type { Em } from '../../db/orm.js';
import { type Flow, validateFlow } from '../../workflows/kernel/flow.js';
import { type Form, type FormField, checkForm } from '../../workflows/kernel/form.js';
import { ROLES } from '../../workflows/kernel/vocabulary.js';
import { AppError, type FieldError, notFound, validationFailed } from '../kernel/errors.js';
import type * as S from './schemas.js';

type ItemDto = z.infer<typeof S.CatalogItem>;
type CategoryDto = z.infer<typeof S.Category>;

const refId = (r: { id: string } | null | undefined) => r?.id ?? null;

/** The whole form of an item: its own fields, then each field set's in the order given. */
export function formOf(item: { fields: FormField[]; fieldSetIds: string[] }, sets: Map<string, FieldSet>): Form {
  return {
    fields: [...item.fields, ...item.fieldSetIds.flatMap((id) => sets.get(id)?.fields ?? [])],
  };
}

export async function fieldSetsById(em: Em, ids: Iterable<string>): Promise<Map<string, FieldSet>> {
  const list = [...new Set(ids)];
  const sets = list.length ? await em.find(FieldSet, { id: { $in: list } }) : [];
  return new Map(sets.map((s) => [s.id, s]));
}

/** The published version of a flow, or null. */
export async function publishedVersion(em: Em, flowId: string): Promise<FlowVersion | null> {
  return em.findOne(FlowVersion, { flow: flowId, state: 'published' }, { refresh: true });
}

/** The flow's problems against a form, as field errors at `flowId` (nodes named). */
function flowProblems(definition: Flow, form: Form): FieldError[] {
  return validateFlow(definition, { form, roles: ROLES }).map((p) => ({
    field: `flowId`,
    message: `node ${p.nodeId}: ${p.message}`,
  }));
}

/** Whether someone of this role and these teams is offered the item (roles or teams; none: everyone). */
export function offeredTo(item: CatalogItem, role: string, teamIds: ReadonlySet<string>): boolean {
  const roles = item.audienceRoles;
  const teams = item.audienceTeamIds;
  if (!roles.length && !teams.length) return true;
  return roles.includes(role) || teams.some((t) => teamIds.has(t));
}

export async function teamIdsOf(em: Em, userId: string): Promise<Set<string>> {
  return new Set((await em.find(TeamMember, { user: userId })).map((m) => m.team.id));
}

/** A category as the API shows it, with how many items it holds. */
export const categoryDto = (c: CatalogCategory, items = 0): CategoryDto => ({
  id: c.id,
  key: c.key,
  name: c.name,
  description: c.description ?? null,
  icon: c.icon ?? null,
  sortOrder: c.sortOrder,
  active: c.active,
  items,
});

export class Catalog {
  async categories(em: Em, onlyActive: boolean): Promise<CategoryDto[]> {
    const where = onlyActive ? { active: true } : {};
    const cats = await em.find(CatalogCategory, where, { orderBy: { sortOrder: 'asc', key: 'asc' } });
    const items = await em.find(CatalogItem, onlyActive ? { active: true } : {});
    const byCat = new Map<string, number>();
    for (const i of items) byCat.set(i.category.id, (byCat.get(i.category.id) ?? 0) + 1);
    return cats.map((c) => categoryDto(c, byCat.get(c.id) ?? 0));
  }

  async category(em: Em, id: string): Promise<CatalogCategory> {
    const c = await em.findOne(CatalogCategory, { id });
    if (!c) throw notFound('Catalog category');
    return c;
  }

  async createCategory(em: Em, orgId: string, body: z.infer<typeof S.CategoryBody>): Promise<CatalogCategory> {
    const c = em.create(CatalogCategory, { organization: orgId, ...body });
    await em.flush();
    return c;
  }

  async updateCategory(em: Em, id: string, body: z.infer<typeof S.CategoryPatch>): Promise<CatalogCategory> {
    const c = await this.category(em, id);
    em.assign(c, body);
    await em.flush();
    return c;
  }

  async deleteCategory(em: Em, id: string): Promise<void> {
    const c = await this.category(em, id);
    if (await em.count(CatalogItem, { category: id })) {
      throw new AppError(409, 'in_use', 'Items are in this category; move them or deactivate the category');
    }
    em.remove(c);
    await em.flush();
  }

  async fieldSets(em: Em): Promise<z.infer<typeof S.FieldSet>[]> {
    const sets = await em.find(FieldSet, {}, { orderBy: { key: 'asc' } });
    const items = await em.find(CatalogItem, {});
    return sets.map((s) => ({
      id: s.id,
      key: s.key,
      name: s.name,
      fields: s.fields,
      usedBy: items.filter((i) => i.fieldSetIds.includes(s.id)).length,
    }));
  }

  private checkFields(fields: FormField[], prefix: string): void {
    const problems = checkForm({ fields });
    if (problems.length) {
      throw validationFailed(
        problems.map((p) => ({ field: `${prefix}.${p.field}`, message: p.message })),
        'The form has problems',
      );
    }
  }

  async createFieldSet(em: Em, orgId: string, body: z.infer<typeof S.FieldSetBody>): Promise<FieldSet> {
    this.checkFields(body.fields, 'fields');
    const s = em.create(FieldSet, { organization: orgId, ...body });
    await em.flush();
    return s;
  }

  async updateFieldSet(em: Em, id: string, body: z.infer<typeof S.FieldSetPatch>): Promise<FieldSet> {
    const s = await em.findOne(FieldSet, { id });
    if (!s) throw notFound('Field set');
    const next = { ...s, ...body } as FieldSet;
    this.checkFields(next.fields, 'fields');
    // Every item that includes the set must still have a sound form and flow with its new fields.
    const users = (await em.find(CatalogItem, {})).filter((i) => i.fieldSetIds.includes(id));
    const sets = await fieldSetsById(
      em,
      users.flatMap((i) => i.fieldSetIds),
    );
    sets.set(id, next);
    for (const item of users)
      await this.checkItem(em, { ...item, flowId: refId(item.flow) }, sets, `items.${item.key}`);
    em.assign(s, body);
    await em.flush();
    return s;
  }

  async deleteFieldSet(em: Em, id: string): Promise<void> {
    const s = await em.findOne(FieldSet, { id });
    if (!s) throw notFound('Field set');
    const users = (await em.find(CatalogItem, {})).filter((i) => i.fieldSetIds.includes(id));
    if (users.length) {
      throw new AppError(
        409,
        'in_use',
        `Items include this field set: ${users.map((i) => i.key).join(', ')}; remove it from them first`,
      );
    }
    em.remove(s);
    await em.flush();
  }

  /**
   * Checks an item's whole form and its flow's published version against it; throws 422 with
   * every problem at its field (`form.<fieldId>`) or node (`flowId`).
   */
  private async checkItem(
    em: Em,
    item: { fields: FormField[]; fieldSetIds: string[]; flowId: string | null },
    sets: Map<string, FieldSet>,
    prefix = '',
  ): Promise<void> {
    const at = (f: string) => (prefix ? `${prefix}.${f}` : f);
    const errors: FieldError[] = [];
    for (const id of item.fieldSetIds)
      if (!sets.has(id)) errors.push({ field: at('fieldSetIds'), message: `No field set ${id}` });
    const form = formOf(item, sets);
    for (const p of checkForm(form)) errors.push({ field: at(`form.${p.field}`), message: p.message });
    if (item.flowId && !errors.length) {
      const version = await publishedVersion(em, item.flowId);
      if (!version) errors.push({ field: at('flowId'), message: 'The flow has no published version' });
      else errors.push(...flowProblems(version.definition, form).map((e) => ({ ...e, field: at(e.field) })));
    }
    if (errors.length) throw validationFailed(errors, 'The item cannot work as configured');
  }

  /** Checks the references of an item's body: category, flow, team, policy in the organization. */
  private async checkRefs(em: Em, body: Partial<z.infer<typeof S.ItemBody>>): Promise<void> {
    const errors: FieldError[] = [];
    if (body.categoryId && !(await em.findOne(CatalogCategory, { id: body.categoryId })))
      errors.push({ field: 'categoryId', message: 'No catalog category with this id' });
    if (body.flowId && !(await em.findOne(ApprovalFlow, { id: body.flowId })))
      errors.push({ field: 'flowId', message: 'No flow with this id' });
    if (body.fulfilmentTeamId && !(await em.findOne(Team, { id: body.fulfilmentTeamId })))
      errors.push({ field: 'fulfilmentTeamId', message: 'No team with this id' });
    if (body.slaPolicyId && !(await em.findOne(SlaPolicy, { id: body.slaPolicyId })))
      errors.push({ field: 'slaPolicyId', message: 'No SLA policy with this id' });
    for (const t of body.audienceTeamIds ?? [])
      if (!(await em.findOne(Team, { id: t }))) errors.push({ field: 'audienceTeamIds', message: `No team ${t}` });
    if (errors.length) throw validationFailed(errors);
  }

  async items(em: Em, where: { active?: boolean; categoryId?: string } = {}): Promise<CatalogItem[]> {
    const filter: Record<string, unknown> = {};
    if (where.active !== undefined) filter['active'] = where.active;
    if (where.categoryId) filter['category'] = where.categoryId;
    return em.find(CatalogItem, filter, { orderBy: { key: 'asc' }, populate: ['flow'] });
  }

  async item(em: Em, id: string): Promise<CatalogItem> {
    const i = await em.findOne(CatalogItem, { id }, { populate: ['flow'] });
    if (!i) throw notFound('Catalog item');
    return i;
  }

  async itemByKey(em: Em, key: string): Promise<CatalogItem | null> {
    return em.findOne(CatalogItem, { key }, { populate: ['flow'], refresh: true });
  }

  async createItem(em: Em, orgId: string, body: z.infer<typeof S.ItemBody>): Promise<CatalogItem> {
    await this.checkRefs(em, body);
    await this.checkItem(em, body, await fieldSetsById(em, body.fieldSetIds));
    const { categoryId, flowId, fulfilmentTeamId, slaPolicyId, ...rest } = body;
    const item = em.create(CatalogItem, {
      organization: orgId,
      ...rest,
      category: categoryId,
      flow: flowId,
      fulfilmentTeam: fulfilmentTeamId,
      slaPolicy: slaPolicyId,
    });
    await em.flush();
    return item;
  }

  async updateItem(em: Em, id: string, body: z.infer<typeof S.ItemPatch>): Promise<CatalogItem> {
    const item = await this.item(em, id);
    await this.checkRefs(em, body);
    const merged = {
      fields: body.fields ?? item.fields,
      fieldSetIds: body.fieldSetIds ?? item.fieldSetIds,
      flowId: body.flowId === undefined ? refId(item.flow) : body.flowId,
    };
    await this.checkItem(em, merged, await fieldSetsById(em, merged.fieldSetIds));
    const { categoryId, flowId, fulfilmentTeamId, slaPolicyId, ...rest } = body;
    em.assign(item, {
      ...rest,
      ...(categoryId !== undefined ? { category: categoryId } : {}),
      ...(flowId !== undefined ? { flow: flowId } : {}),
      ...(fulfilmentTeamId !== undefined ? { fulfilmentTeam: fulfilmentTeamId } : {}),
      ...(slaPolicyId !== undefined ? { slaPolicy: slaPolicyId } : {}),
    });
    await em.flush();
    return item;
  }

  /** Items' problems with a flow version about to be published (each item's form against it). */
  async itemsAgainst(em: Em, flowId: string, definition: Flow): Promise<FieldError[]> {
    const users = await em.find(CatalogItem, { flow: flowId });
    const sets = await fieldSetsById(
      em,
      users.flatMap((i) => i.fieldSetIds),
    );
    return users.flatMap((i) =>
      flowProblems(definition, formOf(i, sets)).map((e) => ({ field: `items.${i.key}`, message: e.message })),
    );
  }

  /** Items as the API shows them, with their whole form and the flow version new requests run. */
  async dtos(em: Em, items: CatalogItem[]): Promise<ItemDto[]> {
    await em.populate(items, ['flow']);
    const sets = await fieldSetsById(
      em,
      items.flatMap((i) => i.fieldSetIds),
    );
    const flowIds = [...new Set(items.map((i) => refId(i.flow)).filter((x): x is string => !!x))];
    const published = flowIds.length ? await em.find(FlowVersion, { flow: { $in: flowIds }, state: 'published' }) : [];
    const versionOf = new Map(published.map((v) => [v.flow.id, v.version]));
    return items.map((i) => ({
      id: i.id,
      key: i.key,
      categoryId: i.category.id,
      name: i.name,
      description: i.description ?? null,
      icon: i.icon ?? null,
      audienceRoles: i.audienceRoles,
      audienceTeamIds: i.audienceTeamIds,
      fields: i.fields,
      fieldSetIds: i.fieldSetIds,
      form: formOf(i, sets),
      flowId: refId(i.flow),
      flowName: i.flow?.name ?? null,
      flowVersion: i.flow ? (versionOf.get(i.flow.id) ?? null) : null,
      fulfilmentTeamId: refId(i.fulfilmentTeam),
      slaPolicyId: refId(i.slaPolicy),
      active: i.active,
      updatedAt: i.updatedAt.toISOString(),
    }));
  }
}
