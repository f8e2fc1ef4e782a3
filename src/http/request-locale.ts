/**
 * Which language a person reading an HTTP error speaks: the locale named in the body, else the
 * browser's Accept-Language, else Chinese (most merchants write Chinese).
 */
import type { Request } from 'express';
import { DEFAULT_LOCALE, isLocale } from '../i18n/translate.ts';
import type { Locale } from '../validation/ticket.ts';

/** Maps an Accept-Language header to a supported locale, honouring q-values. */
export function localeFromAcceptLanguage(header: string | undefined): Locale | undefined {
  if (!header) return undefined;
  const ranked = header
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      return { primary: tag.trim().toLowerCase().split('-')[0], q: q ? Number(q.slice(2)) : 1, index };
    })
    .filter((entry) => entry.q > 0 && !Number.isNaN(entry.q))
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const { primary } of ranked) {
    // Any Chinese variant (zh-TW, zh-HK) reads the Chinese catalog better than the English one.
    if (primary === 'zh') return 'zh-CN';
    if (primary === 'en') return 'en-US';
  }
  return undefined;
}

export function requestLocale(req: Request): Locale {
  const fromBody: unknown = (req.body as { locale?: unknown } | undefined)?.locale;
  if (isLocale(fromBody)) return fromBody;
  return localeFromAcceptLanguage(req.get('accept-language')) ?? DEFAULT_LOCALE;
}
