import { Migration } from '@mikro-orm/migrations';

export class Migration20261124200636 extends Migration {

  override name = 'Migration20261124200636';

  override up(): void | Promise<void> {
    this.addSql(`create table "assignment_decisions" ("workflow_id" varchar(80) not null, "organization_id" uuid not null, "team_id" uuid null, "assignee_id" uuid null, "strategy" varchar(20) not null, "created_at" timestamptz not null, primary key ("workflow_id"));`);
    this.addSql(`create index "assignment_decisions_organization_id_index" on "assignment_decisions" ("organization_id");`);


    this.addSql(`alter table "users" add "out_of_office_until" timestamptz null;`);

    this.addSql(`alter table "teams" add "assignment" text not null default 'none', add "categories" jsonb null, add "turn" int not null default 0;`);
    this.addSql(`alter table "teams" add constraint "teams_assignment_check" check ("assignment" in ('none', 'round_robin', 'skills', 'load'));`);

    this.addSql(`alter table "assignment_decisions" add constraint "assignment_decisions_organization_id_foreign" foreign key ("organization_id") references "organizations" ("id");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "assignment_decisions" cascade;`);


    this.addSql(`alter table "teams" drop constraint "teams_assignment_check";`);
    this.addSql(`alter table "teams" drop column "assignment", drop column "categories", drop column "turn";`);

    this.addSql(`alter table "users" drop column "out_of_office_until";`);
  }

}
