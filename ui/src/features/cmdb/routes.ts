/** CMDB pages: the list of configuration items, one CI (details, relations, history, impact). */
import type { RouteRecordRaw } from 'vue-router';

export const cmdbRoutes: RouteRecordRaw[] = [
  {
    path: '/cmdb',
    name: 'cmdb',
    component: () => import('./pages/CmdbPage.vue'),
    meta: { auth: true, permission: 'cmdb.read' },
  },
  {
    path: '/cmdb/items/:id',
    name: 'ci',
    component: () => import('./pages/CiPage.vue'),
    meta: { auth: true, permission: 'cmdb.read' },
  },
  {
    path: '/admin/cmdb-classes',
    name: 'admin-cmdb-classes',
    component: () => import('./pages/ClassesAdmin.vue'),
    meta: { auth: true, admin: 'cmdb.classes.nav', permission: 'cmdb.classes' },
  },
];
