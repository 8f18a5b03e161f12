import { CannedReply, Category } from './incident/desk.js';
import {
  CiClass,
  CiRelation,
  CmdbRevision,
  CmdbSource,
  CmdbSourceLink,
  ConfigurationItem,
  RedundancyGroup,
} from './cmdb/cmdb.js';
import { ApprovalFlow, FlowVersion } from './kernel/flow.js';
import { Attachment, AttachmentChunk } from './kernel/attachment.js';
import { InboxItem } from './kernel/inbox.js';
import { IdempotencyKey } from './kernel/idempotency-key.js';
import { Incident } from './incident/incident.js';
import { CatalogCategory, CatalogItem, FieldSet } from './request/catalog.js';
import { RequestApproval, RequestTask, ServiceRequest } from './request/request.js';
import { Organization } from './kernel/organization.js';
import {
  ApiKey,
  AuditEntry,
  LoginThrottle,
  OutboxMessage,
  RefreshToken,
  RolePermission,
  Session,
  UserToken,
} from './kernel/security.js';
import { Notification, SlaPolicy } from './kernel/sla.js';
import { AssignmentDecision, Team, TeamMember } from './kernel/team.js';
import { TicketCounter, TicketEvent } from './kernel/ticket.js';
import { SavedView } from './kernel/saved-view.js';
import { User } from './kernel/user.js';

export {
  SavedView,
  ApiKey,
  CiClass,
  CiRelation,
  CmdbRevision,
  CmdbSource,
  CmdbSourceLink,
  ConfigurationItem,
  RedundancyGroup,
  Attachment,
  AttachmentChunk,
  CatalogCategory,
  CatalogItem,
  FieldSet,
  RequestApproval,
  RequestTask,
  ServiceRequest,
  ApprovalFlow,
  FlowVersion,
  CannedReply,
  Category,
  InboxItem,
  AssignmentDecision,
  AuditEntry,
  IdempotencyKey,
  Incident,
  LoginThrottle,
  Notification,
  Organization,
  OutboxMessage,
  RefreshToken,
  RolePermission,
  Session,
  SlaPolicy,
  Team,
  TeamMember,
  TicketCounter,
  TicketEvent,
  User,
  UserToken,
};
export { ROLES, type Role } from './kernel/user.js';
export { TOKEN_PURPOSES, type TokenPurpose } from './kernel/security.js';
export { ASSIGNMENT_STRATEGIES, type AssignmentStrategy } from './kernel/team.js';

/** Every entity, listed explicitly (folder discovery breaks under bundlers and Jest). */
export const ENTITIES = [
  Organization,
  User,
  Team,
  TeamMember,
  Incident,
  TicketEvent,
  TicketCounter,
  IdempotencyKey,
  Session,
  RefreshToken,
  UserToken,
  ApiKey,
  RolePermission,
  LoginThrottle,
  OutboxMessage,
  AuditEntry,
  SlaPolicy,
  Notification,
  AssignmentDecision,
  Category,
  CannedReply,
  InboxItem,
  ApprovalFlow,
  FlowVersion,
  CatalogCategory,
  FieldSet,
  CatalogItem,
  ServiceRequest,
  RequestApproval,
  RequestTask,
  Attachment,
  AttachmentChunk,
  CiClass,
  ConfigurationItem,
  RedundancyGroup,
  CiRelation,
  CmdbRevision,
  CmdbSource,
  CmdbSourceLink,
  SavedView,
];

/**
 * Entities owned by a tenant: the `tenant` filter applies to each. Every entity is, unless listed
 * here as global: an organization is the tenant itself, and LoginThrottle is keyed by address
 * because sign-in happens before the organization is known. A new entity is filtered by default.
 */
const GLOBAL_ENTITIES: readonly unknown[] = [Organization, LoginThrottle];
export const TENANT_ENTITIES = ENTITIES.filter((e) => !GLOBAL_ENTITIES.includes(e));
