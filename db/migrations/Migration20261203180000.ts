import { Migration } from '@mikro-orm/migrations';

/**
 * Tickets use the CMDB (issue 15): the configuration items an incident or a request affects, as a
 * JSON list of CI ids, with an index that answers "the tickets on this CI" (`ci_ids @> '["…"]'`).
 */
export class Migration20261203180000 extends Migration {
  override name = 'Migration20261203180000';

  override up(): void | Promise<void> {
    this.addSql(`alter table "incidents" add "ci_ids" jsonb null;`);
    this.addSql(`alter table "requests" add "ci_ids" jsonb null;`);
    this.addSql(`create index "incidents_ci_ids_index" on "incidents" using gin ("ci_ids" jsonb_path_ops);`);
    this.addSql(
      `create index "requests_ci_ids_index" on "requests" using gin ("ci_ids" jsonb_path_ops);`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index "requests_ci_ids_index";`);
    this.addSql(`drop index "incidents_ci_ids_index";`);
    this.addSql(`alter table "requests" drop column "ci_ids";`);
    this.addSql(`alter table "incidents" drop column "ci_ids";`);
  }
}
