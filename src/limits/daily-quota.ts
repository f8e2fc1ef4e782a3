/**
 * At most so many filings (tickets, call-back requests) per conversation per desk day. A filing
 * is admitted under its idempotency key, in one compare-and-set record per conversation and day:
 * a re-run of the same turn (a redelivered message, a lost commit race) is admitted again without
 * counting twice, which a bare counter (`increment`) could not tell from a new filing.
 */
import { addressKey, type ConversationAddress } from '../conversation/address.ts';
import { dayStamp } from '../desk/builtin-desk.ts';
import type { Clock } from '../platform/clock-and-ids.ts';
import { updateWithRetry } from '../storage/update-with-retry.ts';
import type { VersionedStore } from '../storage/versioned-store.ts';

/** How much one conversation may file with the desk per day (configured in platform/config.ts). */
export interface ConversationLimits {
  ticketsPerDay: number;
  callbacksPerDay: number;
}

interface DayOfFilings {
  /** Idempotency keys of the filings admitted, oldest first. */
  admitted: string[];
}

/** Outlives any desk day wherever the process runs; the day is in the key, so this only cleans up. */
const RECORD_LIFETIME_MS = 2 * 24 * 60 * 60 * 1000;

export interface DailyQuota {
  readonly perDay: number;
  /** Whether this filing may go ahead: yes if admitted before (same key) or today's count allows one more. */
  admit(address: ConversationAddress, filingKey: string): Promise<boolean>;
}

export function createDailyQuota(deps: {
  store: VersionedStore;
  clock: Clock;
  /** What is counted: `tickets`, `callbacks`. */
  name: string;
  perDay: number;
}): DailyQuota {
  return {
    perDay: deps.perDay,
    async admit(address, filingKey) {
      const key = `limits/${deps.name}/${addressKey(address)}/${dayStamp(deps.clock.now())}`;
      const day = await updateWithRetry<DayOfFilings>(
        deps.store,
        key,
        (current) => {
          const admitted = current?.admitted ?? [];
          if (admitted.includes(filingKey) || admitted.length >= deps.perDay) return undefined;
          return { admitted: [...admitted, filingKey] };
        },
        { ttlMs: RECORD_LIFETIME_MS },
      );
      return day?.value.admitted.includes(filingKey) ?? false;
    },
  };
}
