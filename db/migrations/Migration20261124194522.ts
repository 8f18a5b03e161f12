import { Migration } from '@mikro-orm/migrations';

export class Migration20261124194522 extends Migration {

  override name = 'Migration20261124194522';

  override up(): void | Promise<void> {
    this.addSql(`create table "notifications" ("id" bigserial primary key, "organization_id" uuid not null, "event_key" varchar(200) not null, "recipient" varchar(254) not null, "channel" varchar(20) not null, "status" varchar(20) not null, "attempts" int not null default 0, "last_error" text null, "created_at" timestamptz not null, "sent_at" timestamptz null);`);
    this.addSql(`create index "notifications_organization_id_index" on "notifications" ("organization_id");`);
    this.addSql(`alter table "notifications" add constraint "notifications_event_key_recipient_channel_unique" unique ("event_key", "recipient", "channel");`);

    this.addSql(`create table "sla_policies" ("id" uuid not null, "organization_id" uuid not null, "name" varchar(120) not null, "rank" int not null, "active" boolean not null default true, "version" int not null, "definition" jsonb not null, "updated_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "sla_policies_organization_id_index" on "sla_policies" ("organization_id");`);
    this.addSql(`alter table "sla_policies" add constraint "sla_policies_organization_id_name_unique" unique ("organization_id", "name");`);


    this.addSql(`alter table "users" add "locale" varchar(10) not null default 'en', add "notification_prefs" jsonb null;`);

    this.addSql(`alter table "incidents" add "sla" jsonb null, add "response_due_at" timestamptz null, add "resolution_due_at" timestamptz null, add "sla_breached" boolean not null default false;`);
    this.addSql(`create index "incidents_organization_id_resolution_due_at_index" on "incidents" ("organization_id", "resolution_due_at");`);

    this.addSql(`alter table "notifications" add constraint "notifications_organization_id_foreign" foreign key ("organization_id") references "organizations" ("id");`);

    this.addSql(`alter table "sla_policies" add constraint "sla_policies_organization_id_foreign" foreign key ("organization_id") references "organizations" ("id");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "notifications" cascade;`);
    this.addSql(`drop table if exists "sla_policies" cascade;`);


    this.addSql(`drop index "incidents_organization_id_resolution_due_at_index";`);
    this.addSql(`alter table "incidents" drop column "sla", drop column "response_due_at", drop column "resolution_due_at", drop column "sla_breached";`);

    this.addSql(`alter table "users" drop column "locale", drop column "notification_prefs";`);
  }

}
