// npm run bench: every benchmark, each against a baseline measured in the same run.
import { benchEngine, formatEngineBench } from '@waymark/cli';
import { benchHandoff, formatHandoff } from './handoff.mjs';
import { benchHandoffRedis, formatHandoffRedis } from './handoff-redis.mjs';
import { benchHandoffAudit, formatHandoffAudit } from './handoff-audit.mjs';
import { benchAdminReads, formatAdminReads } from './admin-reads.mjs';
import { benchGateway, formatGateway } from './gateway.mjs';
import { benchStudio, formatStudio } from './studio.mjs';

process.stdout.write(formatEngineBench(await benchEngine()));

console.log('');
for (const line of formatHandoff(await benchHandoff())) console.log(line);

console.log('');
for (const line of formatHandoffRedis(await benchHandoffRedis())) console.log(line);

console.log('');
for (const line of formatHandoffAudit(await benchHandoffAudit())) console.log(line);

console.log('');
for (const line of formatAdminReads(await benchAdminReads())) console.log(line);

console.log('');
for (const line of formatGateway(await benchGateway())) console.log(line);
for (const line of formatStudio(await benchStudio())) console.log(line);
