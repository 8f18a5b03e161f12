// Generated from the API's OpenAPI document by api/kernel/contract-types.ts: do not edit.
// test/api/contract.test.ts fails when this differs from what the API serves;
// npm run gen:contract rewrites it.

export type ApprovalRow = {
  key: string;
  title: string;
  /** the item's name in both languages (title is the English one) */
  itemName: {
    en: string;
    id?: string;
  };
  stepId: string;
  stepLabel: string | null;
  requesterId: string;
  requesterName: string;
  onBehalfOf: string | null;
  onBehalfOfName: string | null;
  state: "pending" | "approved" | "rejected" | "no_longer_required" | "delegated";
  askedAt: string;
  decidedAt: string | null;
  comment: string | null;
  deadlineAt: string | null;
  tally: string;
  answers: Record<string, unknown>;
  form: {
    fields: unknown[];
  };
};

export type CatalogCategory = {
  id: string;
  key: string;
  name: {
    en: string;
    id?: string;
  };
  description: {
    en: string;
    id?: string;
  } | null;
  icon: string | null;
  sortOrder: number;
  active: boolean;
  /** items in the category */
  items: number;
};

export type CatalogItem = {
  id: string;
  key: string;
  categoryId: string;
  name: {
    en: string;
    id?: string;
  };
  description: {
    en: string;
    id?: string;
  } | null;
  icon: string | null;
  audienceRoles: string[];
  audienceTeamIds: string[];
  /** the item's own fields */
  fields: unknown[];
  fieldSetIds: string[];
  /** the whole form: own fields, then the field sets */
  form: {
    fields: unknown[];
  };
  flowId: string | null;
  flowName: string | null;
  /** the published version new requests run */
  flowVersion: number | null;
  fulfilmentTeamId: string | null;
  slaPolicyId: string | null;
  active: boolean;
  updatedAt: string;
};

export type CiClass = {
  key: string;
  name: {
    en: string;
    id?: string;
  };
  parent: string | null;
  /** comes with Lintas (cannot be removed; attributes may be added) */
  shipped: boolean;
  own: unknown[];
  attributes: unknown[];
  /** CIs of exactly this class */
  items: number;
};

export type CiRelation = {
  id: string;
  type: "hosted_on" | "depends_on" | "uses" | "supports" | "contains" | "connects_to";
  from: {
    id: string;
    name: string;
    classKey: string;
  };
  to: {
    id: string;
    name: string;
    classKey: string;
  };
  /** from reads to this way: "hosted on" */
  reading: string;
  /** to reads from this way: "hosts" */
  inverse: string;
  group: {
    id: string;
    name: string;
    minUp: number;
  } | null;
  validFrom: string;
  validTo: string | null;
  note: string | null;
};

export type CiSource = {
  key: string;
  name: string;
  precedence: number;
  /** CIs it has reported */
  cis: number;
  /** when it last reported one */
  lastSeenAt: string | null;
};

export type CiTickets = {
  items: ({
    type: "incident" | "request";
    key: string;
    title: string;
    status: string;
    priority: string | null;
    open: boolean;
    updatedAt: string;
  })[];
};

export type CmdbHealth = {
  staleDays: number;
  classes: {
    classKey: string;
    className: {
      en: string;
      id?: string;
    };
    total: number;
    /** 0–100: the share of its CIs with no finding */
    score: number;
    counts: {
      missingRequired: number;
      noOwner: number;
      stale: number;
      orphan: number;
    };
    examples: {
      missingRequired: {
        id: string;
        name: string;
      }[];
      noOwner: {
        id: string;
        name: string;
      }[];
      stale: {
        id: string;
        name: string;
      }[];
      orphan: {
        id: string;
        name: string;
      }[];
    };
  }[];
};

export type ConfigurationItem = {
  id: string;
  name: string;
  classKey: string;
  className: {
    en: string;
    id?: string;
  };
  status: "planned" | "ordered" | "in_stock" | "in_use" | "maintenance" | "retired" | "disposed";
  statusChangedAt: string;
  version: string | null;
  description: string | null;
  owner: {
    id: string;
    name: string;
  } | null;
  ownerTeam: {
    id: string;
    name: string;
  } | null;
  location: string | null;
  criticality: "low" | "medium" | "high" | "critical";
  serialNumber: string | null;
  assetTag: string | null;
  hostname: string | null;
  warrantyEnd: string | null;
  supportEnd: string | null;
  licenceExpiry: string | null;
  attributes: Record<string, unknown>;
  revision: number;
  createdAt: string;
  updatedAt: string;
  /** who last set each field (`attributes.<key>` for an attribute): a discovery source's key, or manual */
  fieldSources: Record<string, string>;
  /** when a discovery source last reported it */
  discoveredAt: string | null;
};

