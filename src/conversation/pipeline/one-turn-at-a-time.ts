/**
 * Runs the turns of one conversation one after another in this process (a double tap, a channel
 * retry); the version-checked commit catches the rare overlap between processes.
 */
import { addressKey } from '../address.ts';
import { KeyedMutex } from '../keyed-mutex.ts';
import type { TurnMiddleware } from './turn-pipeline.ts';

export function oneTurnAtATime(): TurnMiddleware {
  const mutex = new KeyedMutex();
  return (turn, next) => mutex.run(addressKey(turn.address), next);
}
