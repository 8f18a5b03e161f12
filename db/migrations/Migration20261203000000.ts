import { Migration } from '@mikro-orm/migrations';

/**
 * One draft per flow (issue 14): the graph being edited lives on the flow with a revision every
 * save names; versions are published, immutable snapshots only. A flow's newest draft version
 * becomes its draft (else its published one); draft versions are dropped (no request runs a
 * draft), so version numbers may skip where a draft was never published.
 */
export class Migration20261203000000 extends Migration {
  override name = 'Migration20261203000000';

  override up(): void | Promise<void> {
    this.addSql(`alter table "flows" add "draft" jsonb null, add "draft_revision" int not null default 1, add "draft_saved_at" timestamptz null, add "draft_saved_by_id" uuid null;`);
    this.addSql(`alter table "flows" add constraint "flows_draft_saved_by_id_foreign" foreign key ("draft_saved_by_id") references "users" ("id") on delete set null;`);
    this.addSql(`update "flows" f set "draft" = v."definition", "draft_saved_at" = v."created_at", "draft_saved_by_id" = v."created_by_id"
      from (select distinct on ("flow_id") "flow_id", "definition", "created_at", "created_by_id" from "flow_versions"
            order by "flow_id", ("state" = 'draft') desc, "version" desc) v
      where v."flow_id" = f."id";`);
    this.addSql(`update "flows" set "draft" = '{"nodes":[{"id":"start","type":"start"},{"id":"completed","type":"end","outcome":"completed"}],"edges":[{"from":"start","to":"completed"}]}'::jsonb, "draft_saved_at" = "created_at" where "draft" is null;`);
    this.addSql(`alter table "flows" alter column "draft" set not null, alter column "draft_saved_at" set not null;`);
    this.addSql(`delete from "flow_versions" where "state" = 'draft';`);
    this.addSql(`alter table "flow_versions" drop constraint "flow_versions_state_check";`);
    this.addSql(`alter table "flow_versions" alter column "state" set default 'published';`);
    this.addSql(`alter table "flow_versions" add constraint "flow_versions_state_check" check ("state" in ('published', 'retired'));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "flow_versions" drop constraint "flow_versions_state_check";`);
    this.addSql(`alter table "flow_versions" alter column "state" set default 'draft';`);
    this.addSql(`alter table "flow_versions" add constraint "flow_versions_state_check" check ("state" in ('draft', 'published', 'retired'));`);
    this.addSql(`alter table "flows" drop constraint "flows_draft_saved_by_id_foreign";`);
    this.addSql(`alter table "flows" drop column "draft", drop column "draft_revision", drop column "draft_saved_at", drop column "draft_saved_by_id";`);
  }
}
