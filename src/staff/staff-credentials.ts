/**
 * The one source of who a bearer token belongs to. People come from AGENT_TOKENS (`name:token`,
 * both roles) and from the staff file (roles of their own, tokens kept as SHA-256 only). What a
 * person does is recorded under the name found here, never under a name the client sends.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { StaffRole } from '../validation/staff.ts';
import { STAFF_ROLES } from '../validation/staff.ts';
import { readStaffFile, StaffFileError } from './staff-file.ts';

/** A signed-in person. */
export interface StaffMember {
  name: string;
  roles: StaffRole[];
}

export interface StaffCredentials {
  /** The person an `Authorization: Bearer <token>` header belongs to, or undefined. */
  authenticate(authorizationHeader: string | undefined): StaffMember | undefined;
  /** The person a bare token belongs to, or undefined. */
  identify(token: string): StaffMember | undefined;
  /** How many people can sign in. */
  readonly size: number;
  /** How many of them have this role (with no agent, 「人工」 files a call-back request). */
  countWith(role: StaffRole): number;
}

interface KnownPerson extends StaffMember {
  digest: Buffer;
}

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

/** The token of an `Authorization: Bearer <token>` header, if it is one. */
export function bearerToken(authorizationHeader: string | undefined): string | undefined {
  return BEARER.exec(authorizationHeader ?? '')?.[1];
}

function sha256(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** Whether a person has a role. */
export const hasRole = (member: StaffMember | undefined, role: StaffRole): member is StaffMember =>
  member?.roles.includes(role) ?? false;

/**
 * Credentials from AGENT_TOKENS' people (clear tokens, from the environment) and the staff file's
 * (SHA-256 hex). A name or token given twice is refused: the audit must name one person.
 */
export function createStaffCredentials(
  sources: {
    agents?: readonly { name: string; token: string }[];
    entries?: readonly { name: string; roles: readonly StaffRole[]; tokenSha256: string }[];
  },
  /** The digest comparison; tests count its calls to see that every entry is compared. */
  compare: (presented: Buffer, known: Buffer) => boolean = timingSafeEqual,
): StaffCredentials {
  const people: KnownPerson[] = [
    ...(sources.agents ?? []).map((agent) => ({
      name: agent.name,
      roles: [...STAFF_ROLES],
      digest: sha256(agent.token),
    })),
    ...(sources.entries ?? []).map((entry) => ({
      name: entry.name,
      roles: [...entry.roles],
      digest: Buffer.from(entry.tokenSha256, 'hex'),
    })),
  ];
  const problems: string[] = [];
  people.forEach((person, index) => {
    const earlier = people.slice(0, index);
    if (earlier.some((other) => other.name === person.name)) {
      problems.push(`${person.name}: named in both AGENT_TOKENS and the staff file (or twice)`);
    }
    if (earlier.some((other) => other.digest.equals(person.digest))) {
      problems.push(`${person.name}: has the same token as someone else`);
    }
  });
  if (problems.length > 0) throw new StaffFileError('invalid', problems);

  const identify = (token: string): StaffMember | undefined => {
    const presented = sha256(token);
    let found: KnownPerson | undefined;
    // Every entry is compared, whoever matches: the time taken says nothing about who is near.
    for (const person of people) {
      const same = compare(presented, person.digest);
      found = same ? person : found;
    }
    return found && { name: found.name, roles: [...found.roles] };
  };
  return {
    size: people.length,
    countWith: (role) => people.filter((person) => person.roles.includes(role)).length,
    identify,
    authenticate(authorizationHeader) {
      const token = bearerToken(authorizationHeader);
      return token === undefined ? undefined : identify(token);
    },
  };
}

/**
 * The staff of a configuration: AGENT_TOKENS and the staff file. `machineToken` (DESK_API_TOKEN)
 * may be nobody's personal token, or a machine's calls would be recorded under a person's name.
 */
export function loadStaffCredentials(
  config: {
    AGENT_TOKENS: readonly { name: string; token: string }[];
    staffFile: { path: string; required: boolean };
  },
  machineToken?: string,
): StaffCredentials {
  const file = readStaffFile(config.staffFile.path, { required: config.staffFile.required });
  const credentials = createStaffCredentials({ agents: config.AGENT_TOKENS, entries: file.staff });
  const holder = machineToken === undefined ? undefined : credentials.identify(machineToken);
  if (holder) throw new StaffFileError('invalid', [`${holder.name}: has DESK_API_TOKEN as a personal token`]);
  return credentials;
}
