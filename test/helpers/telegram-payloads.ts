/** Loads the scrubbed Telegram fixtures (documented Update shapes) from test/fixtures/telegram. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('../fixtures/telegram/', import.meta.url));

export function telegramFixture(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(`${dir}${name}.json`, 'utf8')) as Record<string, unknown>;
}

export function telegramFixtureBytes(name: string): Buffer {
  return readFileSync(`${dir}${name}.json`);
}
