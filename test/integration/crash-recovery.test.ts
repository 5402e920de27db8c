import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const child = join(import.meta.dirname, '..', 'helpers', 'crash-child.ts');

function run(env: Record<string, string>): { status: number | null; signal: NodeJS.Signals | null } {
  const result = spawnSync(process.execPath, ['--import', 'tsx', child], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 60_000 });
  if (result.status !== 0 && result.signal !== 'SIGKILL') throw new Error(`child failed: ${result.stderr}`);
  return { status: result.status, signal: result.signal };
}

function replies(sink: string): { to: string; text: string }[] {
  if (!existsSync(sink)) return [];
  return readFileSync(sink, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as { to: string; text: string });
}

describe('a process killed mid-turn (SIGKILL) loses nothing and answers nothing twice', () => {
  let dir = '';
  afterEach(() => {
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  for (const crashAt of ['after-ingest', 'after-commit'] as const) {
    it(`killed ${crashAt}: exactly one reply after restart`, () => {
      dir = mkdtempSync(join(tmpdir(), 'ventanilla-crash-'));
      const db = join(dir, 'hub.db');
      const sink = join(dir, 'sink.jsonl');
      const crashed = run({ CRASH_DB: db, CRASH_SINK: sink, CRASH_AT: crashAt, CRASH_MESSAGES: 'hola' });
      expect(crashed.signal).toBe('SIGKILL');
      expect(replies(sink)).toEqual([]);
      const restarted = run({ CRASH_DB: db, CRASH_SINK: sink, CRASH_AT: 'none', CRASH_MESSAGES: '' });
      expect(restarted.status).toBe(0);
      expect(replies(sink)).toEqual([{ to: 'webchat:crash', text: '¡Hola! ¿En qué puedo ayudarte? (hola)' }]);
      // A third start finds nothing left to do.
      run({ CRASH_DB: db, CRASH_SINK: sink, CRASH_AT: 'none', CRASH_MESSAGES: '' });
      expect(replies(sink)).toHaveLength(1);
      // Three child processes of a whole hub each: generous on a loaded two-core machine.
    }, 120_000);
  }
});

describe('a process killed mid-delivery (SIGKILL) re-sends nothing the platform accepted', () => {
  let dir = '';
  afterEach(() => {
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  it("killed while B's send hangs, after the platform accepted A's reply: A is not sent again", () => {
    dir = mkdtempSync(join(tmpdir(), 'ventanilla-crash-'));
    const db = join(dir, 'hub.db');
    const sink = join(dir, 'sink.jsonl');
    const crashed = run({ CRASH_DB: db, CRASH_SINK: sink, CRASH_AT: 'while-b-hangs', CRASH_MESSAGES: 'a=hola A|b=hola B' });
    expect(crashed.signal).toBe('SIGKILL');
    expect(replies(sink)).toEqual([{ to: 'webchat:a', text: '¡Hola! ¿En qué puedo ayudarte? (hola A)' }]);
    const restarted = run({ CRASH_DB: db, CRASH_SINK: sink, CRASH_AT: 'none', CRASH_MESSAGES: '' });
    expect(restarted.status).toBe(0);
    expect(replies(sink)).toEqual([
      { to: 'webchat:a', text: '¡Hola! ¿En qué puedo ayudarte? (hola A)' },
      { to: 'webchat:b', text: '¡Hola! ¿En qué puedo ayudarte? (hola B)' },
    ]);
    // Two child processes of a whole hub each: generous on a loaded two-core machine.
  }, 120_000);
});
