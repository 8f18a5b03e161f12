/** The auditor's workspace: the audit log and a ticket's workflow history. */
import type { RouteRecordRaw } from 'vue-router';

export const auditRoutes: RouteRecordRaw[] = [
  {
    path: '/audit',
    name: 'audit',
    component: () => import('./pages/AuditPage.vue'),
    meta: { auth: true, permission: 'audit.read' },
  },
  {
    path: '/audit/incidents/:key',
    name: 'ticket-history',
    component: () => import('./pages/TicketHistory.vue'),
    meta: { auth: true, permission: 'incident.history' },
  },
];
