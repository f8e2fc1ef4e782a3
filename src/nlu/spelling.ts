/**
 * Typo correction for Latin-script words against the words of the training phrases: an unknown
 * word of 4+ letters becomes the most frequent known word one edit away (two for 8+ letters), with
 * insertions, deletions, substitutions and swaps of neighbours counting one edit each. An unknown
 * word with no such neighbour that is known words run together ("cancelplease", "unbindmypos":
 * phone keyboards and hurried typing drop spaces) is split into the fewest of them.
 */

/** Returns the corrected word, or several words separated by spaces. */
export type SpellingCorrector = (word: string) => string;

const MIN_LENGTH = 4;
const LONG_WORD = 8;
/** Shortest run-together word worth splitting, and most pieces it may split into. */
const MIN_RUN_TOGETHER = 6;
const MAX_PIECES = 4;
/** One-letter words a piece may be. */
const ONE_LETTER_WORDS = new Set(['i', 'a']);

/** Optimal string alignment distance, giving up once it exceeds `limit`. */
function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let before = new Array<number>(b.length + 1).fill(0);
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        value = Math.min(value, (before[j - 2] ?? 0) + 1);
      current.push(value);
      rowMin = Math.min(rowMin, value);
    }
    if (rowMin > limit) return limit + 1;
    before = previous;
    previous = current;
  }
  return previous[b.length] ?? limit + 1;
}

/** The fewest known words that make up `word` (ties: the more frequent words), or undefined. */
function splitRunTogether(word: string, counts: Map<string, number>): string[] | undefined {
  // best[i]: the best split of word[0, i) as [pieces, summed frequency, words].
  const best: ([number, number, string[]] | undefined)[] = [[0, 0, []]];
  for (let end = 1; end <= word.length; end++) {
    for (let start = Math.max(0, end - LONG_WORD * 2); start < end; start++) {
      const before = best[start];
      const piece = word.slice(start, end);
      const count = counts.get(piece);
      if (!before || count === undefined || (piece.length === 1 && !ONE_LETTER_WORDS.has(piece))) continue;
      const candidate: [number, number, string[]] = [before[0] + 1, before[1] + count, [...before[2], piece]];
      const current = best[end];
      if (!current || candidate[0] < current[0] || (candidate[0] === current[0] && candidate[1] > current[1]))
        best[end] = candidate;
    }
  }
  const found = best[word.length];
  return found && found[0] >= 2 && found[0] <= MAX_PIECES ? found[2] : undefined;
}

export function createSpellingCorrector(knownWords: Iterable<string>): SpellingCorrector {
  const counts = new Map<string, number>();
  for (const word of knownWords) counts.set(word, (counts.get(word) ?? 0) + 1);
  const vocabulary = [...counts].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1)).map(([word]) => word);
  const cache = new Map<string, string>();

  return (word) => {
    if (word.length < MIN_LENGTH || counts.has(word)) return word;
    const cached = cache.get(word);
    if (cached !== undefined) return cached;
    const limit = word.length >= LONG_WORD ? 2 : 1;
    let best = word;
    let bestDistance = limit + 1;
    for (const known of vocabulary) {
      const distance = editDistance(word, known, Math.min(limit, bestDistance - 1));
      if (distance < bestDistance) {
        best = known;
        bestDistance = distance;
        if (distance === 1 && limit === 1) break;
      }
    }
    if (best === word && word.length >= MIN_RUN_TOGETHER) best = splitRunTogether(word, counts)?.join(' ') ?? word;
    cache.set(word, best);
    return best;
  };
}
