/** ITIL impact × urgency → priority. Pure; shared by workflow, API and UI. */

export const LEVELS = ['high', 'medium', 'low'] as const;
export type Level = (typeof LEVELS)[number];

export const PRIORITIES = ['P1', 'P2', 'P3', 'P4'] as const;
export type Priority = (typeof PRIORITIES)[number];

export type PriorityMatrix = Record<Level, Record<Level, Priority>>;

/** The default 3×3 matrix of the product brief: rows are impact, columns urgency. */
export const DEFAULT_MATRIX: PriorityMatrix = {
  high: { high: 'P1', medium: 'P2', low: 'P3' },
  medium: { high: 'P2', medium: 'P3', low: 'P4' },
  low: { high: 'P3', medium: 'P4', low: 'P4' },
};

/** Priority for an impact and urgency under a matrix (default: the brief's). */
export function priorityFor(impact: Level, urgency: Level, matrix = DEFAULT_MATRIX): Priority {
  return matrix[impact][urgency];
}
