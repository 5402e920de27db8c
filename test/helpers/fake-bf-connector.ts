/**
 * A fake Bot Framework connector service on loopback: records activities POSTed to
 * `/v3/conversations/{id}/activities[/{replyToId}]` and answers `{ id }` like the real service.
 * In anonymous mode no token endpoint is needed.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ConnectorRequest {
  readonly path: string;
  readonly conversationId: string;
  readonly replyToId?: string;
  readonly headers: IncomingHttpHeaders;
  readonly activity: Record<string, unknown>;
}

export interface FakeBotFrameworkConnector {
  /** Use as the activity's `serviceUrl`. */
  readonly serviceUrl: string;
  readonly requests: ConnectorRequest[];
  /** The next requests answer with these statuses. */
  failNext(...statuses: number[]): void;
  close(): Promise<void>;
}

export async function startFakeBotFrameworkConnector(): Promise<FakeBotFrameworkConnector> {
  const requests: ConnectorRequest[] = [];
  const failures: number[] = [];
  let counter = 0;
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const path = request.url ?? '';
      const match = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/]+))?$/.exec(path);
      if (request.method !== 'POST' || match?.[1] === undefined) {
        response.writeHead(404, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ error: { code: 'NotFound', message: path } }));
        return;
      }
      let activity: Record<string, unknown> = {};
      try {
        activity = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      } catch {
        // recorded as empty
      }
      const replyToId = match[2] === undefined ? undefined : decodeURIComponent(match[2]);
      requests.push({
        path,
        conversationId: decodeURIComponent(match[1]),
        ...(replyToId === undefined ? {} : { replyToId }),
        headers: request.headers,
        activity,
      });
      const status = failures.shift();
      if (status !== undefined) {
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ error: { code: 'Programmed', message: 'programmed failure' } }));
        return;
      }
      counter += 1;
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ id: `bf-activity-${counter}` }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    serviceUrl: `http://127.0.0.1:${port}`,
    requests,
    failNext: (...statuses) => {
      failures.push(...statuses);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
