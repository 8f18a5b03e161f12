import { Migration } from '@mikro-orm/migrations';

/** Saved views (issue 15, the CI list first): a person's named filters of a list, their own or shared. */
export class Migration20261203185623 extends Migration {
  override name = 'Migration20261203185623';

  override up(): void | Promise<void> {
    this.addSql(
      `create table "saved_views" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "organization_id" uuid not null, "owner_id" uuid not null, "scope" varchar(40) not null, "name" varchar(80) not null, "query" jsonb not null, "shared" boolean not null default false, primary key ("id"));`,
    );
    this.addSql(`create index "saved_views_organization_id_scope_index" on "saved_views" ("organization_id", "scope");`);
    this.addSql(
      `alter table "saved_views" add constraint "saved_views_organization_id_foreign" foreign key ("organization_id") references "organizations" ("id");`,
    );
    this.addSql(
      `alter table "saved_views" add constraint "saved_views_owner_id_foreign" foreign key ("owner_id") references "users" ("id");`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "saved_views" cascade;`);
  }
}
