import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { NODE_API_VERSION, WaymarkError, type NodeType } from '@waymark/sdk';
import semver from 'semver';
import type { NodeRegistry } from './registry.js';

/** The SDK version this engine implements; plugins declare a peer range on it. */
export const SDK_VERSION = '0.1.0';

/** Namespaces of the built-in node types: a plugin may not take them. */
export const RESERVED_NAMESPACES = ['token', 'ip', 'risk', 'cookie', 'session', 'credentials', 'otp', 'redirect', 'decision', 'message', 'expression', 'state', 'waymark'];

export interface LoadedPlugin {
  name: string;
  version: string;
  nodes: NodeType<unknown>[];
}

function fail(name: string, message: string, cause?: unknown): never {
  throw new WaymarkError('ERR_PLUGIN_LOAD', `plugin ${name}: ${message}`, { plugin: name }, { cause });
}

/**
 * Loads a plugin package by name, resolved from `cwd` (the app's own node_modules), checks its
 * peer range on @waymark/sdk, and validates its export `{ nodes: [...] }`. Every failure is
 * ERR_PLUGIN_LOAD naming the package and the fix.
 */
export async function loadPlugin(name: string, cwd: string = process.cwd()): Promise<LoadedPlugin> {
  const require = createRequire(join(cwd, 'package.json'));
  // Look the package folder up the node_modules chain ourselves: `exports` may hide package.json.
  const manifestPath = (require.resolve.paths(name) ?? []).map((dir) => join(dir, name, 'package.json')).find((p) => existsSync(p));
  if (!manifestPath) fail(name, `package not found from ${cwd}: install it (npm install ${name}) or fix the name in the "plugins" list`);
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
    version?: string;
    peerDependencies?: Record<string, string>;
    exports?: unknown;
    main?: string;
  };
  const range = manifest.peerDependencies?.['@waymark/sdk'];
  if (!range) fail(name, 'package.json must declare a peerDependency on "@waymark/sdk" with the range it supports');
  if (!semver.satisfies(SDK_VERSION, range, { includePrerelease: true }))
    fail(name, `needs @waymark/sdk ${range} but this engine implements ${SDK_VERSION}: upgrade the plugin or the engine`);
  let mod: { default?: unknown; nodes?: unknown };
  try {
    const entry = (() => {
      try {
        return require.resolve(name);
      } catch {
        const exp = manifest.exports as Record<string, unknown> | string | undefined;
        const dot = typeof exp === 'string' ? exp : (exp?.['.'] as Record<string, string> | string | undefined);
        const file = typeof dot === 'string' ? dot : (dot?.import ?? dot?.default ?? manifest.main ?? 'index.js');
        return join(dirname(manifestPath), file);
      }
    })();
    mod = (await import(pathToFileURL(entry).href)) as typeof mod;
  } catch (cause) {
    fail(name, `could not be imported (${cause instanceof Error ? cause.message : String(cause)}): build it and check its "exports"`, cause);
  }
  const exported = (mod.nodes ? mod : (mod.default ?? mod)) as { nodes?: unknown };
  if (!Array.isArray(exported.nodes)) fail(name, 'must export { nodes: [...] } built with defineNode from @waymark/sdk');
  const nodes = exported.nodes as NodeType<unknown>[];
  nodes.forEach((node, i) => {
    if (!node || typeof node !== 'object' || typeof node.run !== 'function' || typeof node.type !== 'string')
      fail(name, `nodes[${i}] is not a node type: build it with defineNode from @waymark/sdk`);
    if (node.apiVersion !== NODE_API_VERSION)
      fail(name, `node type ${node.type} was built for node API ${String(node.apiVersion)}, this engine runs ${NODE_API_VERSION}: rebuild it against a matching @waymark/sdk`);
    if (!node.type.includes('.'))
      fail(name, `node type ${node.type} must be namespaced with your own prefix (e.g. "acme.${node.type}") so it cannot clash with built-in or other plugins' types`);
    const namespace = node.type.split('.')[0]!;
    if (RESERVED_NAMESPACES.includes(namespace))
      fail(name, `node type ${node.type} uses the reserved namespace "${namespace}": namespace your types with your own prefix (e.g. "acme.${node.type.split('.').pop()}")`);
  });
  return { name, version: manifest.version ?? '0.0.0', nodes };
}

/** Loads every plugin and registers its nodes; a clash stops with ERR_NODE_TYPE_CLASH. */
export async function loadPlugins(registry: NodeRegistry, names: readonly string[], cwd?: string): Promise<LoadedPlugin[]> {
  const loaded: LoadedPlugin[] = [];
  for (const name of names) {
    const plugin = await loadPlugin(name, cwd);
    registry.registerAll(plugin.nodes, name, plugin.version);
    loaded.push(plugin);
  }
  return loaded;
}
