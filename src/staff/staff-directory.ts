/**
 * Who the staff are: each agent has a name and a token of their own (`AGENT_TOKENS`), so what an
 * agent does is recorded under their name, taken from the credential and never from a header the
 * client sets. Tokens are compared as SHA-256 digests with `timingSafeEqual`, so the time an
 * answer takes tells nothing about how close a guess was, nor which agent it was close to.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

export interface StaffMember {
  name: string;
}

export interface StaffDirectory {
  /** The agent whose token an `Authorization: Bearer <token>` header (or a bare token) carries. */
  authenticate(credential: string | undefined): StaffMember | undefined;
  /** Whether any agent is configured. */
  readonly isEmpty: boolean;
}

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

export function createStaffDirectory(agents: readonly { name: string; token: string }[]): StaffDirectory {
  const known = agents.map((agent) => ({ name: agent.name, digest: digest(agent.token) }));
  return {
    isEmpty: known.length === 0,
    authenticate(credential) {
      if (!credential) return undefined;
      const token = BEARER.exec(credential)?.[1] ?? (credential.includes(' ') ? undefined : credential);
      if (!token) return undefined;
      const presented = digest(token);
      let found: StaffMember | undefined;
      // Every token is compared, whichever matches, so the time does not depend on the position.
      for (const agent of known) {
        if (timingSafeEqual(presented, agent.digest) && !found) found = { name: agent.name };
      }
      return found;
    },
  };
}
