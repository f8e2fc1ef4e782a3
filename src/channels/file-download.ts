/**
 * Fetching a file a merchant shared on a platform (a Slack file, a Bot Framework attachment) for
 * the document store: only from hosts the caller allows (a redirect elsewhere is not followed, so
 * a bearer token never leaves the platform), size-capped while streaming, with a timeout.
 */
import { DocumentRefused } from '../documents/document-checks.ts';

const TIMEOUT_MS = 15_000;
const MAX_REDIRECTS = 3;

/** The platform answered with an error or not at all: the merchant may send the file again. */
export class FileDownloadError extends Error {
  readonly code = 'file_download_failed';
}

/** A URL that points somewhere the platform's files do not live: never fetched. */
export class ForeignFileUrl extends Error {
  readonly code = 'file_url_not_allowed';
}

export interface DownloadOptions {
  /** Whether a URL (the first and every redirect) may be fetched. */
  allowed: (url: URL) => boolean;
  maxBytes: number;
  /** Sent as `Authorization` (the platform's bearer token). */
  authorization?: string;
  timeoutMs?: number;
}

export function parseUrl(raw: string): URL | undefined {
  try {
    return new URL(raw);
  } catch {
    return undefined;
  }
}

/** The file's bytes, or DocumentRefused('too_large'), ForeignFileUrl, FileDownloadError. */
export async function downloadAtMost(raw: string, options: DownloadOptions): Promise<Buffer> {
  let url = parseUrl(raw);
  const signal = AbortSignal.timeout(options.timeoutMs ?? TIMEOUT_MS);
  for (let hop = 0; ; hop++) {
    if (!url || !/^https?:$/.test(url.protocol) || !options.allowed(url)) throw new ForeignFileUrl('not allowed');
    let response: Response;
    try {
      response = await fetch(url, {
        signal,
        redirect: 'manual',
        headers: options.authorization ? { authorization: options.authorization } : {},
      });
    } catch (error) {
      throw new FileDownloadError('unreachable', { cause: error });
    }
    if (response.status >= 300 && response.status < 400) {
      await response.body?.cancel();
      const location = response.headers.get('location');
      if (!location || hop >= MAX_REDIRECTS) throw new FileDownloadError(`redirect ${response.status}`);
      url = parseUrl(new URL(location, url).toString());
      continue;
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new FileDownloadError(`HTTP ${response.status}`);
    }
    if (Number(response.headers.get('content-length') ?? 0) > options.maxBytes) {
      await response.body?.cancel();
      throw new DocumentRefused('too_large');
    }
    return readAtMost(response, options.maxBytes);
  }
}

/** The body, refused as too large as soon as it passes `maxBytes` (a missing Content-Length proves nothing). */
export async function readAtMost(response: Response, maxBytes: number): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = response.body?.getReader();
  if (!reader) return Buffer.alloc(0);
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > maxBytes) {
      await reader.cancel();
      throw new DocumentRefused('too_large');
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

/** A `data:<type>;base64,<bytes>` URL's bytes (Bot Framework inlines small attachments so). */
export function dataUrlBytes(raw: string, maxBytes: number): Buffer | undefined {
  const match = /^data:[\w.+-]+\/[\w.+-]+(?:;[\w.+-]+=[\w.+-]+)*;base64,([A-Za-z0-9+/=\s]*)$/.exec(raw);
  if (!match?.[1]) return undefined;
  // Base64 is 4 characters for 3 bytes: refused before decoding anything too large.
  if (Math.floor((match[1].length * 3) / 4) > maxBytes + 3) throw new DocumentRefused('too_large');
  return Buffer.from(match[1], 'base64');
}
