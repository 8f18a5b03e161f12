/** The incident pages: the desk's queue and ticket, the requester's portal, the rating link. */
import type { RouteRecordRaw } from 'vue-router';

export const incidentRoutes: RouteRecordRaw[] = [
  { path: '/rate/:token', name: 'rate', component: () => import('./pages/RateLink.vue') },
  {
    path: '/console',
    name: 'queue',
    component: () => import('./pages/QueuePage.vue'),
    meta: { auth: true, staff: true },
  },
  {
    path: '/console/:key',
    name: 'incident',
    component: () => import('./pages/IncidentPage.vue'),
    meta: { auth: true, staff: true },
  },
  { path: '/portal', name: 'portal', component: () => import('./pages/PortalPage.vue'), meta: { auth: true } },
  {
    path: '/portal/:key',
    name: 'portal-incident',
    component: () => import('./pages/PortalIncident.vue'),
    meta: { auth: true },
  },
];
