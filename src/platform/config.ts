/**
 * Configuration from the environment (and `.env`), validated once at start-up.
 * A bad value stops the start with a message naming the variable.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { deskSettingsIssues, deskSettingsShape } from '../desk/connectors/desk-settings-schema.ts';
import { documentSettingsIssues, documentSettingsShape } from '../documents/document-settings.ts';
import { documentUrlSettingsShape } from '../documents/signed-urls.ts';
import { businessHoursShape } from '../handoff/business-hours.ts';
import type { ConversationLimits } from '../limits/daily-quota.ts';
import { STAFF_TOKEN_MIN_LENGTH, staffNameSchema } from '../validation/staff.ts';
import { LOCALES, type Locale } from '../validation/ticket.ts';

/**
 * AGENT_TOKENS, `name:token,name:token`: one token per person, so what each does is recorded
 * under their own name. A token may contain `:`; the name is what comes before the first one.
 */
const agentTokens = z
  .string()
  .default('')
  .transform((raw, ctx) => {
    const agents: { name: string; token: string }[] = [];
    for (const pair of raw
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean)) {
      const colon = pair.indexOf(':');
      const name = colon > 0 ? pair.slice(0, colon) : '';
      const token = colon > 0 ? pair.slice(colon + 1) : '';
      const nameIssue = staffNameSchema.safeParse(name).error?.issues[0]?.message;
      if (!name || token.length < STAFF_TOKEN_MIN_LENGTH || nameIssue) {
        const problem = nameIssue && name ? `name ${name}: ${nameIssue}` : '';
        ctx.addIssue({
          code: 'custom',
          message: `expected name:token pairs, tokens of ${STAFF_TOKEN_MIN_LENGTH}+ characters${problem ? ` (${problem})` : ''}`,
        });
        return z.NEVER;
      }
      if (agents.some((agent) => agent.name === name)) {
        ctx.addIssue({ code: 'custom', message: `${name} is listed twice` });
        return z.NEVER;
      }
      agents.push({ name, token });
    }
    return agents;
  });

const optionalSecret = z.string().min(1).optional();

const DEFAULT_AGENT_LOCALE: Locale = 'zh-CN';

/**
 * SLACK_AGENT_USERS, `U123:alice,U456:bob`: which Slack user acts as which staff name (the name
 * the audit records; the user id comes from Slack's signed request, never from typed text).
 */
const slackAgentUsers = z
  .string()
  .default('')
  .transform((raw, ctx) => {
    const users = new Map<string, string>();
    for (const pair of raw
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean)) {
      const [userId = '', name = '', ...extra] = pair.split(':');
      const nameIssue = staffNameSchema.safeParse(name).error?.issues[0]?.message;
      if (!/^[UW][A-Z0-9]{2,40}$/.test(userId) || nameIssue || extra.length > 0) {
        ctx.addIssue({
          code: 'custom',
          message: `expected SlackUserId:name pairs (U…:alice)${nameIssue && name ? ` (name ${name}: ${nameIssue})` : ''}`,
        });
        return z.NEVER;
      }
      if (users.has(userId)) {
        ctx.addIssue({ code: 'custom', message: `${userId} is listed twice` });
        return z.NEVER;
      }
      users.set(userId, name);
    }
    return users;
  });

/** How much one conversation may file with the desk per day (China's calendar day). */
const conversationLimitsShape = {
  TICKETS_PER_CONVERSATION_PER_DAY: z.coerce.number().int().min(1).max(1000).default(3),
  CALLBACKS_PER_CONVERSATION_PER_DAY: z.coerce.number().int().min(1).max(1000).default(3),
};
const DEFAULT_CONVERSATION_LIMITS = z.object(conversationLimitsShape).parse({});

/** The configured limits, or the defaults for those a partial configuration (tests, tools) leaves out. */
export function conversationLimitsOf(config: Partial<AppConfig>): ConversationLimits {
  return {
    ticketsPerDay:
      config.TICKETS_PER_CONVERSATION_PER_DAY ?? DEFAULT_CONVERSATION_LIMITS.TICKETS_PER_CONVERSATION_PER_DAY,
    callbacksPerDay:
      config.CALLBACKS_PER_CONVERSATION_PER_DAY ?? DEFAULT_CONVERSATION_LIMITS.CALLBACKS_PER_CONVERSATION_PER_DAY,
  };
}

