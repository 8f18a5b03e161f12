import { describe, expect, it } from '@jest/globals';
import {
  TICKET_TYPES,
  parseTicketReference,
  parseTicketWorkflowId,
  ticketKey,
  ticketWorkflowId,
} from '../../workflows/kernel/ticket-types.js';

describe('ticket types and keys', () => {
  it('gives every type its own prefix, key and workflow id, and reads them back', () => {
    const prefixes = Object.values(TICKET_TYPES).map((t) => t.prefix);
    expect(new Set(prefixes).size).toBe(prefixes.length);
    expect(ticketKey('incident', 42)).toBe('INC-42');
    expect(ticketWorkflowId('acme', 'request', 7)).toBe('acme/REQ-7');
    for (const type of Object.keys(TICKET_TYPES) as (keyof typeof TICKET_TYPES)[]) {
      expect(parseTicketWorkflowId(ticketWorkflowId('acme-2', type, 1042))).toEqual({
        orgSlug: 'acme-2',
        type,
        number: 1042,
      });
    }
  });

  it('refuses ids that are no ticket’s', () => {
    for (const id of ['acme/XYZ-1', 'acme/INC-0', 'acme/INC-01', 'INC-1', 'Acme/INC-1', 'acme/INC-1/x', "it's/INC-1"]) {
      expect(parseTicketWorkflowId(id)).toBeNull();
    }
  });

  it('reads what people type: INC-42, inc-42, 42, acme/INC-42 — only for its own type', () => {
    expect(parseTicketReference('incident', 'INC-42')).toEqual({ orgSlug: null, number: 42 });
    expect(parseTicketReference('incident', 'inc-42')).toEqual({ orgSlug: null, number: 42 });
    expect(parseTicketReference('incident', '42')).toEqual({ orgSlug: null, number: 42 });
    expect(parseTicketReference('incident', 'ACME/INC-42')).toEqual({ orgSlug: 'acme', number: 42 });
    expect(parseTicketReference('incident', 'REQ-42')).toBeNull();
    expect(parseTicketReference('request', 'REQ-42')).toEqual({ orgSlug: null, number: 42 });
    for (const bad of ['0', 'INC-', 'INC-12345678901', ' 42', 'INC-4 2']) {
      expect(parseTicketReference('incident', bad)).toBeNull();
    }
  });
});
