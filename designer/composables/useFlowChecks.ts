/**
 * The drawing's findings, worded for the reader: the flow schema's first (a drawing that is not
 * yet a flow cannot be saved), then the shared validator's against each form the flow runs with.
 */
import { type Ref, computed } from 'vue';
import { type Flow, FlowSchema, validateFlow } from '../../workflows/kernel/flow.js';
import type { FormField } from '../../workflows/kernel/form.js';
import { ROLES } from '../../ui/src/kernel/rules';
import { type Words, problemText, schemaText } from '../model/words.js';
import type { Issue } from '../panels/IssuesList.vue';

export function useFlowChecks(flow: Ref<Flow>, forms: Ref<{ fields: FormField[] }[]>, words: Ref<Words>) {
  const issues = computed((): Issue[] => {
    const f = flow.value;
    const w = words.value;
    const out: Issue[] = [];
    const parsed = FlowSchema.safeParse(f);
    if (!parsed.success) {
      for (const i of parsed.error.issues) {
        const [where, index] = i.path;
        const nodeId =
          where === 'nodes' && typeof index === 'number'
            ? (f.nodes[index]?.id ?? '')
            : where === 'edges' && typeof index === 'number'
              ? (f.edges[index]?.from ?? '')
              : (f.nodes[0]?.id ?? '');
        out.push({ nodeId, name: w.nodeName(nodeId), kind: 'schema', message: schemaText(i, w) });
      }
      return out;
    }
    if (f.nodes.length < 2) return out;
    const found = new Map<string, Issue>();
    const contexts = forms.value.length ? forms.value.map((i) => ({ fields: i.fields })) : [undefined];
    for (const form of contexts)
      for (const p of validateFlow(f, { roles: ROLES, form }))
        found.set(`${p.nodeId}|${p.message}`, {
          nodeId: p.nodeId,
          name: w.nodeName(p.nodeId),
          kind: 'flow',
          message: problemText(p, w),
        });
    return [...found.values()];
  });
  const problemsByNode = computed(() => {
    const m = new Map<string, string[]>();
    for (const i of issues.value) m.set(i.nodeId, [...(m.get(i.nodeId) ?? []), i.message]);
    return m;
  });
  /** A drawing the flow schema refuses cannot be saved (only a flow with problems can). */
  const unsavable = computed(() => issues.value.some((i) => i.kind === 'schema'));
  return { issues, problemsByNode, unsavable };
}
