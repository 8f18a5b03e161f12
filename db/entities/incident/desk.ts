/** What a service desk keeps beside its tickets: categories and canned replies. */
import { defineEntity, p } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { Organization } from '../kernel/organization.js';
import { User } from '../kernel/user.js';

/**
 * An incident category of the organization: a managed list, so that "Printing" and "printing " are
 * one category. `key` is the name folded for comparison (workflows/kernel/text.ts categoryKey).
 */
export const CategorySchema = defineEntity({
  name: 'Category',
  tableName: 'categories',
  uniques: [{ properties: ['organization', 'key'] }],
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    organization: () => p.manyToOne(Organization),
    name: p.string().length(80),
    key: p.string().length(80),
    /** Inactive categories are no longer offered for new incidents; routing still applies. */
    active: p.boolean().default(true),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export class Category extends CategorySchema.class {}
CategorySchema.setClass(Category);

/** A reply agents insert into a comment instead of typing it again. */
export const CannedReplySchema = defineEntity({
  name: 'CannedReply',
  tableName: 'canned_replies',
  uniques: [{ properties: ['organization', 'title'] }],
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    organization: () => p.manyToOne(Organization),
    title: p.string().length(120),
    body: p.text(),
    updatedBy: () => p.manyToOne(User).nullable(),
    updatedAt: p.datetime(),
  },
});
export class CannedReply extends CannedReplySchema.class {}
CannedReplySchema.setClass(CannedReply);
