import { Migration } from '@mikro-orm/migrations';

export class Migration20261124232958 extends Migration {

  override name = 'Migration20261124232958';

  override up(): void | Promise<void> {

    this.addSql(`create index "incidents_organization_id_updated_at_index" on "incidents" ("organization_id", "updated_at");`);
  }

  override down(): void | Promise<void> {

    this.addSql(`drop index "incidents_organization_id_updated_at_index";`);
  }

}
