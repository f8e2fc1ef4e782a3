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

/** Chinese negators, longest first; the characters after one are in its scope. */
const HAN_NEGATORS = ['不是', '没有', '木有', '不', '没', '未', '别', '无'];
const HAN_SCOPE = 2;
/** English negators (as stemmed), and words the scope skips to reach the word negated. */
const ENGLISH_NEGATORS = new Set(['not', 'no', 'never', 'cannot', 'neither', 'nor']);
const ENGLISH_FILLERS = new Set(['is', 'it', 'be', 'been', 'a', 'the', 'realli', 'veri', 'at', 'all', 'and', 'ani']);
/** Marks a token negated: "没坏" → ¬坏, "not broken" → ¬broken. */
const NEGATED = '¬';

/**
 * Character unigrams + bigrams, with the two characters after a negator marked (¬坏, ¬能用), so
 * "没坏" and "坏了", "不能用" and "能用" share no token. Used where negation decides the answer
 * (choice questions, see choices.ts); measured in dialogs/nlu/TOKENIZER.md.
 */
export const negationMarkedBigrams: HanSegmenter = (run) => {
  const chars = [...run];
  const negated = new Array<boolean>(chars.length).fill(false);
  for (let i = 0; i < chars.length; ) {
    const negator = HAN_NEGATORS.find((word) => run.startsWith(word, chars.slice(0, i).join('').length));
    if (!negator) {
      i++;
      continue;
    }
    const after = i + [...negator].length;
    for (let j = after; j < Math.min(chars.length, after + HAN_SCOPE); j++) negated[j] = true;
    i = after;
  }
  const mark = (token: string, index: number) => (negated[index] ? `${NEGATED}${token}` : token);
  const tokens = chars.map((ch, i) => mark(ch, i));
  for (let i = 0; i + 1 < chars.length; i++) tokens.push(mark(`${chars[i]}${chars[i + 1]}`, i + 1));
  return tokens;
};

export interface TokenizerOptions {
  /** Mark the English word after not/no/never (¬broken), skipping fillers, up to punctuation. */
  markEnglishNegation?: boolean;
}

export function createTokenizer(
  segmentHan: HanSegmenter = characterBigrams,
  correct: SpellingCorrector = (word) => word,
  options: TokenizerOptions = {},
): Tokenizer {
  return (text) => {
    const tokens: string[] = [];
    let negating = false;
    let at = 0;
    for (const match of text.matchAll(SEGMENTS)) {
      if (/[,.;:!?，。；：！？]/.test(text.slice(at, match.index))) negating = false;
      at = match.index + match[0].length;
      const { han, word, digits } = match.groups ?? {};
      if (han) tokens.push(...segmentHan(han));
      else if (word) {
        for (const stem of englishWords(word, correct).map((w) => PorterStemmer.stem(w))) {
          if (!options.markEnglishNegation) tokens.push(stem);
          else if (ENGLISH_NEGATORS.has(stem)) {
            tokens.push(stem);
            negating = true;
          } else if (negating && !ENGLISH_FILLERS.has(stem)) {
            tokens.push(`${NEGATED}${stem}`);
            negating = false;
          } else tokens.push(stem);
        }
      } else if (digits) tokens.push(digits.length <= 4 ? digits : '‹number›');
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
export function createTextTokenizer(
  trainingTexts: Iterable<string>,
  segmentHan?: HanSegmenter,
  options?: TokenizerOptions,
): Tokenizer {
  const tokenize = createTokenizer(segmentHan, createSpellingCorrector(latinWords(trainingTexts)), options);
  return (text) => tokenize(normalize(text));
}
