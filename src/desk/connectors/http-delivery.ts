/**
 * One HTTP request to a desk with Node's fetch, and the rule that sorts its failures into
 * "try again later" and "will never work". Shared by every HTTP connector.
 */
import type { Clock } from '../../platform/clock-and-ids.ts';
import { DeliveryError } from './external-desk.ts';

export interface DeskRequest {
  method: 'GET' | 'POST' | 'PUT';
  url: string;
  headers: Record<string, string>;
  /** Sent as is: signatures are computed over these exact bytes. */
  body?: string;
  /** The whole exchange, body included. */
  timeoutMs: number;
}

export interface DeskResponse {
  status: number;
  headers: Headers;
  text: string;
}

/**
 * Sends the request and reads the whole answer. Network failures and timeouts throw a retryable
 * DeliveryError; any HTTP answer is returned, whatever its status, for the caller to judge.
 */
export async function sendDeskRequest(request: DeskRequest): Promise<DeskResponse> {
  try {
    const response = await fetch(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      // A redirect would turn a POST into a GET and hide a wrong URL: report it instead.
      redirect: 'manual',
      signal: AbortSignal.timeout(request.timeoutMs),
    });
    // Read inside the try: a desk that sends headers and then stalls is a timeout too.
    return { status: response.status, headers: response.headers, text: await response.text() };
  } catch (error) {
    throw networkFailure(error, request.timeoutMs);
  }
}

/** A request that got no (complete) answer. Always retryable: the desk may simply be restarting. */
export function networkFailure(error: unknown, timeoutMs: number): DeliveryError {
  const name = (error as { name?: string } | undefined)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') {
    return new DeliveryError('desk_timeout', `no answer within ${timeoutMs} ms`, { retryable: true, cause: error });
  }
  // undici reports the socket-level reason (ECONNREFUSED, ECONNRESET, UND_ERR_SOCKET) as the cause.
  // The URL is left out on purpose: webhook URLs sometimes carry a token.
  const cause = (error as { cause?: { code?: string; message?: string } } | undefined)?.cause;
  const reason = cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : 'unknown');
  return new DeliveryError('desk_unreachable', `connection failed (${reason})`, { retryable: true, cause: error });
}

/**
 * The error for a non-2xx answer: 5xx, 429 and 408 are worth retrying (honouring Retry-After);
 * any other status means the request itself is wrong and repeating it will not help.
 */
export function statusFailure(response: DeskResponse, clock: Clock): DeliveryError {
  const { status } = response;
  const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), clock.now());
  const extra = retryAfterMs === undefined ? {} : { retryAfterMs };
  if (status === 429) {
    return new DeliveryError('desk_rate_limited', 'desk answered 429', { retryable: true, status, ...extra });
  }
  if (status >= 500 || status === 408) {
    return new DeliveryError('desk_unavailable', `desk answered ${status}`, { retryable: true, status, ...extra });
  }
  return new DeliveryError('desk_rejected', `desk answered ${status}`, { retryable: false, status });
}

/** `Retry-After` as milliseconds from now: delta-seconds or an HTTP-date (RFC 9110 §10.2.3). */
export function parseRetryAfter(header: string | null | undefined, now: Date): number | undefined {
  const value = header?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  const at = Date.parse(value);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now.getTime());
}

/** The answer as JSON, or undefined when it is empty or not JSON. */
export function jsonOf(response: DeskResponse): unknown {
  if (!response.text) return undefined;
  try {
    return JSON.parse(response.text);
  } catch {
    return undefined;
  }
}

export function isSuccess(response: DeskResponse): boolean {
  return response.status >= 200 && response.status < 300;
}
