/**
 * Structured JSON logs (pino). Personal data never reaches a log line in clear: known fields
 * are redacted by path, and free text is scrubbed of phone numbers, emails and links.
 */
import { type Logger, pino } from 'pino';

export type { Logger };

const PHONE = /(?<!\d)(?:\+?86[\s-]?)?1[3-9]\d(?:[\s-]?\d){8}(?!\d)/g;
const EMAIL = /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g;
const LINK = /\b(?:https?|ftp|file|data|javascript):[^\s"']+/gi;

/** Replaces phone numbers, emails and links in free text with placeholders. */
export function scrubPersonalData(text: string): string {
  return text.replace(LINK, '[link]').replace(EMAIL, '[email]').replace(PHONE, '[phone]');
}

const REDACTED_PATHS = [
  'text',
  '*.text',
  'phone',
  '*.phone',
  'email',
  '*.email',
  'contactName',
  '*.contactName',
  'documents',
  '*.documents',
  'fields',
  '*.fields',
  'req.headers.authorization',
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: undefined,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      formatters: { level: (label) => ({ level: label }) },
      hooks: {
        // Error messages and messages may quote user input: scrub them too.
        logMethod(args, method) {
          const scrubbed = args.map((a) => (typeof a === 'string' ? scrubPersonalData(a) : a));
          return method.apply(this, scrubbed as Parameters<typeof method>);
        },
      },
      serializers: {
        err: (err: Error) => ({
          type: err.name,
          message: scrubPersonalData(err.message),
          code: (err as { code?: string }).code,
        }),
      },
    },
    destination,
  );
}
