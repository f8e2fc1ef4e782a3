/**
 * The one way documents are kept (README "Documents"): `put` checks and re-encodes what a merchant
 * sent (document-checks.ts) and writes it, with its thumbnail, before anyone is told it was
 * received; `get`/`thumbnail` read it back for the merchant's own chat and for reviewers. Nothing
 * here is served publicly: the routes that read it check who asks.
 *
 * A document id is the SHA-256 of the stored bytes with the stored type's extension
 * (`<64 hex>.jpg|png|webp|pdf`): the same photo sent twice is kept once, and the id says what
 * kind of document it is without a lookup.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { DOCUMENT_ID } from '../validation/fields.ts';
import { type DocumentBlobs, diskBlobs, s3Blobs } from './document-blobs.ts';
import { type DocumentContentType, prepareDocument } from './document-checks.ts';
import { type DocumentSettings, documentSettingsSchema } from './document-settings.ts';

export interface StoredDocument {
  documentId: string;
  contentType: DocumentContentType;
  size: number;
}

export interface DocumentBytes {
  bytes: Buffer;
  contentType: string;
}

export interface DocumentStore {
  /** Checks, re-encodes and keeps; throws DocumentRefused with the reason when it is not accepted. */
  put(bytes: Buffer): Promise<StoredDocument>;
  get(documentId: string): Promise<DocumentBytes | undefined>;
  /** A JPEG thumbnail of an image; undefined for a PDF or an unknown id. */
  thumbnail(documentId: string): Promise<DocumentBytes | undefined>;
  delete(documentId: string): Promise<void>;
  readonly maxBytes: number;
  readonly description: string;
  close(): void;
}

const EXTENSION: Record<DocumentContentType, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'application/pdf': 'pdf',
};
const CONTENT_TYPE = Object.fromEntries(Object.entries(EXTENSION).map(([type, ext]) => [ext, type])) as Record<
  string,
  DocumentContentType
>;

export function contentTypeOfDocument(documentId: string): DocumentContentType | undefined {
  if (!DOCUMENT_ID.test(documentId)) return undefined;
  return CONTENT_TYPE[documentId.slice(documentId.lastIndexOf('.') + 1)];
}

const thumbnailKey = (documentId: string) => `${documentId.slice(0, 64)}.thumb.jpg`;

export function createDocumentStore(blobs: DocumentBlobs, maxBytes: number): DocumentStore {
  return {
    maxBytes,
    description: blobs.description,
    async put(raw) {
      const prepared = await prepareDocument(raw, maxBytes);
      const hash = createHash('sha256').update(prepared.bytes).digest('hex');
      const documentId = `${hash}.${EXTENSION[prepared.contentType]}`;
      // The thumbnail first: once the document exists, so does everything shown of it.
      if (prepared.thumbnail) await blobs.write(thumbnailKey(documentId), prepared.thumbnail, 'image/jpeg');
      await blobs.write(documentId, prepared.bytes, prepared.contentType);
      return { documentId, contentType: prepared.contentType, size: prepared.bytes.length };
    },
    async get(documentId) {
      const contentType = contentTypeOfDocument(documentId);
      if (!contentType) return undefined;
      const bytes = await blobs.read(documentId);
      return bytes ? { bytes, contentType } : undefined;
    },
    async thumbnail(documentId) {
      const contentType = contentTypeOfDocument(documentId);
      if (!contentType || contentType === 'application/pdf') return undefined;
      const bytes = await blobs.read(thumbnailKey(documentId));
      return bytes ? { bytes, contentType: 'image/jpeg' } : undefined;
    },
    async delete(documentId) {
      if (!DOCUMENT_ID.test(documentId)) return;
      await blobs.remove(documentId);
      await blobs.remove(thumbnailKey(documentId));
    },
    close: () => blobs.close?.(),
  };
}

/** The configured store: the S3 bucket when DOCUMENTS_S3_BUCKET is set, else DATA_DIR/documents. */
export function openDocumentStore(config: Partial<DocumentSettings> & { DATA_DIR?: string }): DocumentStore {
  // Defaults fill in what a partial configuration (tests, tools) leaves out.
  const settings = documentSettingsSchema.parse(config);
  const blobs = settings.DOCUMENTS_S3_BUCKET
    ? s3Blobs({
        bucket: settings.DOCUMENTS_S3_BUCKET,
        region: settings.DOCUMENTS_S3_REGION,
        forcePathStyle: settings.DOCUMENTS_S3_FORCE_PATH_STYLE,
        prefix: settings.DOCUMENTS_S3_PREFIX,
        ...(settings.DOCUMENTS_S3_ENDPOINT ? { endpoint: settings.DOCUMENTS_S3_ENDPOINT } : {}),
        ...(settings.DOCUMENTS_S3_ACCESS_KEY_ID ? { accessKeyId: settings.DOCUMENTS_S3_ACCESS_KEY_ID } : {}),
        ...(settings.DOCUMENTS_S3_SECRET_ACCESS_KEY
          ? { secretAccessKey: settings.DOCUMENTS_S3_SECRET_ACCESS_KEY }
          : {}),
      })
    : diskBlobs(path.join(config.DATA_DIR ?? './data', 'documents'));
  return createDocumentStore(blobs, settings.UPLOAD_MAX_BYTES);
}
