/** Rules for free text on tickets. Pure; shared by the API's schemas and the workflow's validators. */

// PostgreSQL text cannot hold NUL and jsonb refuses lone surrogates; other C0 controls except tab,
// LF and CR have no place in a ticket either.
const CONTROL_CHARS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/** True when the text can be stored and shown: well-formed Unicode, no control characters but tab and newlines. */
export function isStorableText(text: string): boolean {
  return !CONTROL_CHARS.test(text) && text.isWellFormed();
}

export const STORABLE_TEXT_MESSAGE = 'must be well-formed Unicode without control characters';

// Embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069) reorder what follows them on
// screen: "INC-5 ‮gnp.exe" shows as "INC-5 exe.png". Plain direction marks (LRM, RLM, ALM) only
// nudge neutral characters and stay allowed for right-to-left languages.
const BIDI_CONTROLS = /[\u202a-\u202e\u2066-\u2069]/;

/**
 * True when the text is storable and cannot reverse how it or its neighbours are displayed. The API
 * refuses other text at the edge; the workflow's validators keep `isStorableText`, because their
 * handlers re-run on replay and must accept what older code accepted.
 */
export function isDisplayableText(text: string): boolean {
  return isStorableText(text) && !BIDI_CONTROLS.test(text);
}

export const DISPLAYABLE_TEXT_MESSAGE =
  'must be well-formed Unicode without control characters or bidirectional overrides';

/** How categories compare: trimmed, case and width folded ("Printing " = "printing"). */
export function categoryKey(name: string): string {
  return name.normalize('NFKC').trim().toLocaleLowerCase('en-US');
}
