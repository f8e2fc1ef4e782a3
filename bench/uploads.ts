/**
 * Upload throughput for a 3 MB phone photo through the web chat's upload route (multipart over
 * loopback: read, type check, re-encode with sharp, thumbnail, write to DATA_DIR/documents), and
 * the memory an upload holds: the heap left after uploads (after GC), the peak heap and
 * external memory (sharp's buffers) while they run.
 */
import sharp from 'sharp';
import { startHttpServer } from '../src/http/start-server.ts';
import { openSqliteServer } from './bench-setup.ts';

export interface UploadFigures {
  photoBytes: number;
  width: number;
  height: number;
  uploads: number;
  megabytesPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** `documents.put` alone (checks, re-encode, thumbnail, write), without HTTP. */
  storeMegabytesPerSecond: number;
  heapRetainedBytes: number;
  peakHeapBytes: number;
  peakExternalBytes: number;
  gcExposed: boolean;
}

/** A photo-like JPEG of about `target` bytes: a gradient with sensor-like noise, as a phone camera gives. */
export async function photoOfAbout(target: number): Promise<{ bytes: Buffer; width: number; height: number }> {
  // 12 MP, 4:3: a phone camera's usual photo.
  const width = 4000;
  const height = 3000;
  const pixels = Buffer.alloc(width * height * 3);
  let seed = 7;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      seed = (seed * 1664525 + 1013904223) >>> 0;
      const noise = (seed >>> 24) % 24;
      const i = (y * width + x) * 3;
      pixels[i] = (x * 255) / width / 2 + noise;
      pixels[i + 1] = (y * 255) / height / 2 + noise;
      pixels[i + 2] = 90 + noise;
    }
  }
  for (let quality = 92; quality >= 50; quality -= 4) {
    const bytes = await sharp(pixels, { raw: { width, height, channels: 3 } })
      .jpeg({ quality })
      .toBuffer();
    if (bytes.length <= target) return { bytes, width, height };
  }
  throw new Error('could not make a photo that small');
}

const gc = (globalThis as { gc?: () => void }).gc;
const settle = () => {
  gc?.();
  gc?.();
};

export async function benchUploads(uploads: number): Promise<UploadFigures> {
  const photo = await photoOfAbout(3 * 1024 * 1024);
  const { server, assistant, cleanup } = await openSqliteServer();
  const http = await startHttpServer(server.app, 0, '127.0.0.1', { shutdownGraceMs: 200 });
  try {
    const started = await fetch(`${http.url}/api/webchat/conversations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    const { conversationId, token } = (await started.json()) as { conversationId: string; token: string };
    const upload = async () => {
      const form = new FormData();
      form.append('file', new Blob([new Uint8Array(photo.bytes)], { type: 'image/jpeg' }), 'photo.jpg');
      const response = await fetch(`${http.url}/api/webchat/conversations/${conversationId}/uploads`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
        body: form,
      });
      if (response.status !== 201) throw new Error(`upload: HTTP ${response.status}`);
      await response.arrayBuffer();
    };
    // Warm-up: sharp's thread pool, file-type, the route.
    for (let i = 0; i < 3; i++) await upload();
    settle();
    const heapBefore = process.memoryUsage().heapUsed;
    let peakHeap = 0;
    let peakExternal = 0;
    const sampler = setInterval(() => {
      const usage = process.memoryUsage();
      peakHeap = Math.max(peakHeap, usage.heapUsed);
      peakExternal = Math.max(peakExternal, usage.external);
    }, 5);
    const latencies: number[] = [];
    const began = performance.now();
    for (let i = 0; i < uploads; i++) {
      const at = performance.now();
      await upload();
      latencies.push(performance.now() - at);
    }
    const seconds = (performance.now() - began) / 1000;
    clearInterval(sampler);
    settle();
    const heapRetained = process.memoryUsage().heapUsed - heapBefore;

    const storeBegan = performance.now();
    for (let i = 0; i < uploads; i++) await assistant.documents.put(photo.bytes);
    const storeSeconds = (performance.now() - storeBegan) / 1000;

    latencies.sort((a, b) => a - b);
    const megabytes = (photo.bytes.length * uploads) / (1024 * 1024);
    return {
      photoBytes: photo.bytes.length,
      width: photo.width,
      height: photo.height,
      uploads,
      megabytesPerSecond: megabytes / seconds,
      p50Ms: latencies[Math.floor(latencies.length / 2)] ?? Number.NaN,
      p99Ms: latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * 0.99))] ?? Number.NaN,
      storeMegabytesPerSecond: megabytes / storeSeconds,
      heapRetainedBytes: heapRetained,
      peakHeapBytes: peakHeap - heapBefore,
      peakExternalBytes: peakExternal,
      gcExposed: gc !== undefined,
    };
  } finally {
    await http.close();
    await cleanup();
  }
}
