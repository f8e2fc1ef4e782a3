/**
 * Real image files for document tests, made with sharp: a plain photo of a given colour, one with
 * GPS EXIF, one big enough to pass a size limit.
 */
import { randomBytes } from 'node:crypto';
import sharp from 'sharp';
import type { MessageAttachment } from '../../src/conversation/messages.ts';
import type { DocumentStore } from '../../src/documents/document-store.ts';

/** A small JPEG of one colour: different colours make different documents. */
export function photo(colour: string, size = { width: 96, height: 64 }): Promise<Buffer> {
  return sharp({ create: { ...size, channels: 3, background: colour } })
    .jpeg()
    .toBuffer();
}

/** A JPEG whose EXIF says where it was taken (Shanghai) and which camera took it. */
export function photoWithGps(colour = '#884422'): Promise<Buffer> {
  return sharp({ create: { width: 96, height: 64, channels: 3, background: colour } })
    .withExif({
      IFD0: { Make: 'PhoneMaker', Model: 'Phone 12' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '31/1 13/1 0/1', GPSLongitudeRef: 'E', GPSLongitude: '121/1 28/1 0/1' },
    })
    .jpeg()
    .toBuffer();
}

/** Random pixels (incompressible) as PNG, about `bytes` long. */
export async function noisyPng(bytes: number): Promise<Buffer> {
  const side = Math.ceil(Math.sqrt(bytes / 3));
  // Random bytes: no pattern PNG could squeeze, so the file is as big as its pixels.
  const pixels = randomBytes(side * side * 3);
  return sharp(pixels, { raw: { width: side, height: side, channels: 3 } })
    .png({ compressionLevel: 1 })
    .toBuffer();
}

/** Keeps a photo of `colour` in the store, as an upload would, and returns it as an attachment. */
export async function uploaded(documents: DocumentStore, colour: string): Promise<MessageAttachment> {
  const stored = await documents.put(await photo(colour));
  return { documentId: stored.documentId, contentType: stored.contentType };
}
