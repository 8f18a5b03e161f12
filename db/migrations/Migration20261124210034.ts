import { Migration } from '@mikro-orm/migrations';

export class Migration20261124210034 extends Migration {

  override name = 'Migration20261124210034';

  override up(): void | Promise<void> {

    this.addSql(`alter table "incidents" drop column "measures";`);
  }

  override down(): void | Promise<void> {

    this.addSql(`alter table "incidents" add "measures" jsonb null;`);
  }

}
