import { Migration } from '@mikro-orm/migrations';

/**
 * Indexes for the console's saved views at a million incidents (api/incident-list.ts): each view's
 * filter and order is one index range — open incidents by priority (all open), by assignee (mine),
 * by team (my team), unassigned, and by due time (breaching soon) — and trigram indexes for search
 * in the incident's text and its comments. Ascending sorts break ties newest first, hence -number.
 */
export class Migration20261201230000 extends Migration {
  override name = 'Migration20261201230000';

  override up(): void | Promise<void> {
    const open = `where status in ('new', 'assigned', 'in_progress', 'pending')`;
    this.addSql(`create extension if not exists pg_trgm;`);
    this.addSql(`create index incidents_open_by_priority on incidents (organization_id, priority, (-number)) ${open};`);
    this.addSql(
      `create index incidents_open_by_assignee on incidents (organization_id, assignee_id, priority, (-number)) ${open};`,
    );
    this.addSql(`create index incidents_open_by_team on incidents (organization_id, team_id, priority, (-number)) ${open};`);
    this.addSql(
      `create index incidents_open_unassigned on incidents (organization_id, priority, (-number)) ${open} and assignee_id is null;`,
    );
    this.addSql(`create index incidents_open_by_response_due on incidents (organization_id, response_due_at) ${open};`);
    this.addSql(`create index incidents_open_by_resolution_due on incidents (organization_id, resolution_due_at) ${open};`);
    this.addSql(`create index incidents_by_requester on incidents (organization_id, requester_id, updated_at);`);
    this.addSql(`create index incidents_watchers on incidents using gin (watcher_ids jsonb_path_ops);`);
    this.addSql(
      `create index incidents_search on incidents using gin ((title || ' ' || description || ' ' || coalesce(resolution_notes, '')) gin_trgm_ops);`,
    );
    this.addSql(
      `create index incident_events_comment_search on incident_events using gin ((data->>'body') gin_trgm_ops) where type in ('comment', 'work_note');`,
    );
  }

  override down(): void | Promise<void> {
    for (const name of [
      'incidents_open_by_priority',
      'incidents_open_by_assignee',
      'incidents_open_by_team',
      'incidents_open_unassigned',
      'incidents_open_by_response_due',
      'incidents_open_by_resolution_due',
      'incidents_by_requester',
      'incidents_watchers',
      'incidents_search',
      'incident_events_comment_search',
    ])
      this.addSql(`drop index if exists ${name};`);
  }
}
