import { defineEntity, p } from '@mikro-orm/core';
import { Organization } from './organization.js';
import { User } from './user.js';

/**
 * One in-app notification (the bell): written with the incident's projection, once per person,
 * incident revision and kind, so a retried projection write adds none.
 */
export const InboxItemSchema = defineEntity({
  name: 'InboxItem',
  tableName: 'inbox',
  uniques: [{ properties: ['user', 'ticketWorkflowId', 'revision', 'kind'] }],
  indexes: [{ properties: ['organization', 'user', 'createdAt'] }],
  properties: {
    id: p.bigint('number').primary().autoincrement(),
    organization: () => p.manyToOne(Organization),
    user: () => p.manyToOne(User),
    /** The ticket (of any type) the notification is about. */
    ticketWorkflowId: p.string().length(80),
    revision: p.integer(),
    /** assigned, reply, note, mention, escalation, status, watching */
    kind: p.string().length(20),
    actor: () => p.manyToOne(User).nullable(),
    data: p.json<Record<string, unknown>>(),
    createdAt: p.datetime(),
    readAt: p.datetime().nullable(),
  },
});
export class InboxItem extends InboxItemSchema.class {}
InboxItemSchema.setClass(InboxItem);
