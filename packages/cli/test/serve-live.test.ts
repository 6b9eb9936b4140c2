import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import { startServer, type RunningServer } from '@waymark/cli';
import type { JsonObject } from '@waymark/sdk';
import { captureLogger } from '../../../test/support/capture-logger.js';

/*
 * Live flows and clients in one `waymark serve` (in-process, memory stores): the flow files are
 * the flow store, the config's clients seed the client store, and changes are served without a
 * restart. Waits are bounded polls of 10 ms steps, never a fixed sleep.
 */

const running: RunningServer[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const spa = {
  client_id: 'spa-app',
  type: 'spa',
  token_endpoint_auth_method: 'none',
  redirect_uris: ['http://localhost:4000/cb'],
  allowed_flows: ['live'],
};

/** Version n shows "version <n>"; odd versions end in success, even ones in failure (so a finished journey tells its version). */
function liveFlow(version: number, text = `version ${version}`): JsonObject {
  return {
    id: 'live',
    version,
    description: 'A message, then an end that tells the version.',
    start: 'show',
    nodes: { show: { type: 'message', config: { message: text }, outcomes: { shown: version % 2 === 1 ? 'success' : 'failure' } } },
  };
}

async function until(check: () => Promise<boolean> | boolean, withinMs = 3000): Promise<void> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`not within ${withinMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

interface Step {
  status: number;
  body: { journeyId?: string; callbacks?: unknown[]; status?: string; error?: string };
  text: string;
}

async function post(url: string, body: unknown): Promise<Step> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: JSON.parse(text) as Step['body'], text };
}

const startJourney = (server: RunningServer) => post(`${server.url}/journeys/live`, { client_id: 'spa-app' });
const finish = (server: RunningServer, step: Step) =>
  post(`${server.url}/journeys/${step.body.journeyId}/continue`, { callbacks: step.body.callbacks });
/** The version a new journey shows. */
const shown = async (server: RunningServer) => /version (\d+)/.exec((await startJourney(server)).text)?.[1];

async function serveFolder(files: Record<string, unknown>, env: Record<string, string> = { NODE_ENV: 'production' }) {
  const dir = mkdtempSync(join(tmpdir(), 'waymark-live-'));
  dirs.push(dir);
  for (const [name, value] of Object.entries(files))
    writeFileSync(join(dir, name), typeof value === 'string' ? value : JSON.stringify(value));
  const logger = captureLogger();
  // Production mode needs fixed sealing keys (the production rules); development ignores them.
  const secretKeys = ['q2dFj1Wn0h5tZP3sX9cV7bN4mL8kJ6gH2fD1sA0pO9i'];
  const start = () => startServer({ issuer: 'http://localhost:3000', port: 0, flows: [dir], clients: [spa], secretKeys }, { logger, env });
  const server = await start();
  running.push(server);
  return { dir, server, logger, start };
}

describe('flows saved through the flow store (the files)', () => {
  it('a saved version lands in the flows folder as reviewable JSON, earlier versions kept, and new journeys start on it', async () => {
    const { dir, server } = await serveFolder({ 'live.json': liveFlow(1) });
    expect(await shown(server)).toBe('1');
    expect(await server.control.flows.saveVersion({ id: 'live', version: 2, flow: liveFlow(2), savedAt: 1, savedBy: 'admin-7' }, 1)).toBe(
      true,
    );
    await until(async () => (await shown(server)) === '2');
    expect(readFileSync(join(dir, 'live.json'), 'utf8')).toBe(`${JSON.stringify(liveFlow(2), null, 2)}\n`);
    expect(JSON.parse(readFileSync(join(dir, '.versions/live/2.json'), 'utf8'))).toEqual(liveFlow(2));
    expect(JSON.parse(readFileSync(join(dir, '.versions/live/history.json'), 'utf8'))).toEqual({
      activeVersion: 2,
      updatedAt: 1,
      updatedBy: 'admin-7',
      versions: [
        { version: 1, savedAt: expect.any(Number), savedBy: `file:${join(dir, 'live.json')}` },
        { version: 2, savedAt: 1, savedBy: 'admin-7' },
      ],
    });
  });

  it('a journey started on version 1 finishes on version 1 after version 2 is activated', async () => {
    const { server } = await serveFolder({ 'live.json': liveFlow(1) });
    const onOne = await startJourney(server);
    await server.control.flows.saveVersion({ id: 'live', version: 2, flow: liveFlow(2), savedAt: 1, savedBy: 'admin' }, 1);
    await until(async () => (await shown(server)) === '2');
    expect((await finish(server, onOne)).body.status).toBe('success'); // version 1 ends in success
    expect((await finish(server, await startJourney(server))).status).toBe(401); // version 2 ends in failure
  });

  it('activate rolls back: live.json holds the active version again, and a restart serves what the folder says', async () => {
    const { dir, server, start } = await serveFolder({ 'live.json': liveFlow(1) });
    await server.control.flows.saveVersion({ id: 'live', version: 2, flow: liveFlow(2), savedAt: 1, savedBy: 'admin' }, 1);
    await server.control.flows.saveVersion({ id: 'live', version: 3, flow: liveFlow(3), savedAt: 2, savedBy: 'admin' }, 2, {
      activate: false,
    });
    await until(async () => (await shown(server)) === '2');
    expect(await server.control.flows.activate('live', 1, 'admin', 3)).toBe(true);
    await until(async () => (await shown(server)) === '1');
    expect(JSON.parse(readFileSync(join(dir, 'live.json'), 'utf8'))).toEqual(liveFlow(1));
    await server.close();
    const again = await start();
    running.push(again);
    expect(await again.control.flows.entry('live')).toMatchObject({ versions: [1, 2, 3], activeVersion: 1, updatedBy: 'admin' });
    expect(await shown(again)).toBe('1');
    expect((await again.control.flows.getVersion('live', 3))?.flow).toEqual(liveFlow(3));
  });

  it('a new flow saved through the store gets its own file in the first flows folder', async () => {
    const { dir, server } = await serveFolder({ 'live.json': liveFlow(1) });
    const other = { ...liveFlow(1), id: 'other' };
    expect(await server.control.flows.saveVersion({ id: 'other', version: 1, flow: other, savedAt: 1, savedBy: 'admin' }, null)).toBe(true);
    expect(JSON.parse(readFileSync(join(dir, 'other.json'), 'utf8'))).toEqual(other);
    await until(() => server.engine.flow('other') !== undefined);
  });

  it('a stored version that fails validation here is refused with its problems logged; the running version keeps serving', async () => {
    const { server, logger } = await serveFolder({ 'live.json': liveFlow(1) });
    const broken = { ...liveFlow(2), nodes: { show: { type: 'mesage', outcomes: { shown: 'success' } } } };
    await server.control.flows.saveVersion({ id: 'live', version: 2, flow: broken, savedAt: 1, savedBy: 'admin' }, 1);
    await until(() => logger.lines.some((l) => l.message.startsWith('flow refused')));
    const line = logger.lines.find((l) => l.message.startsWith('flow refused'))!;
    expect(line.fields).toMatchObject({
      flow: 'live@2',
      code: 'ERR_FLOW_INVALID',
      problems: [expect.objectContaining({ pointer: '/nodes/show/type', code: 'ERR_FLOW_UNKNOWN_TYPE' })],
    });
    expect(await shown(server)).toBe('1');
  });
});

describe('flow files edited on disk', () => {
  it('in development mode an edited file is served without a restart; an invalid edit is refused and the old version keeps serving', async () => {
    const { dir, server, logger } = await serveFolder({ 'live.json': liveFlow(1) }, { NODE_ENV: 'development' });
    writeFileSync(join(dir, 'live.json'), JSON.stringify(liveFlow(2)));
    await until(async () => (await shown(server)) === '2');
    writeFileSync(join(dir, 'live.json'), JSON.stringify({ ...liveFlow(3), start: 'nowhere' }));
    await until(() => logger.lines.some((l) => l.message.startsWith('flow file refused') && l.fields?.code === 'ERR_FLOW_INVALID'));
    const line = logger.lines.find((l) => l.fields?.code === 'ERR_FLOW_INVALID')!;
    expect(line.fields).toMatchObject({
      file: join(dir, 'live.json'),
      problems: [expect.objectContaining({ pointer: '/start', code: 'ERR_FLOW_MISSING_START' })],
    });
    expect(await shown(server)).toBe('2');
    writeFileSync(join(dir, 'live.json'), '{ "id": "live", ');
    await until(() => logger.lines.filter((l) => l.fields?.code === 'ERR_FLOW_INVALID').length >= 2);
    expect(await shown(server)).toBe('2');
  });

  it('an edit that keeps the version but changes the content is refused: versions never change', async () => {
    const { dir, server } = await serveFolder({ 'live.json': liveFlow(1) });
    writeFileSync(join(dir, 'live.json'), JSON.stringify(liveFlow(1, 'changed in place')));
    const outcomes = await server.live.reloadFiles();
    expect(outcomes).toEqual([
      expect.objectContaining({ action: 'refused', error: expect.objectContaining({ code: 'ERR_SERVE_FLOW_VERSION_EXISTS' }) }),
    ]);
    expect(await shown(server)).toBe('1');
  });

  it('in production mode files are read again only when asked (what SIGHUP does); a file set back to an earlier version rolls back', async () => {
    const { dir, server } = await serveFolder({ 'live.json': liveFlow(1) }, { NODE_ENV: 'production' });
    writeFileSync(join(dir, 'live.json'), JSON.stringify(liveFlow(2)));
    expect(await server.live.reloadFiles()).toEqual([{ action: 'saved', id: 'live', version: 2 }]);
    expect(await shown(server)).toBe('2');
    writeFileSync(join(dir, 'live.json'), JSON.stringify(liveFlow(1)));
    expect(await server.live.reloadFiles()).toEqual([{ action: 'activated', id: 'live', version: 1 }]);
    expect(await shown(server)).toBe('1');
  });
});

describe('clients changed through the client store', () => {
  it('a disabled client is refused at once as unknown; enabled again it works; a deleted one is refused; the secret never reaches a file', async () => {
    const { dir, server } = await serveFolder({ 'live.json': liveFlow(1) });
    expect((await startJourney(server)).status).toBe(200);
    const record = (await server.control.clients.get('spa-app'))!;
    expect(record).toMatchObject({ enabled: true, updatedBy: 'config', revision: 1 });
    await server.control.clients.put('spa-app', { ...record, enabled: false }, 1);
    await until(async () => (await startJourney(server)).status === 401);
    expect((await startJourney(server)).body.error).toBe('invalid_client');
    await server.control.clients.put('spa-app', { ...record, enabled: true }, 2);
    await until(async () => (await startJourney(server)).status === 200);
    await server.control.clients.delete('spa-app');
    await until(async () => (await startJourney(server)).body.error === 'invalid_client');
    expect(existsSync(join(dir, '.versions'))).toBe(false);
  });

  it('a stored client that fails validation is refused and logged; the running one keeps serving', async () => {
    const { server, logger } = await serveFolder({ 'live.json': liveFlow(1) });
    const record = (await server.control.clients.get('spa-app'))!;
    await server.control.clients.put('spa-app', { ...record, config: { ...record.config, pkce: 'SOMETIMES' } }, 1);
    await until(() => logger.lines.some((l) => l.message.startsWith('client refused')));
    expect((await startJourney(server)).status).toBe(200);
  });
});
