/**
 * botbuilder's CloudAdapter, with its turn entry point open to our route. `process()` would write
 * the HTTP answer itself: errors as their raw message (a storage error's text) and to the console;
 * our route answers in the server's error shape, logs through pino, and a 500 carries a reference.
 * Authentication (the JWT of each request) is still CloudAdapter's, unchanged.
 */
import {
  type Activity,
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  type InvokeResponse,
  type TurnContext,
} from 'botbuilder';
import type { BotframeworkSettings } from '../../platform/config.ts';

export class BotframeworkAdapter extends CloudAdapter {
  /** The app id proactive messages are sent as ('' without credentials: the Emulator). */
  readonly appId: string;

  constructor(settings: BotframeworkSettings) {
    // Without an app id, botbuilder turns authentication off: no JWT checked, no token fetched.
    super(
      new ConfigurationBotFrameworkAuthentication({
        MicrosoftAppId: settings.MICROSOFT_APP_ID ?? '',
        MicrosoftAppPassword: settings.MICROSOFT_APP_PASSWORD ?? '',
        MicrosoftAppType: settings.MICROSOFT_APP_TYPE ?? 'MultiTenant',
        MicrosoftAppTenantId: settings.MICROSOFT_APP_TENANT_ID ?? '',
      }),
    );
    this.appId = settings.MICROSOFT_APP_ID ?? '';
  }

  /** Authenticates `authorization` for `activity`, then runs `logic` in a turn (replies go to its serviceUrl). */
  handle(
    authorization: string,
    activity: Activity,
    logic: (context: TurnContext) => Promise<void>,
  ): Promise<InvokeResponse | undefined> {
    return this.processActivity(authorization, activity, logic);
  }
}
