import type { ImportResult } from '../aic/import.js';
import { IMPORT_ERRORS, ImportError } from '../errors.js';
import { assemble, finishReport, placeholderDraft, provenance, type Draft, type FlowJson, type Target } from '../graph.js';
import { checkSize, isObject, parseJson, type ImportFile, type ImportOptions } from '../input.js';
import { flowIdOf, outcomeOf, UniqueNames } from '../names.js';
import { MAPPING_VERSION, REPORT_VERSION, statsOf, type ImportReport, type ReportNode } from '../report.js';
import { SECRET_FIELD, Vault } from '../secrets.js';
import { flatten, localNodesOf, type Flat } from './rich-text.js';

export interface DavinciImportOptions extends ImportOptions {
  /** Subflow exports (--subflow), imported as flows of their own. */
  subflows?: readonly ImportFile[];
}

interface DvNode {
  id: string;
  nodeType: string;
  connectorId?: string;
  capabilityName?: string;
  name?: string;
  properties: Record<string, unknown>;
  position?: { x: number; y: number };
}

interface DvEdge {
  source: string;
  target: string;
  multiValueSourceId?: string;
}

interface DvFlow {
  flowId: string;
  name: string;
  where: string;
  nodes: Map<string, DvNode>;
  edges: DvEdge[];
  variables: { name: string; context: string; value?: string | number | boolean }[];
}

function formatError(where: string, found: string): never {
  throw new ImportError(
    IMPORT_ERRORS.ERR_IMPORT_FORMAT,
    `${where}: not a DaVinci flow export (${found}); expected { "flowId", "name", "graphData": { "elements": { "nodes", "edges" } } } or { "flows": [ … ] }`,
    { where },
  );
}

function readFlow(raw: Record<string, unknown>, where: string): DvFlow {
  const graph = isObject(raw.graphData) ? raw.graphData : isObject(raw.enabledGraphData) ? raw.enabledGraphData : undefined;
  if (!graph || !isObject(graph.elements)) formatError(where, 'no "graphData.elements"');
  const elements = graph.elements as Record<string, unknown>;
  if (!Array.isArray(elements.nodes)) formatError(where, '"graphData.elements.nodes" is not a list');
  const name =
    typeof raw.name === 'string' && raw.name.trim() !== '' ? raw.name : typeof raw.flowId === 'string' ? raw.flowId : 'davinci-flow';
  const nodes = new Map<string, DvNode>();
  for (const n of elements.nodes as unknown[]) {
    const data = isObject(n) && isObject(n.data) ? n.data : undefined;
    if (!data || typeof data.id !== 'string' || typeof data.nodeType !== 'string')
      formatError(where, 'a graph node without "data.id" and "data.nodeType"');
    const pos = isObject(n) && isObject(n.position) ? n.position : undefined;
    nodes.set(data.id as string, {
      id: data.id as string,
      nodeType: data.nodeType as string,
      ...(typeof data.connectorId === 'string' ? { connectorId: data.connectorId } : {}),
      ...(typeof data.capabilityName === 'string' ? { capabilityName: data.capabilityName } : {}),
      ...(typeof data.name === 'string' ? { name: data.name } : {}),
      properties: isObject(data.properties) ? data.properties : {},
      ...(pos && typeof pos.x === 'number' && typeof pos.y === 'number' ? { position: { x: pos.x, y: pos.y } } : {}),
    });
  }
  const edges: DvEdge[] = [];
  for (const e of Array.isArray(elements.edges) ? elements.edges : []) {
    const data = isObject(e) && isObject(e.data) ? e.data : undefined;
    if (!data || typeof data.source !== 'string' || typeof data.target !== 'string')
      formatError(where, 'a graph edge without "data.source" and "data.target"');
    for (const end of [data.source, data.target] as string[])
      if (!nodes.has(end))
        throw new ImportError(
          IMPORT_ERRORS.ERR_IMPORT_MISSING_NODE,
          `${where}: flow "${name}": the edge ${String(data.id ?? '')} ${data.source} → ${data.target} names the node ${end}, which is not in the export; export the flow again`,
          { where, flow: name, node: end },
        );
    edges.push({
      source: data.source as string,
      target: data.target as string,
      ...(typeof data.multiValueSourceId === 'string' ? { multiValueSourceId: data.multiValueSourceId } : {}),
    });
  }
  const variables: DvFlow['variables'] = [];
  for (const v of Array.isArray(raw.variables) ? raw.variables : []) {
    if (!isObject(v) || typeof v.name !== 'string') continue;
    const [short, context] = v.name.split('##SK##');
    const fields = isObject(v.fields) ? v.fields : {};
    const value = fields.value;
    variables.push({
      name: short ?? v.name,
      context: typeof v.context === 'string' ? v.context : (context ?? 'flow'),
      ...(typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? { value } : {}),
    });
  }
  return { flowId: typeof raw.flowId === 'string' ? raw.flowId : name, name, where, nodes, edges, variables };
}

