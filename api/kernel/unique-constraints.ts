/**
 * What a unique-constraint violation means to a client. Two requests can pass the same "is this
 * name free?" check at once; the database then refuses the second write, and that refusal must
 * reach the client as the same 409 and stable code that the check gives, never as a 500. Every
 * unique constraint and primary key of the schema is listed here (a test walks the live schema and
 * fails on one that is not), either with what it tells the client, or with why no request can hit
 * it (keys the server generates, writes that already say `on conflict`).
 */
import { AppError } from './errors.js';

type Meaning = { status: 409; code: string; detail: string; field?: string } | { internal: string };

const taken = (code: string, detail: string, field: string): Meaning => ({ status: 409, code, detail, field });

export const UNIQUE_CONSTRAINTS: Record<string, Meaning> = {
  users_email_unique: taken('email_taken', 'A user with this e-mail already exists', 'email'),
  flows_organization_id_name_unique: taken('name_taken', 'A flow with this name exists', 'name'),
  teams_organization_id_name_unique: taken('name_taken', 'A team with this name exists', 'name'),
  sla_policies_organization_id_name_unique: taken('name_taken', 'A policy with this name exists', 'name'),
  categories_organization_id_key_unique: taken('name_taken', 'A category with this name exists', 'name'),
  canned_replies_organization_id_title_unique: taken('name_taken', 'A canned reply with this title exists', 'title'),
  catalog_categories_organization_id_key_unique: taken('key_taken', 'A catalog category with this key exists', 'key'),
  catalog_items_organization_id_key_unique: taken('key_taken', 'A catalog item with this key exists', 'key'),
  catalog_field_sets_organization_id_key_unique: taken('key_taken', 'A field set with this key exists', 'key'),
  idempotency_keys_pkey: taken(
    'idempotency_conflict',
    'A request with this Idempotency-Key is in progress; retry',
    'Idempotency-Key',
  ),
  // Written as upserts: a repeated or concurrent write of the same row is the same success.
  role_permissions_pkey: { internal: 'PUT /admin/roles/:role upserts' },
  team_members_pkey: { internal: 'PUT /admin/teams/:id/members/:userId upserts' },
  // Keys the server makes up (UUIDs, random secrets, counters under a row lock).
  organizations_pkey: { internal: 'generated UUID' },
  organizations_slug_unique: { internal: 'organizations are created by seed and tests only' },
  teams_pkey: { internal: 'generated UUID' },
  users_pkey: { internal: 'generated UUID' },
  sessions_pkey: { internal: 'generated UUID' },
  api_keys_pkey: { internal: 'generated UUID' },
  api_keys_secret_hash_unique: { internal: 'hash of 32 random bytes' },
  sla_policies_pkey: { internal: 'generated UUID' },
  categories_pkey: { internal: 'generated UUID' },
  flows_pkey: { internal: 'generated UUID' },
  flow_versions_pkey: { internal: 'generated UUID' },
  flow_versions_flow_id_version_unique: { internal: 'numbered under the flow row lock' },
  flow_versions_one_published: taken('flow_version_state', 'Another version was published meanwhile', 'version'),
  canned_replies_pkey: { internal: 'generated UUID' },
  refresh_tokens_pkey: { internal: 'hash of 32 random bytes' },
  user_tokens_pkey: { internal: 'hash of 32 random bytes' },
  audit_log_pkey: { internal: 'identity column' },
  audit_log_organization_id_seq_unique: { internal: 'sequence taken under the organization row lock' },
  outbox_pkey: { internal: 'identity column' },
  notifications_pkey: { internal: 'identity column' },
  inbox_pkey: { internal: 'identity column' },
  ticket_events_pkey: { internal: 'identity column' },
  login_throttle_pkey: { internal: 'written with on conflict' },
  // Projection writes: keyed by workflow id and revision, written with on conflict (DESIGN rule 4).
  incidents_pkey: { internal: 'projection upsert' },
  incidents_organization_id_number_unique: { internal: 'numbers come from an atomic counter' },
  ticket_events_ticket_workflow_id_revision_unique: { internal: 'projection insert on conflict do nothing' },
  ticket_counters_pkey: { internal: 'counter upsert' },
  inbox_user_id_ticket_workflow_id_revision_kind_unique: { internal: 'projection insert on conflict do nothing' },
  notifications_event_key_recipient_channel_unique: { internal: 'notification ledger, on conflict' },
  assignment_decisions_pkey: { internal: 'decision insert on conflict' },
  catalog_categories_pkey: { internal: 'generated UUID' },
  catalog_items_pkey: { internal: 'generated UUID' },
  catalog_field_sets_pkey: { internal: 'generated UUID' },
  requests_pkey: { internal: 'projection upsert' },
  requests_organization_id_number_unique: { internal: 'numbers come from an atomic counter' },
  request_approvals_pkey: { internal: 'projection upsert by revision' },
  request_tasks_pkey: { internal: 'projection upsert by revision' },
  attachments_pkey: { internal: 'generated UUID' },
  attachment_chunks_pkey: { internal: 'numbered by the one upload that writes them' },
  cmdb_classes_organization_id_key_unique: taken('key_taken', 'A class with this key exists', 'key'),
  cmdb_items_serial_unique: taken('identifier_taken', 'Another CI has this serial number', 'serialNumber'),
  cmdb_items_asset_tag_unique: taken('identifier_taken', 'Another CI has this asset tag', 'assetTag'),
  cmdb_items_hostname_unique: taken('identifier_taken', 'Another CI has this hostname', 'hostname'),
  cmdb_groups_organization_id_ci_id_name_unique: taken('name_taken', 'This CI has a group with this name', 'name'),
  cmdb_classes_pkey: { internal: 'generated UUID' },
  cmdb_items_pkey: { internal: 'generated UUID' },
  cmdb_groups_pkey: { internal: 'generated UUID' },
  cmdb_relations_pkey: { internal: 'generated UUID' },
  cmdb_revisions_pkey: { internal: 'counter upsert' },
  cmdb_sources_pkey: { internal: 'generated UUID' },
  cmdb_sources_organization_id_key_unique: taken(
    'source_defined',
    'Another request defined this source at the same moment; retry to change it',
    'source',
  ),
  cmdb_source_links_pkey: { internal: 'link insert on conflict do update' },
  saved_views_pkey: { internal: 'generated UUID' },
  mikro_orm_migrations_pkey: { internal: 'the migrator' },
};

/** The constraint a PostgreSQL unique violation (SQLSTATE 23505) names, if the error is one. */
function violatedConstraint(err: unknown): string | null {
  for (
    let e = err as { code?: unknown; constraint?: unknown; cause?: unknown } | undefined, depth = 0;
    e && depth < 4;
    depth++
  ) {
    if (e.code === '23505') return typeof e.constraint === 'string' ? e.constraint : '';
    e = e.cause as typeof e;
  }
  return null;
}

/** The client's answer to a unique violation (409 with the constraint's stable code), or null for other errors. */
export function uniqueViolation(err: unknown): AppError | null {
  const constraint = violatedConstraint(err);
  if (constraint === null) return null;
  const meaning = UNIQUE_CONSTRAINTS[constraint];
  if (meaning && 'code' in meaning) {
    return new AppError(
      409,
      meaning.code,
      meaning.detail,
      meaning.field ? [{ field: meaning.field, message: 'taken' }] : [],
    );
  }
  return new AppError(409, 'conflict', 'The change conflicts with another one made at the same time; retry');
}
