/**
 * What is checked before anything a merchant sends is kept: the real type from the bytes (not the
 * name or the header), the size, and for images a re-encoding that drops EXIF (GPS, camera,
 * time), applies the orientation and makes a thumbnail. A PDF is kept as it is.
 */
import { fileTypeFromBuffer } from 'file-type';
import decodeHeic from 'heic-decode';
import sharp, { type Sharp, type SharpOptions } from 'sharp';

export const DOCUMENT_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'application/pdf'] as const;
/** What is stored: HEIC arrives, JPEG is kept (browsers and desks cannot show HEIC). */
export type DocumentContentType = (typeof DOCUMENT_TYPES)[number];

/** Why something was not kept; each has a sentence in locales/<lng>/documents.json. */
export type DocumentRefusalReason = 'too_large' | 'unsupported_type' | 'unreadable';

export class DocumentRefused extends Error {
  constructor(readonly reason: DocumentRefusalReason) {
    super(`document refused: ${reason}`);
    this.name = 'DocumentRefused';
  }
}

export interface PreparedDocument {
  bytes: Buffer;
  contentType: DocumentContentType;
  /** A small JPEG for chat bubbles and reviewers' lists; none for a PDF. */
  thumbnail?: Buffer;
}

/** The long side of a thumbnail, in pixels. */
export const THUMBNAIL_SIZE = 320;
/** A decompression bomb (a tiny file of a huge image) is refused before it is decoded: 100 megapixels. */
const MAX_PIXELS = 100_000_000;
const JPEG_QUALITY = 88;

/** Detected type → what the image is stored as. */
const IMAGE_OUTPUT: Record<string, 'jpeg' | 'png' | 'webp'> = {
  'image/jpeg': 'jpeg',
  'image/png': 'png',
  'image/webp': 'webp',
  'image/heic': 'jpeg',
  'image/heif': 'jpeg',
};

async function decodedImage(bytes: Buffer, mime: string): Promise<Sharp> {
  const options: SharpOptions = { limitInputPixels: MAX_PIXELS, failOn: 'error' };
  if (mime !== 'image/heic' && mime !== 'image/heif') return sharp(bytes, options);
  // sharp's prebuilt libvips reads no HEVC-coded HEIC (patents): decoded in WebAssembly instead,
  // with its rotation and mirroring already applied.
  const image = await decodeHeic({ buffer: bytes });
  if (image.width * image.height > MAX_PIXELS) throw new DocumentRefused('unreadable');
  return sharp(Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength), {
    ...options,
    raw: { width: image.width, height: image.height, channels: 4 },
  });
}

export async function prepareDocument(bytes: Buffer, maxBytes: number): Promise<PreparedDocument> {
  if (bytes.length > maxBytes) throw new DocumentRefused('too_large');
  if (bytes.length === 0) throw new DocumentRefused('unsupported_type');
  const detected = await fileTypeFromBuffer(bytes);
  if (detected?.mime === 'application/pdf') return { bytes, contentType: 'application/pdf' };
  const format = detected ? IMAGE_OUTPUT[detected.mime] : undefined;
  if (!detected || !format) throw new DocumentRefused('unsupported_type');
  try {
    // rotate() with no angle applies the EXIF orientation; output carries no metadata unless asked.
    const image = (await decodedImage(bytes, detected.mime)).rotate();
    const encoded =
      format === 'jpeg'
        ? image.jpeg({ quality: JPEG_QUALITY })
        : format === 'png'
          ? image.png()
          : image.webp({ quality: JPEG_QUALITY });
    const stored = await encoded.toBuffer();
    const thumbnail = await sharp(stored)
      .resize(THUMBNAIL_SIZE, THUMBNAIL_SIZE, { fit: 'inside', withoutEnlargement: true })
      .flatten({ background: '#ffffff' })
      .jpeg({ quality: 75 })
      .toBuffer();
    return { bytes: stored, contentType: `image/${format}`, thumbnail };
  } catch (error) {
    if (error instanceof DocumentRefused) throw error;
    // Truncated or corrupt pixels behind a valid header.
    throw new DocumentRefused('unreadable');
  }
}
