/**
 * Catalog forms (workflows/kernel/form.ts): conditions keyed by field id, hidden fields neither
 * required nor stored, defaults that count, answers checked by type, and form definitions whose
 * mistakes are named at their field.
 */
import { describe, expect, it } from '@jest/globals';
import { type Form, FormSchema, checkForm, evaluateForm } from '../../workflows/kernel/form.js';

const laptop: Form = FormSchema.parse({
  fields: [
    {
      id: 'model',
      type: 'choice',
      label: { en: 'Model', id: 'Model' },
      required: true,
      default: 'standard',
      options: [
        { value: 'standard', label: { en: 'Standard' } },
        { value: 'developer', label: { en: 'Developer' } },
      ],
    },
    {
      id: 'justification',
      type: 'long_text',
      label: { en: 'Why a developer laptop?' },
      visibleWhen: { field: 'model', op: 'eq', value: 'developer' },
      required: true,
    },
    { id: 'ram_gb', type: 'number', label: { en: 'Memory (GB)' }, min: 8, max: 64 },
    {
      id: 'approval_note',
      type: 'text',
      label: { en: 'Note for the approver' },
      requiredWhen: { field: 'ram_gb', op: 'gt', value: 32 },
    },
    { id: 'needed_by', type: 'date', label: { en: 'Needed by' } },
    { id: 'accept_policy', type: 'checkbox', label: { en: 'I accept the policy' }, required: true },
  ],
});

describe('catalog form answers', () => {
  it('keeps a hidden field out of what is required and what is stored, even when it was answered', () => {
    const r = evaluateForm(laptop, { justification: 'leftover from another choice', accept_policy: true });
    expect(r.visible).toEqual(['model', 'ram_gb', 'approval_note', 'needed_by', 'accept_policy']);
    expect(r.values).toEqual({ model: 'standard', accept_policy: true });
    expect(r.problems).toEqual([]);
  });

  it('shows and requires a field when another answer asks for it (the default counts as an answer)', () => {
    const dev = evaluateForm(laptop, { model: 'developer', accept_policy: true });
    expect(dev.visible).toContain('justification');
    expect(dev.problems).toEqual([
      { field: 'justification', code: 'required', message: 'Why a developer laptop? is required' },
    ]);
    const withDefault = evaluateForm(
      { fields: laptop.fields.map((f) => (f.id === 'model' ? { ...f, default: 'developer' } : f)) },
      { accept_policy: true },
    );
    expect(withDefault.required).toContain('justification');
  });

  it('makes a visible field required by another answer (requiredWhen)', () => {
    expect(evaluateForm(laptop, { ram_gb: 16, accept_policy: true }).required).not.toContain('approval_note');
    const big = evaluateForm(laptop, { ram_gb: 48, accept_policy: true });
    expect(big.problems.map((p) => p.field)).toEqual(['approval_note']);
  });

  it('checks answers by type and bounds, and refuses answers to fields the form does not have', () => {
    const r = evaluateForm(laptop, {
      model: 'gaming',
      ram_gb: 4,
      needed_by: '12/31/2026',
      accept_policy: 'yes',
      colour: 'red',
    });
    expect(r.problems.map((p) => [p.field, p.code])).toEqual([
      ['model', 'invalid_answer'],
      ['ram_gb', 'invalid_answer'],
      ['needed_by', 'invalid_answer'],
      ['accept_policy', 'invalid_answer'],
      ['colour', 'unknown_field'],
    ]);
  });

  it('keeps its conditions when a label is renamed: they name the field id, not the label', () => {
    const renamed: Form = {
      fields: laptop.fields.map((f) =>
        f.id === 'model' ? { ...f, label: { en: 'Laptop kind', id: 'Jenis laptop' } } : f,
      ),
    };
    expect(checkForm(renamed)).toEqual([]);
    expect(evaluateForm(renamed, { model: 'developer', accept_policy: true }).visible).toContain('justification');
  });

  it('combines conditions (all, any, not) and reads a hidden field as unanswered', () => {
    const form: Form = FormSchema.parse({
      fields: [
        { id: 'vpn', type: 'checkbox', label: { en: 'VPN' } },
        { id: 'country', type: 'text', label: { en: 'Country' }, visibleWhen: { field: 'vpn', op: 'is_true' } },
        {
          id: 'export_licence',
          type: 'text',
          label: { en: 'Export licence' },
          visibleWhen: { all: [{ field: 'vpn', op: 'is_true' }, { not: { field: 'country', op: 'eq', value: 'ID' } }] },
        },
      ],
    });
    expect(evaluateForm(form, { vpn: true, country: 'ID' }).visible).toEqual(['vpn', 'country']);
    expect(evaluateForm(form, { vpn: true, country: 'SG' }).visible).toEqual(['vpn', 'country', 'export_licence']);
    // With the VPN unticked, the country is hidden, so it cannot keep the licence field out either.
    expect(evaluateForm(form, { vpn: false, country: 'SG' }).visible).toEqual(['vpn']);
  });
});

