import { Migration } from '@mikro-orm/migrations';

export class Migration20261124165159 extends Migration {

  override name = 'Migration20261124165159';

  override up(): void | Promise<void> {
    // Keys become per user. Old keys cannot be attributed to a user; they only guard retries of
    // requests long finished, so they are dropped rather than guessed.
    this.addSql(`delete from "idempotency_keys";`);
    this.addSql(`alter table "idempotency_keys" drop constraint "idempotency_keys_pkey";`);
    this.addSql(`alter table "idempotency_keys" add "user_id" uuid not null;`);
    this.addSql(`alter table "idempotency_keys" add constraint "idempotency_keys_user_id_foreign" foreign key ("user_id") references "users" ("id");`);
    this.addSql(`alter table "idempotency_keys" add primary key ("organization_id", "user_id", "key");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "idempotency_keys" drop constraint "idempotency_keys_user_id_foreign";`);

    this.addSql(`alter table "idempotency_keys" drop constraint "idempotency_keys_pkey";`);
    this.addSql(`alter table "idempotency_keys" drop column "user_id";`);
    this.addSql(`alter table "idempotency_keys" add primary key ("organization_id", "key");`);
  }

}
