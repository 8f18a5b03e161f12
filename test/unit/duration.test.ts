import { describe, expect, it } from '@jest/globals';
import { formatDuration, parseDuration } from '../../workflows/kernel/duration.js';
import { addBusinessTime, businessTimeBetween, calendarProblems } from '../../workflows/kernel/business-calendar.js';

describe('SLA target durations', () => {
  it('reads weeks, days, hours and minutes, and plain minutes', () => {
    expect(parseDuration('1w 2d 4h')).toBe(7 * 1440 + 2 * 1440 + 240);
    expect(parseDuration('4h')).toBe(240);
    expect(parseDuration(' 90m ')).toBe(90);
    expect(parseDuration('1.5h')).toBe(90);
    expect(parseDuration('1h30m')).toBe(90);
    expect(parseDuration('240')).toBe(240);
    expect(parseDuration('2 D')).toBe(2880);
  });
  it('reads unit words in English and Bahasa Indonesia', () => {
    expect(parseDuration('2 jam')).toBe(120);
    expect(parseDuration('3 hari 4 jam')).toBe(3 * 1440 + 240);
    expect(parseDuration('1 minggu')).toBe(7 * 1440);
    expect(parseDuration('30 menit')).toBe(30);
    expect(parseDuration('2 hours 15 min')).toBe(135);
    expect(parseDuration('1 week 1 day')).toBe(8 * 1440);
    for (const bad of ['2 jamx', 'jam', '2 bulan']) expect(parseDuration(bad)).toBeNull();
  });

  it('refuses what is not a duration', () => {
    for (const bad of ['', 'soon', '4x', 'h', '1.01m', '-2h', '1w and 2d']) expect(parseDuration(bad)).toBeNull();
  });
  it('writes minutes back the same way', () => {
    expect(formatDuration(10080)).toBe('1w');
    expect(formatDuration(2880)).toBe('2d');
    expect(formatDuration(90)).toBe('1h 30m');
    for (const m of [1, 59, 60, 1441, 10080 + 61]) expect(parseDuration(formatDuration(m))).toBe(m);
  });
});

describe('24:00 as the end of a shift', () => {
  const allDay = {
    timeZone: 'Asia/Jakarta',
    week: Array.from({ length: 7 }, () => [{ start: '00:00', end: '24:00' }]),
    holidays: [],
  };
  it('is accepted, and 00:00-24:00 every day is around the clock', () => {
    expect(calendarProblems(allDay)).toEqual([]);
    const t = Date.parse('2026-03-02T05:00:00Z');
    expect(addBusinessTime(allDay, t, 36 * 3_600_000)).toBe(t + 36 * 3_600_000);
    expect(businessTimeBetween(allDay, t, t + 86_400_000)).toBe(86_400_000);
  });
  it('ends an evening shift at midnight', () => {
    const evenings = { ...allDay, week: Array.from({ length: 7 }, () => [{ start: '18:00', end: '24:00' }]) };
    expect(calendarProblems(evenings)).toEqual([]);
    const monday18 = Date.parse('2026-03-02T18:00:00+07:00');
    expect(businessTimeBetween(evenings, monday18, monday18 + 86_400_000)).toBe(6 * 3_600_000);
    expect(
      calendarProblems({ ...allDay, week: Array.from({ length: 7 }, () => [{ start: '24:00', end: '08:00' }]) }),
    ).not.toEqual([]);
  });
});

describe('search words', () => {
  it('become a query of whole words, letters and digits only, whatever is typed', async () => {
    const { tsQuery } = await import('../../api/incident/list.js');
    expect(tsQuery('Printer fails')).toBe('printer & fails');
    expect(tsQuery("x' | !y & (z:*) <-> w")).toBe('x & y & z & w');
    expect(tsQuery('INC-42')).toBe('inc & 42');
    expect(tsQuery('Ünïcödé ｆｕｌｌwidth')).toBe('ünïcödé & fullwidth');
    expect(tsQuery('  !!  ')).toBeNull();
  });
});
