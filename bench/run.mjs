// npm run bench: every benchmark, each against a baseline measured in the same run.
import { benchEngine } from './engine.mjs';
import { benchHandoff, formatHandoff } from './handoff.mjs';
import { benchHandoffRedis, formatHandoffRedis } from './handoff-redis.mjs';

const e = await benchEngine();
console.log('engine (10-node flows, in process)');
console.log(`  plain async loop            ${e.plainUsPerStep.toFixed(2)} µs/step`);
console.log(`  engine, linear              ${e.linearUsPerStep.toFixed(2)} µs/step   overhead ${e.linearOverheadUsPerStep.toFixed(2)} µs/step (goal ≤ 2)`);
console.log(`  engine, one suspension      ${e.suspendingUsPerJourney.toFixed(1)} µs/journey   overhead ${e.suspendingOverheadUsPerStep.toFixed(2)} µs/step incl. persist + resume`);
console.log(`  persisted suspended journey ${e.suspendedJourneyBytes} bytes`);

console.log('');
for (const line of formatHandoff(await benchHandoff())) console.log(line);

console.log('');
for (const line of formatHandoffRedis(await benchHandoffRedis())) console.log(line);
