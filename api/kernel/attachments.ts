/**
 * Attachments of every ticket type, stored in PostgreSQL (the embedded PGlite too): an upload is
 * read from the request as it streams in and written in chunks inside one transaction, so a file
 * over the organization's limit, or of a type it does not accept (sniffed from the first bytes, not
 * taken from the uploader), leaves nothing behind. Downloads stream out chunk by chunk and are
 * never rendered by the browser (`Content-Disposition: attachment`, `nosniff`).
 */
import { createHash, randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { Attachment, Organization } from '../../db/entities/index.js';
import type { Em } from '../../db/orm.js';
import { SNIFF_BYTES, cleanFilename, sniffType, typeRefusal } from '../../workflows/kernel/attachments.js';
import { settingsOf } from '../../workflows/kernel/org-settings.js';
import type { Principal } from './context.js';
import { AppError } from './errors.js';

/** Bytes per stored chunk. */
export const CHUNK_BYTES = 256 * 1024;

export interface AttachmentDto {
  id: string;
  filename: string;
  contentType: string;
  size: number;
  sha256: string;
  fieldId: string | null;
  uploadedBy: string;
  createdAt: string;
}

export const attachmentDto = (a: Attachment): AttachmentDto => ({
  id: a.id,
  filename: a.filename,
  contentType: a.contentType,
  size: Number(a.size),
  sha256: a.sha256,
  fieldId: a.fieldId ?? null,
  uploadedBy: a.uploadedBy.id,
  createdAt: a.createdAt.toISOString(),
});

/** Reads a stream in pieces of `size` bytes (the last one shorter). */
async function* pieces(source: AsyncIterable<Buffer>, size: number): AsyncGenerator<Buffer> {
  let held: Buffer[] = [];
  let length = 0;
  for await (const part of source) {
    held.push(part);
    length += part.length;
    while (length >= size) {
      const all = Buffer.concat(held, length);
      yield all.subarray(0, size);
      const rest = all.subarray(size);
      held = rest.length ? [rest] : [];
      length = rest.length;
    }
  }
  if (length) yield Buffer.concat(held, length);
}

export interface UploadTarget {
  ticketWorkflowId: string | null;
  fieldId: string | null;
}

/** Stores an upload streamed from the request; refuses what is too big or of a refused type. */
export async function storeUpload(
  em: Em,
  principal: Principal,
  req: IncomingMessage,
  file: { filename: string; declaredType: string | null },
  target: UploadTarget,
): Promise<Attachment> {
  const org = await em.findOneOrFail(Organization, { id: principal.orgId });
  const limits = settingsOf(org.settings).attachments;
  const tooBig = () =>
    new AppError(413, 'attachment_too_large', `Files can be at most ${Math.floor(limits.maxBytes / 1024)} KiB`);
  const declaredLength = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declaredLength) && declaredLength > limits.maxBytes) throw tooBig();
  const filename = cleanFilename(file.filename);
  const id = randomUUID();
  const digest = createHash('sha256');
  return em.transactional(async (tx) => {
    let size = 0;
    let seq = 0;
    let type: string | null = null;
    // The first chunk is at least the sniffing length, so the type is known before anything is written.
    for await (const chunk of pieces(req as AsyncIterable<Buffer>, Math.max(CHUNK_BYTES, SNIFF_BYTES))) {
      size += chunk.length;
      if (size > limits.maxBytes) throw tooBig();
      if (type === null) {
        type = sniffType(chunk.subarray(0, SNIFF_BYTES), file.declaredType ?? '', filename);
        const refused = typeRefusal(type, limits.allowedTypes);
        if (refused) throw new AppError(415, 'attachment_type', refused);
        await tx.execute(
          `insert into attachments (id, organization_id, ticket_workflow_id, field_id, filename, content_type,
             declared_type, size, sha256, chunks, uploaded_by_id, created_at)
           values (?, ?, ?, ?, ?, ?, ?, 0, '', 0, ?, now())`,
          [
            id,
            principal.orgId,
            target.ticketWorkflowId,
            target.fieldId,
            filename,
            type,
            file.declaredType,
            principal.userId,
          ],
          'run',
        );
      }
      digest.update(chunk);
      await tx.execute(
        'insert into attachment_chunks (attachment_id, seq, organization_id, data) values (?, ?, ?, ?)',
        [id, seq++, principal.orgId, chunk],
        'run',
      );
    }
    if (size === 0) throw new AppError(422, 'attachment_empty', 'The file is empty');
    await tx.execute('update attachments set size = ?, sha256 = ?, chunks = ? where id = ? and organization_id = ?', [
      size,
      digest.digest('hex'),
      seq,
      id,
      principal.orgId,
    ]);
    return tx.findOneOrFail(Attachment, { id }, { refresh: true });
  });
}

/** The file's bytes as a stream, one chunk read at a time. */
export function readAttachment(em: Em, a: Attachment): Readable {
  const orgId = a.organization.id;
  async function* chunks(): AsyncGenerator<Buffer> {
    for (let seq = 0; seq < a.chunks; seq++) {
      const rows = await em.execute<{ data: Buffer | Uint8Array }[]>(
        'select data from attachment_chunks where attachment_id = ? and seq = ? and organization_id = ?',
        [a.id, seq, orgId],
      );
      const data = rows[0]?.data;
      if (!data) throw new Error(`chunk ${seq} of attachment ${a.id} is missing`);
      yield Buffer.from(data);
    }
  }
  return Readable.from(chunks());
}

/** `Content-Disposition: attachment` with the name in both the plain and the RFC 5987 form. */
export function dispositionOf(filename: string): string {
  const plain = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${plain}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}
