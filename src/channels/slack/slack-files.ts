/**
 * Files a merchant shares in the DM (`file_share`): each fetched from its private link with the
 * bot token (`Authorization: Bearer xoxb-…`, as Slack documents), only from Slack's file host or
 * the configured API's host (the token never goes elsewhere), then checked and kept by the
 * document store. The first refusal stops the message: nothing of it reaches the form.
 */
import type { MessageAttachment } from '../../conversation/messages.ts';
import { DocumentRefused } from '../../documents/document-checks.ts';
import type { DocumentProblem } from '../../documents/document-errors.ts';
import type { DocumentStore } from '../../documents/document-store.ts';
import type { Logger } from '../../platform/logger.ts';
import { downloadAtMost, ForeignFileUrl } from '../file-download.ts';

/** Where Slack serves files: `url_private_download` points here. */
const SLACK_FILES_HOST = 'files.slack.com';

export type SlackFileProblem = DocumentProblem | 'not_from_slack';

export type ReceivedFiles = { attachments: MessageAttachment[] } | { problem: SlackFileProblem };

export function createSlackFiles(deps: {
  botToken: string;
  /** SLACK_API_URL when set (a stand-in or an Enterprise Grid host): its host serves files too. */
  apiUrl?: string;
  documents: DocumentStore;
  logger: Logger;
}) {
  const apiHost = deps.apiUrl ? new URL(deps.apiUrl).host : undefined;
  const allowed = (url: URL) =>
    url.host === apiHost || (url.protocol === 'https:' && url.hostname === SLACK_FILES_HOST && url.port === '');

  return async function receive(files: readonly { id: string; url: string }[]): Promise<ReceivedFiles> {
    const attachments: MessageAttachment[] = [];
    for (const file of files) {
      try {
        const bytes = await downloadAtMost(file.url, {
          allowed,
          maxBytes: deps.documents.maxBytes,
          authorization: `Bearer ${deps.botToken}`,
        });
        const stored = await deps.documents.put(bytes);
        attachments.push({ documentId: stored.documentId, contentType: stored.contentType });
      } catch (error) {
        if (error instanceof DocumentRefused) return { problem: error.reason };
        if (error instanceof ForeignFileUrl) {
          deps.logger.warn(
            { code: 'slack.file_url_not_allowed', fileId: file.id },
            'file link not on Slack: not fetched',
          );
          return { problem: 'not_from_slack' };
        }
        deps.logger.warn({ err: error, code: 'slack.file_download_failed', fileId: file.id }, 'file not fetched');
        return { problem: 'unavailable' };
      }
    }
    return { attachments };
  };
}
