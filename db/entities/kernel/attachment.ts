/**
 * Files attached to tickets (and to form answers), kept in PostgreSQL: the file's row, and its
 * bytes in chunks of at most 256 KiB, so an upload is written as it streams in and a download
 * streams out chunk by chunk. A file uploaded for a form answer has no ticket until the order that
 * names it is submitted.
 */
import { defineEntity, p } from '@mikro-orm/core';
import { Organization } from './organization.js';
import { User } from './user.js';

export const AttachmentSchema = defineEntity({
  name: 'Attachment',
  tableName: 'attachments',
  indexes: [{ properties: ['organization', 'ticketWorkflowId'] }],
  properties: {
    id: p.uuid().primary(),
    organization: () => p.manyToOne(Organization),
    /** The ticket it belongs to (null: uploaded for a form, not yet part of a submitted order). */
    ticketWorkflowId: p.string().length(80).nullable(),
    /** The form field it answers, if any. */
    fieldId: p.string().length(40).nullable(),
    filename: p.string().length(255),
    /** The sniffed type (what the bytes are), never the type the uploader claimed. */
    contentType: p.string().length(120),
    declaredType: p.string().length(120).nullable(),
    size: p.bigint('number'),
    sha256: p.string().length(64),
    chunks: p.integer(),
    uploadedBy: () => p.manyToOne(User),
    createdAt: p.datetime(),
  },
});
export class Attachment extends AttachmentSchema.class {}
AttachmentSchema.setClass(Attachment);

export const AttachmentChunkSchema = defineEntity({
  name: 'AttachmentChunk',
  tableName: 'attachment_chunks',
  properties: {
    attachment: () => p.manyToOne(Attachment).primary().deleteRule('cascade'),
    seq: p.integer().primary(),
    organization: () => p.manyToOne(Organization),
    data: p.blob(),
  },
});
export class AttachmentChunk extends AttachmentChunkSchema.class {}
AttachmentChunkSchema.setClass(AttachmentChunk);
