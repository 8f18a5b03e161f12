import { Migration } from '@mikro-orm/migrations';

/**
 * The CMDB (issue 15): classes of the organization's own, configuration items with identifiers
 * unique where set (trimmed, case-insensitive), redundancy groups, relations that hold from
 * `valid_from` to `valid_to`, and the revision counter the impact graph is cached by. (The
 * generator's other lines — indexes and generated columns written by hand in earlier migrations —
 * are left out.)
 */
export class Migration20261203133153 extends Migration {
  override name = 'Migration20261203133153';

  override up(): void | Promise<void> {
    this.addSql(`create table "cmdb_revisions" ("organization_id" uuid not null, "revision" int not null default 0, primary key ("organization_id"));`);
    this.addSql(`create table "cmdb_classes" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "organization_id" uuid not null, "key" varchar(40) not null, "name" jsonb not null, "parent" varchar(40) null, "attributes" jsonb not null, primary key ("id"));`);
    this.addSql(`alter table "cmdb_classes" add constraint "cmdb_classes_organization_id_key_unique" unique ("organization_id", "key");`);
    this.addSql(`create table "cmdb_items" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "organization_id" uuid not null, "name" varchar(200) not null, "class_key" varchar(40) not null, "status" text not null default 'planned', "status_changed_at" timestamptz not null, "version" varchar(60) null, "description" text null, "owner_user_id" uuid null, "owner_team_id" uuid null, "location" varchar(200) null, "criticality" text not null default 'medium', "serial_number" varchar(120) null, "asset_tag" varchar(120) null, "hostname" varchar(255) null, "warranty_end" varchar(10) null, "support_end" varchar(10) null, "licence_expiry" varchar(10) null, "attributes" jsonb not null, "revision" int not null default 1, "created_by_id" uuid null, primary key ("id"));`);
    this.addSql(`create index "cmdb_items_organization_id_class_key_index" on "cmdb_items" ("organization_id", "class_key");`);
    this.addSql(`create index "cmdb_items_organization_id_status_index" on "cmdb_items" ("organization_id", "status");`);
    this.addSql(`create index "cmdb_items_organization_id_name_index" on "cmdb_items" ("organization_id", "name");`);
    this.addSql(`create unique index "cmdb_items_serial_unique" on "cmdb_items" ("organization_id", lower(trim("serial_number"))) where "serial_number" is not null;`);
    this.addSql(`create unique index "cmdb_items_asset_tag_unique" on "cmdb_items" ("organization_id", lower(trim("asset_tag"))) where "asset_tag" is not null;`);
    this.addSql(`create unique index "cmdb_items_hostname_unique" on "cmdb_items" ("organization_id", lower(trim("hostname"))) where "hostname" is not null;`);
    this.addSql(`create table "cmdb_groups" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "organization_id" uuid not null, "ci_id" uuid not null, "name" varchar(120) not null, "min_up" int not null, primary key ("id"));`);
    this.addSql(`alter table "cmdb_groups" add constraint "cmdb_groups_organization_id_ci_id_name_unique" unique ("organization_id", "ci_id", "name");`);
    this.addSql(`create table "cmdb_relations" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "organization_id" uuid not null, "type" text not null, "from_id" uuid not null, "to_id" uuid not null, "group_id" uuid null, "valid_from" timestamptz not null, "valid_to" timestamptz null, "note" varchar(500) null, "created_by_id" uuid null, "ended_by_id" uuid null, primary key ("id"));`);
    this.addSql(`create index "cmdb_relations_organization_id_from_id_index" on "cmdb_relations" ("organization_id", "from_id");`);
    this.addSql(`create index "cmdb_relations_organization_id_to_id_index" on "cmdb_relations" ("organization_id", "to_id");`);
    this.addSql(`alter table "cmdb_revisions" add constraint "cmdb_revisions_organization_id_foreign" foreign key ("organization_id") references "organizations" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "cmdb_classes" add constraint "cmdb_classes_organization_id_foreign" foreign key ("organization_id") references "organizations" ("id");`);
    this.addSql(`alter table "cmdb_items" add constraint "cmdb_items_organization_id_foreign" foreign key ("organization_id") references "organizations" ("id");`);
    this.addSql(`alter table "cmdb_items" add constraint "cmdb_items_owner_user_id_foreign" foreign key ("owner_user_id") references "users" ("id") on delete set null;`);
    this.addSql(`alter table "cmdb_items" add constraint "cmdb_items_owner_team_id_foreign" foreign key ("owner_team_id") references "teams" ("id") on delete set null;`);
    this.addSql(`alter table "cmdb_items" add constraint "cmdb_items_created_by_id_foreign" foreign key ("created_by_id") references "users" ("id") on delete set null;`);
    this.addSql(`alter table "cmdb_items" add constraint "cmdb_items_status_check" check ("status" in ('planned', 'ordered', 'in_stock', 'in_use', 'maintenance', 'retired', 'disposed'));`);
    this.addSql(`alter table "cmdb_items" add constraint "cmdb_items_criticality_check" check ("criticality" in ('low', 'medium', 'high', 'critical'));`);
    this.addSql(`alter table "cmdb_groups" add constraint "cmdb_groups_organization_id_foreign" foreign key ("organization_id") references "organizations" ("id");`);
    this.addSql(`alter table "cmdb_groups" add constraint "cmdb_groups_ci_id_foreign" foreign key ("ci_id") references "cmdb_items" ("id");`);
    this.addSql(`alter table "cmdb_relations" add constraint "cmdb_relations_organization_id_foreign" foreign key ("organization_id") references "organizations" ("id");`);
    this.addSql(`alter table "cmdb_relations" add constraint "cmdb_relations_from_id_foreign" foreign key ("from_id") references "cmdb_items" ("id");`);
    this.addSql(`alter table "cmdb_relations" add constraint "cmdb_relations_to_id_foreign" foreign key ("to_id") references "cmdb_items" ("id");`);
    this.addSql(`alter table "cmdb_relations" add constraint "cmdb_relations_group_id_foreign" foreign key ("group_id") references "cmdb_groups" ("id") on delete set null;`);
    this.addSql(`alter table "cmdb_relations" add constraint "cmdb_relations_created_by_id_foreign" foreign key ("created_by_id") references "users" ("id") on delete set null;`);
    this.addSql(`alter table "cmdb_relations" add constraint "cmdb_relations_ended_by_id_foreign" foreign key ("ended_by_id") references "users" ("id") on delete set null;`);
    this.addSql(`alter table "cmdb_relations" add constraint "cmdb_relations_type_check" check ("type" in ('hosted_on', 'depends_on', 'uses', 'supports', 'contains', 'connects_to'));`);
    // A CI's history reads its audit entries (and its relations', keyed "<from>|<to>").
    this.addSql(`create index "audit_log_by_target" on "audit_log" ("organization_id", "target_type", "target_id");`);
    this.addSql(`create index "cmdb_relations_current" on "cmdb_relations" ("organization_id", "from_id", "to_id") where "valid_to" is null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index if exists "audit_log_by_target";`);
    this.addSql(`drop table if exists "cmdb_relations" cascade;`);
    this.addSql(`drop table if exists "cmdb_groups" cascade;`);
    this.addSql(`drop table if exists "cmdb_items" cascade;`);
    this.addSql(`drop table if exists "cmdb_classes" cascade;`);
    this.addSql(`drop table if exists "cmdb_revisions" cascade;`);
  }
}
