/** The flow as the API answers it (GET /flows/:id), as the designer reads it. */
import type { Flow, FlowProblem } from '../workflows/kernel/flow.js';

export interface Person {
  id: string;
  name: string;
}

export interface FlowVersionDto {
  version: number;
  state: 'published' | 'retired';
  definition: Flow;
  publishedAt: string | null;
  publishedBy: Person | null;
  inFlight: number;
}

export interface FlowDto {
  id: string;
  name: string;
  published: number | null;
  latest: number;
  draft: {
    definition: Flow;
    revision: number;
    problems: FlowProblem[];
    savedAt: string;
    savedBy: Person | null;
  };
  unpublishedChanges: boolean;
  items: { key: string; name: string }[];
  versions: FlowVersionDto[];
}

/** What a refused save or publish carries: the draft as it now stands. */
export interface DraftConflict {
  revision: number;
  savedAt: string;
  savedBy: Person | null;
  definition: Flow;
}
