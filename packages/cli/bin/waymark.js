#!/usr/bin/env node
// The committed entry point of the `waymark` command. npm links bins at install time, before
// `npm run build` has written dist/, so the bin must exist in the repository: this shim loads
// the built CLI, or says how to build it (exit 2, the CLI's "could not run as asked").
import { existsSync } from 'node:fs';

const built = new URL('../dist/bin.js', import.meta.url);
if (!existsSync(built)) {
  process.stderr.write('waymark: ERR_CLI_NOT_BUILT: the CLI is not built yet; run "npm run build" in the repository, then run this command again.\n');
  process.exit(2);
}
await import(built.href);
