/** A message split into what went wrong and what to do about it. */
export interface MessageAndFix {
  readonly message: string;
  readonly fix: string | undefined;
}

// The kernel engine writes "what went wrong: what to do" (sharp's style). Splitting at the last
// clause that starts with an imperative lets a config problem show the two on separate lines.
const REMEDY = /(?::|;)\s+((?:try|use|make|write|drop|set|add|remove|change|give|quote)\b.*)$/s;

/**
 * Splits an engine error message into its diagnosis and its remedy, when it has one.
 * @example splitRemedy('box size 4 is even: try box3 or box5') // { message: 'box size 4 is even', fix: 'try box3 or box5' }
 */
export function splitRemedy(text: string): MessageAndFix {
  const match = REMEDY.exec(text);
  if (match === null || match.index === 0) return { message: text, fix: undefined };
  return { message: text.slice(0, match.index), fix: match[1] };
}