function readFile(file: ImportFile): DvFlow[] {
  const raw = parseJson(file);
  if (!isObject(raw)) formatError(file.path, `the top level is ${Array.isArray(raw) ? 'an array' : typeof raw}`);
  if (Array.isArray(raw.flows))
    return raw.flows.map((f, i) => (isObject(f) ? readFlow(f, file.path) : formatError(file.path, `flows[${i}] is not an object`)));
  if (isObject(raw.graphData) || isObject(raw.enabledGraphData)) return [readFlow(raw, file.path)];
  return formatError(
    file.path,
    `found the keys ${
      Object.keys(raw)
        .slice(0, 6)
        .map((k) => JSON.stringify(k))
        .join(', ') || 'none'
    }`,
  );
}

const subflowIdOf = (n: DvNode): { id?: string; label?: string } => {
  const v = isObject(n.properties.subFlowId) ? n.properties.subFlowId.value : undefined;
  if (isObject(v))
    return { ...(typeof v.value === 'string' ? { id: v.value } : {}), ...(typeof v.label === 'string' ? { label: v.label } : {}) };
  return typeof v === 'string' ? { id: v } : {};
};

function checkRecursion(flows: DvFlow[]): void {
  const byId = new Map(flows.map((f) => [f.flowId, f]));
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (id: string, path: string[]): void => {
    const f = byId.get(id);
    if (!f || state.get(id) === 'done') return;
    if (state.get(id) === 'visiting') {
      const chain = [...path.slice(path.indexOf(id)), id].map((x) => byId.get(x)?.name ?? x);
      throw new ImportError(
        IMPORT_ERRORS.ERR_IMPORT_RECURSION,
        `${f.where}: subflows call each other in a cycle: ${chain.join(' → ')}; break the cycle in the source`,
        { where: f.where, chain },
      );
    }
    state.set(id, 'visiting');
    for (const n of f.nodes.values())
      if (n.capabilityName === 'startUiSubFlow') {
        const sub = subflowIdOf(n).id;
        if (sub) visit(sub, [...path, id]);
      }
    state.set(id, 'done');
  };
  for (const f of flows) visit(f.flowId, []);
}

const prop = (n: DvNode, key: string): unknown =>
  isObject(n.properties[key]) ? (n.properties[key] as Record<string, unknown>).value : undefined;
const title = (n: DvNode): string => {
  const t = prop(n, 'nodeTitle');
  return typeof t === 'string' && t.trim() !== '' ? t : n.capabilityName ? `${n.capabilityName}` : n.nodeType.toLowerCase();
};

/** The literal or reference an expression compares: a string literal, `state.x`, or undefined for a template. */
function operand(f: Flat): string | undefined {
  if (f.kind === 'literal') return JSON.stringify(f.value);
  if (f.kind === 'ref') return f.ref;
  return undefined;
}

