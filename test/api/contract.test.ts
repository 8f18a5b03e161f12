/**
 * One contract: the web app's types (ui/src/kernel/generated/api-types.ts) are what the running API's
 * OpenAPI document says. A change to a response shape that is not regenerated fails here
 * (`npm run gen:contract` rewrites the file).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFile } from 'node:fs/promises';
import { CONTRACT_FILE, contractTypesOf, tsTypeOf } from '../../api/kernel/contract-types.js';
import { http, startStack, type Stack } from '../support/stack.js';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ worker: false });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

describe('the web app types and the API', () => {
  it('are the same contract (the committed types are generated from the served OpenAPI document)', async () => {
    const doc = (await http(stack.baseUrl)('GET', '/api/v1/openapi.json')).body;
    const generated = contractTypesOf(doc);
    for (const name of ['Incident', 'IncidentPage', 'TimelineEntry', 'DirectoryUser', 'DirectoryTeam'])
      expect(generated).toContain(`export type ${name} = {`);
    const committed = await readFile(CONTRACT_FILE, 'utf8').catch(() => '(missing)');
    if (committed !== generated) {
      throw new Error(
        `${CONTRACT_FILE} differs from the API's OpenAPI document: regenerate it with npm run gen:contract and commit it`,
      );
    }
  });

  it('writes JSON Schema as TypeScript: nullable, enums, records, arrays of unions, optional and quoted keys', () => {
    expect(tsTypeOf({ anyOf: [{ type: 'string' }, { type: 'null' }] })).toBe('string | null');
    expect(tsTypeOf({ type: 'string', enum: ['new', 'closed'] })).toBe('"new" | "closed"');
    expect(
      tsTypeOf({
        type: 'object',
        propertyNames: { type: 'string' },
        additionalProperties: { type: 'number' },
      } as never),
    ).toBe('Record<string, number>');
    expect(tsTypeOf({ type: 'array', items: { anyOf: [{ type: 'integer' }, { type: 'boolean' }] } })).toBe(
      '(number | boolean)[]',
    );
    expect(
      tsTypeOf({
        type: 'object',
        properties: { a: { type: 'string' }, 'x-y': { type: 'integer' } },
        required: ['a'],
        additionalProperties: false,
      }),
    ).toBe('{\n  a: string;\n  "x-y"?: number;\n}');
    expect(tsTypeOf({ $ref: '#/components/schemas/ProblemDetails' })).toBe('ProblemDetails');
    expect(tsTypeOf({})).toBe('unknown');
  });
});
