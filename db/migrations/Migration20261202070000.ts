import { Migration } from '@mikro-orm/migrations';

/** Whom each user reports to (issue 13: flows ask "the requester's manager"). */
export class Migration20261202070000 extends Migration {
  override name = 'Migration20261202070000';

  override up(): void | Promise<void> {
    this.addSql(`alter table "users" add "manager_id" uuid null;`);
    this.addSql(
      `alter table "users" add constraint "users_manager_id_foreign" foreign key ("manager_id") references "users" ("id") on delete set null;`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "users" drop constraint "users_manager_id_foreign";`);
    this.addSql(`alter table "users" drop column "manager_id";`);
  }
}
