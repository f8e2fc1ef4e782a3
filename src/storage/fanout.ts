/**
 * Fanout: short messages from one instance to every instance sharing the same storage, so that
 * something stored on instance A is pushed live to listeners on instance B. It is a doorbell, not a
 * mailbox: a message may be lost (a dropped connection), so what it says must be re-readable from
 * the store, and subscribers re-read it when `onReconnect` tells them their connection came back.
 *
 * Chosen from `STORAGE_URL` like the store: SQLite is one instance, so in-process; Redis uses
 * pub/sub on a dedicated subscriber connection; PostgreSQL uses LISTEN/NOTIFY on a dedicated client.
 * Topics are namespaced like the store's keys, so stores sharing one server never hear each other.
 */
import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import { withDeadline } from './deadline.ts';
import { DEFAULT_TIMEOUT_MS, StorageTimeoutError } from './versioned-store.ts';

export type FanoutListener = (payload: string) => void;

export interface Fanout {
  /** Delivers `payload` to every current subscriber of `topic`, on every instance (this one too). */
  publish(topic: string, payload: string): Promise<void>;
  /**
   * Listens to `topic` until the returned function is called. `onSubscribed` runs once the
   * subscription is active: a message published from then on reaches `listener`.
   */
  subscribe(topic: string, listener: FanoutListener, onSubscribed?: () => void): () => void;
  /**
   * Runs `listener` each time the connection carrying subscriptions is back after a drop (its
   * subscriptions active again). Messages published meanwhile were lost: re-read the store.
   */
  onReconnect(listener: () => void): () => void;
  close(): Promise<void>;
}

export interface OpenFanoutOptions {
  /** The store's namespace (default `keyv`, as the store's). */
  namespace?: string;
  /** How long connecting and each publish may take. */
  timeoutMs?: number;
  /** A dropped or failed subscriber connection (it keeps reconnecting). */
  onError?: (error: unknown) => void;
}

/** PostgreSQL's NOTIFY payload limit is 8000 bytes; topic and payload travel together. */
const NOTIFY_PAYLOAD_BYTES = 7_999;

/** Longest wait between two reconnect attempts of a subscriber connection. */
const MAX_RECONNECT_DELAY_MS = 1_000;

const reconnectDelay = (attempt: number) => Math.min(50 * 2 ** attempt, MAX_RECONNECT_DELAY_MS);

/** Listeners by topic, and reconnect listeners: what every implementation keeps locally. */
class LocalTopics {
  private readonly emitter = new EventEmitter().setMaxListeners(0);

  /** Returns whether the topic had no listener before. */
  add(topic: string, listener: FanoutListener): boolean {
    const first = this.emitter.listenerCount(topic) === 0;
    this.emitter.on(topic, listener);
    return first;
  }

  /** Returns whether the topic has no listener left. */
  remove(topic: string, listener: FanoutListener): boolean {
    this.emitter.off(topic, listener);
    return this.emitter.listenerCount(topic) === 0;
  }

  deliver(topic: string, payload: string): void {
    this.emitter.emit(topic, payload);
  }

  onReconnect(listener: () => void): () => void {
    this.emitter.on(RECONNECTED, listener);
    return () => this.emitter.off(RECONNECTED, listener);
  }

  reconnected(): void {
    this.emitter.emit(RECONNECTED);
  }
}

/** Not a topic anyone can publish: topics are strings, this is a symbol. */
const RECONNECTED = Symbol('reconnected');

/** One process: SQLite storage, the console, tests without a shared server. */
export function localFanout(): Fanout {
  const topics = new LocalTopics();
  return {
    async publish(topic, payload) {
      topics.deliver(topic, payload);
    },
    subscribe(topic, listener, onSubscribed) {
      topics.add(topic, listener);
      if (onSubscribed) queueMicrotask(onSubscribed);
      return () => void topics.remove(topic, listener);
    },
    onReconnect: (listener) => topics.onReconnect(listener),
    close: async () => undefined,
  };
}

