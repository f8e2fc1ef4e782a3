/**
 * A Bot Framework activity's files (photos and PDFs) for the document store. As Bot Framework
 * documents for the Emulator and Teams' inline images, a file on the channel's own service
 * (`contentUrl` on the `serviceUrl`'s host) is fetched with the connector's bearer token; a small
 * one may come inline as a `data:` URL; any other `https` link (a OneDrive/SharePoint share) is
 * left to the form as a link, as before; the token never goes anywhere but the channel's host.
 */
import type { Attachment, TurnContext } from 'botbuilder';
import { AppCredentials, type ConnectorClient } from 'botframework-connector';
import type { MessageAttachment } from '../../conversation/messages.ts';
import { DocumentRefused } from '../../documents/document-checks.ts';
import type { DocumentProblem } from '../../documents/document-errors.ts';
import type { DocumentStore } from '../../documents/document-store.ts';
import { dataUrlBytes, downloadAtMost, FileDownloadError, ForeignFileUrl, parseUrl } from '../file-download.ts';

/** What the activity's files became: kept documents, links for the form, those without either, or a refusal. */
export type ActivityFiles =
  | { attachments: MessageAttachment[]; links: string[]; unreachable: number }
  | { problem: DocumentProblem };

const KEPT_TYPES = /^(image\/[\w.+-]+|application\/pdf)$/i;

/** Teams copies every message into a text/html attachment, and cards are not files. */
export const isDocument = (attachment: { contentType?: string }) =>
  !/^(text\/html|application\/vnd\.microsoft\.card\.)/.test(attachment.contentType ?? '');

const isHttpsLink = (url: string) => /^https:\/\/\S+$/.test(url);

/** `Bearer <token>` of the connector this turn replies through; none without credentials (the Emulator). */
async function connectorAuthorization(context: TurnContext): Promise<string | undefined> {
  const connector = context.turnState.get<ConnectorClient | undefined>(context.adapter.ConnectorClientKey);
  const credentials = connector?.credentials;
  if (!(credentials instanceof AppCredentials) || !credentials.appId) return undefined;
  return `Bearer ${await credentials.getToken()}`;
}

export async function receiveActivityFiles(
  context: TurnContext,
  files: readonly Attachment[],
  documents: DocumentStore,
): Promise<ActivityFiles> {
  const serviceHost = parseUrl(context.activity.serviceUrl)?.host;
  const attachments: MessageAttachment[] = [];
  const links: string[] = [];
  let unreachable = 0;
  let authorization: string | undefined;
  try {
    for (const file of files) {
      const url = file.contentUrl ?? '';
      const kept = KEPT_TYPES.test(file.contentType ?? '');
      let bytes: Buffer | undefined;
      if (kept && url.startsWith('data:')) {
        bytes = dataUrlBytes(url, documents.maxBytes);
      } else if (kept && serviceHost !== undefined && parseUrl(url)?.host === serviceHost) {
        authorization ??= await connectorAuthorization(context);
        bytes = await downloadAtMost(url, {
          allowed: (target) => target.host === serviceHost,
          maxBytes: documents.maxBytes,
          ...(authorization ? { authorization } : {}),
        });
      } else if (isHttpsLink(url)) {
        links.push(url);
        continue;
      }
      if (!bytes) {
        unreachable += 1;
        continue;
      }
      const stored = await documents.put(bytes);
      attachments.push({ documentId: stored.documentId, contentType: stored.contentType });
    }
  } catch (error) {
    if (error instanceof DocumentRefused) return { problem: error.reason };
    // The channel did not give the file (down, an error, a redirect off its host): send it again.
    if (error instanceof FileDownloadError || error instanceof ForeignFileUrl) return { problem: 'unavailable' };
    throw error;
  }
  return { attachments, links, unreachable };
}
