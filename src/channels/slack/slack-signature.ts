/**
 * Slack's request signing (v0 HMAC-SHA256 over `v0:{timestamp}:{raw body}`), checked with Bolt's
 * own verifier. Bolt refuses only stale timestamps (5.1.0 accepts one from the far future), so a
 * timestamp more than five minutes ahead is refused here first: a request signed for later cannot
 * be replayed then.
 */
import { verifySlackRequest } from '@slack/bolt';
import type { Clock } from '../../platform/clock-and-ids.ts';

/** How far a request's timestamp may be from now, either way (Slack's documented window). */
export const SLACK_MAX_SKEW_SECONDS = 300;

export interface SignedRequest {
  timestamp: string | undefined;
  signature: string | undefined;
  rawBody: string;
}

/** Whether the request was signed with `signingSecret` within the window around `clock`'s now. */
export function isSignedBySlack(request: SignedRequest, signingSecret: string, clock: Clock): boolean {
  const { timestamp, signature, rawBody } = request;
  if (!timestamp || !/^\d{1,12}$/.test(timestamp) || !signature) return false;
  const nowMs = clock.now().getTime();
  const seconds = Number(timestamp);
  if (Math.abs(Math.floor(nowMs / 1000) - seconds) > SLACK_MAX_SKEW_SECONDS) return false;
  try {
    verifySlackRequest({
      signingSecret,
      body: rawBody,
      headers: {
        'x-slack-request-timestamp': seconds,
        'x-slack-signature': signature,
      },
      nowMilliseconds: nowMs,
    });
    return true;
  } catch {
    return false;
  }
}
