/**
 * What a file is, from its first bytes rather than from what the uploader says: the type stored and
 * served is the sniffed one, executables and active content (HTML, SVG, scripts) are refused, and
 * an organization allows a list of types. Pure: the API sniffs uploads, the web app shows the list.
 */

export const OOXML_TYPES = [
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation',
] as const;

/** The types an organization accepts until it says otherwise. */
export const DEFAULT_ATTACHMENT_TYPES: readonly string[] = [
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'application/pdf',
  'text/plain',
  'text/csv',
  'application/zip',
  ...OOXML_TYPES,
];
export const DEFAULT_ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024;
/** Types never accepted, whatever an organization lists: they run or render active content. */
export const NEVER_TYPES: readonly string[] = [
  'application/x-executable',
  'text/html',
  'image/svg+xml',
  'application/xml',
  'text/x-script',
];

/** How many leading bytes the sniffer reads. */
export const SNIFF_BYTES = 8192;

const startsWith = (b: Uint8Array, sig: readonly number[], at = 0) => sig.every((x, i) => b[at + i] === x);
const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));

/** Whether the bytes are UTF-8 text (no NUL, no invalid sequence; a cut last character is fine). */
function isText(b: Uint8Array): boolean {
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    if (c === 0) return false;
    if (c < 0x80) {
      if (c < 0x09 || (c > 0x0d && c < 0x20 && c !== 0x1b)) return false;
      i++;
      continue;
    }
    const n = c >= 0xf0 && c < 0xf5 ? 3 : c >= 0xe0 ? 2 : c >= 0xc2 && c < 0xe0 ? 1 : -1;
    if (n < 0) return false;
    for (let k = 1; k <= n; k++) {
      if (i + k >= b.length) return true; // cut at the sniffing limit
      if ((b[i + k]! & 0xc0) !== 0x80) return false;
    }
    i += n + 1;
  }
  return true;
}

/**
 * The type of a file from its first bytes (`declared` and the file name only choose between types
 * the bytes cannot tell apart: a CSV from plain text, an Office document from a zip).
 */
export function sniffType(head: Uint8Array, declared: string, filename: string): string {
  const lower = filename.toLowerCase();
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (startsWith(head, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(head, ascii('GIF87a')) || startsWith(head, ascii('GIF89a'))) return 'image/gif';
  if (startsWith(head, ascii('RIFF')) && startsWith(head, ascii('WEBP'), 8)) return 'image/webp';
  if (startsWith(head, ascii('%PDF-'))) return 'application/pdf';
  if (startsWith(head, [0x50, 0x4b, 0x03, 0x04]) || startsWith(head, [0x50, 0x4b, 0x05, 0x06])) {
    return (OOXML_TYPES as readonly string[]).includes(declared) ? declared : 'application/zip';
  }
  if (
    startsWith(head, ascii('MZ')) ||
    startsWith(head, [0x7f, 0x45, 0x4c, 0x46]) ||
    startsWith(head, [0xfe, 0xed, 0xfa, 0xce]) ||
    startsWith(head, [0xfe, 0xed, 0xfa, 0xcf]) ||
    startsWith(head, [0xcf, 0xfa, 0xed, 0xfe]) ||
    startsWith(head, [0xca, 0xfe, 0xba, 0xbe])
  )
    return 'application/x-executable';
  if (head.length && isText(head)) {
    const text = new TextDecoder().decode(head.subarray(0, 1024)).trimStart().toLowerCase();
    if (text.startsWith('#!')) return 'text/x-script';
    if (/^(<!doctype html|<html|<head|<body|<script|<iframe)/.test(text)) return 'text/html';
    if (text.includes('<svg')) return 'image/svg+xml';
    if (text.startsWith('<?xml')) return 'application/xml';
    if (declared === 'text/csv' || lower.endsWith('.csv')) return 'text/csv';
    return 'text/plain';
  }
  return 'application/octet-stream';
}

/** Why a sniffed type is refused by the organization's list (null: accepted). */
export function typeRefusal(sniffed: string, allowed: readonly string[]): string | null {
  if (NEVER_TYPES.includes(sniffed)) return `Files of this kind (${sniffed}) are never accepted`;
  if (!allowed.includes(sniffed)) return `This organization does not accept ${sniffed} files`;
  return null;
}

/** A file name safe to store and to send back: no folders, no control characters, at most 200 characters. */
export function cleanFilename(raw: string): string {
  const base = raw.split(/[\\/]/).pop() ?? '';
  const clean = base.replace(/[\u0000-\u001f\u007f"]/g, '').trim();
  return [...(clean || 'file')].slice(0, 200).join('');
}
