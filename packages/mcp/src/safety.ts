import { McpOptionsError } from './errors.js';
import type { ToolSpec } from './lib/tool.js';

/** Which tools a server offers (the PingOne MCP server's filter: read-only unless opted in, allow and deny lists). */
export interface ToolFilter {
  /** Register the write tools too. Default false: read-only, the write tools do not exist. */
  allowWrites?: boolean;
  /** Only these tools or collections (catalog, flows, operations, clients). Default: all. */
  include?: readonly string[];
  /** Never these tools or collections; wins over include. */
  exclude?: readonly string[];
}

/** The tools to register: include ∧ ¬exclude ∧ (writes allowed ∨ a read). Unknown names are an options error. */
export function selectTools(all: readonly ToolSpec[], filter: ToolFilter): ToolSpec[] {
  const known = new Set([...all.map((t) => t.name), ...all.map((t) => t.collection)]);
  for (const [option, names] of [
    ['include', filter.include],
    ['exclude', filter.exclude],
  ] as const)
    for (const name of names ?? [])
      if (!known.has(name))
        throw new McpOptionsError(
          `--${option}-tools`,
          `"${name}" is neither a tool nor a collection; use one of ${[...known].sort().join(', ')}`,
        );
  const named = (list: readonly string[] | undefined, t: ToolSpec) =>
    list?.includes(t.name) === true || list?.includes(t.collection) === true;
  return all.filter(
    (t) =>
      (filter.include === undefined || named(filter.include, t)) && !named(filter.exclude, t) && (filter.allowWrites === true || !t.write),
  );
}

/** Write tools that `include` names while writes are off: worth a warning (PingOne warns the same way). */
export function ignoredWrites(all: readonly ToolSpec[], filter: ToolFilter): string[] {
  if (filter.allowWrites === true) return [];
  return all.filter((t) => t.write && filter.include?.includes(t.name) === true).map((t) => t.name);
}
