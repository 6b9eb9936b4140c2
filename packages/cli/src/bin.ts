#!/usr/bin/env node
import { main } from './main.js';

// exit explicitly: `waymark run` reads stdin, which would otherwise keep the process alive.
// (`waymark serve` never returns from main, so it is not cut short.)
process.exit(await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, cwd: process.cwd() }));
