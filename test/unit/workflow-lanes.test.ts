/**
 * Commands to one workflow go a few at a time, the rest wait their turn in arrival order, and a
 * wait that outlives its deadline gives up without taking a slot from anyone.
 */
import { describe, expect, it } from '@jest/globals';
import { WorkflowLanes } from '../../api/kernel/temporal-calls.js';

const tick = () => new Promise((r) => setTimeout(r, 5));

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  return { open, opened };
}

describe('workflow lanes', () => {
  it('runs at most the limit per workflow, in arrival order, and other workflows beside them', async () => {
    const lanes = new WorkflowLanes(2);
    const until = Date.now() + 10_000;
    const gates = Array.from({ length: 5 }, gate);
    const started: number[] = [];
    const runs = gates.map((g, i) =>
      lanes.run('wf-1', until, async () => {
        started.push(i);
        await g.opened;
        return i;
      }),
    );
    const other = lanes.run('wf-2', until, async () => 'other');
    await tick();
    expect(started).toEqual([0, 1]);
    await expect(other).resolves.toEqual({ ran: true, value: 'other' });
    gates[1]!.open();
    await tick();
    expect(started).toEqual([0, 1, 2]);
    gates[0]!.open();
    gates[2]!.open();
    await tick();
    expect(started).toEqual([0, 1, 2, 3, 4]);
    gates[3]!.open();
    gates[4]!.open();
    expect(await Promise.all(runs)).toEqual([0, 1, 2, 3, 4].map((value) => ({ ran: true, value })));
  });

  it('gives up at the deadline without running, and the slot goes to the next one still waiting', async () => {
    const lanes = new WorkflowLanes(1);
    const hold = gate();
    const first = lanes.run('wf', Date.now() + 10_000, () => hold.opened.then(() => 'first'));
    let ranLate = false;
    const late = lanes.run('wf', Date.now() + 30, async () => {
      ranLate = true;
    });
    const patient = lanes.run('wf', Date.now() + 10_000, async () => 'patient');
    await expect(late).resolves.toEqual({ ran: false });
    hold.open();
    await expect(first).resolves.toEqual({ ran: true, value: 'first' });
    await expect(patient).resolves.toEqual({ ran: true, value: 'patient' });
    expect(ranLate).toBe(false);
    // Nothing is left held: a new command runs at once.
    await expect(lanes.run('wf', Date.now(), async () => 'again')).resolves.toEqual({ ran: true, value: 'again' });
  });

  it('frees the slot when a command fails', async () => {
    const lanes = new WorkflowLanes(1);
    await expect(lanes.run('wf', Date.now() + 1000, () => Promise.reject(new Error('refused')))).rejects.toThrow(
      'refused',
    );
    await expect(lanes.run('wf', Date.now(), async () => 1)).resolves.toEqual({ ran: true, value: 1 });
  });
});
