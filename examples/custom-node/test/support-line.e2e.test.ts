/**
 * End to end: the package as npm would install it (built by tsc, its real package.json, found by
 * name in an app's node_modules), loaded by the engine as a plugin, running flows/support-line.json
 * through the engine and through the express adapter's JSON journey API.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import express from 'express';
import request from 'supertest';
import { createEngine, type Engine } from '@waymark/core';
import { createWaymarkRouter } from '@waymark/express';
import type { Logger } from '@waymark/sdk';
import { runFlow, testClock } from '@waymark/testing';

const exec = promisify(execFile);
const example = new URL('..', import.meta.url).pathname.replace(/\/$/, '');
const repo = join(example, '../..');
const flow = JSON.parse(readFileSync(join(example, 'flows/support-line.json'), 'utf8')) as { id: string };
const PLUGIN = '@acme/waymark-working-hours';

// 2026-01-05 is a Monday; Paris is UTC+1 in January.
const MONDAY_10H_PARIS = Date.parse('2026-01-05T09:00:00Z');
const SATURDAY_11H_PARIS = Date.parse('2026-01-10T10:00:00Z');
const SUNDAY_11H_PARIS = Date.parse('2026-01-11T10:00:00Z');

let tmp: string;
let app: string;

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'waymark-custom-node-'));
  // `npm run build` of the package, into a copy shaped like the installed package.
  const pkg = join(tmp, 'pkg');
  mkdirSync(pkg);
  copyFileSync(join(example, 'package.json'), join(pkg, 'package.json'));
  const tsc = join(repo, 'node_modules/typescript/bin/tsc');
  await exec(process.execPath, [tsc, '-b', join(repo, 'packages/sdk')]); // its types come from @waymark/sdk's dist
  await exec(process.execPath, [tsc, '-p', join(example, 'tsconfig.json'), '--outDir', join(pkg, 'dist')]);
  // An app that installed it: node_modules/@acme/waymark-working-hours.
  app = join(tmp, 'app');
  mkdirSync(join(app, 'node_modules/@acme'), { recursive: true });
  writeFileSync(join(app, 'package.json'), '{"name":"support-app","private":true}');
  symlinkSync(pkg, join(app, 'node_modules', PLUGIN), 'dir');
}, 60_000);

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('support-line through the engine, the node loaded as a plugin by package name', () => {
  const at = (ms: number) => runFlow(flow, [], { plugins: [PLUGIN], cwd: app, clock: testClock(ms) });

  it('opens the office line on a weekday in Paris office hours', async () => {
    const run = await at(MONDAY_10H_PARIS);
    expect(run).toMatchObject({ status: 'success', path: ['office'], outcomes: ['open'] });
    expect(run.engine.registry.sourceOf('acme.working-hours')).toBe(PLUGIN);
  });

  it('falls through to the weekend desk on a Saturday morning', async () => {
    const run = await at(SATURDAY_11H_PARIS);
    expect(run).toMatchObject({ status: 'success', path: ['office', 'weekendDesk'], outcomes: ['closed', 'open'] });
    expect(run.trace[0]).toMatchObject({ reason: 'day' });
  });

  it('is closed on a Sunday: both windows closed, the journey fails', async () => {
    const run = await at(SUNDAY_11H_PARIS);
    expect(run).toMatchObject({ status: 'failure', path: ['office', 'weekendDesk'], outcomes: ['closed', 'closed'] });
  });
});

describe('support-line through the express adapter (POST /journeys/:flow)', () => {
  const silent: Logger = { debug() {}, info() {}, warn() {}, error() {} };
  let engine: Engine;
  const clock = testClock(MONDAY_10H_PARIS);

  beforeAll(async () => {
    engine = await createEngine({ plugins: [PLUGIN], cwd: app, clock, logger: silent });
    engine.loadDirectory(join(example, 'flows'));
  });

  function server() {
    const router = createWaymarkRouter({
      issuer: 'https://support.acme.example',
      clients: [
        {
          client_id: 'support-app',
          type: 'native',
          token_endpoint_auth_method: 'none',
          redirect_uris: ['com.acme.support:/callback'],
          allowed_flows: ['support-line'],
        },
      ],
      stores: engine.stores,
      clock,
      logger: silent,
      engine,
    });
    return express().use('/', router);
  }

  it('answers 200 success in office hours', async () => {
    clock.set(MONDAY_10H_PARIS);
    const res = await request(server())
      .post('/journeys/support-line')
      .set('content-type', 'application/json')
      .send({ client_id: 'support-app' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'success' });
  });

  it('answers 401 with the coded failure when the line is closed', async () => {
    clock.set(SUNDAY_11H_PARIS);
    const res = await request(server())
      .post('/journeys/support-line')
      .set('content-type', 'application/json')
      .send({ client_id: 'support-app' });
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ status: 'failure', code: 'ERR_JOURNEY_FAILED' });
  });
});
