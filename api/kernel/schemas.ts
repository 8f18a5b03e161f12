/**
 * Request and response shapes every part of the public API shares (zod): validated at the edge,
 * published in OpenAPI. A ticket type's own shapes live in api/<type>/schemas.ts.
 */
import { z } from 'zod';
import { DISPLAYABLE_TEXT_MESSAGE, isDisplayableText } from '../../workflows/kernel/text.js';

export const text = (max: number) => z.string().trim().max(max).refine(isDisplayableText, DISPLAYABLE_TEXT_MESSAGE);
export const uuid = z.uuid();

/** A list parameter: `a,b` or repeated `?x=a&x=b`, each value one of `values`. */
export const csv = <T extends readonly [string, ...string[]]>(values: T) =>
  z
    .union([z.string(), z.array(z.string())])
    .transform((v) =>
      (Array.isArray(v) ? v : [v])
        .flatMap((s) => s.split(','))
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.enum(values)).min(1))
    .describe(`comma-separated, any of: ${values.join(', ')}`);

/** A decimal integer parameter (no hex, exponents or blanks). */
export const intParam = (min: number, max: number, fallback: number) =>
  z
    .string()
    .regex(/^\d{1,9}$/, 'expected a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max))
    .default(fallback);

export const TimelineEntry = z.object({
  revision: z.number().int(),
  type: z.string(),
  actorId: uuid.nullable(),
  actorKind: z.string(),
  at: z.string(),
  data: z.record(z.string(), z.unknown()),
});

export const Timeline = z.object({ items: z.array(TimelineEntry) });

/** An RFC 9457 problem details body (named so that it cannot be taken for an ITIL problem). */
export const ProblemDetails = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
  code: z.string(),
  requestId: z.string(),
  errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
});

type WithoutDefaults<T extends z.ZodRawShape> = {
  [K in keyof T]: T[K] extends z.ZodDefault<infer Inner> ? Inner : T[K];
};

/**
 * The patch of a create body: every field optional and none filled in by a default (a plain
 * `.partial()` keeps the defaults, so a patch naming one field would reset the others).
 */
export function patchOf<T extends z.ZodRawShape>(body: z.ZodObject<T>) {
  const shape = Object.fromEntries(
    Object.entries(body.shape).map(([k, v]) => [k, v instanceof z.ZodDefault ? v.unwrap() : v]),
  ) as WithoutDefaults<T>;
  return z.strictObject(shape).partial();
}