const positiveInt = (fallback: number) => z.coerce.number().int().min(1).default(fallback);

/**
 * How much one client may ask of the web chat (README "Configuration"). Event streams are
 * counted per process; message and conversation counts are per minute, in storage, so every
 * instance shares them.
 */
export const webchatLimitsShape = {
  /** Open event streams of one conversation; a new one over this closes the oldest. */
  WEBCHAT_STREAMS_PER_CONVERSATION: positiveInt(5),
  /** Open event streams in this process; a new one over this gets 429. */
  WEBCHAT_STREAMS_MAX: positiveInt(1000),
  WEBCHAT_MESSAGES_PER_CONVERSATION_PER_MINUTE: positiveInt(30),
  /** One address can be a whole office behind one router: well above what one merchant sends. */
  WEBCHAT_MESSAGES_PER_ADDRESS_PER_MINUTE: positiveInt(120),
  WEBCHAT_CONVERSATIONS_PER_ADDRESS_PER_MINUTE: positiveInt(30),
};
export const webchatLimitsSchema = z.object(webchatLimitsShape);
export type WebchatLimits = z.output<typeof webchatLimitsSchema>;

/**
 * The WeChat Official Account channel (README "WeChat"): on when WECHAT_TOKEN is set; the API
 * (late replies, decisions) needs the AppID and AppSecret; safe mode the EncodingAESKey.
 */
export const wechatSettingsShape = {
  WECHAT_TOKEN: z
    .string()
    .regex(/^[A-Za-z0-9]{3,32}$/, 'must be 3-32 letters and digits')
    .optional(),
  WECHAT_APP_ID: optionalSecret,
  WECHAT_APP_SECRET: optionalSecret,
  WECHAT_ENCODING_AES_KEY: z
    .string()
    .regex(/^[A-Za-z0-9]{43}$/, 'must be 43 letters and digits')
    .optional(),
  WECHAT_API_BASE: z.url().default('https://api.weixin.qq.com'),
  /** WeChat gives up after 5 s; what is not ready by then goes through the customer-service API. */
  WECHAT_REPLY_WAIT_MS: z.coerce.number().int().min(100).max(4500).default(4000),
  /** WeChat's customer-service window; shorter only to try the outside-the-window path. */
  WECHAT_SERVICE_WINDOW_HOURS: z.coerce.number().positive().max(48).default(48),
  /** A template message for news outside the window; without it the news waits for the next message. */
  WECHAT_TEMPLATE_ID_DECISION: optionalSecret,
  /** Seconds a signed request's timestamp may be off from our clock (replays of old requests). */
  WECHAT_MAX_CLOCK_SKEW_S: z.coerce.number().int().min(10).max(3600).default(300),
};
export const wechatSettingsSchema = z.object(wechatSettingsShape);
export type WechatSettings = z.output<typeof wechatSettingsSchema>;

/** Combinations a field rule cannot see: a setting that would be silently ignored is refused. */
export function wechatSettingsIssues(settings: Partial<WechatSettings>): string[] {
  const issues: string[] = [];
  const { WECHAT_TOKEN, WECHAT_APP_ID, WECHAT_APP_SECRET, WECHAT_ENCODING_AES_KEY, WECHAT_TEMPLATE_ID_DECISION } =
    settings;
  const others = { WECHAT_APP_ID, WECHAT_APP_SECRET, WECHAT_ENCODING_AES_KEY, WECHAT_TEMPLATE_ID_DECISION };
  if (!WECHAT_TOKEN && Object.values(others).some(Boolean)) {
    issues.push('WECHAT_TOKEN: required when any other WECHAT_* credential is set (the channel is off without it)');
  }
  if (Boolean(WECHAT_APP_ID) !== Boolean(WECHAT_APP_SECRET)) {
    issues.push('WECHAT_APP_ID, WECHAT_APP_SECRET: set both (the API needs both) or neither');
  }
  if (WECHAT_ENCODING_AES_KEY && !WECHAT_APP_ID) {
    issues.push('WECHAT_APP_ID: required with WECHAT_ENCODING_AES_KEY (safe mode checks the AppID)');
  }
  if (WECHAT_TEMPLATE_ID_DECISION && !WECHAT_APP_SECRET) {
    issues.push('WECHAT_APP_ID, WECHAT_APP_SECRET: required with WECHAT_TEMPLATE_ID_DECISION');
  }
  return issues;
}

