import { Migration } from '@mikro-orm/migrations';

export class Migration20261124153040 extends Migration {

  override name = 'Migration20261124153040';

  override up(): void | Promise<void> {
    this.addSql(`create table "organizations" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "slug" varchar(40) not null, "name" varchar(200) not null, "next_incident_number" int not null default 1, primary key ("id"));`);
    this.addSql(`alter table "organizations" add constraint "organizations_slug_unique" unique ("slug");`);

    this.addSql(`create table "idempotency_keys" ("organization_id" uuid not null, "key" varchar(200) not null, "request_hash" varchar(64) not null, "workflow_id" varchar(80) not null, "created_at" timestamptz not null, primary key ("organization_id", "key"));`);

    this.addSql(`create table "teams" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "organization_id" uuid not null, "name" varchar(120) not null, primary key ("id"));`);
    this.addSql(`create index "teams_organization_id_index" on "teams" ("organization_id");`);
    this.addSql(`alter table "teams" add constraint "teams_organization_id_name_unique" unique ("organization_id", "name");`);

    this.addSql(`create table "users" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "organization_id" uuid not null, "email" varchar(254) not null, "display_name" varchar(200) not null, "password_hash" varchar(100) not null, "role" text not null, "active" boolean not null default true, primary key ("id"));`);
    this.addSql(`create index "users_organization_id_index" on "users" ("organization_id");`);
    this.addSql(`alter table "users" add constraint "users_email_unique" unique ("email");`);
    this.addSql(`alter table "users" add constraint "users_role_check" check ("role" in ('admin', 'agent', 'requester'));`);

    this.addSql(`create table "team_members" ("team_id" uuid not null, "user_id" uuid not null, "organization_id" uuid not null, "created_at" timestamptz not null, primary key ("team_id", "user_id"));`);
    this.addSql(`create index "team_members_organization_id_index" on "team_members" ("organization_id");`);

    this.addSql(`create table "incidents" ("workflow_id" varchar(80) not null, "organization_id" uuid not null, "number" int not null, "title" varchar(200) not null, "description" text not null, "status" text not null, "impact" text not null, "urgency" text not null, "priority" text not null, "category" varchar(80) null, "assignee_id" uuid null, "team_id" uuid null, "requester_id" uuid not null, "pending_reason" text null, "resolution_code" text null, "resolution_notes" text null, "reopen_count" int not null default 0, "created_at" timestamptz not null, "updated_at" timestamptz not null, "resolved_at" timestamptz null, "closed_at" timestamptz null, "auto_close_at" timestamptz null, "revision" int not null, primary key ("workflow_id"));`);
    this.addSql(`create index "incidents_organization_id_status_index" on "incidents" ("organization_id", "status");`);
    this.addSql(`create index "incidents_organization_id_priority_index" on "incidents" ("organization_id", "priority");`);
    this.addSql(`create index "incidents_organization_id_assignee_id_index" on "incidents" ("organization_id", "assignee_id");`);
    this.addSql(`create index "incidents_organization_id_team_id_index" on "incidents" ("organization_id", "team_id");`);
    this.addSql(`create index "incidents_organization_id_created_at_index" on "incidents" ("organization_id", "created_at");`);
    this.addSql(`alter table "incidents" add constraint "incidents_organization_id_number_unique" unique ("organization_id", "number");`);
    this.addSql(`alter table "incidents" add constraint "incidents_status_check" check ("status" in ('new', 'assigned', 'in_progress', 'pending', 'resolved', 'closed', 'cancelled'));`);
    this.addSql(`alter table "incidents" add constraint "incidents_impact_check" check ("impact" in ('high', 'medium', 'low'));`);
    this.addSql(`alter table "incidents" add constraint "incidents_urgency_check" check ("urgency" in ('high', 'medium', 'low'));`);
    this.addSql(`alter table "incidents" add constraint "incidents_priority_check" check ("priority" in ('P1', 'P2', 'P3', 'P4'));`);
    this.addSql(`alter table "incidents" add constraint "incidents_pending_reason_check" check ("pending_reason" in ('customer', 'vendor', 'change', 'other'));`);
    this.addSql(`alter table "incidents" add constraint "incidents_resolution_code_check" check ("resolution_code" in ('solved', 'workaround', 'not_reproducible', 'duplicate', 'user_error', 'known_error'));`);

    this.addSql(`create table "incident_events" ("id" bigserial primary key, "organization_id" uuid not null, "incident_workflow_id" varchar(80) not null, "revision" int not null, "type" varchar(40) not null, "actor_id" uuid null, "actor_kind" varchar(20) not null, "at" timestamptz not null, "data" jsonb not null);`);
    this.addSql(`create index "incident_events_organization_id_index" on "incident_events" ("organization_id");`);
    this.addSql(`alter table "incident_events" add constraint "incident_events_incident_workflow_id_revision_unique" unique ("incident_workflow_id", "revision");`);

    this.addSql(`alter table "idempotency_keys" add constraint "idempotency_keys_organization_id_foreign" foreign key ("organization_id") references "organizations" ("id");`);

    this.addSql(`alter table "teams" add constraint "teams_organization_id_foreign" foreign key ("organization_id") references "organizations" ("id");`);

    this.addSql(`alter table "users" add constraint "users_organization_id_foreign" foreign key ("organization_id") references "organizations" ("id");`);

    this.addSql(`alter table "team_members" add constraint "team_members_team_id_foreign" foreign key ("team_id") references "teams" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "team_members" add constraint "team_members_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "team_members" add constraint "team_members_organization_id_foreign" foreign key ("organization_id") references "organizations" ("id");`);

    this.addSql(`alter table "incidents" add constraint "incidents_organization_id_foreign" foreign key ("organization_id") references "organizations" ("id");`);
    this.addSql(`alter table "incidents" add constraint "incidents_assignee_id_foreign" foreign key ("assignee_id") references "users" ("id") on delete set null;`);
    this.addSql(`alter table "incidents" add constraint "incidents_team_id_foreign" foreign key ("team_id") references "teams" ("id") on delete set null;`);
    this.addSql(`alter table "incidents" add constraint "incidents_requester_id_foreign" foreign key ("requester_id") references "users" ("id");`);

    this.addSql(`alter table "incident_events" add constraint "incident_events_organization_id_foreign" foreign key ("organization_id") references "organizations" ("id");`);
    this.addSql(`alter table "incident_events" add constraint "incident_events_incident_workflow_id_foreign" foreign key ("incident_workflow_id") references "incidents" ("workflow_id");`);
    this.addSql(`alter table "incident_events" add constraint "incident_events_actor_id_foreign" foreign key ("actor_id") references "users" ("id") on delete set null;`);
  }

}
