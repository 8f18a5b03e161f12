import { defineEntity, p } from '@mikro-orm/core';
import { Organization } from './organization.js';
import { User } from './user.js';

/** Maps a user's Idempotency-Key to the workflow its first request started. Keys are per user. */
export const IdempotencyKeySchema = defineEntity({
  name: 'IdempotencyKey',
  tableName: 'idempotency_keys',
  properties: {
    organization: () => p.manyToOne(Organization).primary(),
    user: () => p.manyToOne(User).primary(),
    key: p.string().length(200).primary(),
    requestHash: p.string().length(64),
    workflowId: p.string().length(80),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export class IdempotencyKey extends IdempotencyKeySchema.class {}
IdempotencyKeySchema.setClass(IdempotencyKey);
