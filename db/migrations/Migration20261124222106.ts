import { Migration } from '@mikro-orm/migrations';

export class Migration20261124222106 extends Migration {

  override name = 'Migration20261124222106';

  override up(): void | Promise<void> {

    this.addSql(`alter table "outbox" add "attempts" int not null default 0, add "next_attempt_at" timestamptz null;`);
  }

  override down(): void | Promise<void> {

    this.addSql(`alter table "outbox" drop column "attempts", drop column "next_attempt_at";`);
  }

}