export type DirectoryTeam = {
  id: string;
  name: string;
  memberIds: string[];
};

export type DirectoryUser = {
  id: string;
  email: string;
  displayName: string;
  role: string;
  active: boolean;
  teamIds: string[];
};

export type FieldSet = {
  id: string;
  key: string;
  name: string;
  fields: unknown[];
  /** items that include it */
  usedBy: number;
};

export type Impact = {
  at: string;
  failed: ({
    ci: {
      id: string;
      name: string;
      classKey: string;
      className: {
        en: string;
        id?: string;
      };
      criticality: "low" | "medium" | "high" | "critical";
      status: "planned" | "ordered" | "in_stock" | "in_use" | "maintenance" | "retired" | "disposed";
      owner: {
        id: string;
        name: string;
      } | null;
      ownerTeam: {
        id: string;
        name: string;
      } | null;
      /** a business or technical service */
      service: boolean;
    };
    grade: "at_risk" | "degraded" | "down";
    /** open incidents on the CI, most urgent first (empty without incident.read) */
    incidents: {
      key: string;
      title: string;
      priority: string;
    }[];
  })[];
  affected: ({
    ci: {
      id: string;
      name: string;
      classKey: string;
      className: {
        en: string;
        id?: string;
      };
      criticality: "low" | "medium" | "high" | "critical";
      status: "planned" | "ordered" | "in_stock" | "in_use" | "maintenance" | "retired" | "disposed";
      owner: {
        id: string;
        name: string;
      } | null;
      ownerTeam: {
        id: string;
        name: string;
      } | null;
      /** a business or technical service */
      service: boolean;
    };
    grade: "at_risk" | "degraded" | "down";
    depth: number;
    /** why: a relation (type, from) or a group (group, down, members, needs) */
    rule: Record<string, unknown>;
    /** the rule in English */
    reason: string;
    path: {
      id: string;
      name: string;
    }[];
    /** open incidents on the CI, most urgent first (empty without incident.read) */
    incidents: {
      key: string;
      title: string;
      priority: string;
    }[];
  })[];
  /** affected in all (the list may stop at limit) */
  total: number;
  /** affected services in all */
  services: number;
  cycles: {
    id: string;
    name: string;
  }[][];
};

export type Incident = {
  key: string;
  number: number;
  workflowId: string;
  title: string;
  description: string;
  status: "new" | "assigned" | "in_progress" | "pending" | "resolved" | "closed" | "cancelled";
  impact: "high" | "medium" | "low";
  urgency: "high" | "medium" | "low";
  priority: "P1" | "P2" | "P3" | "P4";
  category: string | null;
  assigneeId: string | null;
  teamId: string | null;
  requesterId: string;
  pendingReason: "customer" | "vendor" | "change" | "other" | null;
  resolutionCode: "solved" | "workaround" | "not_reproducible" | "duplicate" | "user_error" | "known_error" | null;
  resolutionNotes: string | null;
  reopenCount: number;
  createdAt: string;
  updatedAt: string;
  resolvedAt: string | null;
  closedAt: string | null;
  autoCloseAt: string | null;
  revision: number;
  /** SLA clocks as of now (business time), or null without a policy */
  sla: {
    policy: {
      id: string;
      version: number;
      name: string;
    };
    response: {
      targetMinutes: number;
      dueAt: string | null;
      elapsedBusinessMinutes: number;
      state: "on_track" | "at_risk" | "breached" | "met" | "paused";
      metAt: string | null;
      breachedAt: string | null;
    };
    resolution: {
      targetMinutes: number;
      dueAt: string | null;
      elapsedBusinessMinutes: number;
      state: "on_track" | "at_risk" | "breached" | "met" | "paused";
      metAt: string | null;
      breachedAt: string | null;
    };
    escalations: ({
      clock: "response" | "resolution";
      fraction: number;
      dueAt?: string;
      at: string;
      actions: unknown[];
    })[];
  } | null;
  acknowledgedAt: string | null;
  workaround: string | null;
  measures: {
    /** Raised → first acknowledgement (calendar time) */
    timeToAcknowledgeMs: number | null;
    /** Raised → latest resolution (calendar time) */
    timeToResolveMs: number | null;
    /** Business time on the resolution clock (the SLA calendar, pauses excluded) */
    businessTimeToResolveMs: number | null;
    reassignmentCount: number;
    reopenCount: number;
    /** Resolved with no reassignment and no reopen; null until resolved */
    firstContactResolution: boolean | null;
  };
  csat: {
    rating: number;
    comment: string | null;
    at: string;
    /** The resolution it rates */
    resolvedAt: string;
  } | null;
  allowedTransitions: ("in_progress" | "pending" | "resolved" | "closed" | "cancelled")[];
  /** the other commands the incident takes now (the workflow refuses the rest) */
  allowedCommands: ("assign" | "comment" | "edit" | "priority" | "workaround" | "watch")[];
  /** people who follow the incident */
  watcherIds: string[];
  /** the configuration items and services it affects */
  ciIds: string[];
};