/**
 * Express's `trust proxy`: which X-Forwarded-For hops to believe for the client's address (the
 * per-address limits count by it). Unset: none, the connection's own address counts.
 */
const trustProxy = z
  .string()
  .regex(/^(true|false|\d+|[\w.:/, -]+)$/, 'expected true, a hop count, or addresses/subnets')
  .transform((raw): boolean | number | string => {
    if (raw === 'true' || raw === 'false') return raw === 'true';
    return /^\d+$/.test(raw) ? Number(raw) : raw;
  })
  .optional();

/**
 * Bot Framework (README "Bot Framework"). On with BOTFRAMEWORK_ENABLED (the Emulator, no
 * credentials: requests are not authenticated) or with an app id (every request's JWT checked).
 * The names are botbuilder's own (MicrosoftAppId, …) with the MICROSOFT_ prefix Azure uses.
 */
const botframeworkShape = {
  BOTFRAMEWORK_ENABLED: z.stringbool().optional(),
  MICROSOFT_APP_ID: optionalSecret,
  MICROSOFT_APP_PASSWORD: optionalSecret,
  MICROSOFT_APP_TYPE: z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI']).optional(),
  MICROSOFT_APP_TENANT_ID: optionalSecret,
};
/** The settings as loaded (the switch already a boolean), checked together; channels read them from here. */
export const botframeworkSettingsSchema = z
  .object({ ...botframeworkShape, BOTFRAMEWORK_ENABLED: z.boolean().optional() })
  .superRefine((s, ctx) => {
    const type = s.MICROSOFT_APP_TYPE ?? 'MultiTenant';
    const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    // Half a configuration would start the channel with authentication silently off, or failing every reply.
    if (!s.MICROSOFT_APP_ID) {
      for (const name of ['MICROSOFT_APP_PASSWORD', 'MICROSOFT_APP_TYPE', 'MICROSOFT_APP_TENANT_ID'] as const) {
        if (s[name]) issue(name, 'needs MICROSOFT_APP_ID');
      }
      return;
    }
    // A managed identity has no password; the other two types sign in with one.
    if (type !== 'UserAssignedMSI' && !s.MICROSOFT_APP_PASSWORD)
      issue('MICROSOFT_APP_PASSWORD', `required for ${type}`);
    if (type !== 'MultiTenant' && !s.MICROSOFT_APP_TENANT_ID) issue('MICROSOFT_APP_TENANT_ID', `required for ${type}`);
  });
export type BotframeworkSettings = z.output<typeof botframeworkSettingsSchema>;

/** Slack (README "Slack"): on when both the signing secret and the bot token are set. */
const slackSettingsShape = {
  SLACK_SIGNING_SECRET: z
    .string()
    .regex(/^[0-9a-f]{16,128}$/i, "must be the app's Signing Secret (hexadecimal, from Basic Information)")
    .optional(),
  SLACK_BOT_TOKEN: z
    .string()
    .regex(/^xoxb-[A-Za-z0-9-]+$/, 'must be a bot token (xoxb-…, from OAuth & Permissions)')
    .optional(),
  /** The channel where handoffs are posted for agents (its id, C… or G…); the agent workspace is off without it. */
  SLACK_AGENT_CHANNEL: z
    .string()
    .regex(/^[CG][A-Z0-9]{2,40}$/, 'must be a Slack channel id (C… or G…, from the channel details)')
    .optional(),
  SLACK_AGENT_USERS: slackAgentUsers,
  /** The language of the agents' cards and notes in Slack. */
  SLACK_AGENT_LOCALE: z.enum(LOCALES).default(DEFAULT_AGENT_LOCALE),
  /** The Web API's base (Slack's own by default); a local stand-in in tests. */
  SLACK_API_URL: z.url({ protocol: /^https?$/ }).optional(),
};

