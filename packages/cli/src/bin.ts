#!/usr/bin/env node
import { main } from './main.js';

const code = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env, cwd: process.cwd() });
// Let a pipe take everything written before exiting: process.exit drops what a pipe has not
// accepted yet (`waymark schema | …` would stop at 64 KiB).
await Promise.all([process.stdout, process.stderr].map((stream) => new Promise<void>((done) => stream.write('', () => done()))));
// exit explicitly: `waymark run` reads stdin, which would otherwise keep the process alive.
// (`waymark serve` never returns from main, so it is not cut short.)
process.exit(code);
