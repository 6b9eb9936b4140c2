import { IMPORT_ERRORS, ImportError } from '../errors.js';
import { isObject, parseJson, type ImportFile } from '../input.js';

export const SUCCESS_ID = '70e691a5-1e33-4ac3-a356-e7b6d60d92e0';
export const FAILURE_ID = 'e301438c-0bd0-429c-ab0c-66126501069a';

export interface TreeNodeRef {
  nodeType: string;
  displayName?: string;
  connections: Record<string, string>;
  x?: number;
  y?: number;
}

export interface AicNodeConfig {
  _id?: string;
  _type?: { _id?: string; name?: string };
  _outcomes?: { id: string; displayName?: string }[];
  [key: string]: unknown;
}

export interface AicTree {
  name: string;
  /** The file it came from. */
  where: string;
  entryNodeId: string;
  description?: string;
  enabled?: boolean;
  noSession?: boolean;
  innerTreeOnly?: boolean;
  nodes: Record<string, TreeNodeRef>;
  staticNodes: Record<string, { x?: number; y?: number }>;
  configs: Record<string, AicNodeConfig>;
  flags: Record<string, unknown>;
}

export interface AicExport {
  trees: AicTree[];
  /** script id → { name, text }. */
  scripts: Map<string, { name?: string; script: unknown }>;
}

function formatError(where: string, found: string): never {
  throw new ImportError(
    IMPORT_ERRORS.ERR_IMPORT_FORMAT,
    `${where}: not an AIC/AM journey export (${found}); expected a platform-UI or frodo export ({ "trees": … } or { "tree", "nodes" }), or an Amster folder (AuthTree/<name>.json beside one file per node)`,
    { where },
  );
}

function treeOf(raw: Record<string, unknown>, where: string, fallbackName: string, configs: Record<string, AicNodeConfig>): AicTree {
  const tree = raw;
  if (!isObject(tree.nodes)) formatError(where, `tree "${fallbackName}" has no "nodes"`);
  if (typeof tree.entryNodeId !== 'string') formatError(where, `tree "${fallbackName}" has no "entryNodeId"`);
  const nodes: Record<string, TreeNodeRef> = {};
  for (const [id, n] of Object.entries(tree.nodes as Record<string, unknown>)) {
    if (!isObject(n) || typeof n.nodeType !== 'string') formatError(where, `node ${id} of tree "${fallbackName}" has no "nodeType"`);
    const connections: Record<string, string> = {};
    if (n.connections !== undefined && !isObject(n.connections))
      formatError(where, `node ${id} of tree "${fallbackName}" has "connections" that are not an object`);
    for (const [o, t] of Object.entries((n.connections ?? {}) as Record<string, unknown>)) {
      if (typeof t !== 'string') formatError(where, `connection "${o}" of node ${id} in tree "${fallbackName}" is not a node id`);
      connections[o] = t;
    }
    nodes[id] = {
      nodeType: n.nodeType as string,
      ...(typeof n.displayName === 'string' ? { displayName: n.displayName } : {}),
      connections,
      ...(typeof n.x === 'number' ? { x: n.x } : {}),
      ...(typeof n.y === 'number' ? { y: n.y } : {}),
    };
  }
  const name = typeof tree._id === 'string' ? tree._id : fallbackName;
  return {
    name,
    where,
    entryNodeId: tree.entryNodeId as string,
    ...(typeof tree.description === 'string' ? { description: tree.description } : {}),
    ...(typeof tree.enabled === 'boolean' ? { enabled: tree.enabled } : {}),
    ...(typeof tree.noSession === 'boolean' ? { noSession: tree.noSession } : {}),
    ...(typeof tree.innerTreeOnly === 'boolean' ? { innerTreeOnly: tree.innerTreeOnly } : {}),
    nodes,
    staticNodes: isObject(tree.staticNodes) ? (tree.staticNodes as AicTree['staticNodes']) : {},
    configs,
    flags: Object.fromEntries(['mustRun', 'transactionalOnly', 'identityResource'].filter((k) => k in tree).map((k) => [k, tree[k]])),
  };
}

function addScripts(scripts: AicExport['scripts'], raw: unknown, where: string, jsFiles: Map<string, string>): void {
  if (!isObject(raw)) return;
  for (const [id, s] of Object.entries(raw)) {
    if (!isObject(s)) continue;
    let script: unknown = s.script;
    if (typeof script === 'string' && script.startsWith('file://')) {
      const name = script.slice('file://'.length);
      const dir = where.includes('/') ? where.slice(0, where.lastIndexOf('/') + 1) : '';
      script = jsFiles.get(`${dir}${name}`) ?? jsFiles.get(name);
    }
    scripts.set(id, { ...(typeof s.name === 'string' ? { name: s.name } : {}), script });
  }
}

