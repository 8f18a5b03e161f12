import { Migration } from '@mikro-orm/migrations';

/**
 * Attachments of tickets and form answers (issue 13), stored in PostgreSQL: one row per file (its
 * sniffed type, size, digest, uploader) and its bytes in chunks, written as the upload streams in.
 */
export class Migration20261202100000 extends Migration {
  override name = 'Migration20261202100000';

  override up(): void | Promise<void> {
    this.addSql(`create table "attachments" ("id" uuid not null, "organization_id" uuid not null, "ticket_workflow_id" varchar(80) null, "field_id" varchar(40) null, "filename" varchar(255) not null, "content_type" varchar(120) not null, "declared_type" varchar(120) null, "size" bigint not null, "sha256" varchar(64) not null, "chunks" int not null, "uploaded_by_id" uuid not null, "created_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "attachments_organization_id_ticket_workflow_id_index" on "attachments" ("organization_id", "ticket_workflow_id");`);
    this.addSql(`create table "attachment_chunks" ("attachment_id" uuid not null, "seq" int not null, "organization_id" uuid not null, "data" bytea not null, primary key ("attachment_id", "seq"));`);
    this.addSql(`alter table "attachments" add constraint "attachments_organization_id_foreign" foreign key ("organization_id") references "organizations" ("id");`);
    this.addSql(`alter table "attachments" add constraint "attachments_uploaded_by_id_foreign" foreign key ("uploaded_by_id") references "users" ("id");`);
    this.addSql(`alter table "attachment_chunks" add constraint "attachment_chunks_attachment_id_foreign" foreign key ("attachment_id") references "attachments" ("id") on delete cascade;`);
    this.addSql(`alter table "attachment_chunks" add constraint "attachment_chunks_organization_id_foreign" foreign key ("organization_id") references "organizations" ("id");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "attachment_chunks" cascade;`);
    this.addSql(`drop table if exists "attachments" cascade;`);
  }
}
