/**
 * A fake WhatsApp Graph API on loopback: records every POST to `/{version}/{phone-number-id}/messages`
 * and answers like Meta (`{ messages: [{ id: 'wamid…' }] }`), or with programmed failures.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface GraphRequest {
  readonly path: string;
  readonly phoneNumberId: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Record<string, unknown>;
}

export interface GraphFailure {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface FakeGraphApi {
  /** Base URL including the version, as WHATSAPP_GRAPH_BASE_URL. */
  readonly baseUrl: string;
  readonly requests: GraphRequest[];
  /** The next requests fail with these answers, in order. */
  failNext(...failures: GraphFailure[]): void;
  close(): Promise<void>;
}

export async function startFakeGraphApi(version = 'v21.0'): Promise<FakeGraphApi> {
  const requests: GraphRequest[] = [];
  const failures: GraphFailure[] = [];
  let counter = 0;
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const path = request.url ?? '';
      const match = new RegExp(`^/${version}/([^/]+)/messages$`).exec(path);
      if (request.method !== 'POST' || match?.[1] === undefined) {
        response.writeHead(404, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ error: { message: 'Unknown path', code: 100 } }));
        return;
      }
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      } catch {
        // recorded as empty
      }
      requests.push({ path, phoneNumberId: decodeURIComponent(match[1]), headers: request.headers, body });
      const failure = failures.shift();
      if (failure !== undefined) {
        response.writeHead(failure.status, { 'content-type': 'application/json', ...failure.headers });
        response.end(JSON.stringify(failure.body ?? { error: { message: 'programmed failure', code: 1 } }));
        return;
      }
      counter += 1;
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({
          messaging_product: 'whatsapp',
          contacts: [{ input: body.to, wa_id: body.to }],
          messages: [{ id: `wamid.FAKE_${String(counter).padStart(4, '0')}` }],
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/${version}`,
    requests,
    failNext: (...next) => {
      failures.push(...next);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
