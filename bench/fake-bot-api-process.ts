/**
 * The fake Telegram Bot API in its own process for bench:webhooks: in production Telegram's
 * servers are elsewhere, so receiving the replies must not use the hub's CPU. Sends
 * `{ apiRoot }` once listening; answers `'count'` with the number of sendMessage calls.
 */
import process from 'node:process';
import { startFakeTelegramApi } from '../test/helpers/fake-telegram-api.js';

const api = await startFakeTelegramApi();
process.on('message', (message) => {
  if (message === 'count') process.send?.({ count: api.callsOf('sendMessage').length });
  if (message === 'stop') void api.close().then(() => process.exit(0));
});
process.send?.({ apiRoot: api.apiRoot });
