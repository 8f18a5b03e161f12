/**
 * Catalog forms (issue 13): the fields of a catalog item's form and how answers are judged. Pure,
 * shared by the portal (live preview, the requester's form), the API (the answers it stores) and
 * the flow validator (conditions that type-check against the form).
 *
 * Fields are keyed by a stable `id`, never by their label, so renaming a label keeps every
 * condition that refers to the field. A field shown only under a condition (`visibleWhen`) is
 * neither required nor stored while hidden; `requiredWhen` makes a visible field required by other
 * answers. Defaults count as answers (a preselected choice can show or require other fields).
 */
import { z } from 'zod';

export const FIELD_TYPES = [
  'text',
  'long_text',
  'number',
  'choice',
  'multi_choice',
  'date',
  'datetime',
  'user',
  'checkbox',
  'attachment',
  'ci',
] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

/** What may be asked of an answer, by the type of the field it reads. */
export const OPERATORS_BY_TYPE: Record<FieldType, readonly Operator[]> = {
  text: ['eq', 'ne', 'contains', 'empty', 'not_empty'],
  long_text: ['contains', 'empty', 'not_empty'],
  number: ['eq', 'ne', 'lt', 'le', 'gt', 'ge', 'empty', 'not_empty'],
  choice: ['eq', 'ne', 'in', 'empty', 'not_empty'],
  multi_choice: ['includes', 'empty', 'not_empty'],
  date: ['eq', 'before', 'after', 'empty', 'not_empty'],
  datetime: ['before', 'after', 'empty', 'not_empty'],
  user: ['eq', 'ne', 'empty', 'not_empty'],
  checkbox: ['is_true', 'is_false'],
  attachment: ['empty', 'not_empty'],
  ci: ['eq', 'ne', 'empty', 'not_empty'],
};
export const OPERATORS = [
  'eq',
  'ne',
  'lt',
  'le',
  'gt',
  'ge',
  'in',
  'contains',
  'includes',
  'before',
  'after',
  'empty',
  'not_empty',
  'is_true',
  'is_false',
] as const;
export type Operator = (typeof OPERATORS)[number];
/** Operators that take no value. */
const UNARY: readonly Operator[] = ['empty', 'not_empty', 'is_true', 'is_false'];

const FieldId = z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, 'a field id is a-z, 0-9 and _, starting with a letter');

export interface Comparison {
  field: string;
  op: Operator;
  value?: string | number | boolean | string[] | undefined;
}
/** A condition on answers: one comparison, or all / any of several, or the opposite of one. */
export type FormCondition = Comparison | { all: FormCondition[] } | { any: FormCondition[] } | { not: FormCondition };

export const FormConditionSchema: z.ZodType<FormCondition> = z.lazy(() =>
  z.union([
    z.strictObject({
      field: FieldId,
      op: z.enum(OPERATORS),
      value: z.union([z.string().max(500), z.number(), z.boolean(), z.array(z.string().max(200)).max(50)]).optional(),
    }),
    z.strictObject({ all: z.array(FormConditionSchema).min(1).max(20) }),
    z.strictObject({ any: z.array(FormConditionSchema).min(1).max(20) }),
    z.strictObject({ not: FormConditionSchema }),
  ]),
);

/** Text in the languages the app speaks; English is required, Bahasa Indonesia optional. */
const Label = z.strictObject({ en: z.string().min(1).max(200), id: z.string().min(1).max(200).optional() });

export const FormFieldSchema = z.strictObject({
  id: FieldId,
  type: z.enum(FIELD_TYPES),
  label: Label,
  help: Label.optional(),
  required: z.boolean().optional(),
  default: z.union([z.string().max(2000), z.number(), z.boolean(), z.array(z.string().max(200)).max(50)]).optional(),
  min: z.number().optional(),
  max: z.number().optional(),
  /** For text: a regular expression the whole answer must match. */
  pattern: z.string().max(200).optional(),
  options: z
    .array(z.strictObject({ value: z.string().min(1).max(100), label: Label }))
    .max(100)
    .optional(),
  visibleWhen: FormConditionSchema.optional(),
  requiredWhen: FormConditionSchema.optional(),
  /** For a configuration item: only CIs of this class (or one below it) are offered. */
  ciClass: z
    .string()
    .regex(/^[a-z][a-z0-9_]{0,39}$/, 'a class key is a-z, 0-9 and _, starting with a letter')
    .optional(),
  /** For a configuration item: only those the requester (or a team of theirs) owns. */
  ciMine: z.boolean().optional(),
});
export type FormField = z.infer<typeof FormFieldSchema>;

