import { runStdio } from './stdio.js';

// `npx @waymark/mcp …`: the stdio server; the exit code says whether it could start (2: bad options).
const code = await runStdio(process.argv.slice(2), { env: process.env, stderr: process.stderr, stdout: process.stdout });
if (code !== 0) process.exit(code);
