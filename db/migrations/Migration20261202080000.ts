import { Migration } from '@mikro-orm/migrations';

/** Approval flows and their versions (issue 13): drafts saved as new versions, one published. */
export class Migration20261202080000 extends Migration {
  override name = 'Migration20261202080000';

  override up(): void | Promise<void> {
    this.addSql(`create table "flows" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "organization_id" uuid not null, "name" varchar(120) not null, primary key ("id"));`);
    this.addSql(`create index "flows_organization_id_index" on "flows" ("organization_id");`);
    this.addSql(`alter table "flows" add constraint "flows_organization_id_name_unique" unique ("organization_id", "name");`);
    this.addSql(`create table "flow_versions" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "organization_id" uuid not null, "flow_id" uuid not null, "version" int not null, "definition" jsonb not null, "state" text not null default 'draft', "created_by_id" uuid null, "published_at" timestamptz null, primary key ("id"));`);
    this.addSql(`create index "flow_versions_organization_id_index" on "flow_versions" ("organization_id");`);
    this.addSql(`alter table "flow_versions" add constraint "flow_versions_flow_id_version_unique" unique ("flow_id", "version");`);
    this.addSql(`alter table "flows" add constraint "flows_organization_id_foreign" foreign key ("organization_id") references "organizations" ("id");`);
    this.addSql(`alter table "flow_versions" add constraint "flow_versions_organization_id_foreign" foreign key ("organization_id") references "organizations" ("id");`);
    this.addSql(`alter table "flow_versions" add constraint "flow_versions_flow_id_foreign" foreign key ("flow_id") references "flows" ("id");`);
    this.addSql(`alter table "flow_versions" add constraint "flow_versions_created_by_id_foreign" foreign key ("created_by_id") references "users" ("id") on delete set null;`);
    this.addSql(`alter table "flow_versions" add constraint "flow_versions_state_check" check ("state" in ('draft', 'published', 'retired'));`);
    // At most one published version per flow (a backstop to publishing under the flow's row lock).
    this.addSql(`create unique index "flow_versions_one_published" on "flow_versions" ("flow_id") where "state" = 'published';`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "flow_versions" cascade;`);
    this.addSql(`drop table if exists "flows" cascade;`);
  }
}
