/**
 * Open server-sent event streams of this process, bounded: a few per conversation (a new one
 * closes the oldest, which is usually a tab left open) and a total, so one client holding
 * thousands of connections cannot exhaust memory and sockets for everyone else.
 */
import type { EventStream } from './server-sent-events.ts';

export interface StreamLimits {
  perKey: number;
  total: number;
}

/** How long a stream closed for a newer one waits before its browser reconnects. */
export const DISPLACED_RETRY_MS = 60_000;

export class StreamRegistry {
  /** Per key, in the order they opened (Set keeps insertion order). */
  private readonly byKey = new Map<string, Set<EventStream>>();
  private open = 0;

  constructor(private readonly limits: StreamLimits) {}

  /** Whether another stream may open now; check and `add` with no await in between. */
  hasRoom(): boolean {
    return this.open < this.limits.total;
  }

  get size(): number {
    return this.open;
  }

  /** Counts `stream` until it closes; closes the oldest of `key` when `key` has too many. */
  add(key: string, stream: EventStream): void {
    const streams = this.byKey.get(key) ?? new Set<EventStream>();
    this.byKey.set(key, streams);
    streams.add(stream);
    this.open += 1;
    stream.onClose(() => {
      if (!streams.delete(stream)) return;
      this.open -= 1;
      if (streams.size === 0 && this.byKey.get(key) === streams) this.byKey.delete(key);
    });
    while (streams.size > this.limits.perKey) {
      const oldest = streams.values().next().value as EventStream;
      // Counted out now, not when its socket finishes closing, so the count never overshoots.
      streams.delete(oldest);
      this.open -= 1;
      oldest.close(DISPLACED_RETRY_MS);
    }
  }
}
