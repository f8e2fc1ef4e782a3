/**
 * Redis backend: @keyv/redis over a client we create (so we choose its reconnect policy), CAS as a Lua
 * script, which Redis runs atomically: compare the stored string with the one we read, then SET/DEL.
 * Expiry is native (PX) as well as inside keyv's envelope, so expired keys disappear without cleanup.
 */
import KeyvRedis, { createClient } from '@keyv/redis';
import { withDeadline } from './deadline.ts';
import { type CasBackend, createKeyv } from './keyv-versioned-store.ts';
import { StorageTimeoutError } from './versioned-store.ts';

// ARGV: [1] '1' if a value is expected (else: expect no key), [2] expected value,
//       [3] '1' to write (else: delete), [4] new value, [5] PX milliseconds or ''.
const SWAP = `
local current = redis.call('GET', KEYS[1])
if ARGV[1] == '1' then
  if current ~= ARGV[2] then return 0 end
elseif current then
  return 0
end
if ARGV[3] ~= '1' then
  redis.call('DEL', KEYS[1])
elseif ARGV[5] ~= '' then
  redis.call('SET', KEYS[1], ARGV[4], 'PX', ARGV[5])
else
  redis.call('SET', KEYS[1], ARGV[4])
end
return 1`;

// Checks every key first, then writes them all: Redis runs a script without interleaving other commands,
// and writes a script's effects as one MULTI/EXEC to the AOF and replicas. Per key (n = 1…#KEYS), ARGV
// from 5(n-1)+1: check ('0' none, '1' the exact value, '2' no key), expected value, '1' to write (else
// delete), new value, PX milliseconds or ''. Returns 0, or n of the first key whose check failed.
const COMMIT = `
for i = 1, #KEYS do
  local check = ARGV[5 * i - 4]
  if check ~= '0' then
    local current = redis.call('GET', KEYS[i])
    if check == '1' then
      if current ~= ARGV[5 * i - 3] then return i end
    elseif current then
      return i
    end
  end
end
for i = 1, #KEYS do
  if ARGV[5 * i - 2] ~= '1' then
    redis.call('DEL', KEYS[i])
  elseif ARGV[5 * i] ~= '' then
    redis.call('SET', KEYS[i], ARGV[5 * i - 1], 'PX', ARGV[5 * i])
  else
    redis.call('SET', KEYS[i], ARGV[5 * i - 1])
  end
end
return 0`;

/** Rounds of read, judge, then compare-and-write before a commit gives up. */
const COMMIT_ATTEMPTS = 20;

/** Escapes glob metacharacters so SCAN MATCH treats the prefix literally. */
const globEscape = (text: string) => text.replace(/[*?[\]\\]/g, '\\$&');

export async function openRedisBackend(storageUrl: string, options: { timeoutMs: number }): Promise<CasBackend> {
  let opened = false;
  const client = createClient({
    url: storageUrl,
    socket: {
      connectTimeout: options.timeoutMs,
      // @keyv/redis's default strategy retries forever, so with Redis down every call would hang instead of
      // failing. Give up after a few tries: pending commands then reject, and the adapter reconnects afresh
      // on the next call (getClient() reconnects a closed client). At open, fail at once: retrying would
      // only turn the cause (e.g. ECONNREFUSED) into a timeout.
      reconnectStrategy: (retries, cause) => (!opened || retries >= 5 ? cause : Math.min(100 * 2 ** retries, 1_000)),
    },
  });
  // Without a listener node-redis' 'error' events would crash the process; failures still reach callers
  // as rejected commands.
  client.on('error', () => undefined);
  // Connect here, not lazily in the adapter: its failure message hides the cause (e.g. ECONNREFUSED).
  // A Redis that accepts the connection but never answers (stopped, overloaded) would hang the handshake.
  try {
    await withDeadline('open', options.timeoutMs, () => client.connect());
  } catch (error) {
    if (error instanceof StorageTimeoutError) client.destroy();
    throw error;
  }
  opened = true;

  // throwOnErrors on the adapter too: keyv's own flag does not reach it, and without it a failed GET
  // is reported as "no value".
  const adapter = new KeyvRedis(client, { throwOnErrors: true, throwOnConnectError: true });
  const keyv = createKeyv(adapter);
  /** The live client: the adapter reconnects it when it was closed. */
  const connected = async () => (await adapter.getClient()) as typeof client;

  return {
    keyv,
    async swap(key, expected, next, ttlMs) {
      const args = [
        expected === undefined ? '0' : '1',
        expected ?? '',
        next === undefined ? '0' : '1',
        next ?? '',
        ttlMs === undefined ? '' : String(ttlMs),
      ];
      return (await (await connected()).eval(SWAP, { keys: [key], arguments: args })) === 1;
    },
    // The envelope is judged here (expiry, version) on values read just before; the script then writes only
    // if those exact bytes are still stored. Bytes that changed but still pass the check (an expired record
    // cleaned up meanwhile) just mean: read and judge again.
    async commit(ops, signal) {
      const keys = ops.map((op) => op.key);
      for (let attempt = 1; attempt <= COMMIT_ATTEMPTS; attempt++) {
        signal?.throwIfAborted();
        const redis = await connected();
        const raws = await redis.mGet(keys);
        const args: string[] = [];
        for (const [i, op] of ops.entries()) {
          const raw = typeof raws[i] === 'string' ? (raws[i] as string) : undefined;
          if (op.holds && !op.holds(raw)) return i;
          const check = !op.holds ? '0' : raw === undefined ? '2' : '1';
          const ttl = op.ttlMs === undefined ? '' : String(op.ttlMs);
          args.push(check, raw ?? '', op.next === undefined ? '0' : '1', op.next ?? '', ttl);
        }
        if ((await redis.eval(COMMIT, { keys, arguments: args })) === 0) return -1;
      }
      throw new Error(`Storage: a commit kept racing other writers (${COMMIT_ATTEMPTS} attempts)`);
    },
    async ping() {
      await (await connected()).ping();
    },
    async scan(prefix) {
      const redis = await connected();
      const keys = new Set<string>();
      let cursor = '0';
      do {
        const page = await redis.scan(cursor, { MATCH: `${globEscape(prefix)}*`, COUNT: 500, TYPE: 'string' });
        cursor = String(page.cursor);
        for (const key of page.keys) keys.add(key); // SCAN may return a key more than once
      } while (cursor !== '0');
      const list = [...keys];
      const values = list.length === 0 ? [] : await redis.mGet(list);
      return list.flatMap((key, i) => (typeof values[i] === 'string' ? [[key, values[i]] as [string, string]] : []));
    },
  };
}
