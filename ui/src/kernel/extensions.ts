/**
 * Places where one feature shows a part another feature owns, without importing it: the kernel
 * names the place and what it is given, the shell (app/main.ts) fills it with a feature's
 * component, and the page that has the place renders whatever fills it, or nothing. So the
 * incident page shows the CMDB's card of named CIs while neither feature imports the other, and
 * every ticket type (requests, changes, problems) can offer the same card.
 */
import type { Component, InjectionKey } from 'vue';

/**
 * The card of configuration items a ticket names. Its props: `ciIds` (the ticket's), `canEdit`,
 * `busy`, and `grade` (how the named CIs are taken to fail: 'down' or 'degraded'); it emits
 * `save(ciIds)` when the list is changed there.
 */
export const TICKET_CI_CARD: InjectionKey<Component> = Symbol('ticket-ci-card');
