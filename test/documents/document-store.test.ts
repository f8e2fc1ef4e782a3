/**
 * The document store and its checks, on local disk and on an S3-compatible server (s3rver, started
 * here on 127.0.0.1): every accepted type, the refused ones, EXIF/GPS gone, orientation applied.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import S3rver from 's3rver';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diskBlobs, s3Blobs } from '../../src/documents/document-blobs.ts';
import { DocumentRefused, THUMBNAIL_SIZE } from '../../src/documents/document-checks.ts';
import { createDocumentStore, type DocumentStore, openDocumentStore } from '../../src/documents/document-store.ts';
import { ConfigError, loadConfig } from '../../src/platform/config.ts';
import { noisyPng, photo, photoWithGps } from '../helpers/photos.ts';

const MAX = 10 * 1024 * 1024;
const HEIC = readFileSync(path.join(import.meta.dirname, '../fixtures/blue-64x48.heic'));

/** A one-page PDF, as a scanner writes the start of one. */
const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n' +
    '3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
);
/** The first bytes of a Linux executable, whatever its name says. */
const EXECUTABLE = Buffer.concat([Buffer.from('7f454c46020101000000000000000000', 'hex'), Buffer.alloc(512, 1)]);

let dir: string;
let s3: S3rver;
let s3Url: string;
const stores: Record<string, DocumentStore> = {};

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'documents-'));
  s3 = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory: path.join(dir, 's3'),
    configureBuckets: [{ name: 'unbind-documents', configs: [] }],
  });
  const { port } = (await s3.run()) as { port: number };
  s3Url = `http://127.0.0.1:${port}`;
  stores.disk = createDocumentStore(diskBlobs(path.join(dir, 'disk')), MAX);
  stores.s3 = createDocumentStore(
    s3Blobs({
      bucket: 'unbind-documents',
      region: 'us-east-1',
      endpoint: s3Url,
      accessKeyId: 'S3RVER',
      secretAccessKey: 'S3RVER',
      forcePathStyle: true,
      prefix: 'documents/',
    }),
    MAX,
  );
});
afterAll(async () => {
  for (const store of Object.values(stores)) store.close();
  await s3?.close();
  rmSync(dir, { recursive: true, force: true });
});

const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => 'accepted',
    (error: unknown) => (error instanceof DocumentRefused ? error.reason : `threw ${String(error)}`),
  );

describe.each(['disk', 's3'])('the document store on %s', (kind) => {
  const store = () => stores[kind]!;

  it.each([
    ['JPEG', () => photo('#336699'), 'image/jpeg', /\.jpg$/],
    [
      'PNG',
      () =>
        sharp({ create: { width: 40, height: 30, channels: 4, background: '#00ff0080' } })
          .png()
          .toBuffer(),
      'image/png',
      /\.png$/,
    ],
    [
      'WebP',
      () =>
        sharp({ create: { width: 40, height: 30, channels: 3, background: '#ff0000' } })
          .webp()
          .toBuffer(),
      'image/webp',
      /\.webp$/,
    ],
    ['HEIC (kept as JPEG)', async () => HEIC, 'image/jpeg', /\.jpg$/],
  ])('keeps a %s photo, re-encoded, with a thumbnail', async (_name, make, contentType, suffix) => {
    const stored = await store().put(await make());
    expect(stored.contentType).toBe(contentType);
    expect(stored.documentId).toMatch(suffix);
    const kept = await store().get(stored.documentId);
    expect(kept?.contentType).toBe(contentType);
    expect(kept?.bytes.length).toBe(stored.size);
    const thumbnail = await store().thumbnail(stored.documentId);
    const meta = await sharp(thumbnail!.bytes).metadata();
    expect(meta.format).toBe('jpeg');
    expect(Math.max(meta.width, meta.height)).toBeLessThanOrEqual(THUMBNAIL_SIZE);
  });

  it('keeps a PDF byte for byte, with no thumbnail', async () => {
    const stored = await store().put(PDF);
    expect(stored).toMatchObject({ contentType: 'application/pdf', size: PDF.length });
    expect((await store().get(stored.documentId))?.bytes.equals(PDF)).toBe(true);
    expect(await store().thumbnail(stored.documentId)).toBeUndefined();
  });

  it('refuses an executable renamed .jpg, text, a corrupt JPEG and an empty file', async () => {
    expect(await refusal(store().put(EXECUTABLE))).toBe('unsupported_type');
    expect(await refusal(store().put(Buffer.from('just some text, not a photo')))).toBe('unsupported_type');
    const jpeg = await photo('#445566', { width: 400, height: 300 });
    expect(await refusal(store().put(jpeg.subarray(0, 600)))).toBe('unreadable');
    expect(await refusal(store().put(Buffer.alloc(0)))).toBe('unsupported_type');
  });

  it('refuses a 12 MB image before reading it', async () => {
    const big = await noisyPng(12 * 1024 * 1024);
    expect(big.length).toBeGreaterThan(MAX);
    expect(await refusal(store().put(big))).toBe('too_large');
  });

  it('drops EXIF (GPS, camera) and applies the orientation', async () => {
    const withGps = await photoWithGps();
    expect((await sharp(withGps).metadata()).exif).toBeDefined();
    const stored = await store().put(withGps);
    const meta = await sharp((await store().get(stored.documentId))!.bytes).metadata();
    expect(meta.exif).toBeUndefined();
    // Taken sideways (orientation 6, "rotate 90° clockwise"): kept upright, with no orientation tag left.
    const sideways = await sharp({ create: { width: 80, height: 40, channels: 3, background: '#101010' } })
      .withMetadata({ orientation: 6 })
      .jpeg()
      .toBuffer();
    const upright = await store().put(sideways);
    const uprightMeta = await sharp((await store().get(upright.documentId))!.bytes).metadata();
    expect([uprightMeta.width, uprightMeta.height, uprightMeta.orientation]).toEqual([40, 80, undefined]);
  });

  it('is content-addressed: the same photo twice is one document; deleted, it is gone', async () => {
    const bytes = await photo('#778899');
    const first = await store().put(bytes);
    expect((await store().put(bytes)).documentId).toBe(first.documentId);
    await store().delete(first.documentId);
    expect(await store().get(first.documentId)).toBeUndefined();
    expect(await store().thumbnail(first.documentId)).toBeUndefined();
  });

  it('reads nothing for an id it did not hand out', async () => {
    expect(await store().get('../../etc/passwd')).toBeUndefined();
    expect(await store().get(`${'0'.repeat(64)}.jpg`)).toBeUndefined();
  });
});

