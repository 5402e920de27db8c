// Runs autocannon in its own process (own event loop, own core) so the load generator does not
// steal the CPU of the server it measures. Options come as JSON in argv[2]; the result goes back
// over the IPC channel. (autocannon skips its aggregation inside worker threads, hence a process.)
import { createRequire } from 'node:module';
import process from 'node:process';

const autocannon = createRequire(import.meta.url)('autocannon');
const { url, headers, connections, duration, telegram, firstId } = JSON.parse(process.argv[2]);

let updateId = firstId;
const update = () => {
  const id = updateId++;
  // 500 citizens: several updates per chat, as in real traffic, each update unique.
  const chat = 9_000_000 + (id % 500);
  return JSON.stringify({
    update_id: id,
    message: {
      message_id: id,
      date: Math.floor(Date.now() / 1000),
      chat: { id: chat, type: 'private', first_name: 'B' },
      from: { id: chat, is_bot: false, first_name: 'B', language_code: 'es' },
      text: 'cuándo empieza la renta',
    },
  });
};

const result = await autocannon({
  url,
  method: 'POST',
  connections,
  duration,
  headers,
  ...(telegram ? { requests: [{ setupRequest: (request) => ({ ...request, body: update() }) }] } : { body: update() }),
});
process.send({
  requests: { average: result.requests.average, total: result.requests.total },
  latency: { p99: result.latency.p99, average: result.latency.average },
  '2xx': result['2xx'],
  non2xx: result.non2xx,
  errors: result.errors,
  timeouts: result.timeouts,
}, () => process.exit(0));
