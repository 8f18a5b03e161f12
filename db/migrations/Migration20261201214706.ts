import { Migration } from '@mikro-orm/migrations';

export class Migration20261201214706 extends Migration {

  override name = 'Migration20261201214706';

  override up(): void | Promise<void> {

    this.addSql(`alter table "refresh_tokens" add "used_by" varchar(64) null, add "successor_sealed" text null;`);
  }

  override down(): void | Promise<void> {

    this.addSql(`alter table "refresh_tokens" drop column "used_by", drop column "successor_sealed";`);
  }

}
