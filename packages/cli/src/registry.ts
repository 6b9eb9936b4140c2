import { engineNodes, NodeRegistry } from '@waymark/core';
import { loadPlugins } from '@waymark/core/internal';

/**
 * The node types the CLI knows: core's engine-level types (`flow.run`) and the built-ins of
 * `@waymark/nodes`, then every plugin package
 * named with `--plugin`, resolved from `cwd`. A clash or a plugin that cannot load throws a
 * coded `WaymarkError` (ERR_NODE_TYPE_CLASH, ERR_PLUGIN_LOAD).
 *
 * @example
 * const registry = await createCliRegistry(['@acme/waymark-geofence']);
 */
export async function createCliRegistry(pluginNames: readonly string[] = [], cwd: string = process.cwd()): Promise<NodeRegistry> {
  // Imported on demand: `waymark --help` need not load every node type's dependencies.
  const { builtinNodes } = await import('@waymark/nodes');
  const registry = new NodeRegistry();
  registry.registerAll([...engineNodes, ...builtinNodes], 'builtin');
  await loadPlugins(registry, pluginNames, cwd);
  return registry;
}
