/**
 * What lies ahead of a request, for the people waiting on it: from the steps open now, the
 * approvals, tasks, waits and call-outs the flow leads to if each goes ahead (approved, ok), with
 * conditions on form answers decided by the answers given and any other condition shown as a fork.
 * Pure: the API answers it with every request and the portal draws it.
 */
import type { Flow, FlowEdge, FlowNode } from '../kernel/flow.js';
import { holds } from '../kernel/form.js';
import type { FlowRun } from './engine.js';

/** The flow a catalog item without one runs: straight to fulfilment (or completion without a team). */
export const DIRECT_FLOW: Flow = {
  nodes: [
    { id: 'start', type: 'start' },
    { id: 'approved', type: 'end', outcome: 'approved' },
  ],
  edges: [{ from: 'start', to: 'approved' }],
};

export type UpcomingStep =
  | { kind: 'approval'; nodeId: string; label: string | null; approvers: string[] }
  | { kind: 'task'; nodeId: string; label: string | null; teamId: string }
  | { kind: 'wait'; nodeId: string; label: string | null }
  | { kind: 'webhook'; nodeId: string; label: string | null }
  | { kind: 'fork'; nodeId: string; label: string | null }
  | { kind: 'fulfilment'; nodeId: string; label: string | null; teamId: string };

const LIMIT = 20;

function describe(node: FlowNode): UpcomingStep | null {
  const label = node.label ?? null;
  switch (node.type) {
    case 'approval':
      return { kind: 'approval', nodeId: node.id, label, approvers: node.approvers.map((a) => a.kind) };
    case 'task':
      return { kind: 'task', nodeId: node.id, label: label ?? node.title, teamId: node.teamId };
    case 'wait':
    case 'webhook':
      return { kind: node.type, nodeId: node.id, label };
    default:
      return null;
  }
}

/**
 * The steps after the open ones, in the order a request would meet them (lanes of a split one
 * after another), each once; empty when the run has ended. `fulfilmentTeamId` is the item's team
 * an `approved` end hands the request to.
 */
export function upcoming(
  flow: Flow,
  run: Pick<FlowRun, 'steps' | 'answers' | 'outcome'>,
  fulfilmentTeamId: string | null,
): UpcomingStep[] {
  if (run.outcome) return [];
  const nodes = new Map(flow.nodes.map((n) => [n.id, n]));
  const exits = (id: string): FlowEdge[] => flow.edges.filter((e) => e.from === id);
  const open = run.steps.filter((s) => s.status === 'open' || s.status === 'resolving');
  const seen = new Set<string>(open.map((s) => s.nodeId));
  const out: UpcomingStep[] = [];
  const queue: string[] = [];
  const onward = (id: string, node: FlowNode | undefined) => {
    const all = exits(id);
    let chosen: FlowEdge[];
    if (node?.type === 'approval') chosen = all.filter((e) => e.when === 'approved');
    else if (node?.type === 'webhook') chosen = all.filter((e) => e.when === 'ok');
    else chosen = all;
    // A loop back is not what comes next.
    queue.push(...chosen.filter((e) => e.maxTraversals === undefined).map((e) => e.to));
  };
  for (const s of open) onward(s.nodeId, nodes.get(s.nodeId));
  if (!open.length && !run.steps.length) onward(flow.nodes.find((n) => n.type === 'start')?.id ?? '', undefined);
  while (queue.length && out.length < LIMIT) {
    const id = queue.shift()!;
    if (seen.has(id)) continue;
    seen.add(id);
    const node = nodes.get(id);
    if (!node) continue;
    if (node.type === 'end') {
      if (node.outcome === 'approved' && fulfilmentTeamId)
        out.push({ kind: 'fulfilment', nodeId: id, label: null, teamId: fulfilmentTeamId });
      continue;
    }
    if (node.type === 'condition') {
      if (node.subject.kind === 'answer') {
        const result = holds({ field: node.subject.fieldId, op: node.op, value: node.value }, run.answers);
        queue.push(
          ...exits(id)
            .filter((e) => e.when === String(result) && e.maxTraversals === undefined)
            .map((e) => e.to),
        );
      } else out.push({ kind: 'fork', nodeId: id, label: node.label ?? null });
      continue;
    }
    const step = describe(node);
    if (step) out.push(step);
    onward(id, node);
  }
  return out;
}
