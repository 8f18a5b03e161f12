/**
 * Durations as people write them for SLA targets: "1w 2d 4h 30m", "90m", "1.5h", plain minutes
 * ("240"), or in words, English or Bahasa Indonesia ("2 hours", "2 jam", "3 hari", "1 minggu",
 * "30 menit"). Pure; the web app parses what is typed and shows stored minutes back the same way.
 * A week is 7 days and a day 24 hours of the clock's (business) time.
 */
const UNIT_MINUTES: Record<string, number> = { w: 7 * 24 * 60, d: 24 * 60, h: 60, m: 1 };
/** Unit words, longest first where one begins another ("minggu" before "m"). */
const WORDS: [string, string][] = [
  ['minggu', 'w'],
  ['weeks', 'w'],
  ['week', 'w'],
  ['hari', 'd'],
  ['days', 'd'],
  ['day', 'd'],
  ['jam', 'h'],
  ['hours', 'h'],
  ['hour', 'h'],
  ['menit', 'm'],
  ['minutes', 'm'],
  ['minute', 'm'],
  ['mins', 'm'],
  ['min', 'm'],
];
const UNIT_OF = new Map(WORDS);
const PART = new RegExp(`(\\d+(?:[.,]\\d+)?)\\s*(${WORDS.map(([w]) => w).join('|')}|[wdhm])`, 'gy');

/** Minutes in a duration text, or null when it is not one (or not a whole number of minutes). */
export function parseDuration(text: string): number | null {
  const s = text.trim().toLowerCase();
  if (/^\d+$/.test(s)) return Number(s);
  let total = 0;
  let matched = 0;
  PART.lastIndex = 0;
  for (;;) {
    while (s[PART.lastIndex] === ' ') PART.lastIndex++;
    if (PART.lastIndex >= s.length) break;
    const m = PART.exec(s);
    if (!m) return null;
    total += Number(m[1]!.replace(',', '.')) * UNIT_MINUTES[UNIT_OF.get(m[2]!) ?? m[2]!]!;
    matched++;
  }
  if (!matched || !Number.isInteger(Math.round(total * 1e6) / 1e6)) return null;
  return Math.round(total);
}

/** Minutes written the way parseDuration reads them, largest units first: 2880 → "2d". */
export function formatDuration(minutes: number): string {
  const parts: string[] = [];
  let left = minutes;
  for (const [unit, size] of Object.entries(UNIT_MINUTES)) {
    const n = Math.floor(left / size);
    if (n) parts.push(`${n}${unit}`);
    left -= n * size;
  }
  return parts.join(' ') || '0m';
}
