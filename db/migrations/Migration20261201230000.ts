import { Migration } from '@mikro-orm/migrations';

/**
 * Indexes for the console's saved views at a million incidents (api/incident-list.ts): each view's
 * filter and order is one index range — open incidents by priority (all open), by assignee (mine),
 * by team (my team), unassigned, and by due time (breaching soon) — and the words of each incident
 * and comment as stored tsvector columns with full-text indexes ('simple' configuration: words as
 * written, any language), for search.
 * Ascending sorts break ties newest first, hence -number.
 */
export class Migration20261201230000 extends Migration {
  override name = 'Migration20261201230000';

  override up(): void | Promise<void> {
    const open = `where status in ('new', 'assigned', 'in_progress', 'pending')`;
    this.addSql(`create index incidents_open_by_priority on incidents (organization_id, priority, (-number)) ${open};`);
    this.addSql(
      `create index incidents_open_by_assignee on incidents (organization_id, assignee_id, priority, (-number)) ${open};`,
    );
    this.addSql(`create index incidents_open_by_team on incidents (organization_id, team_id, priority, (-number)) ${open};`);
    this.addSql(
      `create index incidents_open_unassigned on incidents (organization_id, priority, (-number)) ${open} and assignee_id is null;`,
    );
    // The next SLA deadline of either running clock: "breaching soon" is one index range on it.
    this.addSql(
      `alter table incidents add column next_due_at timestamptz generated always as (least(response_due_at, resolution_due_at)) stored;`,
    );
    this.addSql(`create index incidents_open_by_next_due on incidents (organization_id, next_due_at) ${open};`);
    this.addSql(`create index incidents_open_by_resolution_due on incidents (organization_id, resolution_due_at) ${open};`);
    this.addSql(`create index incidents_by_requester on incidents (organization_id, requester_id, updated_at);`);
    this.addSql(`create index incidents_watchers on incidents using gin (watcher_ids jsonb_path_ops);`);
    this.addSql(
      `alter table incidents add column search_vector tsvector generated always as (to_tsvector('simple'::regconfig, title || ' ' || description || ' ' || coalesce(resolution_notes, ''))) stored;`,
    );
    this.addSql(`create index incidents_search on incidents using gin (search_vector);`);
    this.addSql(
      `alter table incident_events add column search_vector tsvector generated always as (case when type in ('comment', 'work_note') then to_tsvector('simple'::regconfig, coalesce(data->>'body', '')) end) stored;`,
    );
    this.addSql(
      `create index incident_events_comment_search on incident_events using gin (search_vector) where type in ('comment', 'work_note');`,
    );
    this.addSql(
      `create index incident_events_newest_comments on incident_events (organization_id, id) where type in ('comment', 'work_note');`,
    );
  }

  override down(): void | Promise<void> {
    for (const name of [
      'incidents_open_by_priority',
      'incidents_open_by_assignee',
      'incidents_open_by_team',
      'incidents_open_unassigned',
      'incidents_open_by_next_due',
      'incident_events_newest_comments',
      'incidents_open_by_resolution_due',
      'incidents_by_requester',
      'incidents_watchers',
      'incidents_search',
      'incident_events_comment_search',
    ])
      this.addSql(`drop index if exists ${name};`);
    this.addSql(`alter table incidents drop column if exists search_vector;`);
    this.addSql(`alter table incidents drop column if exists next_due_at;`);
    this.addSql(`alter table incident_events drop column if exists search_vector;`);
  }
}
