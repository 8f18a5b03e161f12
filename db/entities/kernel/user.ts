import { defineEntity, p } from '@mikro-orm/core';
import { baseProperties } from './base.js';
import { Organization } from './organization.js';

import { ROLES } from '../../../workflows/kernel/vocabulary.js';

export { ROLES, type Role } from '../../../workflows/kernel/vocabulary.js';

export const UserSchema = defineEntity({
  name: 'User',
  tableName: 'users',
  properties: {
    ...baseProperties,
    organization: () => p.manyToOne(Organization).index(),
    // E-mail is the sign-in name, unique across the installation.
    email: p.string().length(254).unique(),
    displayName: p.string().length(200),
    // Null until an invited user sets one; service accounts never have one.
    passwordHash: p.string().length(100).hidden().lazy().nullable(),
    // Hashes of the previous passwords (newest first), for the no-reuse rule.
    passwordHistory: p.json<string[]>().hidden().lazy().nullable(),
    passwordChangedAt: p.datetime().nullable(),
    role: p.enum(ROLES),
    active: p.boolean().default(true),
    mfaEnabled: p.boolean().default(false),
    // TOTP secrets are stored encrypted (AES-256-GCM); recovery codes as SHA-256 hashes.
    mfaSecret: p.text().hidden().lazy().nullable(),
    mfaPendingSecret: p.text().hidden().lazy().nullable(),
    mfaLastTimeStep: p.bigint('number').nullable(),
    mfaRecoveryCodes: p.json<string[]>().hidden().lazy().nullable(),
    /** Language of messages sent to the user (`en`, `id`). */
    locale: p.string().length(10).default('en'),
    /** Out of office until then: skipped by automatic assignment. */
    outOfOfficeUntil: p.datetime().nullable(),
    /** When a planned absence starts (none: it has started); it ends at `outOfOfficeUntil`. */
    outOfOfficeFrom: p.datetime().nullable(),
    /** Who answers the user's approvals while they are away (where a step allows delegation). */
    delegate: () => p.manyToOne(User).nullable(),
    /** Whom the user reports to: the approver of flows that ask the requester's manager. */
    manager: () => p.manyToOne(User).nullable(),
    /** Channels the user wants notifications on, e.g. `{ "email": false }` (absent = on). */
    notificationPrefs: p.json<Record<string, boolean>>().nullable(),
  },
});
export class User extends UserSchema.class {}
UserSchema.setClass(User);
