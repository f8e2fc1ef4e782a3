/**
 * Who the staff are, as data: a person's name, what they may do, and how their token is kept.
 * One schema for AGENT_TOKENS, the staff file and the staff command, so a name accepted in one
 * place is accepted in all of them.
 */
import { z } from 'zod';

/**
 * A person's name as the audit trail shows it (`reviewer:张三`): letters (Chinese included),
 * digits and `._@-`, so it can never carry markup, spaces that hide a second name, or the `:`
 * that separates names from tokens in AGENT_TOKENS.
 */
export const staffNameSchema = z
  .string()
  .regex(/^[\p{L}\p{N}._@-]{1,64}$/u, 'must be 1-64 letters, digits or ._@- (no spaces)');

export const STAFF_ROLES = ['agent', 'reviewer'] as const;
export const staffRoleSchema = z.enum(STAFF_ROLES);
export type StaffRole = z.output<typeof staffRoleSchema>;

/** Roles given on the command line or in the file: at least one, each once. */
export const staffRolesSchema = z
  .array(staffRoleSchema)
  .min(1)
  .transform((roles) => [...new Set(roles)].sort());

/** SHA-256 of the token, lower-case hex: the file never holds a token in clear. */
export const tokenSha256Schema = z.string().regex(/^[0-9a-f]{64}$/, 'must be the SHA-256 of the token, 64 hex digits');

export const staffEntrySchema = z.strictObject({
  name: staffNameSchema,
  roles: staffRolesSchema,
  tokenSha256: tokenSha256Schema,
});
export type StaffEntry = z.output<typeof staffEntrySchema>;

/**
 * The staff file (STAFF_FILE). Two entries with one name would make the audit ambiguous; two
 * with one token would let one person act as the other: both are refused.
 */
export const staffFileSchema = z.strictObject({ staff: z.array(staffEntrySchema) }).superRefine(({ staff }, ctx) => {
  const names = new Set<string>();
  const hashes = new Set<string>();
  staff.forEach((entry, index) => {
    if (names.has(entry.name)) {
      ctx.addIssue({ code: 'custom', path: ['staff', index, 'name'], message: `${entry.name} is listed twice` });
    }
    if (hashes.has(entry.tokenSha256)) {
      ctx.addIssue({
        code: 'custom',
        path: ['staff', index, 'tokenSha256'],
        message: 'token shared with another entry',
      });
    }
    names.add(entry.name);
    hashes.add(entry.tokenSha256);
  });
});
export type StaffFile = z.output<typeof staffFileSchema>;

/** A token the staff command hands out or AGENT_TOKENS names: long enough not to be guessed. */
export const STAFF_TOKEN_MIN_LENGTH = 16;
