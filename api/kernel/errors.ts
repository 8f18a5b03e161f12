/** The API's error model: every failure becomes `application/problem+json` with a stable code. */

export interface FieldError {
  field: string;
  message: string;
}

export class AppError extends Error {
  override readonly name = 'AppError';
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly fields: FieldError[] = [],
    readonly headers: Record<string, string> = {},
    /** Extra members of the problem document (RFC 9457 extensions), e.g. `outcome`. */
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(detail);
  }
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  423: 'Locked',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

export function titleFor(status: number): string {
  return TITLES[status] ?? 'Error';
}

export const notFound = (what: string) => new AppError(404, 'not_found', `${what} was not found`);
export const unauthorized = (detail = 'Sign in to use this endpoint') =>
  new AppError(401, 'unauthorized', detail, [], { 'WWW-Authenticate': 'Bearer' });
export const forbidden = (detail: string) => new AppError(403, 'forbidden', detail);
export const validationFailed = (fields: FieldError[], detail = 'The request has invalid fields') =>
  new AppError(422, 'validation_failed', detail, fields);