export const FormSchema = z.strictObject({ fields: z.array(FormFieldSchema).max(100) });
export type Form = z.infer<typeof FormSchema>;

export type Answer = string | number | boolean | string[];
export type Answers = Record<string, Answer | null | undefined>;

/** A problem of a form definition or of answers, at its field. */
export interface FormProblem {
  field: string;
  code: string;
  message: string;
}

function fieldsOf(c: FormCondition): Comparison[] {
  if ('field' in c) return [c];
  if ('all' in c) return c.all.flatMap(fieldsOf);
  if ('any' in c) return c.any.flatMap(fieldsOf);
  return fieldsOf(c.not);
}

/** Whether a comparison's value fits its field and operator (null when it does). */
/** Why a comparison does not fit its field: a stable reason, what it names, and the English text. */
export interface ComparisonIssue {
  reason:
    | 'no_field'
    | 'op_type'
    | 'no_value_taken'
    | 'value_needed'
    | 'not_number'
    | 'list_needed'
    | 'not_option'
    | 'not_date';
  params: Record<string, string>;
  message: string;
}

export function comparisonIssue(c: Comparison, field: FormField | undefined): ComparisonIssue | null {
  const issue = (reason: ComparisonIssue['reason'], message: string, params: Record<string, string> = {}) => ({
    reason,
    message,
    params: { field: c.field, op: c.op, ...params },
  });
  if (!field) return issue('no_field', `no field '${c.field}'`);
  if (!OPERATORS_BY_TYPE[field.type].includes(c.op))
    return issue('op_type', `'${c.op}' does not apply to a ${field.type} field`, { type: field.type });
  if (UNARY.includes(c.op)) return c.value === undefined ? null : issue('no_value_taken', `'${c.op}' takes no value`);
  if (c.value === undefined) return issue('value_needed', `'${c.op}' needs a value`);
  if (field.type === 'number' && typeof c.value !== 'number') return issue('not_number', `'${field.id}' is a number`);
  if (c.op === 'in' && !Array.isArray(c.value)) return issue('list_needed', `'in' takes a list`);
  if (field.options && (field.type === 'choice' || field.type === 'multi_choice')) {
    const allowed = new Set(field.options.map((o) => o.value));
    const values = Array.isArray(c.value) ? c.value : [String(c.value)];
    const unknown = values.find((v) => !allowed.has(v));
    if (unknown !== undefined)
      return issue('not_option', `'${unknown}' is not an option of '${field.id}'`, { value: unknown });
  }
  if ((field.type === 'date' || field.type === 'datetime') && Number.isNaN(Date.parse(String(c.value))))
    return issue('not_date', `'${String(c.value)}' is not a date`, { value: String(c.value) });
  return null;
}

/** The English text of why a comparison does not fit its field (null: it fits). */
export const comparisonProblem = (c: Comparison, field: FormField | undefined): string | null =>
  comparisonIssue(c, field)?.message ?? null;

/**
 * The problems of a form definition: duplicate ids, choices without options, bad bounds, patterns
 * that do not compile, conditions on unknown fields or with operators or values that do not fit,
 * and fields whose visibility depends on itself (directly or through others).
 */