/** A half-configured Slack is a mistake worth stopping for, not a channel silently left off. */
function slackSettingsIssues(config: {
  SLACK_SIGNING_SECRET?: string | undefined;
  SLACK_BOT_TOKEN?: string | undefined;
  SLACK_AGENT_CHANNEL?: string | undefined;
  SLACK_AGENT_USERS?: ReadonlyMap<string, string> | undefined;
}) {
  const set = [config.SLACK_SIGNING_SECRET, config.SLACK_BOT_TOKEN].filter(Boolean).length;
  if (set === 1) return ['SLACK_SIGNING_SECRET, SLACK_BOT_TOKEN: set both to turn Slack on, or neither'];
  const agentUsers = config.SLACK_AGENT_USERS?.size ?? 0;
  if (config.SLACK_AGENT_CHANNEL && set === 0)
    return ['SLACK_AGENT_CHANNEL: the agent workspace needs Slack on (SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN)'];
  if (agentUsers > 0 && !config.SLACK_AGENT_CHANNEL)
    return ['SLACK_AGENT_USERS: set SLACK_AGENT_CHANNEL too, the channel where handoffs are posted'];
  return [];
}

/** The agents' workspace in Slack (README "Slack"): on when SLACK_AGENT_CHANNEL is set. */
export interface SlackAgentSettings {
  channel: string;
  /** Slack user id → the staff name they act as. */
  users: ReadonlyMap<string, string>;
  locale: Locale;
}

export interface SlackSettings {
  signingSecret: string;
  botToken: string;
  apiUrl?: string;
  agents?: SlackAgentSettings;
}

/** Slack's settings, or undefined when Slack is off. */
export function slackSettingsOf(config: Partial<AppConfig>): SlackSettings | undefined {
  const { SLACK_SIGNING_SECRET: signingSecret, SLACK_BOT_TOKEN: botToken, SLACK_API_URL: apiUrl } = config;
  if (!signingSecret || !botToken) return undefined;
  const agents: SlackAgentSettings | undefined = config.SLACK_AGENT_CHANNEL
    ? {
        channel: config.SLACK_AGENT_CHANNEL,
        users: config.SLACK_AGENT_USERS ?? new Map(),
        locale: config.SLACK_AGENT_LOCALE ?? DEFAULT_AGENT_LOCALE,
      }
    : undefined;
  return { signingSecret, botToken, ...(apiUrl ? { apiUrl } : {}), ...(agents ? { agents } : {}) };
}

export const configSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3978),
  HOST: z.string().default('127.0.0.1'),
  DATA_DIR: z.string().min(1).default('./data'),
  STORAGE_URL: z
    .string()
    .regex(/^(sqlite|redis|rediss|postgres|postgresql):\/\//, 'must start with sqlite://, redis:// or postgres://')
    .optional(),
  /**
   * How long one storage call may take before it fails with "try again in a moment" (a frozen
   * Redis must not hang requests); well under a load balancer's and a merchant's patience.
   */
  STORAGE_TIMEOUT_MS: z.coerce.number().int().min(50).max(60_000).default(2000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DESK_API_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  AGENT_TOKENS: agentTokens,
  /**
   * The staff file (README "Staff"): people, their roles and their tokens' SHA-256. Unset: the
   * file `staff.json` in DATA_DIR, if there is one (where `npm run staff` writes by default).
   */
  STAFF_FILE: z.string().min(1).optional(),
  PUBLIC_URL: z.url().optional(),
  TRUST_PROXY: trustProxy,
  ...webchatLimitsShape,
  ...wechatSettingsShape,
  ...slackSettingsShape,
  ...botframeworkShape,
  ...conversationLimitsShape,
  /** When agents are at the desk (README "Agents"): queued inside, a call-back request outside. */
  ...businessHoursShape,
  /** External desk (generic webhook or Zendesk) and the outbox that delivers to it. */
  ...deskSettingsShape,
  /** Photos and PDFs merchants send: size limit, local disk or an S3-compatible bucket. */
  ...documentSettingsShape,
  /** Signed, short-lived document addresses for the external desks. */
  ...documentUrlSettingsShape,
});

