/**
 * Tokenisers for the intent classifier. natural's own tokenisers drop every Chinese character,
 * so Chinese runs are cut here: into character unigrams + bigrams (the default, chosen by
 * measurement, see dialogs/nlu/TOKENIZER.md) or by a word segmenter passed in. Latin words are
 * typo-corrected (spelling.ts), split at n't, and Porter-stemmed; entity placeholders (‹phone›,
 * ‹sn›…), numbers of up to 4 digits (88, 886), emoji, ? and ! are tokens too.
 */
import { PorterStemmer } from './natural.ts';
import { normalize } from './normalize.ts';
import { createSpellingCorrector, type SpellingCorrector } from './spelling.ts';

/** Takes normalised text (see normalize.ts), returns its tokens. */
export type Tokenizer = (normalizedText: string) => string[];
/** Cuts a run of Chinese characters into tokens. */
export type HanSegmenter = (run: string) => string[];

const SEGMENTS =
  /‹[a-z]+›|(?<han>\p{Script=Han}+)|(?<word>[a-z]+(?:'[a-z]+)*)|(?<digits>\d+)|\p{Extended_Pictographic}|[?!]/gu;

/** can't → can + not; what's → what; hiii → hi (a letter typed three times or more counts once); typos corrected, run-together words split. */
function englishWords(word: string, correct: SpellingCorrector): string[] {
  return correct(word.replace(/([a-z])\1{2,}/g, '$1'))
    .split(' ')
    .flatMap((corrected) => {
      const negated = /^(.+)n't$/.exec(corrected);
      if (negated?.[1]) return [NEGATED_BASE[negated[1]] ?? negated[1], 'not'];
      return [corrected.replace(/'[a-z]+$/, '')];
    });
}
const NEGATED_BASE: Record<string, string> = { ca: 'can', wo: 'will', sha: 'shall' };

/** Each character, and each pair of neighbouring characters. */
export const characterBigrams: HanSegmenter = (run) => {
  const chars = [...run];
  const tokens = [...chars];
  for (let i = 0; i + 1 < chars.length; i++) tokens.push(`${chars[i]}${chars[i + 1]}`);
  return tokens;
};

export function createTokenizer(
  segmentHan: HanSegmenter = characterBigrams,
  correct: SpellingCorrector = (word) => word,
): Tokenizer {
  return (text) => {
    const tokens: string[] = [];
    for (const match of text.matchAll(SEGMENTS)) {
      const { han, word, digits } = match.groups ?? {};
      if (han) tokens.push(...segmentHan(han));
      else if (word) tokens.push(...englishWords(word, correct).map((w) => PorterStemmer.stem(w)));
      else if (digits) tokens.push(digits.length <= 4 ? digits : '‹number›');
      else tokens.push(match[0]);
    }
    return tokens;
  };
}

/** Every Latin-script word of the texts, with repeats: the vocabulary typo correction corrects towards. */
export function* latinWords(texts: Iterable<string>): Generator<string> {
  for (const text of texts) yield* normalize(text).match(/[a-z]+/g) ?? [];
}

/**
 * Raw text → tokens: normalised (normalize.ts), then tokenised with typo correction against the
 * Latin words of `trainingTexts`. Shared by the intent classifier and the choice classifier.
 */
export function createTextTokenizer(trainingTexts: Iterable<string>, segmentHan?: HanSegmenter): Tokenizer {
  const tokenize = createTokenizer(segmentHan, createSpellingCorrector(latinWords(trainingTexts)));
  return (text) => tokenize(normalize(text));
}
