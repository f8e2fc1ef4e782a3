/**
 * `Authorization: Bearer <token>`: DESK_API_TOKEN for machines, a person's own token for staff.
 * Tokens are compared in constant time, so response timing does not reveal how much of a guess
 * was right.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import { bearerToken, type StaffCredentials, type StaffMember } from '../staff/staff-credentials.ts';
import type { StaffRole } from '../validation/staff.ts';
import { sendError } from './http-errors.ts';
import { requestLocale } from './request-locale.ts';

function digest(value: string): Buffer {
  // Hashing first gives equal-length buffers, which timingSafeEqual requires.
  return createHash('sha256').update(value, 'utf8').digest();
}

/** Whether `presented` equals `expected`, taking the same time for any wrong guess. */
export function tokensMatch(presented: string, expected: string): boolean {
  return timingSafeEqual(digest(presented), digest(expected));
}

/** The token of an `Authorization: Bearer <token>` header, if the request has one. */
export function bearerTokenOf(req: Request): string | undefined {
  return bearerToken(req.get('authorization'));
}

/** Rejects requests without the expected token; with no token configured, rejects them all. */
export function requireBearerToken(expected: string | undefined): RequestHandler {
  return (req, res, next) => {
    const presented = bearerTokenOf(req);
    if (expected && presented && tokensMatch(presented, expected)) return next();
    res.set('WWW-Authenticate', 'Bearer');
    sendError(res, 401, 'unauthorized', requestLocale(req));
  };
}

/** Who is calling: a machine with DESK_API_TOKEN, or a person signed in with their own token. */
export type Caller = { kind: 'machine' } | { kind: 'person'; member: StaffMember };

/** The audit's "who" for a caller: `desk-api`, or `reviewer:<name>` from the credential. */
export function auditActorOf(caller: Caller): string {
  return caller.kind === 'machine' ? 'desk-api' : `reviewer:${caller.member.name}`;
}

/** The caller `requireCaller` let through. */
export function callerOf(res: Response): Caller {
  const caller = res.locals.caller as Caller | undefined;
  if (!caller) throw new Error('callerOf: route not behind requireCaller');
  return caller;
}

/**
 * Lets through DESK_API_TOKEN or a person's token with `role`, and keeps who it was for the route
 * (`callerOf`); anything else gets 401. Headers naming a person (the old X-Reviewer) are ignored.
 */
export function requireCaller(deps: {
  machineToken: string;
  staff: StaffCredentials;
  role: StaffRole;
}): RequestHandler {
  return (req, res, next) => {
    const presented = bearerTokenOf(req);
    if (presented) {
      // Both checks run whatever the first says: timing tells nothing about which kind of token it was.
      const machine = tokensMatch(presented, deps.machineToken);
      const member = deps.staff.identify(presented);
      if (machine) {
        res.locals.caller = { kind: 'machine' } satisfies Caller;
        return next();
      }
      if (member?.roles.includes(deps.role)) {
        res.locals.caller = { kind: 'person', member } satisfies Caller;
        return next();
      }
    }
    res.set('WWW-Authenticate', 'Bearer');
    sendError(res, 401, 'unauthorized', requestLocale(req));
  };
}
