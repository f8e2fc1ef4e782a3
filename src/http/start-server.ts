/**
 * Listens on a port and closes cleanly: event streams never finish on their own, so closing
 * ends them; requests in flight get a short grace period, then their connections are cut.
 */
import { createServer, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RunningServer {
  /** e.g. http://127.0.0.1:3978 */
  url: string;
  server: Server;
  close(): Promise<void>;
}

const SHUTDOWN_GRACE_MS = 5_000;

function isEventStream(res: ServerResponse): boolean {
  return String(res.getHeader('content-type') ?? '').startsWith('text/event-stream');
}

function urlFor(address: AddressInfo): string {
  // A wildcard address is not somewhere to point a browser; the loopback of that family is.
  const wildcard: Record<string, string> = { '0.0.0.0': '127.0.0.1', '::': '::1' };
  const host = wildcard[address.address] ?? address.address;
  return `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
}

export function startHttpServer(
  app: RequestListener,
  port: number,
  host: string,
  options: { shutdownGraceMs?: number } = {},
): Promise<RunningServer> {
  const server = createServer(app);
  const open = new Set<ServerResponse>();
  server.on('request', (_req, res: ServerResponse) => {
    open.add(res);
    res.on('close', () => open.delete(res));
  });

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= new Promise<void>((resolve, reject) => {
      const cutOff = setTimeout(() => server.closeAllConnections(), options.shutdownGraceMs ?? SHUTDOWN_GRACE_MS);
      server.close((err) => {
        clearTimeout(cutOff);
        if (err) reject(err);
        else resolve();
      });
      for (const res of open) if (isEventStream(res)) res.end();
      server.closeIdleConnections();
    });
    return closing;
  };

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve({ url: urlFor(server.address() as AddressInfo), server, close });
    });
  });
}
