/** The attachment sniffer: a file's type from its bytes, refusals, clean names. */
import { describe, expect, it } from '@jest/globals';
import {
  DEFAULT_ATTACHMENT_TYPES,
  OOXML_TYPES,
  cleanFilename,
  sniffType,
  typeRefusal,
} from '../../workflows/kernel/attachments.js';

const bytes = (...parts: (string | number[])[]) =>
  new Uint8Array(parts.flatMap((p) => (typeof p === 'string' ? [...Buffer.from(p, 'latin1')] : p)));

describe('sniffing', () => {
  it('knows images, PDFs and zips by their signatures, whatever the uploader claims', () => {
    expect(sniffType(bytes([0x89], 'PNG\r\n\x1a\n', 'rest'), 'text/plain', 'a.txt')).toBe('image/png');
    expect(sniffType(bytes([0xff, 0xd8, 0xff, 0xe0]), 'image/png', 'a.png')).toBe('image/jpeg');
    expect(sniffType(bytes('GIF89a...'), '', 'x')).toBe('image/gif');
    expect(sniffType(bytes('RIFF\0\0\0\0WEBPVP8 '), '', 'x')).toBe('image/webp');
    expect(sniffType(bytes('%PDF-1.7\n'), 'application/octet-stream', 'x.bin')).toBe('application/pdf');
    expect(sniffType(bytes('PK\x03\x04'), OOXML_TYPES[0], 'cv.docx')).toBe(OOXML_TYPES[0]);
    expect(sniffType(bytes('PK\x03\x04'), 'image/png', 'x.png')).toBe('application/zip');
  });

  it('finds executables, scripts and active content', () => {
    expect(sniffType(bytes('MZ\x90\0'), 'image/png', 'cat.png')).toBe('application/x-executable');
    expect(sniffType(bytes([0x7f], 'ELF'), '', 'x')).toBe('application/x-executable');
    expect(sniffType(bytes('#!/bin/sh\nrm -rf /'), 'text/plain', 'a.txt')).toBe('text/x-script');
    expect(sniffType(bytes('  <!DOCTYPE html><p>'), 'text/plain', 'a.txt')).toBe('text/html');
    expect(sniffType(bytes('<?xml version="1.0"?><svg/>'), '', 'a.svg')).toBe('image/svg+xml');
    for (const t of ['application/x-executable', 'text/html', 'image/svg+xml', 'text/x-script'])
      expect(typeRefusal(t, [...DEFAULT_ATTACHMENT_TYPES, t])).toMatch(/never/);
  });

  it('tells text (UTF-8, CSV by name or claim) from binary', () => {
    expect(sniffType(new Uint8Array(Buffer.from('Hello, dunia — ç', 'utf8')), '', 'note')).toBe('text/plain');
    expect(sniffType(bytes('a,b\n1,2\n'), 'application/vnd.ms-excel', 'data.csv')).toBe('text/csv');
    expect(sniffType(bytes([0x00, 0x01, 0x02, 0xff]), 'text/plain', 'a.txt')).toBe('application/octet-stream');
    // A multi-byte character cut at the sniffing limit is still text.
    expect(sniffType(new Uint8Array([...Buffer.from('abc'), 0xe2, 0x80]), '', 'x')).toBe('text/plain');
    expect(typeRefusal('application/octet-stream', DEFAULT_ATTACHMENT_TYPES)).toMatch(/does not accept/);
    expect(typeRefusal('image/png', DEFAULT_ATTACHMENT_TYPES)).toBeNull();
  });

  it('keeps file names without folders, quotes or control characters', () => {
    expect(cleanFilename('../../etc/passwd')).toBe('passwd');
    expect(cleanFilename('C:\\Users\\a\\"evil"\r\n.pdf')).toBe('evil.pdf');
    expect(cleanFilename('   ')).toBe('file');
    expect([...cleanFilename('é'.repeat(300))]).toHaveLength(200);
  });
});
