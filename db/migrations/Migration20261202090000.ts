import { Migration } from '@mikro-orm/migrations';

/**
 * The service catalog and service requests (issue 13): catalog categories, items and field sets;
 * the request read model with one row per approver asked and per fulfilment task; planned
 * absences with a delegate on users.
 */
export class Migration20261202090000 extends Migration {
  override name = 'Migration20261202090000';

  override up(): void | Promise<void> {
    this.addSql(`create table "catalog_field_sets" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "organization_id" uuid not null, "key" varchar(120) not null, "name" varchar(120) not null, "fields" jsonb not null, primary key ("id"));`);
    this.addSql(`alter table "catalog_field_sets" add constraint "catalog_field_sets_organization_id_key_unique" unique ("organization_id", "key");`);
    this.addSql(`create table "catalog_categories" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "organization_id" uuid not null, "key" varchar(120) not null, "name" jsonb not null, "description" jsonb null, "icon" varchar(60) null, "sort_order" int not null default 0, "active" boolean not null default true, primary key ("id"));`);
    this.addSql(`alter table "catalog_categories" add constraint "catalog_categories_organization_id_key_unique" unique ("organization_id", "key");`);
    this.addSql(`create table "catalog_items" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "organization_id" uuid not null, "category_id" uuid not null, "key" varchar(120) not null, "name" jsonb not null, "description" jsonb null, "icon" varchar(60) null, "audience_roles" jsonb not null, "audience_team_ids" jsonb not null, "fields" jsonb not null, "field_set_ids" jsonb not null, "flow_id" uuid null, "fulfilment_team_id" uuid null, "sla_policy_id" uuid null, "active" boolean not null default true, primary key ("id"));`);
    this.addSql(`create index "catalog_items_organization_id_category_id_index" on "catalog_items" ("organization_id", "category_id");`);
    this.addSql(`alter table "catalog_items" add constraint "catalog_items_organization_id_key_unique" unique ("organization_id", "key");`);
    this.addSql(`create table "requests" ("workflow_id" varchar(80) not null, "organization_id" uuid not null, "number" int not null, "item_id" uuid not null, "title" varchar(200) not null, "requester_id" uuid not null, "status" text not null, "flow_id" uuid null, "flow_version" int null, "answers" jsonb not null, "steps" jsonb not null, "outcome_reason" varchar(80) null, "sla" jsonb null, "resolution_due_at" timestamptz null, "csat_rating" smallint null, "csat_comment" text null, "csat_at" timestamptz null, "rating_until" timestamptz null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "closed_at" timestamptz null, "revision" int not null, primary key ("workflow_id"));`);
    this.addSql(`create index "requests_organization_id_requester_id_index" on "requests" ("organization_id", "requester_id");`);
    this.addSql(`create index "requests_organization_id_status_index" on "requests" ("organization_id", "status");`);
    this.addSql(`create index "requests_organization_id_updated_at_index" on "requests" ("organization_id", "updated_at");`);
    this.addSql(`alter table "requests" add constraint "requests_organization_id_number_unique" unique ("organization_id", "number");`);
    this.addSql(`create table "request_tasks" ("request_workflow_id" varchar(80) not null, "step_id" varchar(60) not null, "organization_id" uuid not null, "team_id" uuid not null, "title" varchar(200) not null, "state" text not null, "opened_at" timestamptz not null, "due_at" timestamptz null, "done_at" timestamptz null, "done_by_id" uuid null, "note" text null, "revision" int not null, primary key ("request_workflow_id", "step_id"));`);
    this.addSql(`create index "request_tasks_organization_id_team_id_state_index" on "request_tasks" ("organization_id", "team_id", "state");`);
    this.addSql(`create table "request_approvals" ("request_workflow_id" varchar(80) not null, "step_id" varchar(60) not null, "user_id" uuid not null, "organization_id" uuid not null, "step_label" varchar(120) null, "on_behalf_of_id" uuid null, "state" text not null, "asked_at" timestamptz not null, "decided_at" timestamptz null, "comment" text null, "deadline_at" timestamptz null, "revision" int not null, primary key ("request_workflow_id", "step_id", "user_id"));`);
    this.addSql(`create index "request_approvals_organization_id_user_id_state_index" on "request_approvals" ("organization_id", "user_id", "state");`);
    this.addSql(`alter table "users" add "out_of_office_from" timestamptz null, add "delegate_id" uuid null;`);
    this.addSql(`alter table "users" add constraint "users_delegate_id_foreign" foreign key ("delegate_id") references "users" ("id") on delete set null;`);
    this.addSql(`alter table "catalog_field_sets" add constraint "catalog_field_sets_organization_id_foreign" foreign key ("organization_id") references "organizations" ("id");`);
    this.addSql(`alter table "catalog_categories" add constraint "catalog_categories_organization_id_foreign" foreign key ("organization_id") references "organizations" ("id");`);
    this.addSql(`alter table "catalog_items" add constraint "catalog_items_organization_id_foreign" foreign key ("organization_id") references "organizations" ("id");`);
    this.addSql(`alter table "catalog_items" add constraint "catalog_items_category_id_foreign" foreign key ("category_id") references "catalog_categories" ("id");`);
    this.addSql(`alter table "catalog_items" add constraint "catalog_items_flow_id_foreign" foreign key ("flow_id") references "flows" ("id") on delete set null;`);
    this.addSql(`alter table "catalog_items" add constraint "catalog_items_fulfilment_team_id_foreign" foreign key ("fulfilment_team_id") references "teams" ("id") on delete set null;`);
    this.addSql(`alter table "catalog_items" add constraint "catalog_items_sla_policy_id_foreign" foreign key ("sla_policy_id") references "sla_policies" ("id") on delete set null;`);
    this.addSql(`alter table "requests" add constraint "requests_organization_id_foreign" foreign key ("organization_id") references "organizations" ("id");`);
    this.addSql(`alter table "requests" add constraint "requests_item_id_foreign" foreign key ("item_id") references "catalog_items" ("id");`);
    this.addSql(`alter table "requests" add constraint "requests_requester_id_foreign" foreign key ("requester_id") references "users" ("id");`);
    this.addSql(`alter table "requests" add constraint "requests_status_check" check ("status" in ('submitted', 'pending_approval', 'approved', 'rejected', 'in_progress', 'completed', 'cancelled'));`);
    this.addSql(`alter table "request_tasks" add constraint "request_tasks_organization_id_foreign" foreign key ("organization_id") references "organizations" ("id");`);
    this.addSql(`alter table "request_tasks" add constraint "request_tasks_team_id_foreign" foreign key ("team_id") references "teams" ("id");`);
    this.addSql(`alter table "request_tasks" add constraint "request_tasks_done_by_id_foreign" foreign key ("done_by_id") references "users" ("id") on delete set null;`);
    this.addSql(`alter table "request_tasks" add constraint "request_tasks_state_check" check ("state" in ('open', 'done', 'withdrawn'));`);
    this.addSql(`alter table "request_approvals" add constraint "request_approvals_user_id_foreign" foreign key ("user_id") references "users" ("id");`);
    this.addSql(`alter table "request_approvals" add constraint "request_approvals_organization_id_foreign" foreign key ("organization_id") references "organizations" ("id");`);
    this.addSql(`alter table "request_approvals" add constraint "request_approvals_on_behalf_of_id_foreign" foreign key ("on_behalf_of_id") references "users" ("id") on delete set null;`);
    this.addSql(`alter table "request_approvals" add constraint "request_approvals_state_check" check ("state" in ('pending', 'approved', 'rejected', 'no_longer_required', 'delegated'));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "users" drop constraint if exists "users_delegate_id_foreign";`);
    this.addSql(`alter table "users" drop column if exists "out_of_office_from", drop column if exists "delegate_id";`);
    this.addSql(`drop table if exists "request_approvals" cascade;`);
    this.addSql(`drop table if exists "request_tasks" cascade;`);
    this.addSql(`drop table if exists "requests" cascade;`);
    this.addSql(`drop table if exists "catalog_items" cascade;`);
    this.addSql(`drop table if exists "catalog_categories" cascade;`);
    this.addSql(`drop table if exists "catalog_field_sets" cascade;`);
  }
}
