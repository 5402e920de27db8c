/**
 * The fake Telegram Bot API for bench:cluster, in its own process: answers `sendMessage` at once
 * and records, per call, the chat, the text and when it arrived (ms since the epoch: the bench's
 * processes share the machine's clock). Sends `{ apiRoot }` once listening; answers `'calls'` with
 * every record so far and exits on `'stop'`.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import process from 'node:process';

interface Call {
  readonly chat: number;
  readonly text: string;
  readonly at: number;
}

const calls: Call[] = [];
let messageId = 1;
const server = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const method = /\/bot[^/]+\/(\w+)$/.exec(request.url ?? '')?.[1];
    let result: unknown = true;
    if (method === 'sendMessage') {
      const raw = Buffer.concat(chunks).toString('utf8');
      const body = (request.headers['content-type'] ?? '').includes('json') ? (JSON.parse(raw) as Record<string, unknown>) : Object.fromEntries(new URLSearchParams(raw));
      const chat = Number(body.chat_id);
      calls.push({ chat, text: String(body.text), at: Date.now() });
      result = { message_id: messageId++, date: Math.floor(Date.now() / 1000), chat: { id: chat, type: 'private' }, text: String(body.text) };
    }
    const text = JSON.stringify({ ok: true, result });
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    response.end(text);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  process.send?.({ apiRoot: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
});
process.on('message', (message) => {
  if (message === 'calls') process.send?.({ calls });
  if (message === 'stop') server.close(() => process.exit(0));
});
