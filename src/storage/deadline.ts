import { StorageTimeoutError } from './versioned-store.ts';

/**
 * Runs `work` under a deadline: after `timeoutMs` the result is a StorageTimeoutError, whatever `work` is
 * still waiting for, and the signal handed to `work` is aborted so that its retry loops stop rather than
 * write after the caller has given up. `work` is started synchronously.
 */
export async function withDeadline<T>(
  operation: string,
  timeoutMs: number,
  work: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new StorageTimeoutError(operation, timeoutMs);
      controller.abort(error);
      reject(error);
    }, timeoutMs);
  });
  try {
    return await Promise.race([work(controller.signal), expired]);
  } finally {
    clearTimeout(timer);
  }
}
