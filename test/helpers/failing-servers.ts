/**
 * Real network failures on loopback, for tests of what a failed delivery says: a port nothing
 * listens on (connection refused), a server that never answers (timeout), one that drops the
 * connection (reset), and a plain-HTTP server to speak TLS to (TLS error).
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FailingServers {
  /** `http://127.0.0.1:<port>` where nothing listens. */
  readonly refusedUrl: string;
  /** Accepts the request and never answers. */
  readonly hangingUrl: string;
  /** Closes the socket as soon as a request arrives. */
  readonly resettingUrl: string;
  /** `https://` to the hanging plain-HTTP server: the TLS handshake fails. */
  readonly tlsUrl: string;
  close(): Promise<void>;
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

export async function startFailingServers(): Promise<FailingServers> {
  const vacated = createServer();
  const refusedPort = await listen(vacated);
  await new Promise<void>((resolve) => vacated.close(() => resolve()));
  const held = new Set<ServerResponse>();
  const hanging = createServer((_request, response) => {
    held.add(response);
  });
  const resetting = createServer((request) => {
    request.socket.destroy();
  });
  const hangingPort = await listen(hanging);
  const resettingPort = await listen(resetting);
  return {
    refusedUrl: `http://127.0.0.1:${refusedPort}`,
    hangingUrl: `http://127.0.0.1:${hangingPort}`,
    resettingUrl: `http://127.0.0.1:${resettingPort}`,
    tlsUrl: `https://127.0.0.1:${hangingPort}`,
    async close() {
      for (const response of held) response.destroy();
      hanging.closeAllConnections();
      resetting.closeAllConnections();
      await Promise.all([hanging, resetting].map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
    },
  };
}
