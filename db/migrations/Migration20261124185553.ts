import { Migration } from '@mikro-orm/migrations';

export class Migration20261124185553 extends Migration {

  override name = 'Migration20261124185553';

  override up(): void | Promise<void> {
    this.addSql(`create table "login_throttle" ("email_hash" varchar(64) not null, "failures" int not null, "window_started_at" timestamptz not null, "locked_until" timestamptz null, primary key ("email_hash"));`);

    this.addSql(`create table "audit_log" ("id" bigserial primary key, "organization_id" uuid not null, "seq" int not null, "at" timestamptz not null, "actor_id" uuid null, "actor_kind" varchar(20) not null, "actor_label" varchar(254) null, "action" varchar(60) not null, "target_type" varchar(40) null, "target_id" varchar(120) null, "before" jsonb null, "after" jsonb null, "request_id" varchar(100) null, "source_ip" varchar(64) null, "prev_hash" varchar(64) not null, "hash" varchar(64) not null);`);
    this.addSql(`create index "audit_log_organization_id_at_index" on "audit_log" ("organization_id", "at");`);
    this.addSql(`create index "audit_log_organization_id_action_index" on "audit_log" ("organization_id", "action");`);
    this.addSql(`alter table "audit_log" add constraint "audit_log_organization_id_seq_unique" unique ("organization_id", "seq");`);

    this.addSql(`create table "outbox" ("id" bigserial primary key, "organization_id" uuid not null, "recipient" varchar(254) not null, "template" varchar(60) not null, "data" jsonb not null, "created_at" timestamptz not null, "sent_at" timestamptz null);`);
    this.addSql(`create index "outbox_organization_id_index" on "outbox" ("organization_id");`);

    this.addSql(`create table "role_permissions" ("organization_id" uuid not null, "role" text not null, "permissions" jsonb not null, "updated_at" timestamptz not null, primary key ("organization_id", "role"));`);

    this.addSql(`create table "sessions" ("id" uuid not null, "organization_id" uuid not null, "user_id" uuid not null, "created_at" timestamptz not null, "last_seen_at" timestamptz not null, "idle_timeout_ms" int not null, "absolute_expires_at" timestamptz not null, "revoked_at" timestamptz null, "revoked_reason" varchar(40) null, "source_ip" varchar(64) null, "user_agent" varchar(300) null, primary key ("id"));`);
    this.addSql(`create index "sessions_organization_id_user_id_index" on "sessions" ("organization_id", "user_id");`);

    this.addSql(`create table "refresh_tokens" ("token_hash" varchar(64) not null, "organization_id" uuid not null, "session_id" uuid not null, "created_at" timestamptz not null, "used_at" timestamptz null, primary key ("token_hash"));`);
    this.addSql(`create index "refresh_tokens_organization_id_index" on "refresh_tokens" ("organization_id");`);
    this.addSql(`create index "refresh_tokens_session_id_index" on "refresh_tokens" ("session_id");`);

    this.addSql(`create table "api_keys" ("id" uuid not null, "organization_id" uuid not null, "service_account_id" uuid not null, "name" varchar(120) not null, "secret_hash" varchar(64) not null, "scopes" jsonb not null, "created_by_id" uuid not null, "created_at" timestamptz not null, "expires_at" timestamptz null, "last_used_at" timestamptz null, "revoked_at" timestamptz null, primary key ("id"));`);
    this.addSql(`create index "api_keys_organization_id_index" on "api_keys" ("organization_id");`);
    this.addSql(`alter table "api_keys" add constraint "api_keys_secret_hash_unique" unique ("secret_hash");`);

    this.addSql(`create table "user_tokens" ("token_hash" varchar(64) not null, "organization_id" uuid not null, "user_id" uuid not null, "purpose" text not null, "created_at" timestamptz not null, "expires_at" timestamptz not null, "used_at" timestamptz null, primary key ("token_hash"));`);
    this.addSql(`create index "user_tokens_organization_id_index" on "user_tokens" ("organization_id");`);
    this.addSql(`create index "user_tokens_user_id_index" on "user_tokens" ("user_id");`);

    this.addSql(`alter table "organizations" add "settings" jsonb null;`);

    this.addSql(`alter table "users" drop constraint "users_role_check";`);
    this.addSql(`alter table "users" add "password_history" jsonb null, add "password_changed_at" timestamptz null, add "mfa_enabled" boolean not null default false, add "mfa_secret" text null, add "mfa_pending_secret" text null, add "mfa_last_time_step" bigint null, add "mfa_recovery_codes" jsonb null;`);
    this.addSql(`alter table "users" alter column "password_hash" drop not null;`);
    this.addSql(`alter table "users" add constraint "users_role_check" check ("role" in ('admin', 'process_owner', 'team_lead', 'agent', 'cab_member', 'requester', 'auditor', 'integration'));`);

    this.addSql(`alter table "teams" add "lead_id" uuid null;`);
    this.addSql(`alter table "teams" add constraint "teams_lead_id_foreign" foreign key ("lead_id") references "users" ("id") on delete set null;`);

    this.addSql(`alter table "team_members" add "skills" jsonb null;`);

    this.addSql(`alter table "audit_log" add constraint "audit_log_organization_id_foreign" foreign key ("organization_id") references "organizations" ("id");`);

    this.addSql(`alter table "outbox" add constraint "outbox_organization_id_foreign" foreign key ("organization_id") references "organizations" ("id");`);

    this.addSql(`alter table "role_permissions" add constraint "role_permissions_organization_id_foreign" foreign key ("organization_id") references "organizations" ("id");`);
    this.addSql(`alter table "role_permissions" add constraint "role_permissions_role_check" check ("role" in ('admin', 'process_owner', 'team_lead', 'agent', 'cab_member', 'requester', 'auditor', 'integration'));`);

    this.addSql(`alter table "sessions" add constraint "sessions_organization_id_foreign" foreign key ("organization_id") references "organizations" ("id");`);
    this.addSql(`alter table "sessions" add constraint "sessions_user_id_foreign" foreign key ("user_id") references "users" ("id");`);

    this.addSql(`alter table "refresh_tokens" add constraint "refresh_tokens_organization_id_foreign" foreign key ("organization_id") references "organizations" ("id");`);
    this.addSql(`alter table "refresh_tokens" add constraint "refresh_tokens_session_id_foreign" foreign key ("session_id") references "sessions" ("id");`);

    this.addSql(`alter table "api_keys" add constraint "api_keys_organization_id_foreign" foreign key ("organization_id") references "organizations" ("id");`);
    this.addSql(`alter table "api_keys" add constraint "api_keys_service_account_id_foreign" foreign key ("service_account_id") references "users" ("id");`);
    this.addSql(`alter table "api_keys" add constraint "api_keys_created_by_id_foreign" foreign key ("created_by_id") references "users" ("id");`);

    this.addSql(`alter table "user_tokens" add constraint "user_tokens_organization_id_foreign" foreign key ("organization_id") references "organizations" ("id");`);
    this.addSql(`alter table "user_tokens" add constraint "user_tokens_user_id_foreign" foreign key ("user_id") references "users" ("id");`);
    this.addSql(`alter table "user_tokens" add constraint "user_tokens_purpose_check" check ("purpose" in ('password_reset', 'invitation'));`);

    // The audit log is append-only: rows can be added, never changed or removed (verification
    // still catches a superuser who disables the trigger).
    this.addSql(`create or replace function lintas_audit_append_only() returns trigger language plpgsql as $$ begin raise exception 'audit_log is append-only'; end $$;`);
    this.addSql(`create trigger audit_log_no_change before update or delete on "audit_log" for each row execute function lintas_audit_append_only();`);
    this.addSql(`create trigger audit_log_no_truncate before truncate on "audit_log" for each statement execute function lintas_audit_append_only();`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop trigger if exists audit_log_no_change on "audit_log";`);
    this.addSql(`drop trigger if exists audit_log_no_truncate on "audit_log";`);
    this.addSql(`drop function if exists lintas_audit_append_only();`);
    this.addSql(`alter table "refresh_tokens" drop constraint "refresh_tokens_session_id_foreign";`);

    this.addSql(`drop table if exists "login_throttle" cascade;`);
    this.addSql(`drop table if exists "audit_log" cascade;`);
    this.addSql(`drop table if exists "outbox" cascade;`);
    this.addSql(`drop table if exists "role_permissions" cascade;`);
    this.addSql(`drop table if exists "sessions" cascade;`);
    this.addSql(`drop table if exists "refresh_tokens" cascade;`);
    this.addSql(`drop table if exists "api_keys" cascade;`);
    this.addSql(`drop table if exists "user_tokens" cascade;`);

    this.addSql(`alter table "teams" drop constraint "teams_lead_id_foreign";`);

    this.addSql(`alter table "organizations" drop column "settings";`);

    this.addSql(`alter table "team_members" drop column "skills";`);

    this.addSql(`alter table "teams" drop column "lead_id";`);

    this.addSql(`alter table "users" drop constraint "users_role_check";`);
    this.addSql(`alter table "users" drop column "password_history", drop column "password_changed_at", drop column "mfa_enabled", drop column "mfa_secret", drop column "mfa_pending_secret", drop column "mfa_last_time_step", drop column "mfa_recovery_codes";`);
    this.addSql(`alter table "users" alter column "password_hash" set not null;`);
    this.addSql(`alter table "users" add constraint "users_role_check" check ("role" in ('admin', 'agent', 'requester'));`);
  }

}
