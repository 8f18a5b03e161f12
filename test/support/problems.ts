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

/**
 * The token in the newest outbox message (e-mail) of a template to an address, opened the way the
 * mail sender opens it. Waits briefly: reset e-mails are queued after the answer.
 */
export async function mailedToken(
  stack: { orm: Orm; app: { account: { readOutbox(d: Record<string, unknown>): Record<string, unknown> } } },
  orgId: string,
  recipient: string,
  template: string,
): Promise<string> {
  for (let i = 0; ; i++) {
    const em = stack.orm.em.fork();
    em.setFilterParams(TENANT_FILTER, { orgId });
    const msg = await em.findOne(OutboxMessage, { recipient, template }, { orderBy: { id: 'desc' } });
    if (msg) return String(stack.app.account.readOutbox(msg.data)['token']);
    if (i > 50) throw new Error(`no ${template} message to ${recipient}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Polls until `check` passes (for effects written after the answer, like audit of failures). */
export async function eventually(check: () => Promise<void>, ms = 3000): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > until) throw err;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}
