import { Migration } from '@mikro-orm/migrations';

export class Migration20261124202202 extends Migration {

  override name = 'Migration20261124202202';

  override up(): void | Promise<void> {

    this.addSql(`alter table "incidents" add "acknowledged_at" timestamptz null, add "reassignment_count" int not null default 0, add "workaround" text null, add "measures" jsonb null, add "csat_rating" smallint null, add "csat_comment" text null, add "csat_at" timestamptz null;`);
  }

  override down(): void | Promise<void> {

    this.addSql(`alter table "incidents" drop column "acknowledged_at", drop column "reassignment_count", drop column "workaround", drop column "measures", drop column "csat_rating", drop column "csat_comment", drop column "csat_at";`);
  }

}