/** Imports one DaVinci flow export (and its subflows): every flow becomes one Waymark flow; the report says what became of each node. */
export function importDavinci(file: ImportFile, options: DavinciImportOptions = {}): ImportResult {
  const all = [file, ...(options.subflows ?? [])];
  checkSize(all, options.maxBytes);
  const flows: DvFlow[] = [];
  for (const f of all) for (const flow of readFile(f)) if (!flows.some((x) => x.flowId === flow.flowId)) flows.push(flow);
  checkRecursion(flows);
  const flowNames = new UniqueNames();
  const flowIds = new Map(flows.map((f) => [f.flowId, flowNames.take(flowIdOf(f.name))]));
  const vault = new Vault();
  const report: ImportReport = {
    reportVersion: REPORT_VERSION,
    mappingVersion: MAPPING_VERSION,
    format: 'davinci',
    input: options.input ?? file.path,
    flows: [],
    nodes: [],
    secrets: vault.secrets,
    variables: vault.variables,
    notes: [],
    stats: statsOf([]),
  };
  const out: FlowJson[] = [];
  for (const flow of flows) {
    const flowId = flowIds.get(flow.flowId)!;
    const note = (message: string) => report.notes.push({ flow: flowId, message });
    const instanceVars = new Set(flow.variables.filter((v) => v.context === 'flowInstance').map((v) => v.name));
    for (const v of flow.variables)
      if (v.context !== 'flowInstance') vault.variable(v.name, 'davinci-variable', `${flowId}/variables/${v.name}`, v.value);
      else note(`the flow-instance variable ${v.name} is journey state (state.${v.name})`);
    const flat = (value: unknown, where: string): Flat => {
      const f = flatten(value, instanceVars);
      for (const id of localNodesOf(value))
        if (!flow.nodes.has(id))
          note(`${where} refers to the output of node ${id}, which is not in the flow (a deleted node): the reference reads nothing`);
      return f;
    };
    const valueOf = (f: Flat, where: string): unknown => {
      if (f.kind === 'literal') return f.value;
      if (f.kind === 'variable') return vault.variable(f.name, 'davinci-variable', where);
      return undefined;
    };
    // Successors: CONNECTION → EVAL → targets with the EVAL's condition per target (absent: allTriggersTrue).
    type Next = { target: string; when: string; multi?: string };
    const nexts = new Map<string, Next[]>();
    const push = (from: string, n: Next) => nexts.set(from, [...(nexts.get(from) ?? []), n]);
    const incoming = new Set<string>();
    for (const e of flow.edges) {
      const target = flow.nodes.get(e.target)!;
      const source = flow.nodes.get(e.source)!;
      if (source.nodeType === 'EVAL') continue;
      if (target.nodeType === 'EVAL') {
        for (const e2 of flow.edges.filter((x) => x.source === target.id)) {
          const cond = prop({ ...target, properties: target.properties }, e2.target);
          const when = typeof cond === 'string' ? cond : 'allTriggersTrue';
          push(source.id, { target: e2.target, when, ...(e.multiValueSourceId ? { multi: e.multiValueSourceId } : {}) });
          incoming.add(e2.target);
        }
      } else {
        push(source.id, { target: e.target, when: 'always', ...(e.multiValueSourceId ? { multi: e.multiValueSourceId } : {}) });
        incoming.add(e.target);
      }
    }
    // Teleports: goToNode → its startNode.
    const gotoTargets = new Set<string>();
    for (const n of flow.nodes.values())
      if (n.capabilityName === 'goToNode') {
        const t = prop(n, 'nodeInstanceId');
        if (typeof t === 'string') gotoTargets.add(t);
      }
    const entries: ReportNode[] = [];
    const drafts: Draft[] = [];
    const connection = (id: string): Target => {
      const n = flow.nodes.get(id);
      return n && n.nodeType === 'CONNECTION' ? { source: id } : 'failure';
    };
    for (const n of flow.nodes.values()) {
      const type = n.nodeType === 'CONNECTION' ? `${n.connectorId ?? 'unknown'}.${n.capabilityName ?? 'unknown'}` : n.nodeType;
      const displayName = title(n);
      const base = { flow: flowId, sourceId: n.id, sourceType: type, displayName } as const;
      if (n.nodeType === 'EVAL') {
        entries.push({
          ...base,
          status: 'dropped',
          mappedTo: 'edge',
          reason: 'an EVAL node holds the conditions of its edges: they became the outcomes of the node before it',
          counted: false,
        });
        continue;
      }
      if (n.nodeType !== 'CONNECTION') {
        entries.push({ ...base, status: 'dropped', reason: `${n.nodeType} nodes are canvas notes with no behaviour`, counted: false });
        continue;
      }
      const where = `${flowId}/${n.id}`;
      const notes: string[] = [];
      const list = nexts.get(n.id) ?? [];
      const pick = (whens: string[], label: string): Target | undefined => {
        const found = list.filter((x) => whens.includes(x.when) && x.multi === undefined);
        if (found.length > 1)
          notes.push(
            `${found.length} nodes follow on ${label} in parallel in DaVinci; Waymark runs one path: the first (${found[0]!.target}) was kept`,
          );
        return found[0] ? connection(found[0].target) : undefined;
      };
      const always = pick(['always'], 'always');
      const onTrue = pick(['allTriggersTrue'], 'success') ?? always;
      const onFalse = pick(['anyTriggersFalse', 'allTriggersFalse'], 'failure') ?? always;
      if (always && list.some((x) => x.when === 'anyTriggersFalse' || x.when === 'allTriggersFalse'))
        notes.push('an "always" successor and a failure successor both run in DaVinci; Waymark takes the failure one on failure');
      const success: Target = onTrue ?? 'failure';
      const fail: Target = onFalse ?? 'failure';
      if (
        onTrue === undefined &&
        n.capabilityName !== 'createSuccessResponse' &&
        n.capabilityName !== 'customErrorMessage' &&
        n.capabilityName !== 'goToNode'
      )
        notes.push('nothing follows this node in the source (the flow ends here without a success response): it goes to failure');
      const pos = n.position;
      const node = (
        wmType: string,
        config: Record<string, unknown> | undefined,
        outcomes: Record<string, Target>,
        reason?: string,
      ): void => {
        drafts.push({
          kind: 'node',
          sourceId: n.id,
          name: displayName,
          type: wmType,
          ...(config ? { config } : {}),
          description: provenance('davinci', type, n.id, displayName),
          outcomes,
          ...(pos ? { position: pos } : {}),
        });
        entries.push({
          ...base,
          status: 'mapped',
          mappedTo: wmType,
          reason: reason ?? `${type} maps to ${wmType}`,
          counted: true,
          ...(notes.length ? { notes: [...notes] } : {}),
        });
      };
      const through = (next: Target, mappedTo: string, reason: string): void => {
        drafts.push({ kind: 'through', sourceId: n.id, next });
        entries.push({ ...base, status: 'mapped', mappedTo, reason, counted: true, ...(notes.length ? { notes: [...notes] } : {}) });
      };
      const placeholder = (reason: string, suggestion: string): void => {
        for (const [k, v] of Object.entries(n.properties)) if (SECRET_FIELD.test(k)) vault.scan({ [k]: isObject(v) ? v.value : v }, where);
        drafts.push(
          placeholderDraft({
            format: 'davinci',
            sourceId: n.id,
            sourceType: type,
            name: displayName,
            displayName,
            outcomes: { true: success, false: fail },
            reason,
            suggestion,
            ...(pos ? { position: pos } : {}),
          }),
        );
        entries.push({
          ...base,
          status: 'placeholder',
          mappedTo: 'import.placeholder',
          reason,
          suggestion,
          counted: true,
          ...(notes.length ? { notes: [...notes] } : {}),
        });
      };
      switch (type) {
        case 'httpConnector.createSuccessResponse':
          through('success', 'success', 'the success response ends the flow: the success terminal');
          break;
        case 'nodeConnector.startNode':
          through(success, 'edge', 'a go-to target: the teleport became an edge to what follows it');
          break;
        case 'nodeConnector.goToNode': {
          const targetId = prop(n, 'nodeInstanceId');
          const target = typeof targetId === 'string' && flow.nodes.has(targetId) ? ({ source: targetId } as Target) : 'failure';
          if (target === 'failure') notes.push(`the go-to target ${String(targetId)} is not in the flow: it goes to failure`);
          const params = Object.keys(n.properties).filter((k) => k !== 'nodeInstanceId' && k !== 'nodeTitle');
          if (params.length === 0) {
            through(target, 'edge', 'a teleport: it became an edge to its start node');
            break;
          }
          const operations = params.map((k) => {
            const f = flat(prop(n, k), `${where}/${k}`);
            return f.kind === 'ref'
              ? { copy: f.ref, to: k }
              : { set: k, value: valueOf(f, `${where}/${k}`) ?? (f.kind === 'template' ? f.text : '') };
          });
          node(
            'state.set',
            { operations },
            { done: target },
            'a teleport with parameters: a state.set of the parameters, then an edge to its start node',
          );
          break;
        }
        case 'httpConnector.customHtmlMessage':
        case 'errorConnector.customErrorMessage': {
          const error = type.startsWith('error');
          const f = flat(prop(n, error ? 'errorMessage' : 'message'), `${where}/message`);
          const config: Record<string, unknown> = { messageType: error ? 'error' : 'info' };
          if (f.kind === 'ref' && /^state\.[A-Za-z0-9_]+$/.test(f.ref)) config.messageFrom = f.ref.slice('state.'.length);
          const text = f.kind === 'literal' ? f.value : f.kind === 'template' ? f.text : '';
          config.message = (text.trim() || displayName).slice(0, 2000);
          if (f.kind === 'template')
            notes.push('the message mixes text and references: the references are shown as written ({{…}}); rebuild it with messageFrom');
          node('message', config, { shown: error ? 'failure' : success });
          break;
        }
        case 'functionsConnector.AEqualsB': {
          const a = operand(flat(prop(n, 'leftValueA'), `${where}/leftValueA`));
          const b = operand(flat(prop(n, 'rightValueB'), `${where}/rightValueB`));
          if (a === undefined || b === undefined) {
            placeholder('a comparison of text templates the expression language cannot read', 'an expression node over the state values');
            break;
          }
          node('expression', { rules: [{ when: `${a} == ${b}`, outcome: 'true' }], default: 'false' }, { true: success, false: fail });
          break;
        }
        case 'functionsConnector.AEqualsMultipleB': {
          const a = operand(flat(prop(n, 'leftValueA'), `${where}/leftValueA`));
          const options = Array.isArray(prop(n, 'rightValueMultiple')) ? (prop(n, 'rightValueMultiple') as unknown[]) : [];
          const rules: { when: string; outcome: string }[] = [];
          const outcomes: Record<string, Target> = {};
          const names = new UniqueNames(['noMatch', 'error', 'timeout']);
          let ok = a !== undefined;
          for (const o of options) {
            if (!isObject(o) || typeof o.id !== 'string') continue;
            const v = operand(flat(o.value, `${where}/rightValueMultiple/${o.id}`));
            if (v === undefined) ok = false;
            const f = flat(o.value, '');
            const outcome = names.take(outcomeOf(f.kind === 'literal' && f.value.trim() ? f.value.trim().toLowerCase() : `option-${o.id}`));
            const branch = list.find((x) => x.multi === o.id && x.when !== 'anyTriggersFalse' && x.when !== 'allTriggersFalse');
            if (!branch) notes.push(`the value ${f.kind === 'literal' ? JSON.stringify(f.value) : o.id} has no branch: it goes to failure`);
            rules.push({ when: `${a} == ${v}`, outcome });
            outcomes[outcome] = branch ? connection(branch.target) : 'failure';
          }
          if (!ok || rules.length === 0) {
            placeholder('a multi-value comparison the expression language cannot read', 'an expression node with one rule per value');
            break;
          }
          const none = list.find((x) => x.multi === '-1');
          outcomes.noMatch = none ? connection(none.target) : fail;
          node(
            'expression',
            { rules, default: 'noMatch' },
            outcomes,
            'each value became an expression rule and its branch an outcome (multi-value branches)',
          );
          break;
        }
        case 'variablesConnector.saveFlowValue':
        case 'variablesConnector.saveValue': {
          const list2 = prop(n, type.endsWith('saveFlowValue') ? 'saveFlowVariables' : 'saveVariables');
          const items = Array.isArray(list2) ? list2 : [];
          const operations = items
            .filter((i): i is Record<string, unknown> => isObject(i) && typeof i.name === 'string')
            .map((i) => {
              const name = String(i.name).replace(/[^A-Za-z0-9_]/g, '_');
              const f = flat(i.value, `${where}/${name}`);
              if (f.kind === 'ref') return { copy: f.ref, to: name };
              const v = valueOf(f, `${where}/${name}`) ?? (f.kind === 'template' ? f.text : '');
              return { set: name, value: i.type === 'number' && typeof v === 'string' && /^-?[0-9.]+$/.test(v) ? Number(v) : v };
            });
          if (operations.length === 0) {
            placeholder('a variables node that saves nothing the importer can read', 'a state.set node');
            break;
          }
          if (type.endsWith('saveFlowValue'))
            notes.push('DaVinci flow variables outlive the journey; Waymark state does not: they are journey state here');
          node('state.set', { operations }, { done: success });
          break;
        }
        case 'flowConnector.startUiSubFlow': {
          const sub = subflowIdOf(n);
          const known = sub.id !== undefined ? flowIds.get(sub.id) : undefined;
          const target = known ?? flowIdOf(sub.label ?? sub.id ?? 'subflow');
          if (!known)
            note(
              `calls the subflow ${sub.label ?? sub.id ?? '?'} (${sub.id ?? 'no id'}), which was not supplied: import it with --subflow (flow id ${target})`,
            );
          const version = prop(n, 'subFlowVersionId');
          node(
            'flow.run',
            { flow: target, ...(typeof version === 'number' && version > 0 ? { version } : {}), state: 'isolated' },
            { success, failure: fail },
          );
          break;
        }
        case 'pingOneSSOConnector.userLookup': {
          const attrs = prop(n, 'matchAttributes');
          const attribute = Array.isArray(attrs) && typeof attrs[0] === 'string' ? attrs[0] : 'username';
          const f = flat(prop(n, 'identifier') ?? prop(n, 'userIdentifierForFindUser'), `${where}/identifier`);
          node('user.identify', { attribute, from: f.kind === 'ref' ? f.ref : 'state.username' }, { found: success, notFound: fail });
          break;
        }
        case 'pingOneSSOConnector.checkPassword':
          node('credentials.verify', undefined, { valid: success, invalid: fail, locked: fail });
          break;
        case 'pingOneSSOConnector.createUser':
          node('user.create', { from: 'attributes' }, { created: success, conflict: fail });
          break;
        case 'pingOneSSOConnector.updateUser':
          node('user.update', { from: 'attributes' }, { updated: success, notFound: fail });
          break;
        case 'httpConnector.customHTMLTemplate': {
          const fields = (Array.isArray(prop(n, 'formFieldsList')) ? (prop(n, 'formFieldsList') as unknown[]) : []).filter(
            (x): x is Record<string, unknown> => isObject(x) && typeof x.propertyName === 'string' && x.propertyName !== 'buttonValue',
          );
          const secret = fields.filter((x) => x.hashedVisibility === true);
          const plain = fields.filter((x) => x.hashedVisibility !== true);
          notes.push('the custom HTML, CSS and scripts are not carried over (Waymark pages are server-rendered)');
          if (fields.length === 0) {
            placeholder('a custom HTML page without form fields (buttons and markup only)', 'a message node with one option per button');
            break;
          }
          if (secret.length === 1 && plain.length === 1 && /user|name|login|mail/i.test(String(plain[0]!.propertyName))) {
            node(
              'credentials.collect',
              undefined,
              { collected: success },
              'a username and password form: credentials.collect (the password goes to secrets)',
            );
            break;
          }
          const attrs = {
            attributes: plain.map((x) => ({
              name: String(x.propertyName),
              type: 'string',
              prompt: typeof x.displayName === 'string' && x.displayName ? x.displayName : String(x.propertyName),
              required: x.required === true,
            })),
            target: 'attributes',
          };
          if (secret.length === 0) {
            node('attributes.collect', attrs, { collected: success });
            break;
          }
          if (secret.length === 1) {
            const nodes = [
              ...(plain.length ? [{ id: 'fields', type: 'attributes.collect', config: attrs }] : []),
              { id: 'password', type: 'credentials.password', config: {} },
            ];
            node(
              'page',
              { header: displayName, nodes },
              { collected: success },
              'a form with fields and a password: a page of attributes.collect and credentials.password',
            );
            break;
          }
          placeholder('a form with several hidden (password) fields', 'a page node of credentials.password and attributes.collect steps');
          break;
        }
        default:
          placeholder(`no Waymark node type does what ${type} does`, 'a custom node type (waymark new-node --from-placeholder)');
      }
    }
    // The start: a CONNECTION nothing leads to and no teleport reaches.
    const starts = [...flow.nodes.values()].filter(
      (n) => n.nodeType === 'CONNECTION' && !incoming.has(n.id) && !gotoTargets.has(n.id) && n.capabilityName !== 'startNode',
    );
    if (starts.length === 0) formatError(flow.where, `flow "${flow.name}" has no start: every node has an incoming edge`);
    if (starts.length > 1)
      note(
        `several nodes have no incoming edge (${starts.map((s) => s.id).join(', ')}): the first is the start, the others are unreachable`,
      );
    const assembled = assemble({
      id: flowId,
      description: `Imported from the DaVinci flow "${flow.name}" (${flow.flowId}).`,
      start: { source: starts[0]!.id },
      drafts,
    });
    finishReport(entries, assembled);
    for (const n of assembled.notes) note(n);
    report.nodes.push(...entries);
    report.flows.push({ id: flowId, sourceName: flow.name, sourceId: flow.flowId, nodes: Object.keys(assembled.flow.nodes).length });
    out.push(assembled.flow);
  }
  report.stats = statsOf(report.nodes);
  return { flows: out, report };
}
