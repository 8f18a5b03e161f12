/**
 * The web app's types, written from the served OpenAPI document's named schemas
 * (components.schemas), so the UI and the API share one contract instead of two hand-kept copies.
 * The committed result is ui/src/kernel/generated/api-types.ts; a test regenerates it from the running
 * API and fails on any difference (`npm run gen:contract` rewrites it).
 */

/** Where the web app's generated types are committed (from the repository root). */
export const CONTRACT_FILE = 'ui/src/kernel/generated/api-types.ts';

type Schema = {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: Schema | boolean;
  items?: Schema;
  prefixItems?: Schema[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  $ref?: string;
  description?: string;
};

const IDENT = /^[A-Za-z_$][\w$]*$/;
const key = (k: string) => (IDENT.test(k) ? k : JSON.stringify(k));

function union(parts: string[]): string {
  const unique = [...new Set(parts)];
  return unique.length ? unique.join(' | ') : 'never';
}

/** Named schemas by their JSON text: a nested copy of one is written as its name. */
type Names = ReadonlyMap<string, string>;
const NONE: Names = new Map();

/** One JSON Schema (2020-12, as zod writes it) as a TypeScript type expression. */
export function tsTypeOf(s: Schema | boolean | undefined, indent = '', named: Names = NONE): string {
  if (s === undefined || s === true) return 'unknown';
  if (s === false) return 'never';
  const name = indent ? named.get(JSON.stringify(s)) : undefined;
  if (name) return name;
  if (s.$ref) return s.$ref.replace(/^#\/components\/schemas\//, '');
  if (s.const !== undefined) return JSON.stringify(s.const);
  if (s.enum) return union(s.enum.map((v) => JSON.stringify(v)));
  if (s.anyOf || s.oneOf) return union((s.anyOf ?? s.oneOf)!.map((x) => tsTypeOf(x, indent, named)));
  if (s.allOf) return s.allOf.map((x) => tsTypeOf(x, indent, named)).join(' & ');
  if (Array.isArray(s.type)) return union(s.type.map((t) => tsTypeOf({ ...s, type: t }, indent, named)));
  switch (s.type) {
    case 'string':
      return 'string';
    case 'number':
    case 'integer':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'null':
      return 'null';
    case 'array':
      if (s.prefixItems) return `[${s.prefixItems.map((x) => tsTypeOf(x, indent, named)).join(', ')}]`;
      return `${wrap(tsTypeOf(s.items, indent, named))}[]`;
    case 'object':
      return objectType(s, indent, named);
    default:
      return 'unknown';
  }
}

const wrap = (t: string) => (/[|&]/.test(t) ? `(${t})` : t);

function objectType(s: Schema, indent: string, named: Names): string {
  const props = Object.entries(s.properties ?? {});
  const extra = s.additionalProperties;
  if (!props.length)
    return extra === false ? 'Record<string, never>' : `Record<string, ${tsTypeOf(extra, indent, named)}>`;
  const inner = `${indent}  `;
  const required = new Set(s.required ?? []);
  const lines = props.map(([k, v]) => {
    const doc = v.description ? `${inner}/** ${v.description.replace(/\*\//g, '*\\/')} */\n` : '';
    return `${doc}${inner}${key(k)}${required.has(k) ? '' : '?'}: ${tsTypeOf(v, inner, named)};`;
  });
  if (extra && extra !== true && typeof extra === 'object' && Object.keys(extra).length) {
    lines.push(`${inner}[key: string]: ${tsTypeOf(extra, inner, named)};`);
  }
  return `{\n${lines.join('\n')}\n${indent}}`;
}

/** The file: one exported type per named schema of the document, in name order. */
export function contractTypesOf(doc: { components?: { schemas?: Record<string, Schema> } }): string {
  const schemas = Object.entries(doc.components?.schemas ?? {}).sort(([a], [b]) => a.localeCompare(b));
  const named: Names = new Map(schemas.map(([name, s]) => [JSON.stringify(s), name]));
  const body = schemas.map(([name, s]) => `export type ${name} = ${tsTypeOf(s, '', named)};`).join('\n\n');
  return [
    "// Generated from the API's OpenAPI document by api/kernel/contract-types.ts: do not edit.",
    '// test/api/contract.test.ts fails when this differs from what the API serves;',
    '// npm run gen:contract rewrites it.',
    '',
    body,
    '',
  ].join('\n');
}
