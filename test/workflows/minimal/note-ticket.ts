/**
 * A throwaway ticket type that shows what a new type adds on the ticket runtime: its state, its
 * commands with their rules, and its persist activities. Everything else (mutex, second validation,
 * revision check, deadlines, commit with the group commit, read-your-writes, drain before
 * completing) comes from workflows/runtime. Bundled by test/workflows/ticket-runtime.test.ts only.
 */
import { defineQuery, defineUpdate, proxyActivities, setHandler, condition } from '@temporalio/workflow';
import {
  type Guarded,
  type Step,
  type TicketEvent,
  TicketRuntime,
  checkRevision,
  reject,
} from '../../../workflows/runtime/ticket-runtime.js';

export interface NoteState {
  workflowId: string;
  notes: string[];
  open: boolean;
  revision: number;
}
type NoteEventType = 'created' | 'noted' | 'closed';
export type NoteStep = Step<NoteState, TicketEvent<NoteEventType>>;

export interface NoteActivities {
  storeNote(step: NoteStep): Promise<void>;
  storeNotes(steps: NoteStep[]): Promise<void>;
}

export const noteUpdate = defineUpdate<NoteState, [{ text: string } & Guarded]>('note');
export const closeUpdate = defineUpdate<NoteState, [Guarded]>('close');
export const noteState = defineQuery<NoteState>('state');

const { storeNote, storeNotes } = proxyActivities<NoteActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '100 milliseconds', maximumInterval: '1 second' },
});

export async function noteTicketWorkflow(workflowId: string): Promise<NoteState> {
  const rt = new TicketRuntime<NoteState, NoteEventType>({
    state: { workflowId, notes: [], open: true, revision: 1 },
    persistedRevision: 0,
    stamp: (changed, _now, revision) => ({ ...changed, revision }),
    persistOne: storeNote,
    persistSteps: storeNotes,
  });
  const check = (cmd: Guarded) => {
    checkRevision('note ticket', rt.state, cmd);
    if (!rt.state.open) reject('illegal_transition', 'A closed note ticket takes no more notes');
  };
  const validateNote = (cmd: { text: string } & Guarded) => {
    check(cmd);
    if (!cmd.text.trim()) reject('missing_field', 'A note needs text', 'text');
  };
  rt.command(noteUpdate, validateNote, (cmd) =>
    rt.commit(cmd.actor, 'noted', { text: cmd.text }, (s) => ({ ...s, notes: [...s.notes, cmd.text] })),
  );
  rt.command(closeUpdate, check, (cmd) => rt.commit(cmd.actor, 'closed', {}, (s) => ({ ...s, open: false })));
  setHandler(noteState, () => rt.state);
  await rt.mutex.runExclusive(() =>
    rt.firstWrite({ revision: 1, type: 'created', actor: { userId: null, kind: 'system' }, at: '', data: {} }),
  );
  await condition(() => !rt.state.open);
  await rt.drain();
  return rt.state;
}
