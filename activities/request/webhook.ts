/**
 * A flow's webhook call-out: the request's answers POSTed as JSON, signed with the secret of the
 * organization's webhook the node names (X-Lintas-Signature, as escalation webhooks are), with an
 * Idempotency-Key that is the same on every attempt so the receiver takes the call once. A 5xx,
 * 408, 429 or a network failure is retried by the workflow's retry policy; another 4xx, or a
 * missing secret, fails at once (the flow takes its `failed` edge). The answer (JSON, at most
 * 64 kB) is what conditions read.
 */
import { ApplicationFailure } from '@temporalio/common';
import { Organization } from '../../db/entities/index.js';
import type { Em } from '../../db/orm.js';
import { settingsOf } from '../../workflows/kernel/org-settings.js';
import { webhookSignature } from '../kernel/notify.js';

export interface CallWebhookInput {
  orgId: string;
  workflowId: string;
  stepId: string;
  url: string;
  secretRef: string;
  payload: Record<string, unknown>;
}

const MAX_ANSWER = 64 * 1024;

export async function callWebhook(em: Em, input: CallWebhookInput): Promise<{ status: number; answer: unknown }> {
  const org = await em.findOne(Organization, { id: input.orgId });
  const hook = settingsOf(org?.settings).notifications.webhooks.find((w) => w.name === input.secretRef);
  if (!hook) {
    throw ApplicationFailure.nonRetryable(
      `No webhook named '${input.secretRef}' holds a secret to sign with`,
      'no_secret',
    );
  }
  const body = JSON.stringify(input.payload);
  const ts = Math.floor(Date.now() / 1000);
  let res: Response;
  try {
    res = await fetch(input.url, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'Idempotency-Key': `${input.workflowId}:${input.stepId}`,
        'X-Lintas-Signature': webhookSignature(hook.secret, ts, body),
      },
      body,
      redirect: 'error',
      signal: AbortSignal.timeout(10_000),
    });
  } catch (err) {
    throw new Error(`The call to ${new URL(input.url).origin} failed: ${(err as Error).message}`);
  }
  const text = (await res.text()).slice(0, MAX_ANSWER);
  if (!res.ok) {
    const retry = res.status >= 500 || res.status === 408 || res.status === 429;
    const message = `${new URL(input.url).origin} answered ${res.status}`;
    if (!retry) throw ApplicationFailure.nonRetryable(message, 'webhook_refused');
    throw new Error(message);
  }
  let answer: unknown = null;
  try {
    answer = text ? JSON.parse(text) : null;
  } catch {
    answer = { text };
  }
  return { status: res.status, answer };
}
