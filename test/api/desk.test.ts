/**
 * What a service desk needs on day one, through the API: editing a ticket, teams that follow
 * assignment and a default team, categories as a managed list, requester self-service (reopen,
 * cancel, a reply that resumes a ticket waiting on them), watchers and in-app notifications,
 * search by number and in comments, keyset paging, CSV export and canned replies.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { pino } from 'pino';
import { sendOutbox } from '../../api/platform/outbox-sender.js';
import { createSmtpMailer } from '../../deploy/mailer.js';
import { startSmtpSink } from '../support/smtp.js';
import { expectProblem } from '../support/problems.js';
import { startStack, type Stack, type TestOrg } from '../support/stack.js';

let stack: Stack;
let org: TestOrg;

beforeAll(async () => {
  stack = await startStack();
  org = await stack.createOrg();
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

const raise = (body: Record<string, unknown> = {}, who = org.agent) =>
  who.api('POST', '/api/v1/incidents', { title: 'Laptop will not boot', ...body });
const ok = <T = any>(res: { status: number; body: unknown }, status = 200): T => {
  expect({ status: res.status, body: res.body }).toMatchObject({ status });
  return res.body as T;
};
const inbox = async (who: TestOrg['agent']) => ok((await who.api('GET', '/api/v1/me/inbox')) as any);

describe('editing a ticket', () => {
  it('changes title, category, impact and urgency through the workflow: priority recomputed, on the timeline, audited', async () => {
    await org.addCategories('Hardware', 'Network');
    const inc = ok(await raise({ impact: 'low', urgency: 'low' }), 201);
    expect(inc.priority).toBe('P4');
    const edited = ok(
      await org.agent.api('PATCH', `/api/v1/incidents/${inc.key}`, {
        title: 'Laptop will not boot after update',
        category: 'hardware',
        impact: 'high',
        urgency: 'high',
      }),
    );
    expect(edited).toMatchObject({ title: 'Laptop will not boot after update', category: 'Hardware', priority: 'P1' });
    expect(edited.sla.resolution.targetMinutes).toBe(240);
    const timeline = ok(await org.agent.api('GET', `/api/v1/incidents/${inc.key}/timeline`)).items;
    expect(timeline.at(-1)).toMatchObject({
      type: 'edited',
      data: { changes: { title: { to: 'Laptop will not boot after update' }, priority: { from: 'P4', to: 'P1' } } },
    });
    const audit = ok(await org.admin.api('GET', `/api/v1/audit?action=incident.edit&targetId=${inc.workflowId}`));
    expect(audit.items[0].after).toMatchObject({ title: 'Laptop will not boot after update', priority: 'P1' });
    expectProblem(
      await org.agent.api('PATCH', `/api/v1/incidents/${inc.key}`, { category: 'Coffee machine' }),
      422,
      'validation_failed',
    );
    expectProblem(
      await org.agent.api('PATCH', `/api/v1/incidents/${inc.key}`, { title: edited.title }),
      422,
      'invalid_command',
    );
  });

  it('sets the team; an assignee outside the new team is refused, and assignment brings the assignee’s team', async () => {
    const other = ok(await org.admin.api('POST', '/api/v1/admin/teams', { name: 'Field Services' }), 201);
    const inc = ok(await raise(), 201);
    expect(inc.teamId).toBeNull();
    // Assigning someone to an incident without a team gives it the assignee's team.
    const assigned = ok(
      await org.agent.api('POST', `/api/v1/incidents/${inc.key}/assignment`, { assigneeId: org.agent.id }),
    );
    expect(assigned.teamId).toBe(org.teamId);
    expectProblem(
      await org.agent.api('PATCH', `/api/v1/incidents/${inc.key}`, { teamId: other.id }),
      422,
      'validation_failed',
    );
    ok(await org.admin.api('PUT', `/api/v1/admin/teams/${other.id}/members/${org.agent2.id}`, {}));
    const moved = ok(
      await org.agent.api('POST', `/api/v1/incidents/${inc.key}/assignment`, {
        assigneeId: org.agent2.id,
        teamId: other.id,
      }),
    );
    expect(moved).toMatchObject({ teamId: other.id, assigneeId: org.agent2.id });
  });

  it('an organization-wide default team takes incidents nobody routes', async () => {
    await org.addCategories('Printing');
    ok(await org.admin.api('PATCH', `/api/v1/admin/teams/${org.teamId}`, { categories: ['printing'] }));
    const desk = ok(await org.admin.api('POST', '/api/v1/admin/teams', { name: 'First Line' }), 201);
    ok(await org.admin.api('PATCH', '/api/v1/admin/settings', { routing: { defaultTeamId: desk.id } }));
    expect(ok(await raise({}, org.requester), 201).teamId).toBe(desk.id);
    // Routed by its category, case aside: the routing team, not the default.
    expect(ok(await raise({ category: 'PRINTING' }, org.requester), 201)).toMatchObject({
      teamId: org.teamId,
      category: 'Printing',
    });
    expectProblem(await org.admin.api('DELETE', `/api/v1/admin/teams/${desk.id}`), 409, 'team_in_use');
    expectProblem(
      await org.admin.api('PATCH', '/api/v1/admin/settings', { routing: { defaultTeamId: crypto.randomUUID() } }),
      422,
      'validation_failed',
    );
    ok(await org.admin.api('PATCH', '/api/v1/admin/settings', { routing: { defaultTeamId: null } }));
  });
});

describe('categories', () => {
  it('are one managed list: unique without regard to case, retired ones no longer offered', async () => {
    const made = ok(await org.admin.api('POST', '/api/v1/admin/categories', { name: 'VPN access' }), 201);
    expectProblem(await org.admin.api('POST', '/api/v1/admin/categories', { name: ' vpn ACCESS' }), 409, 'name_taken');
    expect(ok(await org.requester.api('GET', '/api/v1/categories')).items).toContain('VPN access');
    ok(await org.admin.api('PATCH', `/api/v1/admin/categories/${made.id}`, { active: false }));
    expect(ok(await org.requester.api('GET', '/api/v1/categories')).items).not.toContain('VPN access');
    expectProblem(await raise({ category: 'VPN access' }, org.requester), 422, 'validation_failed');
    expectProblem(
      await org.admin.api('POST', '/api/v1/admin/teams', { name: 'Typos', categories: ['Netwrk'] }),
      422,
      'validation_failed',
    );
  });
});

describe('requester self-service', () => {
  it('reopens a resolved incident ("still broken") and cancels an open one of their own', async () => {
    const inc = ok(await raise({ requesterId: org.requester.id, assigneeId: org.agent.id }), 201);
    const k = `/api/v1/incidents/${inc.key}`;
    ok(await org.agent.api('POST', `${k}/transitions`, { to: 'in_progress' }));
    ok(
      await org.agent.api('POST', `${k}/transitions`, {
        to: 'resolved',
        resolutionCode: 'solved',
        resolutionNotes: 'Reseated RAM',
      }),
    );
    expectProblem(await org.requester.api('POST', `${k}/transitions`, { to: 'in_progress' }), 422, 'missing_field');
    const reopened = ok(
      await org.requester.api('POST', `${k}/transitions`, { to: 'in_progress', reason: 'Still broken' }),
    );
    expect(reopened).toMatchObject({ status: 'in_progress', reopenCount: 1 });
    expectProblem(
      await org.requester.api('POST', `${k}/transitions`, {
        to: 'resolved',
        resolutionCode: 'solved',
        resolutionNotes: 'x',
      }),
      403,
      'forbidden',
    );
    const cancelled = ok(
      await org.requester.api('POST', `${k}/transitions`, { to: 'cancelled', reason: 'Bought a new one' }),
    );
    expect(cancelled.status).toBe('cancelled');
  });

  it('a requester reply while the desk waits on them resumes the work and the clocks', async () => {
    const inc = ok(await raise({ requesterId: org.requester.id, assigneeId: org.agent.id }), 201);
    const k = `/api/v1/incidents/${inc.key}`;
    ok(await org.agent.api('POST', `${k}/transitions`, { to: 'in_progress' }));
    const waiting = ok(await org.agent.api('POST', `${k}/transitions`, { to: 'pending', pendingReason: 'customer' }));
    expect(waiting.sla.resolution.state).toBe('paused');
    // An agent's comment does not resume it; the requester's answer does.
    ok(await org.agent.api('POST', `${k}/comments`, { body: 'Which model is it?' }), 201);
    expect(ok(await org.agent.api('GET', k)).status).toBe('pending');
    const answer = ok(await org.requester.api('POST', `${k}/comments`, { body: 'A ThinkPad T14' }), 201);
    expect(answer.entry).toMatchObject({ type: 'comment', data: { body: 'A ThinkPad T14' } });
    expect(answer.incident).toMatchObject({ status: 'in_progress', pendingReason: null });
    expect(answer.incident.sla.resolution.state).not.toBe('paused');
    const moves = ok(await org.agent.api('GET', `${k}/timeline`)).items.filter((e: any) => e.type === 'status_changed');
    expect(moves.at(-1)).toMatchObject({
      actorId: org.requester.id,
      data: { from: 'pending', to: 'in_progress', reason: 'customer_replied' },
    });
  });
});

describe('watchers and in-app notifications', () => {
  it('tells the assignee, the requester, mentioned people and watchers — never the one who acted — once each', async () => {
    const inc = ok(await raise({ requesterId: org.requester.id }), 201);
    const k = `/api/v1/incidents/${inc.key}`;
    const before = (await inbox(org.agent)).unread;
    ok(await org.agent2.api('POST', `${k}/assignment`, { assigneeId: org.agent.id }));
    const mine = await inbox(org.agent);
    expect(mine.unread).toBe(before + 1);
    expect(mine.items[0]).toMatchObject({ kind: 'assigned', incidentKey: inc.key, actorId: org.agent2.id });

    ok(await org.agent2.api('POST', `${k}/watchers`, { userId: org.agent2.id }));
    expectProblem(await org.requester.api('POST', `${k}/watchers`, { userId: org.requester.id }), 403, 'forbidden');
    const watched = ok(await org.agent2.api('GET', '/api/v1/incidents?watching=me'));
    expect(watched.items.map((i: any) => i.key)).toEqual([inc.key]);

    ok(await org.requester.api('POST', `${k}/comments`, { body: 'Any news?' }), 201);
    expect((await inbox(org.agent)).items[0]).toMatchObject({ kind: 'reply', data: { excerpt: 'Any news?' } });
    expect((await inbox(org.agent2)).items[0]).toMatchObject({ kind: 'reply' });
    ok(await org.agent.api('POST', `${k}/comments`, { body: 'Asking @agent2 to look', internal: true }), 201);
    expect((await inbox(org.agent2)).items[0]).toMatchObject({ kind: 'mention', data: { internal: true } });
    // The requester hears of replies, never of work notes.
    const theirs = await inbox(org.requester);
    expect(theirs.items.map((i: any) => i.kind)).not.toContain('note');
    expect(theirs.items.some((i: any) => i.data.internal)).toBe(false);
    ok(await org.agent.api('POST', `${k}/comments`, { body: 'On it' }), 201);
    expect((await inbox(org.requester)).items[0]).toMatchObject({ kind: 'reply', data: { excerpt: 'On it' } });

    const marked = ok(await org.agent.api('POST', '/api/v1/me/inbox/read', { all: true }));
    expect(marked.marked).toBeGreaterThan(0);
    expect((await inbox(org.agent)).unread).toBe(0);
    ok(await org.agent2.api('DELETE', `${k}/watchers/${org.agent2.id}`));
    expect(ok(await org.agent2.api('GET', '/api/v1/incidents?watching=me')).items).toEqual([]);
  });
});

describe('finding incidents', () => {
  it('by ticket number, by words in comments and resolution notes, across every status', async () => {
    const needle = ok(await raise({ title: 'Monitor flickers', assigneeId: org.agent.id }), 201);
    const k = `/api/v1/incidents/${needle.key}`;
    ok(await org.agent.api('POST', `${k}/comments`, { body: 'The HDMI cable looks frayed' }), 201);
    ok(await org.agent.api('POST', `${k}/comments`, { body: 'secret firmware quirk', internal: true }), 201);
    ok(await org.agent.api('POST', `${k}/transitions`, { to: 'in_progress' }));
    ok(
      await org.agent.api('POST', `${k}/transitions`, {
        to: 'resolved',
        resolutionCode: 'solved',
        resolutionNotes: 'Replaced the displayport adapter',
      }),
    );
    ok(await org.agent.api('POST', `${k}/transitions`, { to: 'closed' }));
    const find = async (q: string, who = org.agent) =>
      ok(await who.api('GET', `/api/v1/incidents?q=${encodeURIComponent(q)}`)).items.map((i: any) => i.key);
    expect(await find(needle.key)).toEqual([needle.key]);
    expect(await find(String(needle.number))).toContain(needle.key);
    expect(await find('hdmi frayed')).toEqual([needle.key]);
    expect(await find('DISPLAYPORT')).toEqual([needle.key]);
    expect(await find('firmware quirk')).toEqual([needle.key]);
    expect(await find('frayed printer')).toEqual([]);
  });

  it('pages with a cursor exactly like offsets do, and counts up to a cap', async () => {
    for (let i = 0; i < 7; i++) ok(await raise({ title: `Paging ${i}`, impact: i % 2 ? 'high' : 'low' }), 201);
    const q = '/api/v1/incidents?q=Paging&sort=priority&limit=3';
    const byOffset = [];
    for (let offset = 0; offset < 9; offset += 3)
      byOffset.push(...ok(await org.agent.api('GET', `${q}&offset=${offset}`)).items);
    const byCursor = [];
    let page = ok(await org.agent.api('GET', q));
    expect(page).toMatchObject({ total: 7, totalCapped: false });
    for (;;) {
      byCursor.push(...page.items);
      if (!page.nextCursor) break;
      page = ok(await org.agent.api('GET', `${q}&cursor=${page.nextCursor}`));
    }
    expect(byCursor.map((i: any) => i.key)).toEqual(byOffset.map((i: any) => i.key));
    expect(byCursor).toHaveLength(7);
    expectProblem(await org.agent.api('GET', `${q}&cursor=not-a-cursor`), 400, 'invalid_parameter');
  });

  it('exports the current view as CSV, formulas defused', async () => {
    const evil = ok(await raise({ title: '=HYPERLINK("http://evil") exported' }), 201);
    const token = (await stack.login(org.agent.email)).body.accessToken;
    const res = await fetch(`${stack.baseUrl}/api/v1/incidents/export?q=exported`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.headers.get('content-disposition')).toMatch(/attachment; filename="incidents-.*\.csv"/);
    const lines = (await res.text()).trim().split('\r\n');
    expect(lines[0]).toMatch(/^key,title,status,priority/);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain(`"${evil.key}","'=HYPERLINK(""http://evil"") exported"`);
  });
});

describe('canned replies', () => {
  it('are kept by admins and read by agents', async () => {
    const made = ok(
      await org.admin.api('POST', '/api/v1/admin/canned-replies', {
        title: 'Restart',
        body: 'Please restart and tell us.',
      }),
      201,
    );
    expectProblem(
      await org.admin.api('POST', '/api/v1/admin/canned-replies', { title: 'Restart', body: 'x' }),
      409,
      'name_taken',
    );
    expect(ok(await org.agent.api('GET', '/api/v1/canned-replies')).items.map((r: any) => r.title)).toContain(
      'Restart',
    );
    expectProblem(await org.requester.api('GET', '/api/v1/canned-replies'), 403, 'forbidden');
    ok(
      await org.admin.api('PUT', `/api/v1/admin/canned-replies/${made.id}`, {
        title: 'Restart first',
        body: 'Please restart.',
      }),
    );
    expect((await org.admin.api('DELETE', `/api/v1/admin/canned-replies/${made.id}`)).status).toBe(204);
  });
});

describe('e-mail to the requester', () => {
  it('sends the desk’s public reply and a wait on their answer, once each — no work notes, not their own words', async () => {
    const smtp = await startSmtpSink();
    try {
      const deps = {
        orm: stack.orm,
        mailer: createSmtpMailer(smtp.url, 'desk@lintas.test'),
        open: (d: Record<string, unknown>) => d,
        log: pino({ level: 'silent' }),
        organizationId: org.id,
      };
      await sendOutbox(deps); // what the tests above queued
      const before = smtp.mails.length;
      const inc = ok(
        await raise({ title: 'Printer jams', requesterId: org.requester.id, assigneeId: org.agent.id }),
        201,
      );
      const k = `/api/v1/incidents/${inc.key}`;
      ok(await org.agent.api('POST', `${k}/comments`, { body: 'Please open tray 2 and check for paper.' }), 201);
      ok(await org.agent.api('POST', `${k}/comments`, { body: 'Vendor case 4471', internal: true }), 201);
      ok(await org.requester.api('POST', `${k}/comments`, { body: 'Tray 2 is empty' }), 201);
      ok(await org.agent.api('POST', `${k}/transitions`, { to: 'in_progress' }));
      ok(
        await org.agent.api('POST', `${k}/transitions`, {
          to: 'pending',
          pendingReason: 'customer',
          reason: 'Which floor is the printer on?',
        }),
      );
      expect(await sendOutbox(deps)).toBe(2);
      expect(await sendOutbox(deps)).toBe(0);
      await smtp.waitFor((m) => m.subject.includes('Waiting for your answer'));
      const mails = smtp.mails.slice(before).filter((m) => m.to === org.requester.email);
      expect(mails.map((m) => m.subject)).toEqual([
        `[${inc.key}] New reply: Printer jams`,
        `[${inc.key}] Waiting for your answer: Printer jams`,
      ]);
      expect(mails[0]!.text).toContain('Please open tray 2 and check for paper.');
      expect(mails[0]!.text).toContain(`/portal/${inc.key}`);
      expect(mails[1]!.text).toContain('Which floor is the printer on?');
      expect(mails.map((m) => m.text).join('\n')).not.toContain('Vendor case');
      expect(smtp.mails.slice(before).some((m) => m.text.includes('Tray 2 is empty'))).toBe(false);
    } finally {
      await smtp.close();
    }
  });
});
