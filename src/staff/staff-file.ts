/**
 * The staff file (STAFF_FILE): people, their roles and the SHA-256 of their tokens, never a token
 * in clear. Read at start-up; written by `npm run staff`, readable by its owner only (0600).
 */
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type StaffEntry, type StaffFile, type StaffRole, staffFileSchema } from '../validation/staff.ts';

/** Why a staff file could not be used; `problems` name the file and the entry, never a token. */
export class StaffFileError extends Error {
  constructor(
    readonly code: 'missing' | 'unreadable' | 'invalid' | 'duplicate_name' | 'unknown_name',
    readonly problems: string[],
  ) {
    super(problems.join('\n'));
    this.name = 'StaffFileError';
  }
}

/** SHA-256 of a token, lower-case hex: what the file keeps in its place. */
export function tokenSha256(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/**
 * The file's entries. A file that is not there is an error only when `required` (STAFF_FILE set);
 * the default file in DATA_DIR may simply not exist yet.
 */
export function readStaffFile(file: string, { required }: { required: boolean }): StaffFile {
  if (!existsSync(file)) {
    if (required) throw new StaffFileError('missing', [`STAFF_FILE: ${file} does not exist`]);
    return { staff: [] };
  }
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    const reason = error instanceof SyntaxError ? 'not valid JSON' : 'cannot be read';
    throw new StaffFileError('unreadable', [`STAFF_FILE: ${file} ${reason}`]);
  }
  const parsed = staffFileSchema.safeParse(data);
  if (!parsed.success) {
    throw new StaffFileError(
      'invalid',
      parsed.error.issues.map((issue) => `STAFF_FILE: ${file}: ${issue.path.join('.') || '(file)'}: ${issue.message}`),
    );
  }
  return parsed.data;
}

/** Writes the whole file at once (a half-written file would lock everyone out), mode 0600. */
export function writeStaffFile(file: string, contents: StaffFile): void {
  const checked = staffFileSchema.parse(contents);
  mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(checked, null, 2)}\n`, { mode: 0o600 });
  renameSync(temporary, file);
  // The mode a file is created with passes through the umask; say it outright.
  chmodSync(file, 0o600);
}

/** Adds a person with a fresh token; returns the token, which exists nowhere else afterwards. */
export function addStaffMember(
  file: string,
  person: { name: string; roles: StaffRole[] },
  newToken: () => string,
): { token: string; entry: StaffEntry } {
  const current = readStaffFile(file, { required: false });
  if (current.staff.some((entry) => entry.name === person.name)) {
    throw new StaffFileError('duplicate_name', [person.name]);
  }
  const token = newToken();
  const entry: StaffEntry = { name: person.name, roles: person.roles, tokenSha256: tokenSha256(token) };
  writeStaffFile(file, { staff: [...current.staff, entry] });
  return { token, entry };
}

/** Removes a person: their token stops working at the next start. */
export function removeStaffMember(file: string, name: string): void {
  const current = readStaffFile(file, { required: true });
  const staff = current.staff.filter((entry) => entry.name !== name);
  if (staff.length === current.staff.length) throw new StaffFileError('unknown_name', [name]);
  writeStaffFile(file, { staff });
}
