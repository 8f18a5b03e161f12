import { Migration } from '@mikro-orm/migrations';

/**
 * The in-app inbox is about tickets of any type: its workflow id column no longer points at the
 * incidents table (a request's or change's notifications land there too) and is named for it.
 * Rows are kept.
 */
export class Migration20261202060000 extends Migration {
  override name = 'Migration20261202060000';

  override up(): void | Promise<void> {
    this.addSql(`alter table inbox drop constraint inbox_incident_workflow_id_foreign;`);
    this.addSql(`alter table inbox rename column incident_workflow_id to ticket_workflow_id;`);
    this.addSql(
      `alter table inbox rename constraint inbox_user_id_incident_workflow_id_revision_kind_unique to inbox_user_id_ticket_workflow_id_revision_kind_unique;`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(
      `alter table inbox rename constraint inbox_user_id_ticket_workflow_id_revision_kind_unique to inbox_user_id_incident_workflow_id_revision_kind_unique;`,
    );
    this.addSql(`alter table inbox rename column ticket_workflow_id to incident_workflow_id;`);
    this.addSql(`delete from inbox where incident_workflow_id not like '%/INC-%';`);
    this.addSql(
      `alter table inbox add constraint inbox_incident_workflow_id_foreign foreign key (incident_workflow_id) references incidents (workflow_id);`,
    );
  }
}
