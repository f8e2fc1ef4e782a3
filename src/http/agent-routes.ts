/**
 * The agent API (DESIGN.md "contract: agent API"): every route needs `Authorization: Bearer
 * <agent token>` (one token per agent, AGENT_TOKENS), and what an agent does is recorded under the
 * name the token belongs to. The event stream also takes the token as `?token=`, since a browser's
 * EventSource cannot set headers. `?channel=` picks the conversation when ids repeat across channels.
 */
import express, { type Request, type Response, type Router } from 'express';
import type { ConversationAddress } from '../conversation/address.ts';
import type { CallbackRequest, SupportDesk } from '../desk/support-desk.ts';
import type { AgentEvents } from '../handoff/agent-events.ts';
import { type AgentWorkspace, HandoffError, type HandoffErrorCode } from '../handoff/agent-workspace.ts';
import { t } from '../i18n/translate.ts';
import { hasRole, type StaffCredentials, type StaffMember } from '../staff/staff-credentials.ts';
import {
  agentCallbackIdSchema,
  agentConversationIdSchema,
  agentConversationQuerySchema,
  agentFieldSchema,
  agentMessageSchema,
} from '../validation/agent-api.ts';
import { bearerTokenOf } from './bearer-auth.ts';
import { failedFields, sendError } from './http-errors.ts';
import { jsonBody } from './json-body.ts';
import { requestLocale } from './request-locale.ts';
import { HEARTBEAT_MS, openEventStream } from './server-sent-events.ts';

const AGENT_BODY_LIMIT = '16kb';

const HANDOFF_ERROR_STATUS: Record<HandoffErrorCode, number> = {
  conversation_not_found: 404,
  conversation_ambiguous: 409,
  already_claimed: 409,
  not_owner: 409,
  no_form: 409,
  unknown_field: 400,
  invalid_field_value: 400,
};

function openFirst(a: CallbackRequest, b: CallbackRequest): number {
  if (!a.closedAt !== !b.closedAt) return a.closedAt ? 1 : -1;
  if (a.closedAt && b.closedAt) return b.closedAt.localeCompare(a.closedAt);
  return a.createdAt.localeCompare(b.createdAt);
}

function agentOf(res: Response): StaffMember {
  return res.locals.agent as StaffMember;
}

