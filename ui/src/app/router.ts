import { createRouter, createWebHistory } from 'vue-router';
import { adminRoutes } from '../features/admin/routes';
import { auditRoutes } from '../features/audit/routes';
import { incidentRoutes } from '../features/incident/routes';
import { requestRoutes } from '../features/request/routes';
import { cmdbRoutes } from '../features/cmdb/routes';
import { useSession } from './stores/session';

export const router = createRouter({
  history: createWebHistory(),
  routes: [
    { path: '/', redirect: () => ({ name: 'home' }) },
    { path: '/home', name: 'home', component: { render: () => null }, meta: { auth: true } },
    { path: '/sign-in', name: 'sign-in', component: () => import('./pages/SignIn.vue') },
    // The links of the invitation and password-reset e-mails (the token is in the fragment).
    { path: '/accept-invitation', name: 'accept-invitation', component: () => import('./pages/SetPassword.vue') },
    { path: '/reset-password', name: 'reset-password', component: () => import('./pages/SetPassword.vue') },
    { path: '/profile', name: 'profile', component: () => import('./pages/ProfilePage.vue'), meta: { auth: true } },
    ...incidentRoutes,
    ...requestRoutes,
    ...cmdbRoutes,
    ...adminRoutes,
    ...auditRoutes,
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
