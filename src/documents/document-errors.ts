/**
 * How a refused document is told: an HTTP status for the web chat's upload route and a sentence
 * in the merchant's language (locales/<lng>/documents.json) for every channel.
 */
import { t } from '../i18n/translate.ts';
import type { Locale } from '../validation/ticket.ts';
import type { DocumentRefusalReason } from './document-checks.ts';

export type DocumentProblem = DocumentRefusalReason | 'malformed' | 'not_uploaded_here' | 'unavailable';

export const DOCUMENT_PROBLEM_STATUS: Record<DocumentProblem, number> = {
  too_large: 413,
  unsupported_type: 415,
  unreadable: 422,
  malformed: 400,
  not_uploaded_here: 400,
  unavailable: 503,
};

export function documentProblemMessage(locale: Locale, problem: DocumentProblem, maxBytes: number): string {
  return t(locale, `documents:refused.${problem}`, { max: Math.floor(maxBytes / (1024 * 1024)) });
}
