import { p } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';

/** Shared columns: a UUID primary key and creation/update stamps. */
export const baseProperties = {
  id: p
    .uuid()
    .primary()
    .onCreate(() => randomUUID()),
  createdAt: p.datetime().onCreate(() => new Date()),
  updatedAt: p
    .datetime()
    .onCreate(() => new Date())
    .onUpdate(() => new Date()),
};