export function checkForm(form: Form): FormProblem[] {
  const problems: FormProblem[] = [];
  const byId = new Map<string, FormField>();
  for (const f of form.fields) {
    if (byId.has(f.id))
      problems.push({ field: f.id, code: 'duplicate_field', message: `Two fields have the id '${f.id}'` });
    byId.set(f.id, f);
  }
  for (const f of form.fields) {
    const at = (code: string, message: string) => problems.push({ field: f.id, code, message });
    if ((f.type === 'choice' || f.type === 'multi_choice') && !f.options?.length)
      at('options_missing', `'${f.id}' offers no options`);
    if (f.min !== undefined && f.max !== undefined && f.min > f.max) at('bad_bounds', `'${f.id}': min is above max`);
    if ((f.ciClass !== undefined || f.ciMine !== undefined) && f.type !== 'ci')
      at('ci_options', `'${f.id}': ciClass and ciMine are for configuration item fields`);
    if (f.pattern !== undefined) {
      try {
        new RegExp(f.pattern);
      } catch {
        at('bad_pattern', `'${f.id}': the pattern is not a regular expression`);
      }
    }
    for (const [which, cond] of [
      ['visibleWhen', f.visibleWhen],
      ['requiredWhen', f.requiredWhen],
    ] as const) {
      for (const c of cond ? fieldsOf(cond) : []) {
        if (c.field === f.id) at('self_condition', `'${f.id}': ${which} refers to the field itself`);
        else {
          const p = comparisonProblem(c, byId.get(c.field));
          if (p) at('bad_condition', `'${f.id}': ${which}: ${p}`);
        }
      }
    }
  }
  // Visibility that depends on itself through other fields can never be settled.
  const dependsOn = (f: FormField) => (f.visibleWhen ? fieldsOf(f.visibleWhen).map((c) => c.field) : []);
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (id: string, path: string[]): void => {
    if (state.get(id) === 'done') return;
    if (state.get(id) === 'visiting') {
      const cycle = path.slice(path.indexOf(id));
      if (cycle.length > 1)
        problems.push({
          field: id,
          code: 'condition_cycle',
          message: `Visibility goes round in a circle: ${cycle.join(' → ')}`,
        });
      return;
    }
    state.set(id, 'visiting');
    const f = byId.get(id);
    // A field on itself is reported above as self_condition.
    for (const d of f ? dependsOn(f) : []) if (d !== id && byId.has(d)) visit(d, [...path, d]);
    state.set(id, 'done');
  };
  for (const f of form.fields) visit(f.id, [f.id]);
  return problems;
}

const isEmpty = (v: Answer | null | undefined) =>
  v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);

function compare(c: Comparison, v: Answer | null | undefined): boolean {
  switch (c.op) {
    case 'empty':
      return isEmpty(v);
    case 'not_empty':
      return !isEmpty(v);
    case 'is_true':
      return v === true;
    case 'is_false':
      return v !== true;
  }
  if (isEmpty(v)) return false;
  const want = c.value;
  switch (c.op) {
    case 'eq':
      return v === want;
    case 'ne':
      return v !== want;
    case 'lt':
      return (v as number) < (want as number);
    case 'le':
      return (v as number) <= (want as number);
    case 'gt':
      return (v as number) > (want as number);
    case 'ge':
      return (v as number) >= (want as number);
    case 'in':
      return Array.isArray(want) && want.includes(String(v));
    case 'contains':
      return String(v).toLowerCase().includes(String(want).toLowerCase());
    case 'includes':
      return Array.isArray(v) && (Array.isArray(want) ? want.every((w) => v.includes(w)) : v.includes(String(want)));
    case 'before':
      return Date.parse(String(v)) < Date.parse(String(want));
    case 'after':
      return Date.parse(String(v)) > Date.parse(String(want));
  }
  return false;
}

/** A condition over answers; a field that is hidden (absent from `values`) counts as unanswered. */
export function holds(c: FormCondition, values: Answers): boolean {
  if ('field' in c) return compare(c, values[c.field]);
  if ('all' in c) return c.all.every((x) => holds(x, values));
  if ('any' in c) return c.any.some((x) => holds(x, values));
  return !holds(c.not, values);
}

export interface EvaluatedForm {
  /** Ids of the fields shown, in form order. */
  visible: string[];
  /** Ids of the visible fields that must be answered. */
  required: string[];
  /** The answers kept: visible fields only, defaults filled in where nothing was given. */
  values: Answers;
  /** What keeps the answers from being submitted, per field. */
  problems: FormProblem[];
}

/**
 * Judges answers against a form: which fields show (conditions read the answers of visible fields,
 * defaults included, settled in form order and then again until nothing changes), which are
 * required, what is kept (hidden fields are dropped), and what is wrong with the rest.
 */
