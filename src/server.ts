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

export interface Server {
  assistant: Assistant;
  app: ReturnType<typeof createHttpApp>;
  close(): Promise<void>;
}

export async function createServer(
  deps: Omit<AssistantDeps, 'config' | 'channels'> & { config: AppConfig; errorIds?: IdGenerator },
): Promise<Server> {
  const { errorIds, ...assistantDeps } = deps;
  const assistant = await createAssistant({ ...assistantDeps, channels: SERVER_CHANNELS });
  const app = createHttpApp({
    config: deps.config,
    assistant,
    logger: deps.logger,
    ...(errorIds ? { ids: errorIds } : {}),
  });
  return { assistant, app, close: () => assistant.close() };
}
