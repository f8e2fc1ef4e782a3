/**
 * A VersionedStore that "dies" before its Nth write: that write and every later call fail, as if
 * the process had been killed with -9 between two writes. What reached the real store stays.
 */
import type { VersionedStore } from '../../src/storage/versioned-store.ts';

export class SimulatedCrash extends Error {
  constructor() {
    super('simulated crash');
  }
}

const WRITES = new Set(['put', 'delete', 'increment', 'commit']);

/** Counts writes; with `crashAt`, the write with that number (1-based) and everything after it fail. */
export function crashingStore(store: VersionedStore, crashAt = Number.POSITIVE_INFINITY) {
  let writes = 0;
  let dead = false;
  const wrapped = new Proxy(store, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver);
      if (typeof value !== 'function') return value;
      if (name === 'close') return value.bind(target);
      return (...args: unknown[]) => {
        if (WRITES.has(String(name)) && ++writes >= crashAt) dead = true;
        if (dead) return Promise.reject(new SimulatedCrash());
        return value.apply(target, args);
      };
    },
  });
  return { store: wrapped, writes: () => writes, resetCount: () => (writes = 0) };
}