/**
 * Opens the fanout matching a store URL (`sqlite://`, `redis://`, `rediss://`, `postgres://`,
 * `postgresql://`). Connects eagerly, so an unreachable server fails here.
 */
export async function openFanout(storageUrl: string, options: OpenFanoutOptions = {}): Promise<Fanout> {
  const namespace = options.namespace ?? 'keyv';
  const settings = {
    namespace,
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    onError: options.onError ?? (() => undefined),
  };
  const scheme = /^([a-z]+):\/\//.exec(storageUrl)?.[1];
  switch (scheme) {
    case 'sqlite':
      return localFanout();
    case 'redis':
    case 'rediss':
      return openRedisFanout(storageUrl, settings);
    case 'postgres':
    case 'postgresql':
      return openPostgresFanout(storageUrl, settings);
    default:
      // Never echo the URL: it may carry a password.
      throw new Error(`Unsupported storage URL scheme "${scheme ?? ''}": use sqlite://, redis:// or postgres://`);
  }
}

type Settings = Required<OpenFanoutOptions>;

/** The Redis channel of a topic: the store's key prefix, then `fanout/`. */
export const redisFanoutChannel = (namespace: string, topic: string) => `${namespace}:fanout/${topic}`;

async function openRedisFanout(storageUrl: string, settings: Settings): Promise<Fanout> {
  const { createClient } = await import('@keyv/redis');
  const { timeoutMs, onError } = settings;
  let closing = false;
  // Publishing fails fast when Redis is gone (the caller retries, as with the store); the subscriber
  // keeps trying for as long as the process runs, since it is what makes pages live again.
  const publisher = createClient({
    url: storageUrl,
    socket: { connectTimeout: timeoutMs, reconnectStrategy: (retries, cause) => (retries >= 5 ? cause : 100) },
  });
  const subscriber = createClient({
    url: storageUrl,
    socket: {
      connectTimeout: timeoutMs,
      reconnectStrategy: (retries) => (closing ? false : reconnectDelay(retries)),
    },
  });
  publisher.on('error', () => undefined);
  subscriber.on('error', (error: unknown) => {
    if (!closing) onError(error);
  });
  const topics = new LocalTopics();
  try {
    await withDeadline('open', timeoutMs, async () => {
      await publisher.connect();
      await subscriber.connect();
    });
  } catch (error) {
    publisher.destroy();
    subscriber.destroy();
    throw error;
  }
  // node-redis subscribes again to every channel before it reports 'ready' after a reconnect.
  subscriber.on('ready', () => topics.reconnected());
  const channelOf = (topic: string) => redisFanoutChannel(settings.namespace, topic);
  const relay = (message: string, channel: string) => topics.deliver(channel.slice(channelOf('').length), message);

  return {
    async publish(topic, payload) {
      await withDeadline('publish', timeoutMs, async () => {
        if (!publisher.isOpen) await publisher.connect();
        await publisher.publish(channelOf(topic), payload);
      });
    },
    subscribe(topic, listener, onSubscribed) {
      if (topics.add(topic, listener)) {
        // While disconnected the command waits in node-redis' offline queue and runs on reconnect.
        subscriber.subscribe(channelOf(topic), relay).then(onSubscribed, onError);
      } else if (onSubscribed) {
        queueMicrotask(onSubscribed);
      }
      return () => {
        if (topics.remove(topic, listener) && !closing) subscriber.unsubscribe(channelOf(topic), relay).catch(onError);
      };
    },
    onReconnect: (listener) => topics.onReconnect(listener),
    async close() {
      closing = true;
      subscriber.destroy();
      publisher.destroy();
    },
  };
}

interface PgNotification {
  channel: string;
  payload?: string;
}
interface PgClient {
  connect(): Promise<void>;
  query(sql: string, params?: unknown[]): Promise<unknown>;
  end(): Promise<void>;
  on(event: 'notification', listener: (message: PgNotification) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'end', listener: () => void): unknown;
}
interface PgPool {
  query(sql: string, params?: unknown[]): Promise<unknown>;
  end(): Promise<void>;
  on(event: 'error', listener: (error: Error) => void): unknown;
}
interface PgModule {
  Client: new (config: Record<string, unknown>) => PgClient;
  Pool: new (config: Record<string, unknown>) => PgPool;
}

