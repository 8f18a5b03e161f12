import { createRouter, createWebHistory } from 'vue-router';
import { useSession } from './stores/session';

export const router = createRouter({
  history: createWebHistory(),
  routes: [
    { path: '/', redirect: () => ({ name: 'home' }) },
    { path: '/home', name: 'home', component: { render: () => null }, meta: { auth: true } },
    { path: '/sign-in', name: 'sign-in', component: () => import('./pages/SignIn.vue') },
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
    {
      path: '/admin/teams',
      name: 'admin-teams',
      component: () => import('./pages/AdminTeams.vue'),
      meta: { auth: true, permission: 'team.manage' },
    },
    { path: '/:rest(.*)*', redirect: '/' },
  ],
});

router.beforeEach(async (to) => {
  const session = useSession();
  if (!to.meta['auth']) return true;
  if (!session.me) await session.load();
  if (!session.me) return { name: 'sign-in', query: { next: to.fullPath } };
  if (to.name === 'home') return { name: session.isStaff ? 'queue' : 'portal' };
  if (to.meta['staff'] && !session.isStaff) return { name: 'portal' };
  const needed = to.meta['permission'] as string | undefined;
  if (needed && !session.can(needed)) return { name: 'home' };
  return true;
});