export function agentRoutes(deps: {
  /** Only people with the agent role; the machine token (DESK_API_TOKEN) is no agent. */
  staff: StaffCredentials;
  agents: AgentWorkspace;
  events: AgentEvents;
  /** Call-back requests: agents call merchants back and close them. */
  desk: Pick<SupportDesk, 'listCallbacks' | 'closeCallback'>;
  sseHeartbeatMs?: number;
}): Router {
  const { agents } = deps;
  const routes = express.Router();

  routes.use((req, res, next) => {
    const header = bearerTokenOf(req);
    // Only the event stream reads a token from the query (EventSource cannot send headers).
    const queryToken = req.path === '/events' && typeof req.query.token === 'string' ? req.query.token : undefined;
    const token = header ?? queryToken;
    const agent = token === undefined ? undefined : deps.staff.identify(token);
    if (!hasRole(agent, 'agent')) {
      res.set('WWW-Authenticate', 'Bearer');
      return sendError(res, 401, 'unauthorized', requestLocale(req));
    }
    res.locals.agent = agent;
    res.set('Cache-Control', 'no-store');
    next();
  });

  /** The conversation the path names, or an error answer (undefined). */
  async function addressOf(req: Request<{ id: string }>, res: Response): Promise<ConversationAddress | undefined> {
    const id = agentConversationIdSchema.safeParse(req.params.id);
    const query = agentConversationQuerySchema.safeParse(req.query);
    if (!id.success) {
      sendError(res, 400, 'invalid_conversation_id', requestLocale(req));
      return undefined;
    }
    if (!query.success) {
      sendError(res, 400, 'invalid_query', requestLocale(req), { fields: failedFields(query.error) });
      return undefined;
    }
    return answerErrors(req, res, () => agents.find(id.data, query.data.channel));
  }

  /** Runs an agent action; a HandoffError becomes its status with `{error, owner?}`. */
  async function answerErrors<T>(req: Request, res: Response, action: () => Promise<T>): Promise<T | undefined> {
    try {
      return await action();
    } catch (error) {
      if (!(error instanceof HandoffError)) throw error;
      const locale = requestLocale(req);
      const owner = error.owner ?? '';
      const reason = error.errorKey ? t(locale, error.errorKey) : '';
      const status = HANDOFF_ERROR_STATUS[error.code];
      const message = t(locale, `http:error.${error.code}`, { owner, reason });
      res.status(status).json({ error: { code: error.code, message }, ...(error.owner ? { owner: error.owner } : {}) });
      return undefined;
    }
  }

  // Who the token belongs to (the staff page signs in with it, agent-only tokens included).
  routes.get('/me', (_req, res) => {
    res.json(agentOf(res));
  });

  // Open ones first, the longest waiting first; then the closed, the latest closed first.
  routes.get('/callbacks', async (_req, res) => {
    const callbacks = await deps.desk.listCallbacks();
    res.json({ callbacks: [...callbacks].sort(openFirst) });
  });

  routes.post('/callbacks/:id/close', async (req, res) => {
    const id = agentCallbackIdSchema.safeParse(req.params.id);
    if (!id.success) return sendError(res, 400, 'invalid_path', requestLocale(req));
    const callback = await deps.desk.closeCallback(id.data, `agent:${agentOf(res).name}`);
    if (!callback) return sendError(res, 404, 'not_found', requestLocale(req));
    res.json({ callback });
  });

  routes.get('/queue', async (_req, res) => {
    res.json({ conversations: await agents.queue() });
  });

  routes.get('/conversations/:id', async (req, res) => {
    const address = await addressOf(req, res);
    if (address) res.json(await agents.view(address));
  });

  routes.post('/conversations/:id/claim', async (req, res) => {
    const address = await addressOf(req, res);
    if (!address) return;
    const owner = await answerErrors(req, res, () => agents.claim(address, agentOf(res).name));
    if (owner) res.json({ owner });
  });

  routes.post('/conversations/:id/messages', jsonBody(AGENT_BODY_LIMIT), async (req, res) => {
    const body = agentMessageSchema.safeParse(req.body);
    if (!body.success) {
      return sendError(res, 400, 'invalid_body', requestLocale(req), { fields: failedFields(body.error) });
    }
    const address = await addressOf(req, res);
    if (!address) return;
    const entry = await answerErrors(req, res, () => agents.send(address, agentOf(res).name, body.data.text));
    if (entry) res.status(201).json({ message: entry });
  });

  routes.post('/conversations/:id/fields', jsonBody(AGENT_BODY_LIMIT), async (req, res) => {
    const body = agentFieldSchema.safeParse(req.body);
    if (!body.success) {
      return sendError(res, 400, 'invalid_body', requestLocale(req), { fields: failedFields(body.error) });
    }
    const address = await addressOf(req, res);
    if (!address) return;
    const { name, value } = body.data;
    const answers = await answerErrors(req, res, () => agents.fillField(address, agentOf(res).name, name, value));
    if (answers) res.json({ answers });
  });

  routes.post('/conversations/:id/handback', async (req, res) => {
    const address = await addressOf(req, res);
    if (!address) return;
    const owner = await answerErrors(req, res, () => agents.handBack(address, agentOf(res).name));
    if (owner) res.json({ owner });
  });

  routes.post('/conversations/:id/close', async (req, res) => {
    const address = await addressOf(req, res);
    if (!address) return;
    const owner = await answerErrors(req, res, () => agents.close(address, agentOf(res).name));
    if (owner) res.json({ owner });
  });

  // Live: queue changes and every conversation's messages; the queue first, so a page starts whole.
  routes.get('/events', async (_req, res) => {
    const stream = openEventStream(res, deps.sseHeartbeatMs ?? HEARTBEAT_MS);
    const unsubscribe = deps.events.subscribe((event) => stream.send(event));
    stream.onClose(unsubscribe);
    stream.send({ type: 'queue', conversations: await agents.queue() });
  });

  return routes;
}
