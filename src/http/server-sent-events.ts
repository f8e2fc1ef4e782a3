/**
 * A server-sent event stream on an express response: JSON `data:` lines, and a comment line
 * every so often so proxies and phones on mobile networks do not drop an idle connection.
 */
import type { Response } from 'express';

export const HEARTBEAT_MS = 25_000;
/** How long a browser waits before reconnecting after the stream drops. */
const RECONNECT_MS = 3_000;

export interface EventStream {
  /** `id` becomes the event id, which a reconnecting browser sends back as Last-Event-ID. */
  send(data: unknown, id?: string): void;
  /** Runs once when the client goes away or the server ends the stream. */
  onClose(listener: () => void): void;
  /** Ends the stream, telling the browser to wait `retryMs` before it reconnects. */
  close(retryMs?: number): void;
}

export function openEventStream(res: Response, heartbeatMs = HEARTBEAT_MS): EventStream {
  res.status(200).set({
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-cache, no-transform',
    Connection: 'keep-alive',
    // nginx and similar buffer responses unless told not to; events must arrive at once.
    'X-Accel-Buffering': 'no',
  });
  res.flushHeaders();
  res.write(`retry: ${RECONNECT_MS}\n\n`);

  const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), heartbeatMs);
  const closeListeners: (() => void)[] = [];
  res.on('close', () => {
    clearInterval(heartbeat);
    for (const listener of closeListeners) listener();
  });

  return {
    // JSON.stringify escapes newlines, so one event is always one `data:` line.
    send: (data, id) => {
      if (res.writableEnded) return;
      const idLine = id && /^[\w.-]+$/.test(id) ? `id: ${id}\n` : '';
      res.write(`${idLine}data: ${JSON.stringify(data)}\n\n`);
    },
    onClose: (listener) => {
      if (res.closed) listener();
      else closeListeners.push(listener);
    },
    close: (retryMs) => {
      if (res.writableEnded) return;
      res.end(retryMs === undefined ? undefined : `retry: ${retryMs}\n\n`);
    },
  };
}