describe('catalog form definitions', () => {
  it('accepts a good form', () => {
    expect(checkForm(laptop)).toEqual([]);
  });

  it('names each mistake at its field', () => {
    const bad: Form = FormSchema.parse({
      fields: [
        { id: 'a', type: 'choice', label: { en: 'A' } },
        { id: 'a', type: 'text', label: { en: 'A again' } },
        { id: 'n', type: 'number', label: { en: 'N' }, min: 5, max: 1 },
        { id: 'p', type: 'text', label: { en: 'P' }, pattern: '([' },
        { id: 'x', type: 'text', label: { en: 'X' }, visibleWhen: { field: 'nope', op: 'eq', value: '1' } },
        { id: 'y', type: 'text', label: { en: 'Y' }, visibleWhen: { field: 'n', op: 'contains', value: 'z' } },
        { id: 'z', type: 'text', label: { en: 'Z' }, requiredWhen: { field: 'n', op: 'gt', value: 'ten' } },
        { id: 's', type: 'text', label: { en: 'S' }, visibleWhen: { field: 's', op: 'empty' } },
      ],
    });
    expect(checkForm(bad).map((p) => [p.field, p.code])).toEqual([
      ['a', 'duplicate_field'],
      ['a', 'options_missing'],
      ['n', 'bad_bounds'],
      ['p', 'bad_pattern'],
      ['x', 'bad_condition'],
      ['y', 'bad_condition'],
      ['z', 'bad_condition'],
      ['s', 'self_condition'],
    ]);
  });

  it('finds visibility that goes round in a circle', () => {
    const circle: Form = FormSchema.parse({
      fields: [
        { id: 'a', type: 'text', label: { en: 'A' }, visibleWhen: { field: 'b', op: 'not_empty' } },
        { id: 'b', type: 'text', label: { en: 'B' }, visibleWhen: { field: 'a', op: 'not_empty' } },
      ],
    });
    expect(checkForm(circle).map((p) => p.code)).toEqual(['condition_cycle']);
  });

  it('refuses ids that are not stable identifiers and conditions that are not conditions', () => {
    expect(FormSchema.safeParse({ fields: [{ id: 'Bad Id', type: 'text', label: { en: 'x' } }] }).success).toBe(false);
    expect(
      FormSchema.safeParse({
        fields: [{ id: 'a', type: 'text', label: { en: 'x' }, visibleWhen: { field: 'b', op: 'resembles' } }],
      }).success,
    ).toBe(false);
  });
});

describe('configuration item fields', () => {
  const form: Form = FormSchema.parse({
    fields: [
      { id: 'laptop', type: 'ci', label: { en: 'Laptop' }, required: true, ciClass: 'workstation', ciMine: true },
      { id: 'why', type: 'text', label: { en: 'Why' }, visibleWhen: { field: 'laptop', op: 'not_empty' } },
    ],
  });

  it('take one CI id, and conditions read them', () => {
    expect(checkForm(form)).toEqual([]);
    const id = '00000000-0000-4000-8000-000000000001';
    expect(evaluateForm(form, { laptop: id })).toMatchObject({ visible: ['laptop', 'why'], problems: [] });
    expect(evaluateForm(form, { laptop: 'my laptop' }).problems).toEqual([
      expect.objectContaining({ field: 'laptop', message: 'Laptop must name one configuration item' }),
    ]);
    expect(evaluateForm(form, {}).problems).toEqual([expect.objectContaining({ field: 'laptop', code: 'required' })]);
  });

  it('keep ciClass and ciMine to CI fields, and compare them by identity only', () => {
    const misplaced = FormSchema.parse({ fields: [{ id: 'a', type: 'text', label: { en: 'A' }, ciMine: true }] });
    expect(checkForm(misplaced)).toEqual([expect.objectContaining({ field: 'a', code: 'ci_options' })]);
    const ordered = FormSchema.parse({
      fields: [
        { id: 'c', type: 'ci', label: { en: 'C' } },
        { id: 'b', type: 'text', label: { en: 'B' }, visibleWhen: { field: 'c', op: 'before', value: 'x' } },
      ],
    });
    expect(checkForm(ordered)).toEqual([expect.objectContaining({ field: 'b', code: 'bad_condition' })]);
  });
});
