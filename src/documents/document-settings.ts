/**
 * Where documents (photos and PDFs merchants send) are kept and how big one may be (README
 * "Documents"): local disk under DATA_DIR by default, an S3-compatible bucket when
 * DOCUMENTS_S3_BUCKET is set (several instances must see the same files).
 */
import { z } from 'zod';

const optional = z.string().min(1).optional();

export const documentSettingsShape = {
  /** Largest upload accepted, in bytes (10 MB by default); a phone photo is 2–5 MB. */
  UPLOAD_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(100 * 1024 * 1024)
    .default(10 * 1024 * 1024),
  DOCUMENTS_S3_BUCKET: optional,
  DOCUMENTS_S3_REGION: z.string().min(1).default('us-east-1'),
  /** An S3-compatible service's address (MinIO, a cloud's OSS/COS S3 endpoint); AWS's own when unset. */
  DOCUMENTS_S3_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
  DOCUMENTS_S3_ACCESS_KEY_ID: optional,
  DOCUMENTS_S3_SECRET_ACCESS_KEY: optional,
  /** Path-style addressing (`endpoint/bucket/key`), which most S3-compatible servers need. */
  // A boolean already when the loaded configuration is read again (openDocumentStore).
  DOCUMENTS_S3_FORCE_PATH_STYLE: z.union([z.boolean(), z.stringbool()]).default(true),
  /** A key prefix inside the bucket, so one bucket can serve several deployments. */
  DOCUMENTS_S3_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_./-]*$/, 'letters, digits, _ . / -')
    .default('documents/'),
};
export const documentSettingsSchema = z.object(documentSettingsShape);
export type DocumentSettings = z.output<typeof documentSettingsSchema>;

/** Half an S3 configuration would silently keep documents on one instance's disk: refused. */
export function documentSettingsIssues(settings: Partial<DocumentSettings>): string[] {
  const keys = [settings.DOCUMENTS_S3_ACCESS_KEY_ID, settings.DOCUMENTS_S3_SECRET_ACCESS_KEY].filter(Boolean).length;
  const issues: string[] = [];
  if (keys === 1) issues.push('DOCUMENTS_S3_ACCESS_KEY_ID, DOCUMENTS_S3_SECRET_ACCESS_KEY: set both or neither');
  const s3Only = settings.DOCUMENTS_S3_ENDPOINT || keys > 0;
  if (s3Only && !settings.DOCUMENTS_S3_BUCKET) {
    issues.push('DOCUMENTS_S3_BUCKET: required when any other DOCUMENTS_S3_* setting is set');
  }
  return issues;
}
