import { Migration } from '@mikro-orm/migrations';

/**
 * One timeline table and one number counter for every ticket type (issue 12): `incident_events`
 * becomes `ticket_events` (rows kept, each marked INC; the workflow id column no longer points at
 * the incidents table, since a request's or change's events land there too), and each
 * organization's incident counter moves to `ticket_counters` under type INC, beside which the
 * other types get their own rows on first use.
 */
/** The timeline table's constraints, old name and new. */
const RENAMED_CONSTRAINTS = [
  ['incident_events_pkey', 'ticket_events_pkey'],
  ['incident_events_incident_workflow_id_revision_unique', 'ticket_events_ticket_workflow_id_revision_unique'],
  ['incident_events_organization_id_foreign', 'ticket_events_organization_id_foreign'],
  ['incident_events_actor_id_foreign', 'ticket_events_actor_id_foreign'],
] as const;

export class Migration20261202050000 extends Migration {
  override name = 'Migration20261202050000';

  override up(): void | Promise<void> {
    this.addSql(`alter table incident_events drop constraint incident_events_incident_workflow_id_foreign;`);
    this.addSql(`alter table incident_events rename to ticket_events;`);
    this.addSql(`alter table ticket_events rename column incident_workflow_id to ticket_workflow_id;`);
    this.addSql(`alter table ticket_events add column ticket_type varchar(8) not null default 'INC';`);
    this.addSql(`alter table ticket_events alter column ticket_type drop default;`);
    for (const [from, to] of RENAMED_CONSTRAINTS) this.addSql(`alter table ticket_events rename constraint ${from} to ${to};`);
    this.addSql(`alter sequence incident_events_id_seq rename to ticket_events_id_seq;`);
    this.addSql(`alter index incident_events_organization_id_index rename to ticket_events_organization_id_index;`);
    this.addSql(`alter index incident_events_comment_search rename to ticket_events_comment_search;`);
    // Search walks one type's newest comments.
    this.addSql(`drop index incident_events_newest_comments;`);
    this.addSql(
      `create index ticket_events_newest_comments on ticket_events (organization_id, ticket_type, id) where type in ('comment', 'work_note');`,
    );

    this.addSql(
      `create table ticket_counters (organization_id uuid not null, ticket_type varchar(8) not null, next_number int not null, constraint ticket_counters_pkey primary key (organization_id, ticket_type), constraint ticket_counters_organization_id_foreign foreign key (organization_id) references organizations (id));`,
    );
    this.addSql(`insert into ticket_counters (organization_id, ticket_type, next_number)
      select id, 'INC', next_incident_number from organizations;`);
    this.addSql(`alter table organizations drop column next_incident_number;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table organizations add column next_incident_number int not null default 1;`);
    this.addSql(`update organizations o set next_incident_number = c.next_number
      from ticket_counters c where c.organization_id = o.id and c.ticket_type = 'INC';`);
    this.addSql(`drop table ticket_counters;`);
    this.addSql(`delete from ticket_events where ticket_type <> 'INC';`);
    this.addSql(`drop index ticket_events_newest_comments;`);
    this.addSql(
      `create index incident_events_newest_comments on ticket_events (organization_id, id) where type in ('comment', 'work_note');`,
    );
    this.addSql(`alter index ticket_events_comment_search rename to incident_events_comment_search;`);
    this.addSql(`alter index ticket_events_organization_id_index rename to incident_events_organization_id_index;`);
    this.addSql(`alter sequence ticket_events_id_seq rename to incident_events_id_seq;`);
    for (const [to, from] of RENAMED_CONSTRAINTS) this.addSql(`alter table ticket_events rename constraint ${from} to ${to};`);
    this.addSql(`alter table ticket_events drop column ticket_type;`);
    this.addSql(`alter table ticket_events rename column ticket_workflow_id to incident_workflow_id;`);
    this.addSql(`alter table ticket_events rename to incident_events;`);
    this.addSql(
      `alter table incident_events add constraint incident_events_incident_workflow_id_foreign foreign key (incident_workflow_id) references incidents (workflow_id);`,
    );
  }
}