export type AppConfig = Omit<z.output<typeof configSchema>, 'DESK_API_TOKEN'> & {
  /** Configured, or generated for a first local run: always set once loaded. */
  DESK_API_TOKEN: string;
  /** Resolved storage location: STORAGE_URL, or the SQLite file in DATA_DIR. */
  storageUrl: string;
  /** Whether DESK_API_TOKEN was generated because none was configured. */
  deskTokenGenerated: boolean;
  /** Where the staff file is: STAFF_FILE, or staff.json in DATA_DIR. */
  staffFile: { path: string; required: boolean };
};

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Reads the configuration. `generateToken` supplies a desk token for a first local run,
 * so `npm start` works with no setup and prints where the desk is.
 */
export function loadConfig(env: Record<string, string | undefined>, generateToken: () => string): AppConfig {
  // Empty values count as unset, as in most .env files.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = configSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const config = parsed.data;
  // Half a channel's or desk's settings would leave it silently off or broken: refuse to start.
  const settingsIssues = [
    ...deskSettingsIssues(config),
    ...wechatSettingsIssues(config),
    ...slackSettingsIssues(config),
    ...documentSettingsIssues(config),
  ];
  if (settingsIssues.length > 0) throw new ConfigError(settingsIssues);
  const botframework = botframeworkSettingsSchema.safeParse(config);
  if (!botframework.success) {
    throw new ConfigError(botframework.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const storageUrl = config.STORAGE_URL ?? `sqlite://${path.resolve(config.DATA_DIR, 'assistant.sqlite')}`;
  const deskTokenGenerated = config.DESK_API_TOKEN === undefined;
  return {
    ...config,
    DESK_API_TOKEN: config.DESK_API_TOKEN ?? generateToken(),
    storageUrl,
    deskTokenGenerated,
    staffFile: staffFileOf(config),
  };
}

/**
 * Where the staff file is. A configured STAFF_FILE must exist (a typo would otherwise lock every
 * reviewer out without a word); the default one in DATA_DIR is read only if someone created it.
 */
export function staffFileOf(config: { STAFF_FILE?: string | undefined; DATA_DIR: string }): AppConfig['staffFile'] {
  return config.STAFF_FILE
    ? { path: path.resolve(config.STAFF_FILE), required: true }
    : { path: path.resolve(config.DATA_DIR, 'staff.json'), required: false };
}

/** Loads `.env` from the working directory into process.env, if there is one. */
export function readDotEnv(file = '.env'): void {
  if (existsSync(file)) process.loadEnvFile(file);
}

/** Where a generated desk token is kept, in DATA_DIR. */
export function deskTokenFile(dataDir: string): string {
  return path.resolve(dataDir, 'desk-api-token');
}

export interface LocalDeskToken {
  /** For loadConfig: the kept token, or a new one generated and kept. */
  read: () => string;
  file: string;
  /** Whether `read` generated the token (this is its first start): only then is it printed. */
  generatedNow: () => boolean;
}

/**
 * A desk token for a first local run: generated once and kept in DATA_DIR (readable by this
 * user only), so it stays the same across restarts until DESK_API_TOKEN is configured.
 */
export function localDeskToken(dataDir: string, generate: () => string): LocalDeskToken {
  const file = deskTokenFile(dataDir);
  let generated = false;
  return {
    file,
    generatedNow: () => generated,
    read: () => {
      if (existsSync(file)) return readFileSync(file, 'utf8').trim();
      mkdirSync(dataDir, { recursive: true });
      const token = generate();
      writeFileSync(file, `${token}\n`, { mode: 0o600 });
      generated = true;
      return token;
    },
  };
}
