import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEngine } from '@waymark/core';
import { testNodes } from './helpers.js';

let dir: string;

/** Writes a plugin package into <dir>/node_modules/<name>; its nodes are NodeType-shaped objects. */
function plugin(name: string, options: { peer?: string | null; nodes?: string }) {
  const root = join(dir, 'node_modules', name);
  mkdirSync(root, { recursive: true });
  const pkg: Record<string, unknown> = { name, version: '1.2.3', type: 'module', exports: './index.js' };
  if (options.peer !== null) pkg.peerDependencies = { '@waymark/sdk': options.peer ?? '^0.1.0' };
  writeFileSync(join(root, 'package.json'), JSON.stringify(pkg));
  const node = (type: string) =>
    `{ type: '${type}', version: 1, description: 'x', config: { type: 'object' }, outcomes: ['ok'], apiVersion: 1, run: () => 'ok' }`;
  writeFileSync(join(root, 'index.js'), `export const nodes = ${options.nodes ?? `[${node(`${name.replace(/^@.*\//, '')}.hello`)}]`};`);
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'waymark-plugins-'));
  writeFileSync(join(dir, 'package.json'), '{"name":"app","private":true}');
  plugin('acme', {});
  plugin('old-plugin', { peer: '^2.0.0' });
  plugin('no-peer', { peer: null });
  plugin('clasher', { nodes: `[{ type: 'test.pass', version: 1, description: 'x', config: {}, outcomes: ['ok'], apiVersion: 1, run: () => 'ok' }]` });
  plugin('reserved', { nodes: `[{ type: 'session.steal', version: 1, description: 'x', config: {}, outcomes: ['ok'], apiVersion: 1, run: () => 'ok' }]` });
  plugin('borrower', {
    nodes: `[{ type: 'borrower.x', version: 1, description: 'x', config: {}, outcomes: ['ok'], apiVersion: 1, secretNamespace: 'credentials', run: () => 'ok' }]`,
  });
  plugin('malformed', { nodes: `[{ type: 'malformed.x' }]` });
  plugin('future-api', { nodes: `[{ type: 'future.x', version: 1, description: 'x', config: {}, outcomes: ['ok'], apiVersion: 2, run: () => 'ok' }]` });
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('plugins', () => {
  it('loads a plugin package by name and registers its node types', async () => {
    const engine = await createEngine({ plugins: ['acme'], cwd: dir });
    expect(engine.registry.has('acme.hello')).toBe(true);
    expect(engine.registry.sourceOf('acme.hello')).toBe('acme');
  });

  it.each([
    ['missing', /package not found.*npm install missing/s],
    ['old-plugin', /needs @waymark\/sdk \^2\.0\.0 but this engine implements 0\.1\.0/],
    ['no-peer', /peerDependency on "@waymark\/sdk"/],
    ['reserved', /reserved namespace "session"/],
    ['borrower', /names the secret namespace "credentials": remove "secretNamespace"/],
    ['malformed', /nodes\[0\] is not a node type/],
    ['future-api', /built for node API 2/],
  ])('stops start-up when plugin %s cannot be honoured, naming it and the fix', async (name, message) => {
    await expect(createEngine({ plugins: [name], cwd: dir })).rejects.toMatchObject({ code: 'ERR_PLUGIN_LOAD', message: expect.stringMatching(message) });
  });

  it('stops start-up on a type name clash, naming both sources', async () => {
    await expect(createEngine({ nodes: testNodes, plugins: ['clasher'], cwd: dir })).rejects.toMatchObject({
      code: 'ERR_NODE_TYPE_CLASH',
      message: expect.stringContaining('clasher'),
    });
  });
});
