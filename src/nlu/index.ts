/**
 * Language understanding for the unbind assistant: intent (with a confidence), entities and the
 * language of one message. See DESIGN.md, "contract: language understanding".
 */
export {
  CHOICE_CONFIDENT_AT,
  CHOICE_OPTIONS,
  CHOICE_QUESTIONS,
  type ChoiceGuess,
  type ChoiceQuestion,
  type ChoiceUnderstanding,
  createChoiceUnderstanding,
} from './choices.ts';
export { createEntityExtractor, type EntityExtractor, extractEntities } from './entities.ts';
export { detectLocale, writtenLocale } from './locale.ts';
export {
  ENTITY_TYPES,
  type Entity,
  type EntityType,
  INTENT_NAMES,
  type IntentName,
  type LanguageUnderstanding,
  type Locale,
  NLU_LOCALES,
  type ParsedUtterance,
} from './types.ts';
export {
  CLARIFY_BELOW,
  createLanguageUnderstanding,
  MEASURED_CLARIFY_SHARE,
  type TrainedLanguageUnderstanding,
  type UnderstandingOptions,
} from './understanding.ts';
