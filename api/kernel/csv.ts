/** CSV for spreadsheets: every field quoted, and formulas defused. */

/** One CSV field: quoted, quotes doubled; a leading =,+,-,@ is defused against spreadsheet formulas. */
export function csvField(v: unknown): string {
  let text = v === null || v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return `"${text.replace(/"/g, '""')}"`;
}

/** A whole CSV document (CRLF line ends, as RFC 4180 says) from a plain header and rows. */
export function csvDocument(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  return `${[header.join(','), ...rows.map((r) => r.map(csvField).join(','))].join('\r\n')}\r\n`;
}
