import { Migration } from '@mikro-orm/migrations';

export class Migration20261201220718 extends Migration {

  override name = 'Migration20261201220718';

  override up(): void | Promise<void> {
    this.addSql(`create table "categories" ("id" uuid not null, "organization_id" uuid not null, "name" varchar(80) not null, "key" varchar(80) not null, "active" boolean not null default true, "created_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`alter table "categories" add constraint "categories_organization_id_key_unique" unique ("organization_id", "key");`);

    this.addSql(`create table "inbox" ("id" bigserial primary key, "organization_id" uuid not null, "user_id" uuid not null, "incident_workflow_id" varchar(80) not null, "revision" int not null, "kind" varchar(20) not null, "actor_id" uuid null, "data" jsonb not null, "created_at" timestamptz not null, "read_at" timestamptz null);`);
    this.addSql(`create index "inbox_organization_id_user_id_created_at_index" on "inbox" ("organization_id", "user_id", "created_at");`);
    this.addSql(`alter table "inbox" add constraint "inbox_user_id_incident_workflow_id_revision_kind_unique" unique ("user_id", "incident_workflow_id", "revision", "kind");`);

    this.addSql(`create table "canned_replies" ("id" uuid not null, "organization_id" uuid not null, "title" varchar(120) not null, "body" text not null, "updated_by_id" uuid null, "updated_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`alter table "canned_replies" add constraint "canned_replies_organization_id_title_unique" unique ("organization_id", "title");`);


    this.addSql(`alter table "incidents" add "watcher_ids" jsonb null;`);

    this.addSql(`alter table "categories" add constraint "categories_organization_id_foreign" foreign key ("organization_id") references "organizations" ("id");`);

    this.addSql(`alter table "inbox" add constraint "inbox_organization_id_foreign" foreign key ("organization_id") references "organizations" ("id");`);
    this.addSql(`alter table "inbox" add constraint "inbox_user_id_foreign" foreign key ("user_id") references "users" ("id");`);
    this.addSql(`alter table "inbox" add constraint "inbox_incident_workflow_id_foreign" foreign key ("incident_workflow_id") references "incidents" ("workflow_id");`);
    this.addSql(`alter table "inbox" add constraint "inbox_actor_id_foreign" foreign key ("actor_id") references "users" ("id") on delete set null;`);

    this.addSql(`alter table "canned_replies" add constraint "canned_replies_organization_id_foreign" foreign key ("organization_id") references "organizations" ("id");`);
    this.addSql(`alter table "canned_replies" add constraint "canned_replies_updated_by_id_foreign" foreign key ("updated_by_id") references "users" ("id") on delete set null;`);

    // Categories were free text on teams and incidents: they become the managed list.
    this.addSql(`insert into "categories" ("id", "organization_id", "name", "key", "active", "created_at")
      select gen_random_uuid(), organization_id, min(name), lower(name), true, now() from (
        select t.organization_id, trim(c) as name from teams t, jsonb_array_elements_text(coalesce(t.categories, '[]'::jsonb)) c
        union all
        select organization_id, trim(category) from incidents where category is not null
      ) x where name <> '' group by organization_id, lower(name)
      on conflict do nothing;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "categories" cascade;`);
    this.addSql(`drop table if exists "inbox" cascade;`);
    this.addSql(`drop table if exists "canned_replies" cascade;`);


    this.addSql(`alter table "incidents" drop column "watcher_ids";`);
  }

}