export function evaluateForm(form: Form, answers: Answers): EvaluatedForm {
  const given = (f: FormField): Answer | null | undefined => (answers[f.id] !== undefined ? answers[f.id] : f.default);
  let visible = new Set(form.fields.filter((f) => !f.visibleWhen).map((f) => f.id));
  for (let round = 0; round <= form.fields.length; round++) {
    const values = Object.fromEntries(form.fields.filter((f) => visible.has(f.id)).map((f) => [f.id, given(f)]));
    const next = new Set(form.fields.filter((f) => !f.visibleWhen || holds(f.visibleWhen, values)).map((f) => f.id));
    if ([...next].every((id) => visible.has(id)) && next.size === visible.size) break;
    visible = next;
  }
  const shown = form.fields.filter((f) => visible.has(f.id));
  const values: Answers = {};
  for (const f of shown) {
    const v = given(f);
    if (!isEmpty(v)) values[f.id] = v;
  }
  const required = shown
    .filter((f) => f.required || (f.requiredWhen && holds(f.requiredWhen, values)))
    .map((f) => f.id);
  const problems: FormProblem[] = [];
  for (const f of shown) {
    const v = values[f.id];
    const at = (code: string, message: string) => problems.push({ field: f.id, code, message });
    if (isEmpty(v)) {
      if (required.includes(f.id)) at('required', `${f.label.en} is required`);
      continue;
    }
    const problem = answerProblem(f, v!);
    if (problem) at(problem.code, problem.message);
  }
  // An answer to a field the form does not have is refused rather than silently dropped.
  for (const id of Object.keys(answers))
    if (!form.fields.some((f) => f.id === id))
      problems.push({ field: id, code: 'unknown_field', message: `The form has no field '${id}'` });
  return { visible: shown.map((f) => f.id), required, values, problems };
}

function answerProblem(f: FormField, v: Answer): { code: string; message: string } | null {
  const name = f.label.en;
  const bad = (message: string) => ({ code: 'invalid_answer', message });
  switch (f.type) {
    case 'number': {
      if (typeof v !== 'number' || !Number.isFinite(v)) return bad(`${name} must be a number`);
      if (f.min !== undefined && v < f.min) return bad(`${name} must be at least ${f.min}`);
      if (f.max !== undefined && v > f.max) return bad(`${name} must be at most ${f.max}`);
      return null;
    }
    case 'text':
    case 'long_text': {
      if (typeof v !== 'string') return bad(`${name} must be text`);
      const length = [...v].length;
      const max = f.max ?? (f.type === 'text' ? 200 : 10_000);
      if (f.min !== undefined && length < f.min) return bad(`${name} needs at least ${f.min} characters`);
      if (length > max) return bad(`${name} takes at most ${max} characters`);
      if (f.pattern !== undefined && !new RegExp(`^(?:${f.pattern})$`, 'u').test(v))
        return bad(`${name} is not in the expected form`);
      return null;
    }
    case 'choice':
      return typeof v === 'string' && f.options?.some((o) => o.value === v)
        ? null
        : bad(`${name}: pick one of the options`);
    case 'multi_choice': {
      if (!Array.isArray(v) || !v.every((x) => f.options?.some((o) => o.value === x)))
        return bad(`${name}: pick among the options`);
      if (new Set(v).size !== v.length) return bad(`${name}: an option is picked twice`);
      if (f.min !== undefined && v.length < f.min) return bad(`${name}: pick at least ${f.min}`);
      if (f.max !== undefined && v.length > f.max) return bad(`${name}: pick at most ${f.max}`);
      return null;
    }
    case 'date':
      return typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(v))
        ? null
        : bad(`${name} must be a date (YYYY-MM-DD)`);
    case 'datetime':
      return typeof v === 'string' && !Number.isNaN(Date.parse(v)) && /T/.test(v)
        ? null
        : bad(`${name} must be a date and time`);
    case 'checkbox':
      return typeof v === 'boolean' ? null : bad(`${name} must be yes or no`);
    case 'user':
    case 'attachment':
      return typeof v === 'string' && /^[0-9a-f-]{36}$/i.test(v) ? null : bad(`${name} must name one ${f.type}`);
    case 'ci':
      return typeof v === 'string' && /^[0-9a-f-]{36}$/i.test(v)
        ? null
        : bad(`${name} must name one configuration item`);
  }
}
