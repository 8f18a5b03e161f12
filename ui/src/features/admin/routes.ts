/** The organization admin's pages; `admin` names the menu entry, `permission` who may open it. */
import type { RouteRecordRaw } from 'vue-router';

export const adminRoutes: RouteRecordRaw[] = [
  {
    path: '/admin/users',
    name: 'admin-users',
    component: () => import('./pages/AdminUsers.vue'),
    meta: { auth: true, admin: 'admin.users', permission: 'user.manage' },
  },
  {
    path: '/admin/roles',
    name: 'admin-roles',
    component: () => import('./pages/AdminRoles.vue'),
    meta: { auth: true, admin: 'admin.roles', permission: 'role.manage' },
  },
  {
    path: '/admin/sla',
    name: 'admin-sla',
    component: () => import('./pages/AdminSla.vue'),
    meta: { auth: true, admin: 'admin.sla', permission: 'sla.manage' },
  },
  {
    path: '/admin/teams',
    name: 'admin-teams',
    component: () => import('./pages/AdminTeams.vue'),
    meta: { auth: true, admin: 'admin.teams', permission: 'team.manage' },
  },
  {
    path: '/admin/settings',
    name: 'admin-settings',
    component: () => import('./pages/AdminSettings.vue'),
    meta: { auth: true, admin: 'admin.settings', permission: 'org.settings' },
  },
  {
    path: '/admin/api-keys',
    name: 'admin-api-keys',
    component: () => import('./pages/AdminApiKeys.vue'),
    meta: { auth: true, admin: 'admin.apiKeys', permission: 'apikey.manage' },
  },
  {
    path: '/admin/categories',
    name: 'admin-categories',
    component: () => import('./pages/AdminCategories.vue'),
    meta: { auth: true, admin: 'admin.categoriesPage', permission: 'team.manage' },
  },
];
