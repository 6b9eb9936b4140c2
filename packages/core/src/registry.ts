import { WaymarkError, type NodeType } from '@waymark/sdk';
import { isPageType, pageNodeType } from './validate/page.js';

/**
 * The node types an engine knows, by type name. A clash is an error at registration, naming
 * both sources, so it stops start-up instead of silently shadowing a type. Every registry
 * knows the engine's own `page` type (source `engine`), whose outcomes depend on the
 * registry's other types.
 */
export class NodeRegistry {
  readonly #types = new Map<string, { node: NodeType<unknown>; source: string; version: string | undefined }>();

  constructor() {
    const page = pageNodeType(this);
    this.#types.set(page.type, { node: page, source: 'engine', version: undefined });
  }

  /** `source` names where the type comes from (a package name, `builtin`, `inline`); `version`, that package's version. */
  register(node: NodeType<unknown>, source = 'inline', version?: string): void {
    const existing = this.#types.get(node.type);
    // Another registry's page (a list copied from one engine to another): this registry has its own.
    if (existing?.source === 'engine' && isPageType(node)) return;
    if (existing) {
      throw new WaymarkError(
        'ERR_NODE_TYPE_CLASH',
        `node type "${node.type}" from ${source} clashes with the one from ${existing.source}: rename one (namespace your types, e.g. "acme.${node.type.split('.').pop()}")`,
        { type: node.type, source, existing: existing.source },
      );
    }
    this.#types.set(node.type, { node, source, version });
  }

  registerAll(nodes: readonly NodeType<unknown>[], source = 'inline', version?: string): void {
    for (const node of nodes) this.register(node, source, version);
  }

  get(type: string): NodeType<unknown> | undefined {
    return this.#types.get(type)?.node;
  }

  has(type: string): boolean {
    return this.#types.has(type);
  }

  /** Where a type came from: `builtin`, a package name, `inline`. */
  sourceOf(type: string): string | undefined {
    return this.#types.get(type)?.source;
  }

  /** The version of the package a type came from, when it was registered with one (plugins are). */
  versionOf(type: string): string | undefined {
    return this.#types.get(type)?.version;
  }

  list(): NodeType<unknown>[] {
    return [...this.#types.values()].map((t) => t.node);
  }
}
