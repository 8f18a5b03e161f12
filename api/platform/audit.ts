/**
 * The audit log: append-only and hash-chained per organization. Each entry's hash covers its
 * fields and the previous entry's hash, so altering or removing a row breaks the chain at that row.
 */
import { createHash } from 'node:crypto';
import { AuditEntry } from '../../db/entities/index.js';
import type { Em, Orm } from '../../db/orm.js';
import { orgEm } from '../../db/orm.js';

export const GENESIS_HASH = '0'.repeat(64);

export type ActorKind = 'user' | 'api_key' | 'anonymous' | 'system';

export interface AuditInput {
  actorId: string | null;
  actorKind: ActorKind;
  actorLabel: string | null;
  action: string;
  targetType?: string | null | undefined;
  targetId?: string | null | undefined;
  before?: unknown;
  after?: unknown;
  requestId?: string | null | undefined;
  sourceIp?: string | null | undefined;
}

export interface AuditRecord {
  seq: number;
  at: Date;
  actorId: string | null;
  actorKind: string;
  actorLabel: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  before: unknown;
  after: unknown;
  requestId: string | null;
  sourceIp: string | null;
  prevHash: string;
  hash: string;
}

/** JSON with object keys sorted at every level, so a value reads back from jsonb to the same text. */
export function canonicalJson(value: unknown): string {
  if (value === undefined || value === null) return 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The hash of an entry in organization `orgId`, chained to `prevHash`. */
export function entryHash(orgId: string, r: Omit<AuditRecord, 'hash'>): string {
  const fields = [
    orgId,
    r.seq,
    r.at.toISOString(),
    r.actorId,
    r.actorKind,
    r.actorLabel,
    r.action,
    r.targetType,
    r.targetId,
    r.before ?? null,
    r.after ?? null,
    r.requestId,
    r.sourceIp,
    r.prevHash,
  ];
  return createHash('sha256').update(canonicalJson(fields)).digest('hex');
}

export interface Verification {
  ok: boolean;
  checked: number;
  lastSeq: number;
  firstBroken: { seq: number; reason: 'hash_mismatch' | 'chain_broken' | 'missing_entries'; detail: string } | null;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Text PostgreSQL will store as given: no NUL, no lone surrogates, at most `max` characters. */
function storable(text: string, max = Infinity): string {
  return text
    .replace(LONE_SURROGATE, '\uFFFD')
    .replace(/\u0000/g, '\uFFFD')
    .slice(0, max);
}

function clip(text: string | null | undefined, max: number): string | null {
  return text === null || text === undefined ? null : storable(text, max);
}

/**
 * A JSON value as it will read back from jsonb (drops undefined, turns dates into strings, makes
 * every string storable), so that the hash computed now matches the row read back later.
 */
function asStored(v: unknown): unknown {
  if (v === undefined || v === null) return null;
  return JSON.parse(JSON.stringify(v, (_k, x: unknown) => (typeof x === 'string' ? storable(x) : x)));
}

export class AuditLog {
  constructor(private readonly orm: Orm) {}

  /** Appends one entry to the organization's chain (serialised per organization). */
  async append(orgId: string, input: AuditInput): Promise<AuditRecord> {
    const em = orgEm(this.orm, orgId);
    return em.transactional(async (tx) => {
      // One writer per organization at a time, so two entries never claim the same predecessor.
      await tx.execute('select pg_advisory_xact_lock(hashtext(?))', [`audit:${orgId}`]);
      const last = await tx.findOne(AuditEntry, { organization: orgId }, { orderBy: { seq: 'desc' } });
      const base: Omit<AuditRecord, 'hash'> = {
        seq: (last?.seq ?? 0) + 1,
        // Millisecond precision: what PostgreSQL stores is what the hash covered.
        at: new Date(Date.now()),
        actorId: input.actorId,
        actorKind: input.actorKind,
        // Clipped to the columns: an over-long value must never cost the entry.
        actorLabel: clip(input.actorLabel, 254),
        action: storable(input.action, 60),
        targetType: clip(input.targetType, 40),
        targetId: clip(input.targetId, 120),
        before: asStored(input.before),
        after: asStored(input.after),
        requestId: clip(input.requestId, 100),
        sourceIp: clip(input.sourceIp, 64),
        prevHash: last?.hash ?? GENESIS_HASH,
      };
      const record: AuditRecord = { ...base, hash: entryHash(orgId, base) };
      tx.create(AuditEntry, { organization: orgId, ...record });
      return record;
    });
  }

  /** Walks the organization's chain from the start and reports the first entry that does not fit. */
  async verify(em: Em, orgId: string): Promise<Verification> {
    let expectedSeq = 1;
    let prevHash = GENESIS_HASH;
    let checked = 0;
    const batch = 1000;
    for (;;) {
      const rows = await em.find(
        AuditEntry,
        { organization: orgId, seq: { $gte: expectedSeq } },
        { orderBy: { seq: 'asc' }, limit: batch },
      );
      for (const row of rows) {
        const broken = (reason: NonNullable<Verification['firstBroken']>['reason'], detail: string) => ({
          ok: false,
          checked,
          lastSeq: expectedSeq - 1,
          firstBroken: { seq: row.seq, reason, detail },
        });
        if (row.seq !== expectedSeq) {
          return broken('missing_entries', `entries ${expectedSeq}..${row.seq - 1} are missing`);
        }
        if (row.prevHash !== prevHash) {
          return broken('chain_broken', 'its previous-hash does not match the entry before it');
        }
        const record = { ...row, before: row.before ?? null, after: row.after ?? null } as AuditRecord;
        if (entryHash(orgId, record) !== row.hash) {
          return broken('hash_mismatch', 'its content does not match its hash (altered after writing)');
        }
        prevHash = row.hash;
        expectedSeq++;
        checked++;
      }
      em.clear();
      if (rows.length < batch) break;
    }
    return { ok: true, checked, lastSeq: expectedSeq - 1, firstBroken: null };
  }
}
