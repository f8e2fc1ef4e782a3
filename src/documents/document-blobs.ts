/**
 * Where a document's bytes live: files under DATA_DIR/documents (one instance), or an
 * S3-compatible bucket (several). Keys are content addresses, so a write of the same key always
 * writes the same bytes and a retried or concurrent write is harmless.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';

export interface DocumentBlobs {
  write(key: string, bytes: Buffer, contentType: string): Promise<void>;
  /** The bytes, or undefined when there is no such key. */
  read(key: string): Promise<Buffer | undefined>;
  remove(key: string): Promise<void>;
  /** Where, for the start-up banner and logs (no credentials). */
  readonly description: string;
  close?(): void;
}

/** Files readable by the server's user only (0600) in folders of the same (0700). */
export function diskBlobs(dir: string): DocumentBlobs {
  const root = path.resolve(dir);
  // Two levels of the key's first characters: no folder holds more than a few thousand files.
  const fileOf = (key: string) => path.join(root, key.slice(0, 2), key);
  return {
    description: root,
    async write(key, bytes) {
      const file = fileOf(key);
      await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
      // Written aside then renamed: a reader never sees half a file, a crash leaves none.
      const partial = `${file}.${randomUUID()}.partial`;
      await writeFile(partial, bytes, { mode: 0o600, flush: true });
      await rename(partial, file);
    },
    async read(key) {
      try {
        return await readFile(fileOf(key));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
    },
    async remove(key) {
      await rm(fileOf(key), { force: true });
    },
  };
}

export interface S3BlobSettings {
  bucket: string;
  region: string;
  endpoint?: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  forcePathStyle: boolean;
  prefix: string;
}

export function s3Blobs(settings: S3BlobSettings): DocumentBlobs {
  const config: S3ClientConfig = {
    region: settings.region,
    forcePathStyle: settings.forcePathStyle,
    ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
    ...(settings.accessKeyId && settings.secretAccessKey
      ? { credentials: { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey } }
      : {}),
  };
  const client = new S3Client(config);
  const Bucket = settings.bucket;
  const keyOf = (key: string) => `${settings.prefix}${key}`;
  return {
    description: `s3://${Bucket}/${settings.prefix}${settings.endpoint ? ` at ${settings.endpoint}` : ''}`,
    async write(key, bytes, contentType) {
      await client.send(new PutObjectCommand({ Bucket, Key: keyOf(key), Body: bytes, ContentType: contentType }));
    },
    async read(key) {
      try {
        const answer = await client.send(new GetObjectCommand({ Bucket, Key: keyOf(key) }));
        if (!answer.Body) return undefined;
        return Buffer.from(await answer.Body.transformToByteArray());
      } catch (error) {
        if (error instanceof NoSuchKey || (error as { name?: string }).name === 'NoSuchKey') return undefined;
        throw error;
      }
    },
    async remove(key) {
      await client.send(new DeleteObjectCommand({ Bucket, Key: keyOf(key) }));
    },
    close: () => client.destroy(),
  };
}
