/** Registers the search attributes ticket workflows carry, on a Temporal cluster that lacks them. */
import type { Connection } from '@temporalio/client';
import type { Logger } from 'pino';
import { ORG_SEARCH_ATTRIBUTE } from '../workflows/runtime/contract.js';

// temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD
const KEYWORD = 2;

/**
 * Adds `LintasOrg` (Keyword) to the namespace if it is missing. Needs operator rights; where the
 * cluster refuses (e.g. a managed service), it logs what to register by hand, since starting a
 * ticket would fail without it.
 */
export async function ensureSearchAttributes(connection: Connection, namespace: string, log: Logger): Promise<void> {
  const name = ORG_SEARCH_ATTRIBUTE.name;
  try {
    const existing = await connection.operatorService.listSearchAttributes({ namespace });
    if (existing.customAttributes?.[name] !== undefined) return;
    await connection.operatorService.addSearchAttributes({ namespace, searchAttributes: { [name]: KEYWORD } });
    log.info({ namespace, searchAttribute: name }, 'registered search attribute');
  } catch (err) {
    log.error(
      { err, namespace },
      `could not check or register the search attribute; register it: temporal operator search-attribute create --namespace ${namespace} --name ${name} --type Keyword`,
    );
  }
}
