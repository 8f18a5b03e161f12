/** The node types as the palette and the canvas show them: category, icon, one component each. */
import {
  mdiAccountCheckOutline,
  mdiCallSplit,
  mdiCircle,
  mdiClipboardCheckOutline,
  mdiEmailFastOutline,
  mdiFlagCheckered,
  mdiFormTextbox,
  mdiPlayCircleOutline,
  mdiSourceFork,
  mdiSourceMerge,
  mdiTimerSand,
  mdiWebhook,
} from '@mdi/js';
import type { Component } from 'vue';
import type { FlowNodeType } from '../../workflows/kernel/flow.js';
import ApprovalNode from './ApprovalNode.vue';
import ConditionNode from './ConditionNode.vue';
import EndNode from './EndNode.vue';
import JoinNode from './JoinNode.vue';
import NotifyNode from './NotifyNode.vue';
import SetFieldNode from './SetFieldNode.vue';
import SplitNode from './SplitNode.vue';
import StartNode from './StartNode.vue';
import TaskNode from './TaskNode.vue';
import WaitNode from './WaitNode.vue';
import WebhookNode from './WebhookNode.vue';

export type Category = 'people' | 'logic' | 'work' | 'ends';

export const NODE_KINDS: { type: FlowNodeType; category: Category; icon: string; component: Component }[] = [
  { type: 'approval', category: 'people', icon: mdiAccountCheckOutline, component: ApprovalNode },
  { type: 'task', category: 'people', icon: mdiClipboardCheckOutline, component: TaskNode },
  { type: 'notify', category: 'people', icon: mdiEmailFastOutline, component: NotifyNode },
  { type: 'condition', category: 'logic', icon: mdiCallSplit, component: ConditionNode },
  { type: 'split', category: 'logic', icon: mdiSourceFork, component: SplitNode },
  { type: 'join', category: 'logic', icon: mdiSourceMerge, component: JoinNode },
  { type: 'wait', category: 'work', icon: mdiTimerSand, component: WaitNode },
  { type: 'webhook', category: 'work', icon: mdiWebhook, component: WebhookNode },
  { type: 'set_field', category: 'work', icon: mdiFormTextbox, component: SetFieldNode },
  { type: 'end', category: 'ends', icon: mdiFlagCheckered, component: EndNode },
  { type: 'start', category: 'ends', icon: mdiPlayCircleOutline, component: StartNode },
];

export const iconOf = (type: FlowNodeType) => NODE_KINDS.find((k) => k.type === type)?.icon ?? mdiCircle;

/** The components by node type, as the canvas registers them. */
export const nodeComponents: Record<string, Component> = Object.fromEntries(
  NODE_KINDS.map((k) => [k.type, k.component]),
);
