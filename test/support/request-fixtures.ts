/** The catalog pieces the request tests share: a two-level flow and a laptop form with a condition. */

/** The manager approves, then 2 of 3 of a team; either rejection rejects. */
export const twoLevelFlow = (teamId: string) => ({
  nodes: [
    { id: 'start', type: 'start' },
    { id: 'manager', type: 'approval', label: 'Manager', approvers: [{ kind: 'manager' }], rule: { kind: 'any' } },
    {
      id: 'team',
      type: 'approval',
      label: 'Hardware team',
      approvers: [{ kind: 'team', teamId }],
      rule: { kind: 'n_of_m', n: 2 },
    },
    { id: 'approved', type: 'end', outcome: 'approved' },
    { id: 'rejected', type: 'end', outcome: 'rejected' },
  ],
  edges: [
    { from: 'start', to: 'manager' },
    { from: 'manager', to: 'team', when: 'approved' },
    { from: 'manager', to: 'rejected', when: 'rejected' },
    { from: 'team', to: 'approved', when: 'approved' },
    { from: 'team', to: 'rejected', when: 'rejected' },
  ],
});

/** A model to choose; a reason shown and required only for a power laptop; optionally a quote file. */
export const laptopForm = (o: { defaultModel?: string; quote?: boolean } = {}) => [
  {
    id: 'model',
    type: 'choice',
    label: { en: 'Model', id: 'Model' },
    required: true,
    options: [
      { value: 'standard', label: { en: 'Standard' } },
      { value: 'power', label: { en: 'Power user' } },
    ],
    ...(o.defaultModel ? { default: o.defaultModel } : {}),
  },
  {
    id: 'reason',
    type: 'long_text',
    label: { en: 'Why a power laptop?', id: 'Mengapa laptop bertenaga?' },
    visibleWhen: { field: 'model', op: 'eq', value: 'power' },
    requiredWhen: { field: 'model', op: 'eq', value: 'power' },
  },
  ...(o.quote ? [{ id: 'quote', type: 'attachment', label: { en: 'Supplier quote', id: 'Penawaran pemasok' } }] : []),
];
