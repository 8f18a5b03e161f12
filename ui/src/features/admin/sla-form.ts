/**
 * The SLA policy editor's form: a policy as people edit it (durations as typed, lists as text,
 * percentages) and back to the definition the API takes, with the problems per field. Pure, apart
 * from the translation function passed in.
 */
import { formatDuration, parseDuration } from '../../../../workflows/kernel/duration.js';
import { splitList } from '../../kernel/composables';
import {
  DEFAULT_ESCALATIONS,
  DEFAULT_TARGETS,
  PRIORITIES,
  type PendingReason,
  type Priority,
  calendarProblems,
} from '../../kernel/rules';

type Translate = (key: string, values?: Record<string, unknown>) => string;

export type Action = { type: 'notify'; to: string } | { type: 'reassign_to_team_lead' } | { type: 'raise_priority' };
export interface Definition {
  conditions: { priorities?: Priority[]; categories?: string[]; requesterTeams?: string[] };
  targets: Record<Priority, { responseMinutes: number; resolutionMinutes: number }>;
  calendar: { timeZone: string; week: { start: string; end: string }[][]; holidays: string[] };
  pauseOn: PendingReason[];
  escalations: { fraction: number; actions: Action[] }[];
}
export interface Policy {
  id: string;
  name: string;
  rank: number;
  active: boolean;
  version: number;
  definition: Definition;
}
/** The editor's shape: text where people type lists, percentages instead of fractions. */
export interface Form {
  id: string | null;
  name: string;
  rank: number;
  active: boolean;
  priorities: Priority[];
  categories: string;
  requesterTeams: string[];
  /** Targets as typed: durations such as "4h" or "1w 2d". */
  targets: Record<Priority, { response: string; resolution: string }>;
  timeZone: string;
  week: string[];
  holidays: string;
  pauseOn: PendingReason[];
  levels: { percent: number; actions: string[] }[];
}

export const encodeAction = (a: Action) => (a.type === 'notify' ? `notify:${a.to}` : a.type);
export const decodeAction = (s: string): Action =>
  s.startsWith('notify:')
    ? { type: 'notify', to: s.slice(7) }
    : { type: s as 'reassign_to_team_lead' | 'raise_priority' };
export const shiftsText = (day: { start: string; end: string }[]) => day.map((s) => `${s.start}-${s.end}`).join(', ');

export function toForm(p: Policy | null): Form {
  const d: Definition = p?.definition ?? {
    conditions: {},
    targets: plainCopy(DEFAULT_TARGETS),
    calendar: {
      timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
      week: [0, 1, 2, 3, 4, 5, 6].map((d) => (d === 0 || d === 6 ? [] : [{ start: '08:00', end: '17:00' }])),
      holidays: [],
    },
    pauseOn: ['customer', 'vendor'],
    escalations: plainCopy(DEFAULT_ESCALATIONS) as Definition['escalations'],
  };
  return {
    id: p?.id ?? null,
    name: p?.name ?? '',
    rank: p?.rank ?? 100,
    active: p?.active ?? true,
    priorities: d.conditions.priorities ?? [],
    categories: (d.conditions.categories ?? []).join(', '),
    requesterTeams: d.conditions.requesterTeams ?? [],
    targets: Object.fromEntries(
      PRIORITIES.map((pr) => [
        pr,
        {
          response: formatDuration(d.targets[pr].responseMinutes),
          resolution: formatDuration(d.targets[pr].resolutionMinutes),
        },
      ]),
    ) as Form['targets'],
    timeZone: d.calendar.timeZone,
    week: d.calendar.week.map(shiftsText),
    holidays: d.calendar.holidays.join(', '),
    pauseOn: [...d.pauseOn],
    levels: d.escalations.map((l) => ({
      percent: Math.round(l.fraction * 1000) / 10,
      actions: l.actions.map(encodeAction),
    })),
  };
}

/** A deep copy the form may change freely (structuredClone refuses Vue's reactive proxies). */
export const plainCopy = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

