/**
 * The one composition root of the server: from the configuration, the assistant with every
 * channel `npm start` serves, and the HTTP app on top. main, the tests and the bench all build
 * the server here, so what is tested is what runs.
 */
import { type Assistant, type AssistantDeps, createAssistant } from './app.ts';
import { SERVER_CHANNELS } from './channels/index.ts';
import { createHttpApp } from './http/create-http-app.ts';
import type { IdGenerator } from './platform/clock-and-ids.ts';
import type { AppConfig } from './platform/config.ts';
import { loadStaffCredentials, type StaffCredentials } from './staff/staff-credentials.ts';

export interface Server {
  assistant: Assistant;
  app: ReturnType<typeof createHttpApp>;
  close(): Promise<void>;
}

export async function createServer(
  deps: Omit<AssistantDeps, 'config' | 'channels'> & {
    config: AppConfig;
    errorIds?: IdGenerator;
    /** Who may sign in; read from AGENT_TOKENS and the staff file when not given. */
    staff?: StaffCredentials;
  },
): Promise<Server> {
  const { errorIds, staff: givenStaff, ...assistantDeps } = deps;
  // Read before anything opens: a broken staff file stops the start, with nothing to clean up.
  const staff = givenStaff ?? loadStaffCredentials(deps.config, deps.config.DESK_API_TOKEN);
  const assistant = await createAssistant({ ...assistantDeps, staff, channels: SERVER_CHANNELS });
  const app = createHttpApp({
    config: deps.config,
    assistant,
    logger: deps.logger,
    ...(errorIds ? { ids: errorIds } : {}),
  });
  return { assistant, app, close: () => assistant.close() };
}
