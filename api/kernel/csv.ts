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

/**
 * Parses CSV (RFC 4180: quoted fields, doubled quotes, CRLF or LF line ends) into rows of fields;
 * a field this module defused on export (a leading ' before = + - @) reads back as it was.
 */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let wasQuoted = false;
  const endField = () => {
    row.push(wasQuoted && /^'[=+\-@\t\r]/.test(field) ? field.slice(1) : field);
    field = '';
    wasQuoted = false;
  };
  const src = text.startsWith('\uFEFF') ? text.slice(1) : text;
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (quoted) {
      if (c === '"' && src[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') {
      quoted = true;
      wasQuoted = true;
    } else if (c === ',') endField();
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && src[i + 1] === '\n') i++;
      endField();
      rows.push(row);
      row = [];
    } else field += c;
  }
  if (field !== '' || row.length) {
    endField();
    rows.push(row);
  }
  return rows.filter((r) => r.some((f) => f.trim() !== ''));
}