const SHIFT = /^(\d\d:\d\d)-(\d\d:\d\d)$/;
/** A problem with one field of the form: `field` names the input it belongs to. */
export interface FieldProblem {
  field: string;
  message: string;
}
/** The definition the API takes, or the problems that keep the form from being one (per field). */
export function toDefinition(f: Form, t: Translate): { definition: Definition; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  if (!f.name.trim()) problems.push({ field: 'name', message: t('slaForm.nameRequired') });
  const week = f.week.map((text, d) =>
    splitList(text).map((s) => {
      const m = SHIFT.exec(s.replace(/\s/g, ''));
      if (!m) problems.push({ field: `hours-${d}`, message: t('slaForm.shiftFormat', { shift: s }) });
      return { start: m?.[1] ?? '00:00', end: m?.[2] ?? '00:00' };
    }),
  );
  const calendar = { timeZone: f.timeZone, week, holidays: splitList(f.holidays) };
  if (!problems.some((p) => p.field.startsWith('hours-'))) {
    for (const message of calendarProblems(calendar)) {
      const day = /^day (\d)/.exec(message)?.[1];
      problems.push({
        field: day
          ? `hours-${day}`
          : /zone/.test(message)
            ? 'timeZone'
            : /holiday/.test(message)
              ? 'holidays'
              : 'hours-1',
        message: calendarMessage(message, t),
      });
    }
  }
  const targets = {} as Definition['targets'];
  for (const pr of PRIORITIES) {
    const minutes = {
      response: parseDuration(f.targets[pr].response),
      resolution: parseDuration(f.targets[pr].resolution),
    };
    for (const clock of ['response', 'resolution'] as const) {
      const m = minutes[clock];
      if (m === null || m < 1) problems.push({ field: `target-${pr}-${clock}`, message: t('slaForm.duration') });
    }
    if (minutes.response && minutes.resolution && minutes.response > minutes.resolution) {
      problems.push({ field: `target-${pr}-response`, message: t('slaForm.responseAfterResolution') });
    }
    targets[pr] = { responseMinutes: minutes.response ?? 0, resolutionMinutes: minutes.resolution ?? 0 };
  }
  f.levels.forEach((l, i) => {
    if (!(l.percent > 0 && l.percent <= 200)) problems.push({ field: `level-${i}`, message: t('slaForm.percent') });
  });
  const categories = splitList(f.categories);
  return {
    problems,
    definition: {
      conditions: {
        ...(f.priorities.length ? { priorities: f.priorities } : {}),
        ...(categories.length ? { categories } : {}),
        ...(f.requesterTeams.length ? { requesterTeams: f.requesterTeams } : {}),
      },
      targets,
      calendar,
      pauseOn: f.pauseOn,
      escalations: f.levels.map((l) => ({ fraction: l.percent / 100, actions: l.actions.map(decodeAction) })),
    },
  };
}

/** The form field a server-side field error belongs to (body.definition.targets.P1.responseMinutes → target-P1-response). */
export function formFieldOf(serverField: string): string {
  const target = /targets\.(P\d)\.(response|resolution)/.exec(serverField);
  if (target) return `target-${target[1]}-${target[2]}`;
  if (serverField.endsWith('.name')) return 'name';
  if (/calendar\.week\.(\d)/.test(serverField)) return `hours-${/calendar\.week\.(\d)/.exec(serverField)![1]}`;
  if (/holidays/.test(serverField)) return 'holidays';
  if (/calendar/.test(serverField)) return 'timeZone';
  return 'name';
}

/** The shared calendar rules' messages (English, as the API gives them) in the person's language. */
export function calendarMessage(message: string, t: Translate): string {
  const holiday = /^holiday '(.*)' is not YYYY-MM-DD$/.exec(message);
  if (holiday) return t('slaForm.holidayFormat', { holiday: holiday[1] });
  const zone = /^unknown time zone '(.*)'$/.exec(message);
  if (zone) return t('slaForm.unknownZone', { zone: zone[1] });
  if (/times must be HH:MM/.test(message)) return t('slaForm.timesFormat');
  if (/shifts overlap/.test(message)) return t('slaForm.overlap');
  if (/no working hours/.test(message)) return t('slaForm.noHours');
  return message;
}
