/**
 * `GET /readyz`: whether this instance can serve a turn now, for a load balancer. Storage alone
 * decides: every turn and the built-in desk live there, so a frozen or unreachable store means 503
 * and traffic goes elsewhere. An external desk's outage is absorbed by its outbox (tickets wait,
 * nothing is lost), so its queue is reported for operators but never makes the instance unready.
 * `/healthz` stays liveness: a frozen store is no reason to restart the process.
 */
import type { RequestHandler } from 'express';
import type { Outbox } from '../desk/outbox/outbox.ts';
import { StorageTimeoutError, type VersionedStore } from '../storage/versioned-store.ts';

export type StorageState = 'ok' | 'timeout' | 'error';

export interface Readiness {
  ok: boolean;
  storage: StorageState;
  /** The external desk's outbox, when one is configured; `unknown` when it could not be read. */
  desk:
    | { connector: 'builtin' }
    | { connector: 'external'; pending: number; parked: number }
    | { connector: 'external'; outbox: 'unknown' };
}

async function storageState(store: VersionedStore): Promise<StorageState> {
  try {
    // ping settles within the store's own timeout: a frozen backend answers "timeout", never hangs.
    await store.ping();
    return 'ok';
  } catch (error) {
    return error instanceof StorageTimeoutError ? 'timeout' : 'error';
  }
}

async function deskState(outbox: Outbox<unknown> | undefined): Promise<Readiness['desk']> {
  if (!outbox) return { connector: 'builtin' };
  try {
    const [pending, parked] = await Promise.all([outbox.listPending(), outbox.listParked()]);
    return { connector: 'external', pending: pending.length, parked: parked.length };
  } catch {
    return { connector: 'external', outbox: 'unknown' };
  }
}

export async function readiness(store: VersionedStore, outbox?: Outbox<unknown>): Promise<Readiness> {
  // In parallel, so a frozen store costs one timeout, not two.
  const [storage, desk] = await Promise.all([storageState(store), deskState(outbox)]);
  return { ok: storage === 'ok', storage, desk };
}

export function readinessRoute(deps: { store: VersionedStore; outbox?: Outbox<unknown> }): RequestHandler {
  return async (_req, res) => {
    const state = await readiness(deps.store, deps.outbox);
    res.set('Cache-Control', 'no-store');
    res.status(state.ok ? 200 : 503).json(state);
  };
}
