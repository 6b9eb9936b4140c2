// Engine benchmark (the implementation lives in @waymark/cli, shared with `waymark bench`).
// Run: npm run bench, or node bench/engine.mjs after npm run build.
import { benchEngine, formatEngineBench } from '@waymark/cli';

export { benchEngine };

if (import.meta.url === `file://${process.argv[1]}`) process.stdout.write(formatEngineBench(await benchEngine()));
