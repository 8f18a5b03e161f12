/** Builds the OpenAPI 3.1 document from the route declarations (JSON Schema 2020-12 via zod). */
import { z } from 'zod';
import type { AnyRoute } from './route.js';
import { ProblemDetails } from './schemas.js';
import { titleFor } from './errors.js';

type Json = Record<string, unknown>;

function schemaOf(s: z.ZodType, io: 'input' | 'output'): Json {
  const { $schema: _, ...rest } = z.toJSONSchema(s, { io, unrepresentable: 'any' }) as Json;
  return rest;
}

function parametersOf(route: AnyRoute): Json[] {
  const out: Json[] = [];
  for (const [where, schema] of [
    ['path', route.params],
    ['query', route.query],
  ] as const) {
    if (!schema) continue;
    const js = schemaOf(schema, 'input') as { properties?: Record<string, Json>; required?: string[] };
    for (const [name, prop] of Object.entries(js.properties ?? {})) {
      out.push({ name, in: where, required: where === 'path' || (js.required ?? []).includes(name), schema: prop });
    }
  }
  for (const [name, h] of Object.entries(route.headers ?? {})) {
    out.push({
      name,
      in: 'header',
      required: h.required ?? false,
      description: h.description,
      schema: { type: 'string' },
    });
  }
  return out;
}

/**
 * `named` are the contract's types (components.schemas), from which the web app's types are
 * generated (api/kernel/contract-types.ts).
 */
export function buildOpenApi(
  routes: AnyRoute[],
  prefix: string,
  extra: Record<string, Json> = {},
  named: Record<string, z.ZodType> = {},
): Json {
  const paths: Record<string, Json> = { ...extra };
  const problem = { 'application/problem+json': { schema: { $ref: '#/components/schemas/ProblemDetails' } } };
  for (const r of routes) {
    const path = `${prefix}${r.path}`.replace(/:(\w+)/g, '{$1}');
    const responses: Json = {};
    for (const [code, spec] of Object.entries(r.responses)) {
      const status = Number(code);
      responses[code] = {
        description: spec.description,
        content:
          status >= 400
            ? problem
            : spec.schema
              ? { 'application/json': { schema: schemaOf(spec.schema, 'output') } }
              : undefined,
      };
    }
    const authed = r.permission !== 'public';
    if (authed) responses['401'] ??= { description: titleFor(401), content: problem };
    if (authed && r.permission !== 'authenticated' && r.permission !== 'person')
      responses['403'] ??= { description: 'Missing permission', content: problem };
    responses['429'] ??= { description: 'Rate limited (see Retry-After)', content: problem };
    if (r.body) responses['413'] ??= { description: 'Body too large', content: problem };
    responses['default'] = { description: 'Error', content: problem };
    paths[path] = {
      ...(paths[path] ?? {}),
      [r.method]: {
        summary: r.summary,
        ...(r.description ? { description: r.description } : {}),
        tags: [r.tag],
        operationId: `${r.method}${path.replace(/[^a-zA-Z0-9]+(.)?/g, (_m, ch: string | undefined) => (ch ? ch.toUpperCase() : ''))}`,
        security: authed ? [{ bearer: [] }, { apiKey: [] }] : [],
        'x-permission': r.permission,
        ...(r.audit ? { 'x-audit-action': r.audit } : {}),
        parameters: parametersOf(r),
        ...(r.body
          ? { requestBody: { required: true, content: { 'application/json': { schema: schemaOf(r.body, 'input') } } } }
          : {}),
        responses,
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Lintas ITSM API',
      version: '1.0.0',
      description: 'Every ticket is a Temporal workflow; this API sends it commands and reads its projections.',
    },
    servers: [{ url: '/' }],
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
        apiKey: { type: 'apiKey', in: 'header', name: 'X-Api-Key' },
      },
      schemas: {
        ProblemDetails: schemaOf(ProblemDetails, 'output'),
        ...Object.fromEntries(Object.entries(named).map(([name, s]) => [name, schemaOf(s, 'output')])),
      },
    },
    paths,
  };
}
