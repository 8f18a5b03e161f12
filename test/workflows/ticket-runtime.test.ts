/**
 * The ticket runtime on its own: a throwaway ticket type (minimal/note-ticket.ts) on in-memory
 * activities, no PostgreSQL. It gets the runtime's guarantees without writing them itself.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { memoryProjection } from '../support/memory-activities.js';
import { temporalTestServer } from '../support/env.js';
import type { Actor, TicketEvent } from '../../workflows/runtime/ticket-runtime.js';
import { type NoteState, closeUpdate, noteState, noteTicketWorkflow, noteUpdate } from './minimal/note-ticket.js';

let env: TestWorkflowEnvironment;
let worker: Worker;
let running: Promise<void>;
const taskQueue = `rt-${randomUUID()}`;
const projection = memoryProjection<NoteState, TicketEvent>();
const actor: Actor = { userId: 'u1', kind: 'user' };

beforeAll(async () => {
  env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: temporalTestServer() } },
  });
  worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowsPath: fileURLToPath(new URL('./minimal/note-ticket.js', import.meta.url)),
    activities: {
      storeNote: projection.storeOne,
      storeNotes: projection.storeMany,
    },
  });
  running = worker.run();
}, 120_000);

afterAll(async () => {
  worker?.shutdown();
  await running;
  await env?.teardown();
});

async function start() {
  const workflowId = `acme/NTE-${randomUUID().slice(0, 8)}`;
  const handle = await env.client.workflow.start(noteTicketWorkflow, { workflowId, taskQueue, args: [workflowId] });
  return { handle, workflowId };
}

/** The business rejection carried by a failed update. */
async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return (err as { cause?: { type?: unknown } }).cause?.type;
  }
  throw new Error('expected the update to be rejected');
}

describe('ticket runtime (a minimal ticket type, in-memory activities)', () => {
  it('stores each command before answering it, and commands sent together share writes', async () => {
    const { handle, workflowId } = await start();
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) => handle.executeUpdate(noteUpdate, { args: [{ text: `n${i}`, actor }] })),
    );
    for (const a of answers) {
      // Read-your-writes: the row stored holds at least the answer's revision.
      expect(projection.rows.get(workflowId)!.revision).toBeGreaterThanOrEqual(a.revision);
    }
    expect(answers.map((a) => a.revision).sort((x, y) => x - y)).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
    const events = projection.events.get(workflowId)!;
    expect(events.map((e) => e.revision)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(events.slice(1).map((e) => e.data['text'])).toEqual(
      answers.sort((x, y) => x.revision - y.revision).map((a) => a.notes.at(-1)),
    );
    // One write for the creation, fewer than eight for the eight notes.
    const writes = (await handle.fetchHistory()).events!.filter((e) => e.activityTaskScheduledEventAttributes).length;
    expect(writes).toBeLessThan(1 + 8);
    await handle.executeUpdate(closeUpdate, { args: [{ actor }] });
    await expect(handle.result()).resolves.toMatchObject({ open: false, revision: 10 });
    expect(projection.rows.get(workflowId)).toMatchObject({ open: false, revision: 10 });
  });

  it('refuses a stale revision, a command past its deadline, and anything after closing — nothing stored', async () => {
    const { handle, workflowId } = await start();
    await handle.executeUpdate(noteUpdate, { args: [{ text: 'first', actor }] });
    expect(
      await rejection(handle.executeUpdate(noteUpdate, { args: [{ text: 'x', actor, expectedRevision: 1 }] })),
    ).toBe('stale_revision');
    expect(
      await rejection(handle.executeUpdate(noteUpdate, { args: [{ text: 'x', actor, notAfter: Date.now() - 1 }] })),
    ).toBe('command_expired');
    expect(await rejection(handle.executeUpdate(noteUpdate, { args: [{ text: ' ', actor }] }))).toBe('missing_field');
    expect((await handle.query(noteState)).revision).toBe(2);
    await handle.executeUpdate(closeUpdate, { args: [{ actor, expectedRevision: 2 }] });
    await handle.result();
    expect(projection.events.get(workflowId)!.map((e) => e.type)).toEqual(['created', 'noted', 'closed']);
  });
});
