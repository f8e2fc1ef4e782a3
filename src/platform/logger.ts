/**
 * Structured JSON logs (pino). Personal data never reaches a log line in clear: known fields
 * are redacted by path, and free text is scrubbed of phone numbers, emails, links, merchant and
 * serial numbers.
 */
import { type Logger, pino } from 'pino';

export type { Logger };

const PHONE = /(?<!\d)(?:\+?86[\s-]?)?1[3-9]\d(?:[\s-]?\d){8}(?!\d)/g;
// `%40` too: an address inside a URL path or query string arrives percent-encoded.
const EMAIL = /[\w.+%-]+(?:@|%40)[\w-]+(?:\.[\w-]+)+/gi;
const LINK = /\b(?:https?|ftp|file|data|javascript):[^\s"']+/gi;
/** A merchant number: 15 digits (src/validation/fields.ts), spaces or dashes allowed between them. */
const MERCHANT_NO = /(?<!\d)\d(?:[\s-]?\d){14}(?![\s-]?\d)/g;
/**
 * A serial number: 8–20 letters and digits with at least one of each (fields.ts), e.g. N5W1234567.
 * Digits alone are left to the phone and merchant-number rules, so dates and counts stay readable.
 */
const SERIAL_NO = /(?<![A-Za-z0-9])(?=[A-Za-z0-9]*[A-Za-z])(?=[A-Za-z0-9]*\d)[A-Za-z0-9]{8,20}(?![A-Za-z0-9])/g;

/** Replaces phone numbers, emails, links, merchant and serial numbers in free text with placeholders. */
export function scrubPersonalData(text: string): string {
  // NFKC first: full-width digits and letters (１３８…, Ｎ５Ｗ…) are the same numbers to a reader.
  return text
    .normalize('NFKC')
    .replace(LINK, '[link]')
    .replace(EMAIL, '[email]')
    .replace(MERCHANT_NO, '[merchant-no]')
    .replace(PHONE, '[phone]')
    .replace(SERIAL_NO, '[sn]');
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
