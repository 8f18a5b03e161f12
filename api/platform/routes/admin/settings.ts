/** Admin: the organization's settings (security policy, routing, priority matrix, channels). */
import { z } from 'zod';
import { Organization, Team } from '../../../../db/entities/index.js';
import { AppError, validationFailed } from '../../../kernel/errors.js';
import {
  mergeChannels,
  OrgSettings,
  OrgSettingsPatch,
  redactChannels,
  settingsOf,
} from '../../../../workflows/kernel/org-settings.js';
import { type AnyRoute, authed, defineRoute } from '../../../kernel/route.js';
import { sendTestMessage } from '../../../../activities/kernel/notify.js';

export function adminSettingsRoutes(): AnyRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/admin/settings',
      summary:
        'Settings in force: MFA, password and session policy, priority matrix, notification channels (secrets shown as ********)',
      tag: 'admin',
      permission: 'org.settings',
      responses: { 200: { description: 'Settings', schema: OrgSettings } },
      handler: async (c) => {
        const ctx = authed(c);
        const settings = settingsOf(
          (await ctx.state.em.findOneOrFail(Organization, { id: ctx.state.principal.orgId })).settings,
        );
        ctx.body = { ...settings, notifications: redactChannels(settings.notifications) };
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/admin/settings',
      summary: 'Change settings (only the sections sent)',
      tag: 'admin',
      permission: 'org.settings',
      audit: 'org.settings_change',
      body: OrgSettingsPatch,
      responses: { 200: { description: 'Settings now in force', schema: OrgSettings } },
      handler: async (c, { body }) => {
        const ctx = authed(c);
        const { principal } = ctx.state;
        // Saves of different sections at once are taken one at a time (the row locked, read
        // again): each merges into what the one before stored instead of overwriting it.
        const { org, before, after } = await ctx.state.em.transactional(async (em) => {
          await em.execute('select id from organizations where id = ? for update', [principal.orgId]);
          const org = await em.findOneOrFail(Organization, { id: principal.orgId }, { refresh: true });
          const before = settingsOf(org.settings);
          let notifications = before.notifications;
          if (body.notifications) {
            try {
              notifications = mergeChannels(before.notifications, body.notifications);
            } catch (err) {
              throw new AppError(422, 'validation_failed', 'A new webhook needs its secret', [
                { field: 'body.notifications.webhooks', message: (err as Error).message },
              ]);
            }
          }
          const after = OrgSettings.parse({
            mfa: { ...before.mfa, ...body.mfa },
            password: { ...before.password, ...body.password },
            session: { ...before.session, ...body.session },
            priorityMatrix: body.priorityMatrix ?? before.priorityMatrix,
            notifications,
            routing: { ...before.routing, ...body.routing },
            attachments: { ...before.attachments, ...body.attachments },
          });
          const fallback = after.routing.defaultTeamId;
          if (fallback && fallback !== before.routing.defaultTeamId && !(await em.findOne(Team, { id: fallback }))) {
            throw validationFailed([{ field: 'body.routing.defaultTeamId', message: 'No such team' }]);
          }
          org.settings = { ...(org.settings ?? {}), ...after };
          await em.flush();
          return { org, before, after };
        });
        const shown = (s: OrgSettings) => ({ ...s, notifications: redactChannels(s.notifications) });
        ctx.state.audit = { targetType: 'organization', targetId: org.id, before: shown(before), after: shown(after) };
        ctx.body = shown(after);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/admin/settings/notifications/test',
      summary: 'Send a test message to a configured channel (Slack, Teams, or webhook number `index`)',
      tag: 'admin',
      permission: 'org.settings',
      audit: 'org.notification_test',
      body: z.strictObject({
        channel: z.enum(['slack', 'teams', 'webhook']),
        index: z.number().int().min(0).max(9).default(0),
      }),
      responses: {
        200: { description: 'Delivered', schema: z.object({ delivered: z.literal(true) }) },
        502: { description: 'The channel refused it or could not be reached (delivery_failed)' },
      },
      handler: async (c, { body }) => {
        const ctx = authed(c);
        const org = await ctx.state.em.findOneOrFail(Organization, { id: ctx.state.principal.orgId });
        try {
          await sendTestMessage(settingsOf(org.settings).notifications, body.channel, body.index);
        } catch (err) {
          throw new AppError(502, 'delivery_failed', `The test message did not arrive: ${(err as Error).message}`);
        }
        ctx.state.audit = { targetType: 'organization', targetId: org.id, after: body };
        ctx.body = { delivered: true };
      },
    }),
  ];
}
