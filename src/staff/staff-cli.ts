/**
 * `npm run staff`: who may sign in, kept in the staff file (STAFF_FILE, or staff.json in DATA_DIR).
 *   npm run staff -- add <name> --roles reviewer,agent   prints the person's new token, once
 *   npm run staff -- remove <name>
 *   npm run staff -- list
 * `--file <path>` names another file. The server reads the file when it starts.
 */
import { parseArgs } from 'node:util';
import { localeFromEnvironment, t } from '../i18n/translate.ts';
import { randomIds } from '../platform/clock-and-ids.ts';
import { readDotEnv, staffFileOf } from '../platform/config.ts';
import { STAFF_ROLES, staffNameSchema, staffRolesSchema } from '../validation/staff.ts';
import { addStaffMember, readStaffFile, removeStaffMember, StaffFileError } from './staff-file.ts';

/** Random bytes in a new token: 256 bits, 43 characters. */
const TOKEN_BYTES = 32;

readDotEnv();
const lng = localeFromEnvironment(process.env);
const say = (key: string, vars?: Record<string, unknown>) => process.stdout.write(`${t(lng, key, vars)}\n`);
const fail = (key: string, vars?: Record<string, unknown>): never => {
  process.stderr.write(`${t(lng, key, vars)}\n`);
  process.exit(2);
};
const usage = () => fail('staff:usage', { roles: STAFF_ROLES.join(',') });

function parseCommandLine() {
  try {
    return parseArgs({ options: { roles: { type: 'string' }, file: { type: 'string' } }, allowPositionals: true });
  } catch {
    return usage();
  }
}
const { values, positionals } = parseCommandLine();
const [command, name, ...extra] = positionals;
const file =
  values.file ??
  staffFileOf({ STAFF_FILE: process.env.STAFF_FILE || undefined, DATA_DIR: process.env.DATA_DIR || './data' }).path;

function checkedName(): string {
  const result = staffNameSchema.safeParse(name);
  return result.success ? result.data : fail('staff:badName', { name: name ?? '' });
}

try {
  if (command === 'add' && name && extra.length === 0) {
    const roles = staffRolesSchema.safeParse((values.roles ?? '').split(',').filter(Boolean));
    if (!roles.success) fail('staff:badRoles', { roles: STAFF_ROLES.join(',') });
    const { token, entry } = addStaffMember(file, { name: checkedName(), roles: roles.data! }, () =>
      randomIds.secret(TOKEN_BYTES),
    );
    say('staff:added', { name: entry.name, roles: entry.roles.join(','), file, token });
  } else if (command === 'remove' && name && extra.length === 0) {
    removeStaffMember(file, checkedName());
    say('staff:removed', { name, file });
  } else if (command === 'list' && !name) {
    const { staff } = readStaffFile(file, { required: false });
    if (staff.length === 0) say('staff:nobody', { file });
    for (const entry of staff) say('staff:listed', { name: entry.name, roles: entry.roles.join(',') });
  } else {
    usage();
  }
} catch (error) {
  if (!(error instanceof StaffFileError)) throw error;
  if (error.code === 'duplicate_name') fail('staff:duplicate', { name, file });
  if (error.code === 'unknown_name' || error.code === 'missing') fail('staff:unknown', { name, file });
  fail('staff:fileProblem', { problems: error.problems.join('\n') });
}