export type IncidentPage = {
  items: Incident[];
  /** matching incidents, counted up to 1000 */
  total: number;
  /** true when more than 1000 match (total is then 1000) */
  totalCapped: boolean;
  limit: number;
  offset: number;
  /** send as cursor for the next page; null on the last */
  nextCursor: string | null;
};

export type LinkInfo = {
  key: string;
  title: string;
  itemName: {
    en: string;
    id?: string;
  };
  stepId: string;
  stepLabel: string | null;
  approverName: string;
  requesterName: string;
  /** the decision the e-mail link offered */
  decision: "approve" | "reject" | null;
  answers: Record<string, unknown>;
  form: {
    fields: unknown[];
  };
  /** false once the step closed or the approver answered */
  open: boolean;
  state: "pending" | "approved" | "rejected" | "no_longer_required" | "delegated";
  tally: string;
};

export type PortalCatalog = {
  categories: CatalogCategory[];
  items: CatalogItem[];
};

export type ProblemDetails = {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  requestId: string;
  errors?: {
    field: string;
    message: string;
  }[];
};

export type RedundancyGroup = {
  id: string;
  ciId: string;
  name: string;
  minUp: number;
  members: {
    id: string;
    name: string;
    classKey: string;
  }[];
};

export type RequestFlow = {
  key: string;
  flowId: string | null;
  flowName: string | null;
  version: number | null;
  status: "submitted" | "pending_approval" | "approved" | "rejected" | "in_progress" | "completed" | "cancelled";
  /** the flow graph the request runs (its version snapshot) */
  definition: unknown;
  /** edges taken (from>to>when) and how often */
  traversals: Record<string, number>;
  steps: ({
    stepId: string;
    nodeId: string;
    kind: string;
    status: string;
    label: string | null;
  })[];
  /** the nodes whose steps are open */
  waitingOn: string[];
  /** a workflow query, or the stored record when it could not answer */
  source: "workflow" | "record";
  /** the people, teams and form fields the graph names */
  names: {
    users: Record<string, string>;
    teams: Record<string, string>;
    fields: Record<string, {
      en: string;
      id?: string;
    }>;
  };
};

export type RequestPage = {
  items: ServiceRequest[];
  total: number;
  limit: number;
  offset: number;
};

export type SavedView = {
  id: string;
  scope: "cmdb.items";
  name: string;
  query: Record<string, string>;
  shared: boolean;
  mine: boolean;
  ownerName: string;
};

