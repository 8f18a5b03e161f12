import { Migration } from '@mikro-orm/migrations';

/** CI end-date reminders (issue 15): the revision whose dates the CI's reminder workflow was last told. */
export class Migration20261203143000 extends Migration {
  override name = 'Migration20261203143000';

  override up(): void | Promise<void> {
    this.addSql(`alter table "cmdb_items" add "reminders_revision" int null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "cmdb_items" drop column "reminders_revision";`);
  }
}
