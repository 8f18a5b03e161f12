/** Service request pages: the catalog and ordering, requests, the approvals inbox and link, fulfilment, catalog admin. */
import type { RouteRecordRaw } from 'vue-router';

export const requestRoutes: RouteRecordRaw[] = [
  { path: '/approve/:token', name: 'approve-link', component: () => import('./pages/ApproveLink.vue') },
  {
    path: '/catalog',
    name: 'catalog',
    component: () => import('./pages/CatalogPage.vue'),
    meta: { auth: true, permission: 'request.create' },
  },
  {
    path: '/catalog/:item',
    name: 'catalog-item',
    component: () => import('./pages/OrderPage.vue'),
    meta: { auth: true, permission: 'request.create' },
  },
  { path: '/requests', name: 'requests', component: () => import('./pages/RequestsPage.vue'), meta: { auth: true } },
  { path: '/requests/:key', name: 'request', component: () => import('./pages/RequestPage.vue'), meta: { auth: true } },
  { path: '/approvals', name: 'approvals', component: () => import('./pages/ApprovalsPage.vue'), meta: { auth: true } },
  {
    path: '/fulfilment',
    name: 'fulfilment',
    component: () => import('./pages/TasksPage.vue'),
    meta: { auth: true, permission: 'request.fulfil' },
  },
  {
    path: '/admin/catalog',
    name: 'admin-catalog',
    component: () => import('./pages/AdminCatalog.vue'),
    meta: { auth: true, admin: 'nav.catalogAdmin', permission: 'catalog.manage' },
  },
  {
    path: '/admin/flows',
    name: 'admin-flows',
    component: () => import('./pages/AdminFlows.vue'),
    meta: { auth: true, admin: 'nav.flows', permission: 'flow.read' },
  },
  {
    // The designer is its own chunk, loaded when a flow is opened (designer/, on Vue Flow).
    path: '/admin/flows/:id/design',
    name: 'flow-designer',
    component: () => import('../../../../designer/DesignerPage.vue'),
    meta: { auth: true, permission: 'flow.read' },
  },
  {
    path: '/requests/:key/flow',
    name: 'request-flow',
    component: () => import('../../../../designer/LiveFlowPage.vue'),
    meta: { auth: true },
  },
];
