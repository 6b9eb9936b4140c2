import type { SubflowLookup } from '@waymark/core';

/**
 * The flows validated together (`waymark validate a.json b.json`, `waymark validate flows/`),
 * as the lookup `flow.run` nodes are checked against: a call must name one of them (and a
 * pinned version they hold), and no call may lead back to its own flow. `serve` loads a folder
 * the same way. Unparseable texts are left out (their own validation reports them).
 *
 * @example
 * const flows = flowSetLookup(texts); // validateFlowJson(text, registry, file, { flows })
 */
export function flowSetLookup(texts: readonly string[]): SubflowLookup {
  const docs: { id: string; version: number; doc: unknown }[] = [];
  for (const text of texts) {
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch {
      continue;
    }
    const { id, version } = (doc ?? {}) as { id?: unknown; version?: unknown };
    if (typeof id === 'string' && typeof version === 'number') docs.push({ id, version, doc });
  }
  return {
    get(id, version) {
      let found: (typeof docs)[number] | undefined;
      for (const d of docs) if (d.id === id && (version === undefined ? !found || d.version > found.version : d.version === version)) found = d;
      return found?.doc;
    },
    ids: () => [...new Set(docs.map((d) => d.id))],
  };
}
