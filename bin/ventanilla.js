#!/usr/bin/env node
// The `ventanilla` command. Registers tsx so the TypeScript sources run as they are (no build step
// between `npm ci` and a working hub), then hands over to src/cli.ts.
import { register } from 'tsx/esm/api';

register();
// `ventanilla … | head` closes the pipe early: that is the reader's choice, not an error.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});
const { main } = await import('../src/cli.ts');
process.exitCode = await main(process.argv.slice(2));
