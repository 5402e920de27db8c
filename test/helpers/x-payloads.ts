/** Loads the scrubbed X fixtures (Account Activity API shapes) from test/fixtures/x. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('../fixtures/x/', import.meta.url));

export function xFixtureBytes(name: string): Buffer {
  return readFileSync(`${dir}${name}.json`);
}

export function xFixture(name: string): Record<string, unknown> {
  return JSON.parse(xFixtureBytes(name).toString('utf8')) as Record<string, unknown>;
}

export const ACCOUNT_ID = '1500000000000000001';
export const CITIZEN_ID = '1600000000000000002';
