/**
 * Request logs an operator can read: at info, one line per request (method, URL, status, time)
 * and none for health checks, metrics scrapes or static assets; at debug those appear too. A
 * failed probe is never hidden.
 */
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp, type Hub } from '../../../src/app.js';
import { createWebchatChannel } from '../../../src/bots/webchat/index.js';
import { isRoutineRequest } from '../../../src/http/request-log.js';
import { fakeIntents } from '../../helpers/fake-intents.js';
import { testConfig } from '../../helpers/test-config.js';

const webRoot = fileURLToPath(new URL('../../../src/web/', import.meta.url));

let hub: Hub | undefined;
afterEach(async () => {
  await hub?.app.close();
  hub = undefined;
});

async function start(level: pino.Level): Promise<{ hub: Hub; lines: () => { level: number; msg: string; url?: string; status?: number }[] }> {
  const written: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      written.push(chunk.toString());
      callback();
    },
  });
  hub = await buildApp({ config: testConfig({}), intents: fakeIntents(), logger: pino({ level }, sink), channels: [(services) => createWebchatChannel(services)], webRoot });
  await hub.app.ready();
  return { hub, lines: () => written.map((line) => JSON.parse(line) as { level: number; msg: string }) };
}

describe('request log', () => {
  it('at info: one line per request, none for probes and assets', async () => {
    const { hub, lines } = await start('info');
    await hub.app.inject({ method: 'GET', url: '/healthz' });
    await hub.app.inject({ method: 'GET', url: '/static/site.css' });
    await hub.app.inject({ method: 'POST', url: '/webchat/api/sessions' });
    await hub.app.inject({ method: 'GET', url: '/no/such/page' });
    const requestLines = lines().filter((line) => line.status !== undefined || /request/.test(line.msg));
    expect(requestLines.map((line) => line.msg.replace(/ \d+ ms$/, ''))).toEqual(['POST /webchat/api/sessions 200', 'GET /no/such/page 404']);
    expect(requestLines.every((line) => line.level === 30)).toBe(true);
    expect(lines().some((line) => line.msg === 'incoming request' || line.msg === 'request completed')).toBe(false);
  });

  it('at debug: the probes and assets too, at debug level', async () => {
    const { hub, lines } = await start('debug');
    await hub.app.inject({ method: 'GET', url: '/healthz' });
    await hub.app.inject({ method: 'GET', url: '/static/site.css' });
    const requestLines = lines().filter((line) => line.status !== undefined);
    expect(requestLines.map((line) => [line.level, line.msg.replace(/ \d+ ms$/, '')])).toEqual([
      [20, 'GET /healthz 200'],
      [20, 'GET /static/site.css 200'],
    ]);
  });

  it('classifies event streams and assets as routine, API calls not', () => {
    expect(isRoutineRequest('/api/agent/events', 'text/event-stream; charset=utf-8')).toBe(true);
    expect(isRoutineRequest('/agent/console.js', undefined)).toBe(true);
    expect(isRoutineRequest('/readyz', 'application/json')).toBe(true);
    expect(isRoutineRequest('/api/agent/conversations', 'application/json; charset=utf-8')).toBe(false);
    expect(isRoutineRequest('/editor', 'text/html')).toBe(false);
  });
});