/**
 * The one NOTIFY channel of a namespace. Channel names are identifiers (at most 63 bytes, longer ones
 * are cut), so the namespace is hashed, and topics travel in the payload. The subscriber connection
 * carries it as its application_name, which lets an operator (or a test) find it.
 */
export const postgresFanoutChannel = (namespace: string) =>
  `fanout_${createHash('sha256').update(namespace).digest('hex').slice(0, 32)}`;

async function openPostgresFanout(storageUrl: string, settings: Settings): Promise<Fanout> {
  // pg is @keyv/postgres's dependency: load the very copy the store uses.
  const requireFromAdapter = createRequire(createRequire(import.meta.url).resolve('@keyv/postgres'));
  const pg = requireFromAdapter('pg') as PgModule;
  const { timeoutMs, onError } = settings;
  const channel = postgresFanoutChannel(settings.namespace);
  const topics = new LocalTopics();
  const publisher = new pg.Pool({
    connectionString: storageUrl,
    max: 2,
    connectionTimeoutMillis: timeoutMs,
    query_timeout: timeoutMs,
  });
  publisher.on('error', () => undefined);
  let closing = false;
  let listener: PgClient | undefined;

  const relay = ({ channel: heard, payload }: PgNotification) => {
    if (heard !== channel || payload === undefined) return;
    const split = payload.indexOf('\n');
    if (split > 0) topics.deliver(payload.slice(0, split), payload.slice(split + 1));
  };

  /** A fresh listening connection; rejects if it cannot connect or LISTEN. */
  const listen = async (): Promise<PgClient> => {
    const client = new pg.Client({
      connectionString: storageUrl,
      connectionTimeoutMillis: timeoutMs,
      query_timeout: timeoutMs,
      application_name: channel,
      keepAlive: true,
    });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query(`LISTEN ${channel}`);
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    client.on('notification', relay);
    client.on('end', () => {
      if (closing || listener !== client) return;
      listener = undefined;
      onError(new Error('fanout: the PostgreSQL listening connection ended'));
      void reconnect();
    });
    return client;
  };

  const reconnect = async () => {
    for (let attempt = 0; !closing; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, reconnectDelay(attempt)));
      if (closing) return;
      try {
        listener = await listen();
        if (closing) await listener.end().catch(() => undefined);
        else topics.reconnected();
        return;
      } catch (error) {
        onError(error);
      }
    }
  };

  try {
    listener = await withDeadline('open', timeoutMs + 1_000, listen);
  } catch (error) {
    await publisher.end().catch(() => undefined);
    throw error instanceof StorageTimeoutError ? error : new Error('fanout: PostgreSQL unreachable', { cause: error });
  }

  return {
    async publish(topic, payload) {
      if (topic.includes('\n')) throw new TypeError('fanout: a topic must not contain a line break');
      const message = `${topic}\n${payload}`;
      if (Buffer.byteLength(message) > NOTIFY_PAYLOAD_BYTES) {
        throw new RangeError(`fanout: message over ${NOTIFY_PAYLOAD_BYTES} bytes: publish an id, not a body`);
      }
      await publisher.query('SELECT pg_notify($1, $2)', [channel, message]);
    },
    subscribe(topic, topicListener, onSubscribed) {
      // The connection listens to the whole namespace from the start: a new topic is active at once.
      topics.add(topic, topicListener);
      if (onSubscribed) queueMicrotask(onSubscribed);
      return () => void topics.remove(topic, topicListener);
    },
    onReconnect: (reconnectListener) => topics.onReconnect(reconnectListener),
    async close() {
      closing = true;
      await listener?.end().catch(() => undefined);
      await publisher.end().catch(() => undefined);
    },
  };
}
