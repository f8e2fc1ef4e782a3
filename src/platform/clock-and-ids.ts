/**
 * The only place that reads the wall clock or randomness; everything else gets these injected,
 * so tests are deterministic.
 */
import { randomBytes, randomUUID } from 'node:crypto';

export interface Clock {
  now(): Date;
}

export interface IdGenerator {
  /** A unique opaque id (UUID). */
  next(): string;
  /** A random secret of `bytes` bytes, base64url. */
  secret(bytes?: number): string;
}

export const systemClock: Clock = { now: () => new Date() };

export const randomIds: IdGenerator = {
  next: () => randomUUID(),
  secret: (bytes = 24) => randomBytes(bytes).toString('base64url'),
};

/** A clock that only moves when told to: for tests and benchmarks. */
export function createFixedClock(start: Date): Clock & { advance(ms: number): void } {
  let current = start.getTime();
  return {
    now: () => new Date(current),
    advance: (ms) => {
      current += ms;
    },
  };
}

/** Predictable ids: `prefix-1`, `prefix-2`, … */
export function createSequentialIds(prefix = 'id'): IdGenerator {
  let n = 0;
  return {
    next: () => `${prefix}-${++n}`,
    secret: () => `${prefix}-secret-${++n}`.padEnd(24, 'x'),
  };
}

/** A uniform fraction in [0, 1), for jitter. Injected where tests need it fixed. */
export type RandomSource = () => number;
export const systemRandom: RandomSource = Math.random;
