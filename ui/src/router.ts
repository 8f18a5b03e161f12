import { createRouter, createWebHistory } from 'vue-router';
import { useSession } from './stores/session';

export const router = createRouter({
  history: createWebHistory(),
  routes: [
    { path: '/', redirect: () => ({ name: 'home' }) },
    { path: '/home', name: 'home', component: { render: () => null }, meta: { auth: true } },
    { path: '/sign-in', name: 'sign-in', component: () => import('./pages/SignIn.vue') },
    { path: '/rate/:token', name: 'rate', component: () => import('./pages/RateLink.vue') },
    // The links of the invitation and password-reset e-mails (the token is in the fragment).
    { path: '/accept-invitation', name: 'accept-invitation', component: () => import('./pages/SetPassword.vue') },
    { path: '/reset-password', name: 'reset-password', component: () => import('./pages/SetPassword.vue') },
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
    { path: '/profile', name: 'profile', component: () => import('./pages/ProfilePage.vue'), meta: { auth: true } },
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
    { path: '/:rest(.*)*', name: 'not-found', component: () => import('./components/NotFound.vue') },
  ],
});

/**
 * Where a person lands: people who work incidents on the console, auditors (who read but change
 * nothing) on the audit log, everyone else on the portal.
 */
function homeOf(session: ReturnType<typeof useSession>): string {
  if (session.can('incident.update') || session.can('incident.assign')) return 'queue';
  if (session.can('audit.read')) return 'audit';
  return session.isStaff ? 'queue' : 'portal';
}

router.beforeEach(async (to) => {
  const session = useSession();
  if (!to.meta['auth']) return true;
  if (!session.me) await session.load();
  if (!session.me) return { name: 'sign-in', query: { next: to.fullPath } };
  if (to.name === 'home') return { name: homeOf(session) };
  if (to.meta['staff'] && !session.isStaff) return { name: 'portal' };
  const needed = to.meta['permission'] as string | undefined;
  if (needed && !session.can(needed)) return { name: 'home' };
  return true;
});
