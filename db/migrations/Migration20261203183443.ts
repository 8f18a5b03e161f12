import { Migration } from '@mikro-orm/migrations';

/**
 * CMDB discovery (issue 15): the organization's discovery sources with their precedence, the CI
 * each source's own id stands for, and on every CI who last set each field and when a source last
 * reported it.
 */
export class Migration20261203183443 extends Migration {
  override name = 'Migration20261203183443';

  override up(): void | Promise<void> {
    this.addSql(
      `create table "cmdb_sources" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "organization_id" uuid not null, "key" varchar(40) not null, "name" varchar(120) not null, "precedence" int not null, primary key ("id"));`,
    );
    this.addSql(
      `alter table "cmdb_sources" add constraint "cmdb_sources_organization_id_key_unique" unique ("organization_id", "key");`,
    );
    this.addSql(
      `create table "cmdb_source_links" ("organization_id" uuid not null, "source_key" varchar(40) not null, "external_id" varchar(200) not null, "ci_id" uuid not null, "last_seen_at" timestamptz not null, primary key ("organization_id", "source_key", "external_id"));`,
    );
    this.addSql(`create index "cmdb_source_links_ci_id_index" on "cmdb_source_links" ("ci_id");`);
    this.addSql(
      `alter table "cmdb_items" add "field_sources" jsonb not null default '{}', add "discovered_at" timestamptz null;`,
    );
    this.addSql(
      `alter table "cmdb_sources" add constraint "cmdb_sources_organization_id_foreign" foreign key ("organization_id") references "organizations" ("id");`,
    );
    this.addSql(
      `alter table "cmdb_source_links" add constraint "cmdb_source_links_organization_id_foreign" foreign key ("organization_id") references "organizations" ("id");`,
    );
    this.addSql(
      `alter table "cmdb_source_links" add constraint "cmdb_source_links_ci_id_foreign" foreign key ("ci_id") references "cmdb_items" ("id");`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "cmdb_source_links" cascade;`);
    this.addSql(`drop table if exists "cmdb_sources" cascade;`);
    this.addSql(`alter table "cmdb_items" drop column "field_sources", drop column "discovered_at";`);
  }
}
