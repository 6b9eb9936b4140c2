#!/usr/bin/env node
// The committed entry point of `npx @waymark/mcp` (npm links bins before `npm run build` writes
// dist/): loads the built server, or says how to build it (exit 2).
import { existsSync } from 'node:fs';

const built = new URL('../dist/bin.js', import.meta.url);
if (!existsSync(built)) {
  process.stderr.write(
    'waymark-mcp: ERR_MCP_NOT_BUILT: @waymark/mcp is not built yet; run "npm run build" in the repository, then run this command again.\n',
  );
  process.exit(2);
}
await import(built.href);
