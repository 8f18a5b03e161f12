/** SLA policies (versioned) and the notification ledger. */
import { defineEntity, p } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { Organization } from './organization.js';

/**
 * An SLA policy of an organization. Its definition is versioned: a change makes a new version;
 * tickets keep the version they started with.
 */
export const SlaPolicySchema = defineEntity({
  name: 'SlaPolicy',
  tableName: 'sla_policies',
  uniques: [{ properties: ['organization', 'name'] }],
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    organization: () => p.manyToOne(Organization).index(),
    name: p.string().length(120),
    /** Lower ranks are tried first; the first policy whose conditions match applies. */
    rank: p.integer(),
    active: p.boolean().default(true),
    version: p.integer(),
    /** Conditions (priorities, categories), targets, calendar, pause reasons, escalation levels. */
    definition: p.json<Record<string, unknown>>(),
    updatedAt: p.datetime(),
  },
});
export class SlaPolicy extends SlaPolicySchema.class {}
SlaPolicySchema.setClass(SlaPolicy);

/**
 * One notification to one recipient on one channel for one event: the unique key makes a retried
 * or replayed activity send it at most once.
 */
export const NotificationSchema = defineEntity({
  name: 'Notification',
  tableName: 'notifications',
  uniques: [{ properties: ['eventKey', 'recipient', 'channel'] }],
  properties: {
    id: p.bigint('number').primary().autoincrement(),
    organization: () => p.manyToOne(Organization).index(),
    eventKey: p.string().length(200),
    recipient: p.string().length(254),
    channel: p.string().length(20),
    status: p.string().length(20),
    attempts: p.integer().default(0),
    lastError: p.text().nullable(),
    createdAt: p.datetime(),
    sentAt: p.datetime().nullable(),
  },
});
export class Notification extends NotificationSchema.class {}
NotificationSchema.setClass(Notification);
