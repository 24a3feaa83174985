/** BuildKit's "did you mean" hints: the closest known word within an edit distance of 2. */

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}

// BuildKit matches the case of what was written: `FORM` suggests `FROM`, `form` suggests `from`.
function matchCase(option: string, written: string): string {
  if (written === written.toLowerCase()) return option.toLowerCase();
  if (written === written.toUpperCase()) return option.toUpperCase();
  return option;
}

/** The closest option (distance below 3), or undefined; an exact match means the word was fine. */
export function closest(word: string, options: readonly string[], caseSensitive: boolean): string | undefined {
  const value = caseSensitive ? word : word.toLowerCase();
  let best: string | undefined;
  let bestDistance = 3;
  for (const raw of options) {
    const option = caseSensitive ? raw : raw.toLowerCase();
    if (option === value) return undefined;
    const d = distance(value, option);
    if (d < bestDistance) {
      best = caseSensitive ? option : matchCase(option, word);
      bestDistance = d;
    }
  }
  return best;
}

/** `message (did you mean x?)` when a close option exists, as BuildKit's suggest.WrapError words it. */
export function withSuggestion(message: string, word: string, options: readonly string[], caseSensitive: boolean): string {
  const match = closest(word, options, caseSensitive);
  return match ? `${message} (did you mean ${match}?)` : message;
}
