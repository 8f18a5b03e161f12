import { defineEntity, p } from '@mikro-orm/core';
import type { TicketPrefix } from '../../../workflows/kernel/ticket-types.js';
import { Organization } from './organization.js';
import { User } from './user.js';

/**
 * One entry of a ticket's timeline, of any ticket type, keyed by the revision the change produced.
 * Written only by projection activities (insert on conflict do nothing).
 */
export const TicketEventSchema = defineEntity({
  name: 'TicketEvent',
  tableName: 'ticket_events',
  uniques: [{ properties: ['ticketWorkflowId', 'revision'] }],
  properties: {
    id: p.bigint('number').primary().autoincrement(),
    organization: () => p.manyToOne(Organization).index(),
    ticketType: p.string().$type<TicketPrefix>().length(8),
    ticketWorkflowId: p.string().length(80),
    revision: p.integer(),
    type: p.string().length(40),
    actor: () => p.manyToOne(User).nullable(),
    actorKind: p.string().length(20),
    at: p.datetime(),
    data: p.json<Record<string, unknown>>(),
  },
});
export class TicketEvent extends TicketEventSchema.class {}
TicketEventSchema.setClass(TicketEvent);

/** The next number of each ticket type per organization (INC-1, REQ-1, … count separately). */
export const TicketCounterSchema = defineEntity({
  name: 'TicketCounter',
  tableName: 'ticket_counters',
  properties: {
    organization: () => p.manyToOne(Organization).primary(),
    ticketType: p.string().$type<TicketPrefix>().length(8).primary(),
    nextNumber: p.integer(),
  },
});
export class TicketCounter extends TicketCounterSchema.class {}
TicketCounterSchema.setClass(TicketCounter);