export type ServiceRequest = {
  key: string;
  number: number;
  workflowId: string;
  title: string;
  itemId: string;
  itemKey: string;
  itemName: {
    en: string;
    id?: string;
  };
  requesterId: string;
  requesterName: string;
  status: "submitted" | "pending_approval" | "approved" | "rejected" | "in_progress" | "completed" | "cancelled";
  flowId: string | null;
  flowVersion: number | null;
  answers: Record<string, unknown>;
  /** the form the answers belong to (labels) */
  form: {
    fields: unknown[];
  };
  /** names of the people the answers name, by id */
  namedPeople: Record<string, string>;
  /** the configuration items the answers name */
  ciIds: string[];
  /** names of those configuration items, by id */
  namedCis: Record<string, string>;
  /** the approval path so far, oldest first */
  steps: ({
    id: string;
    nodeId: string;
    kind: "approval" | "task" | "wait" | "webhook";
    label: string | null;
    status: "resolving" | "open" | "approved" | "rejected" | "done" | "ok" | "failed" | "withdrawn";
    openedAt: string;
    closedAt: string | null;
    reason: string | null;
    approvers: ({
      userId: string;
      name: string;
      onBehalfOf: string | null;
      onBehalfOfName: string | null;
      state: "pending" | "approved" | "rejected" | "no_longer_required" | "delegated";
      askedAt: string;
      at: string | null;
      comment: string | null;
    })[];
    rule: unknown | null;
    /** approval steps: "2 of 3" */
    tally: {
      approved: number;
      rejected: number;
      needed: number;
      asked: number;
      text: string;
    } | null;
    deadlineAt: string | null;
    escalatedTo: string | null;
    teamId: string | null;
    teamName: string | null;
    title: string | null;
    dueAt: string | null;
    doneBy: string | null;
    note: string | null;
    wakeAt: string | null;
    /** what the caller may do at this step: vote (asked and not answered), complete (a task of one's team) */
    youMay: ("vote" | "complete")[];
  })[];
  /** what comes next if the open steps go ahead */
  upcoming: ({
    kind: "approval" | "task" | "wait" | "webhook" | "fork" | "fulfilment";
    nodeId: string;
    label: string | null;
    approvers?: string[];
    teamId?: string;
    teamName?: string | null;
  })[];
  outcomeReason: string | null;
  sla: {
    policy: {
      id: string;
      version: number;
      name: string;
    };
    response: {
      targetMinutes: number;
      dueAt: string | null;
      elapsedBusinessMinutes: number;
      state: "on_track" | "at_risk" | "breached" | "met" | "paused";
      metAt: string | null;
      breachedAt: string | null;
    };
    resolution: {
      targetMinutes: number;
      dueAt: string | null;
      elapsedBusinessMinutes: number;
      state: "on_track" | "at_risk" | "breached" | "met" | "paused";
      metAt: string | null;
      breachedAt: string | null;
    };
    escalations: ({
      clock: "response" | "resolution";
      fraction: number;
      dueAt?: string;
      at: string;
      actions: unknown[];
    })[];
  } | null;
  csat: {
    rating: number;
    comment: string | null;
    at: string;
  } | null;
  ratingUntil: string | null;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  revision: number;
  /** what the caller may do now (votes and tasks: see the steps) */
  allowedCommands: ("cancel" | "comment" | "rate")[];
};

export type TaskRow = {
  key: string;
  title: string;
  stepId: string;
  taskTitle: string;
  teamId: string;
  teamName: string;
  state: "open" | "done" | "withdrawn";
  openedAt: string;
  dueAt: string | null;
  doneAt: string | null;
  doneBy: string | null;
  note: string | null;
  requesterName: string;
};

export type TimelineEntry = {
  revision: number;
  type: string;
  actorId: string | null;
  actorKind: string;
  at: string;
  data: Record<string, unknown>;
};

export type VoteAnswer = {
  request: ServiceRequest;
  step: {
    id: string;
    nodeId: string;
    kind: "approval" | "task" | "wait" | "webhook";
    label: string | null;
    status: "resolving" | "open" | "approved" | "rejected" | "done" | "ok" | "failed" | "withdrawn";
    openedAt: string;
    closedAt: string | null;
    reason: string | null;
    approvers: ({
      userId: string;
      name: string;
      onBehalfOf: string | null;
      onBehalfOfName: string | null;
      state: "pending" | "approved" | "rejected" | "no_longer_required" | "delegated";
      askedAt: string;
      at: string | null;
      comment: string | null;
    })[];
    rule: unknown | null;
    /** approval steps: "2 of 3" */
    tally: {
      approved: number;
      rejected: number;
      needed: number;
      asked: number;
      text: string;
    } | null;
    deadlineAt: string | null;
    escalatedTo: string | null;
    teamId: string | null;
    teamName: string | null;
    title: string | null;
    dueAt: string | null;
    doneBy: string | null;
    note: string | null;
    wakeAt: string | null;
    /** what the caller may do at this step: vote (asked and not answered), complete (a task of one's team) */
    youMay: ("vote" | "complete")[];
  };
  /** "2 of 3" */
  tally: string;
};