it('keeps files on disk readable by their owner only', async () => {
  const stored = await stores.disk!.put(await photo('#abcabc'));
  const file = path.join(dir, 'disk', stored.documentId.slice(0, 2), stored.documentId);
  expect(statSync(file).mode & 0o777).toBe(0o600);
  expect(statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
});

describe('configuration (DOCUMENTS_S3_*, UPLOAD_MAX_BYTES)', () => {
  const load = (env: Record<string, string>) =>
    loadConfig({ DATA_DIR: dir, ...env }, () => 'generated-desk-token-0123456789');

  it('keeps documents under DATA_DIR/documents by default, 10 MB at most', () => {
    const config = load({});
    expect(config.UPLOAD_MAX_BYTES).toBe(10 * 1024 * 1024);
    const store = openDocumentStore(config);
    expect(store.description).toBe(path.join(dir, 'documents'));
    expect(store.maxBytes).toBe(10 * 1024 * 1024);
  });

  it('uses the bucket when DOCUMENTS_S3_BUCKET is set', async () => {
    const store = openDocumentStore(
      load({
        DOCUMENTS_S3_BUCKET: 'unbind-documents',
        DOCUMENTS_S3_ENDPOINT: s3Url,
        DOCUMENTS_S3_ACCESS_KEY_ID: 'S3RVER',
        DOCUMENTS_S3_SECRET_ACCESS_KEY: 'S3RVER',
        DOCUMENTS_S3_PREFIX: 'configured/',
        UPLOAD_MAX_BYTES: '2048000',
      }),
    );
    expect(store.description).toContain('s3://unbind-documents/configured/');
    const stored = await store.put(await photo('#010203'));
    expect(
      readFileSync(path.join(dir, 's3', 'unbind-documents', 'configured', `${stored.documentId}._S3rver_object`))
        .length,
    ).toBe(stored.size);
    expect((await store.get(stored.documentId))?.bytes.length).toBe(stored.size);
    store.close();
  });

  it('refuses half an S3 configuration at start-up', () => {
    expect(() => load({ DOCUMENTS_S3_ACCESS_KEY_ID: 'key' })).toThrow(ConfigError);
    expect(() => load({ DOCUMENTS_S3_ENDPOINT: 'http://127.0.0.1:9000' })).toThrow(/DOCUMENTS_S3_BUCKET/);
    expect(() => load({ UPLOAD_MAX_BYTES: 'ten' })).toThrow(/UPLOAD_MAX_BYTES/);
  });
});
