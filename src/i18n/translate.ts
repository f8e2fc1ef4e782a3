/**
 * Message catalogs (i18next). Every sentence a person reads lives in `locales/<lng>/<ns>.json`;
 * code refers to it by key, e.g. `t('zh-CN', 'unbind:prompt.phone')`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import i18next, { type i18n, type Resource, type ResourceLanguage } from 'i18next';
import { LOCALES, type Locale } from '../validation/ticket.ts';

export const LOCALES_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../locales');
export const DEFAULT_LOCALE: Locale = 'zh-CN';

/** Reads every `locales/<lng>/<ns>.json` into i18next's resource shape. */
export function readCatalogs(dir = LOCALES_DIR): Resource {
  const resources: Resource = {};
  for (const lng of LOCALES) {
    const namespaces: ResourceLanguage = {};
    for (const file of readdirSync(path.join(dir, lng)).filter((f) => f.endsWith('.json'))) {
      namespaces[path.basename(file, '.json')] = JSON.parse(readFileSync(path.join(dir, lng, file), 'utf8'));
    }
    resources[lng] = namespaces;
  }
  return resources;
}

function createI18n(): i18n {
  const resources = readCatalogs();
  const instance = i18next.createInstance();
  void instance.init({
    initAsync: false,
    resources,
    lng: DEFAULT_LOCALE,
    fallbackLng: DEFAULT_LOCALE,
    ns: Object.keys(resources[DEFAULT_LOCALE] ?? {}),
    defaultNS: 'common',
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  return instance;
}

const catalogs = createI18n();

/** Translates `key` (`namespace:path`) into `locale`. */
export function t(locale: Locale, key: string, vars?: Record<string, unknown>): string {
  return catalogs.t(key, { lng: locale, ...vars });
}

/** Whether a key exists in a locale (used by data checks). */
export function hasMessage(locale: Locale, key: string): boolean {
  return catalogs.exists(key, { lng: locale, fallbackLng: false });
}

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

/** The language of whoever runs a command (LC_ALL, LC_MESSAGES, LANG): Chinese for zh*, else English. */
export function localeFromEnvironment(env: Record<string, string | undefined>): Locale {
  const tag = env.LC_ALL || env.LC_MESSAGES || env.LANG || '';
  return tag.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en-US';
}
