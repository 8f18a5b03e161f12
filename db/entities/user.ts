import { defineEntity, p } from '@mikro-orm/core';
import { baseProperties } from './base.js';
import { Organization } from './organization.js';

export const ROLES = ['admin', 'agent', 'requester'] as const;
export type Role = (typeof ROLES)[number];

export const UserSchema = defineEntity({
  name: 'User',
  tableName: 'users',
  properties: {
    ...baseProperties,
    organization: () => p.manyToOne(Organization).index(),
    // E-mail is the sign-in name, unique across the installation.
    email: p.string().length(254).unique(),
    displayName: p.string().length(200),
    passwordHash: p.string().length(100).hidden().lazy(),
    role: p.enum(ROLES),
    active: p.boolean().default(true),
  },
});
export class User extends UserSchema.class {}
UserSchema.setClass(User);
