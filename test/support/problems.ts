import { expect } from '@jest/globals';
import { generate } from 'otplib';
import { OutboxMessage } from '../../db/entities/index.js';
import type { Orm } from '../../db/orm.js';
import { TENANT_FILTER } from '../../db/orm.js';

/** Asserts an application/problem+json answer with this status and stable code. */
export function expectProblem(res: { status: number; headers: Headers; body: any }, status: number, code: string) {
  expect({ status: res.status, code: res.body?.code }).toEqual({ status, code });
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
}

/** The TOTP code for a secret at an offset of whole 30-second steps from now. */
export function totp(secret: string, stepOffset = 0): Promise<string> {
  return generate({ secret, epoch: Math.floor(Date.now() / 1000) + stepOffset * 30 });
}

/** The newest outbox message (e-mail) of a template to an address; its token. */
export async function mailedToken(orm: Orm, orgId: string, recipient: string, template: string): Promise<string> {
  const em = orm.em.fork();
  em.setFilterParams(TENANT_FILTER, { orgId });
  const msg = await em.findOneOrFail(OutboxMessage, { recipient, template }, { orderBy: { id: 'desc' } });
  return String(msg.data['token']);
}
