/**
 * Uploads in the web chat: reading one file from a multipart body without holding more than the
 * limit, and remembering which conversation uploaded which document, so a message or a
 * thumbnail request can only name documents of its own conversation.
 */

import busboy from 'busboy';
import type { Request } from 'express';
import type { VersionedStore } from '../../storage/versioned-store.ts';

export type UploadReading =
  | { kind: 'file'; bytes: Buffer }
  | { kind: 'too_large' }
  /** Not multipart, no `file` field, or more than one file. */
  | { kind: 'malformed' };

/** Bytes a multipart body may carry besides the file (boundaries, headers of the part). */
const ENVELOPE_BYTES = 16 * 1024;

/** Reads the one `file` field; stops reading (and answers too_large) once it passes maxBytes. */
export function readUpload(req: Request, maxBytes: number): Promise<UploadReading> {
  const declared = Number(req.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes + ENVELOPE_BYTES) {
    return Promise.resolve({ kind: 'too_large' });
  }
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: req.headers,
      limits: { files: 1, fileSize: maxBytes, fields: 4, fieldSize: 1024, parts: 6 },
    });
  } catch {
    // Not multipart/form-data, or no boundary.
    return Promise.resolve({ kind: 'malformed' });
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let result: UploadReading | undefined;
    let files = 0;
    const settle = (reading: UploadReading) => {
      result ??= reading;
    };
    parser.on('file', (name, stream) => {
      files += 1;
      if (name !== 'file' || files > 1) {
        settle({ kind: 'malformed' });
        stream.resume();
        return;
      }
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('limit', () => {
        settle({ kind: 'too_large' });
        chunks.length = 0;
      });
      stream.on('end', () => {
        if (!result) settle({ kind: 'file', bytes: Buffer.concat(chunks) });
      });
    });
    parser.on('filesLimit', () => settle({ kind: 'malformed' }));
    parser.on('error', () => {
      settle({ kind: 'malformed' });
      req.unpipe(parser);
      req.resume();
      resolve(result!);
    });
    parser.on('close', () => resolve(result ?? { kind: 'malformed' }));
    req.pipe(parser);
  });
}

/** How long a conversation can refer to what it uploaded (a form is finished well within this). */
const UPLOAD_RECORD_TTL_MS = 30 * 24 * 60 * 60_000;

export class WebchatUploads {
  constructor(private readonly store: VersionedStore) {}

  private key(conversationId: string, documentId: string): string {
    return `webchat/uploads/${encodeURIComponent(conversationId)}/${documentId}`;
  }

  async record(conversationId: string, document: { documentId: string; contentType: string }): Promise<void> {
    await this.store.put(
      this.key(conversationId, document.documentId),
      { contentType: document.contentType },
      {
        ttlMs: UPLOAD_RECORD_TTL_MS,
      },
    );
  }

  /** The document's type when this conversation uploaded it; undefined otherwise. */
  async find(conversationId: string, documentId: string): Promise<{ contentType: string } | undefined> {
    return (await this.store.get<{ contentType: string }>(this.key(conversationId, documentId)))?.value;
  }
}
