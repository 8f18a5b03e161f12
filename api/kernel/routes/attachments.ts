/**
 * Attachment endpoints for every ticket type that declares its files (ApiModule.attachments): the
 * raw file is the request body (its type in Content-Type, its name in `?filename=`), streamed to
 * storage; files are listed per ticket and downloaded by id, checked like their ticket (another
 * organization's or an unreadable ticket's file is a 404), every upload and download audited.
 */
import { z } from 'zod';
import { Attachment } from '../../../db/entities/index.js';
import { parseTicketWorkflowId } from '../../../workflows/kernel/ticket-types.js';
import type { AuditLog } from '../../platform/audit.js';
import { auditContext } from '../../platform/auth.js';
import { attachmentDto, dispositionOf, readAttachment, storeUpload } from '../attachments.js';
import { AppError, notFound } from '../errors.js';
import type { ApiModule, TicketFiles } from '../modules.js';
import { type AnyRoute, authed, defineRoute } from '../route.js';

/** Whether a POST to this path is a file upload (its body is not JSON). */
export function isUploadPath(path: string): boolean {
  return /^\/api\/v1\/(attachments|[a-z-]+\/[^/]+\/attachments)$/.test(path);
}

const AttachmentView = z.object({
  id: z.uuid(),
  filename: z.string(),
  contentType: z.string().describe('sniffed from the bytes, not taken from the uploader'),
  size: z.number().int(),
  sha256: z.string(),
  fieldId: z.string().nullable(),
  uploadedBy: z.uuid(),
  createdAt: z.string(),
});
const UploadQuery = z.strictObject({
  filename: z.string().trim().min(1).max(255),
  fieldId: z
    .string()
    .regex(/^[a-z][a-z0-9_]{0,39}$/)
    .optional()
    .describe('the form field the file answers'),
});
const uploadResponses = {
  201: { description: 'Stored', schema: AttachmentView },
  413: { description: 'Larger than the organization allows (attachment_too_large)' },
  415: { description: 'A type the organization does not accept, or active content (attachment_type)' },
  422: { description: 'An empty file (attachment_empty)' },
};
const declaredType = (ct: string | undefined) => (ct ? ct.split(';')[0]!.trim().toLowerCase().slice(0, 120) : null);

export function attachmentRoutes(modules: readonly ApiModule[], audit: AuditLog): AnyRoute[] {
  const typed = modules.flatMap((m) => (m.attachments ? [m.attachments] : []));
  const byType = (workflowId: string): TicketFiles | undefined => {
    const ref = parseTicketWorkflowId(workflowId);
    return ref ? typed.find((t) => t.type === ref.type) : undefined;
  };
  const perType = typed.flatMap((files): AnyRoute[] => [
    defineRoute({
      method: 'post',
      path: `/${files.path}/:key/attachments`,
      summary: `Attach a file to one of the ${files.path} (the raw file is the body)`,
      tag: 'attachments',
      permission: 'authenticated',
      audit: 'attachment.upload',
      params: z.object({ key: z.string().max(60) }),
      query: UploadQuery,
      headers: { 'Content-Type': { description: "the file's type (the stored type is sniffed)", required: true } },
      responses: {
        ...uploadResponses,
        404: { description: 'No such ticket you may read' },
        409: { description: 'Closed' },
      },
      handler: async (c, { params, query }) => {
        const ctx = authed(c);
        const { em, principal } = ctx.state;
        const ticket = await files.ticket(em, principal, params.key);
        if (!ticket.open) throw new AppError(409, 'illegal_transition', 'The ticket is closed and takes no more files');
        const a = await storeUpload(
          em,
          principal,
          ctx.req,
          { filename: query.filename, declaredType: declaredType(ctx.get('Content-Type')) },
          { ticketWorkflowId: ticket.workflowId, fieldId: query.fieldId ?? null },
        );
        ctx.state.audit = {
          targetType: 'attachment',
          targetId: a.id,
          after: { ticket: ticket.workflowId, filename: a.filename, contentType: a.contentType, size: Number(a.size) },
        };
        ctx.status = 201;
        ctx.body = attachmentDto(a);
      },
    }),
    defineRoute({
      method: 'get',
      path: `/${files.path}/:key/attachments`,
      summary: `The files of one of the ${files.path}`,
      tag: 'attachments',
      permission: 'authenticated',
      params: z.object({ key: z.string().max(60) }),
      responses: {
        200: { description: 'Files, oldest first', schema: z.object({ items: z.array(AttachmentView) }) },
        404: { description: 'No such ticket you may read' },
      },
      handler: async (c, { params }) => {
        const ctx = authed(c);
        const { em, principal } = ctx.state;
        const ticket = await files.ticket(em, principal, params.key);
        const list = await em.find(
          Attachment,
          { ticketWorkflowId: ticket.workflowId },
          { orderBy: { createdAt: 'asc', id: 'asc' } },
        );
        ctx.body = { items: list.map(attachmentDto) };
      },
    }),
  ]);
  return [
    defineRoute({
      method: 'post',
      path: '/attachments',
      summary: "Upload a file for a form's attachment field (it joins the request the answer is submitted with)",
      tag: 'attachments',
      permission: 'authenticated',
      audit: 'attachment.upload',
      query: UploadQuery,
      headers: { 'Content-Type': { description: "the file's type (the stored type is sniffed)", required: true } },
      responses: uploadResponses,
      handler: async (c, { query }) => {
        const ctx = authed(c);
        const a = await storeUpload(
          ctx.state.em,
          ctx.state.principal,
          ctx.req,
          { filename: query.filename, declaredType: declaredType(ctx.get('Content-Type')) },
          { ticketWorkflowId: null, fieldId: query.fieldId ?? null },
        );
        ctx.state.audit = {
          targetType: 'attachment',
          targetId: a.id,
          after: { filename: a.filename, contentType: a.contentType, size: Number(a.size) },
        };
        ctx.status = 201;
        ctx.body = attachmentDto(a);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/attachments/:id',
      summary: 'Download a file (always as a download, never shown inline); readable like its ticket',
      tag: 'attachments',
      permission: 'authenticated',
      params: z.object({ id: z.uuid() }),
      responses: { 200: { description: 'The file' }, 404: { description: 'No such file you may read' } },
      handler: async (c, { params }) => {
        const ctx = authed(c);
        const { em, principal } = ctx.state;
        const a = await em.findOne(Attachment, { id: params.id });
        const files = a?.ticketWorkflowId ? byType(a.ticketWorkflowId) : undefined;
        const mayRead = !a
          ? false
          : a.ticketWorkflowId
            ? !!files && (await files.readable(em, principal, a.ticketWorkflowId))
            : a.uploadedBy.id === principal.userId;
        if (!a || !mayRead) throw notFound('Attachment');
        await audit.append(principal.orgId, {
          ...auditContext(ctx, principal),
          action: 'attachment.download',
          targetType: 'attachment',
          targetId: a.id,
          after: { ticket: a.ticketWorkflowId, filename: a.filename },
        });
        ctx.set('Content-Disposition', dispositionOf(a.filename));
        ctx.set('X-Content-Type-Options', 'nosniff');
        ctx.set('Content-Security-Policy', "default-src 'none'; sandbox");
        ctx.set('Cache-Control', 'private, no-store');
        ctx.set('Content-Length', String(a.size));
        ctx.type = a.contentType;
        ctx.body = readAttachment(em, a);
      },
    }),
    ...perType,
  ];
}