/** A single-tree export ({ tree, nodes, innerNodes, scripts, … }). */
function single(raw: Record<string, unknown>, where: string, name: string, out: AicExport, jsFiles: Map<string, string>): void {
  if (!isObject(raw.tree)) formatError(where, `"${name}" has no "tree"`);
  const configs: Record<string, AicNodeConfig> = {};
  for (const key of ['nodes', 'innerNodes', 'innernodes']) {
    const block = raw[key];
    if (block === undefined) continue;
    if (!isObject(block)) formatError(where, `"${key}" of "${name}" is not an object`);
    for (const [id, c] of Object.entries(block)) if (isObject(c)) configs[id] = c as AicNodeConfig;
  }
  addScripts(out.scripts, raw.scripts, where, jsFiles);
  out.trees.push(treeOf(raw.tree as Record<string, unknown>, where, name, configs));
}

/** Reads every supported AIC export shape from the given files into trees, node configs and scripts. */
export function readAic(files: readonly ImportFile[]): AicExport {
  const out: AicExport = { trees: [], scripts: new Map() };
  const jsFiles = new Map(files.filter((f) => f.path.endsWith('.js')).map((f) => [f.path, f.text]));
  for (const [path, text] of [...jsFiles]) jsFiles.set(path.split('/').pop()!, text);
  const amsterTrees: { data: Record<string, unknown>; where: string; name: string }[] = [];
  const amsterNodes: Record<string, AicNodeConfig> = {};
  const jsonFiles = files.filter((f) => !f.path.endsWith('.js'));
  let recognised = 0;
  for (const file of jsonFiles) {
    const raw = parseJson(file);
    if (!isObject(raw)) formatError(file.path, `the top level is ${Array.isArray(raw) ? 'an array' : typeof raw}`);
    if (isObject(raw.trees)) {
      recognised++;
      for (const [name, t] of Object.entries(raw.trees)) {
        if (!isObject(t)) formatError(file.path, `tree "${name}" is not an object`);
        single(t, file.path, name, out, jsFiles);
      }
    } else if (isObject(raw.tree)) {
      recognised++;
      single(
        raw,
        file.path,
        file.path
          .split('/')
          .pop()!
          .replace(/(\.journey)?\.json$/, ''),
        out,
        jsFiles,
      );
    } else if (isObject(raw.metadata) && isObject(raw.data)) {
      recognised++;
      const meta = raw.metadata;
      const entityType = typeof meta.entityType === 'string' ? meta.entityType : '';
      const entityId = typeof meta.entityId === 'string' ? meta.entityId : typeof raw.data._id === 'string' ? raw.data._id : '';
      if (entityType === 'AuthTree' || entityType === 'AuthenticationTree')
        amsterTrees.push({ data: raw.data, where: file.path, name: entityId });
      else if (entityId !== '') {
        const data = raw.data as AicNodeConfig;
        amsterNodes[entityId] = { ...data, _type: data._type ?? { _id: entityType } };
      }
    } else if (isObject(raw.script)) {
      recognised++;
      addScripts(out.scripts, raw.script, file.path, jsFiles);
    } else if (jsonFiles.length === 1 || !isObject(raw.meta)) {
      if (isObject(raw.nodeTypes) && jsonFiles.length === 1) formatError(file.path, 'it holds node-designer node types but no tree');
      if (jsonFiles.length === 1)
        formatError(
          file.path,
          `found the keys ${
            Object.keys(raw)
              .slice(0, 6)
              .map((k) => JSON.stringify(k))
              .join(', ') || 'none'
          }`,
        );
    }
  }
  for (const t of amsterTrees) out.trees.push(treeOf(t.data, t.where, t.name, amsterNodes));
  if (recognised === 0 || out.trees.length === 0)
    formatError(files.length === 1 ? files[0]!.path : 'the folder', files.length === 0 ? 'no files' : 'no journey tree in it');
  // A tree named twice (the same export in two files) is imported once.
  const seen = new Set<string>();
  out.trees = out.trees.filter((t) => (seen.has(t.name) ? false : (seen.add(t.name), true)));
  return out;
}
