/** Rules for free text on tickets. Pure; shared by the API's schemas and the workflow's validators. */

// PostgreSQL text cannot hold NUL and jsonb refuses lone surrogates; other C0 controls except tab,
// LF and CR have no place in a ticket either.
const CONTROL_CHARS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/** True when the text can be stored and shown: well-formed Unicode, no control characters but tab and newlines. */
export function isStorableText(text: string): boolean {
  return !CONTROL_CHARS.test(text) && text.isWellFormed();
}

export const STORABLE_TEXT_MESSAGE = 'must be well-formed Unicode without control characters';
