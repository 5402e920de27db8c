/**
 * An instance killed with SIGKILL mid-load (PostgreSQL, turn leases): a hub in a child process
 * stores 20 citizens' messages and is killed while its slow turns still own conversations; the
 * instance in this process takes those conversations over once the leases expire, and every
 * message ends with exactly one reply, in order per citizen, including messages written to the
 * survivor while the dead instance's lease still stood. Skipped without VENTANILLA_TEST_POSTGRES_URL.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp, type Hub } from '../../src/app.js';
import { createStore, dropPostgresSchema } from '../../src/core/store/index.js';
import { fakeIntents } from '../helpers/fake-intents.js';
import { RecordingAdapter } from '../helpers/recording-adapter.js';
import { postgresUrl } from '../helpers/stores.js';
import { testConfig } from '../helpers/test-config.js';

const enabled = postgresUrl !== undefined && postgresUrl !== '';
const CHILD = join(import.meta.dirname, '..', 'helpers', 'lease-child.ts');
const LEASE_MS = 2_000;
const CONVERSATIONS = 20;
const MESSAGES = 5;
const replyTo = (text: string): string => `¡Hola! ¿En qué puedo ayudarte? (${text})`;

async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe.skipIf(!enabled)('an instance killed with SIGKILL mid-load (PostgreSQL turn leases)', () => {
  const url = postgresUrl ?? '';
  const schema = `t_${randomBytes(6).toString('hex')}`;
  let survivor: Hub | undefined;
  let childPid: number | undefined;
  afterEach(async () => {
    if (childPid !== undefined) {
      try {
        process.kill(childPid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await survivor?.app.close();
    await dropPostgresSchema(url, schema);
  });

  it('its conversations resume on the other instance within the lease time: nothing lost, nothing doubled, in order', async () => {
    const store = await createStore(url, { schema, poolSize: 4 });
    const adapter = new RecordingAdapter();
    survivor = await buildApp({
      config: testConfig(),
      store,
      ownsStore: true,
      intents: fakeIntents(),
      channels: [() => ({ adapter })],
      logger: false,
      deliveryPolicy: { pollIntervalMs: 10 },
      turnLease: { leaseMs: LEASE_MS, sweepMs: 100 },
    });
    await survivor.start();

    const child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
      env: { ...process.env, LEASE_PG_URL: url, LEASE_SCHEMA: schema, LEASE_CONVERSATIONS: String(CONVERSATIONS), LEASE_MESSAGES: String(MESSAGES), LEASE_TURN_MS: '300', LEASE_MS: String(LEASE_MS) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    childPid = child.pid;
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
    await until(() => output.includes('stored ') || child.exitCode !== null, 120_000, `the child storing its messages (${output})`);
    const childOwner = /stored (\S+)/.exec(output)?.[1] ?? '';
    expect(childOwner).toMatch(/^turn:/);

    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    const killedAt = Date.now();
    const db = store.kysely;
    const orphaned = await db.selectFrom('conversations').select(['id', 'pending_inbound']).where('lease_owner', '=', childOwner).execute();
    // The test means something only if the dead instance still owned unfinished conversations.
    expect(orphaned.length).toBeGreaterThan(0);
    expect(orphaned.some((row) => Number(row.pending_inbound) > 0)).toBe(true);

    // A citizen of each conversation writes again, to the survivor, while the dead lease still stands.
    for (let c = 0; c < CONVERSATIONS; c += 1) {
      const user = `k${c}`;
      await survivor.runner.accept({ id: `${user}-again`, conversationKey: `webchat:${user}`, from: { channel: 'webchat', id: user }, receivedAt: new Date(), kind: 'text', text: `hola ${user} otra vez` });
    }

    // Taken over once the leases run out: no conversation is left to the dead instance.
    await until(
      async () => (await db.selectFrom('conversations').select('id').where('lease_owner', '=', childOwner).execute()).length === 0,
      LEASE_MS + 3_000,
      'the dead instance’s leases taken over',
    );
    const takeoverMs = Date.now() - killedAt;
    expect(takeoverMs).toBeLessThan(LEASE_MS + 3_000);

    const total = CONVERSATIONS * (MESSAGES + 1);
    await until(() => adapter.sent.length >= total, 60_000, `all ${total} replies sent (got ${adapter.sent.length})`);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const got = new Map<string, string[]>();
    for (const sent of adapter.sent) got.set(sent.to.participant.id, [...(got.get(sent.to.participant.id) ?? []), sent.message.kind === 'text' ? sent.message.text : '']);
    for (let c = 0; c < CONVERSATIONS; c += 1) {
      const user = `k${c}`;
      expect(got.get(user)).toEqual([...Array.from({ length: MESSAGES }, (_, n) => replyTo(`hola ${user} #${n}`)), replyTo(`hola ${user} otra vez`)]);
    }
    expect(adapter.sent).toHaveLength(total);
    const { rows } = await sql<{ n: string }>`select count(*) as n from inbound where status = 'pending'`.execute(db);
    expect(Number(rows[0]?.n)).toBe(0);
  }, 180_000);
});
