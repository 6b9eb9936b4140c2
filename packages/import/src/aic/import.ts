import { IMPORT_ERRORS, ImportError } from '../errors.js';
import { assemble, finishReport, placeholderDraft, provenance, type Draft, type FlowJson, type Target } from '../graph.js';
import { checkSize, type ImportFile, type ImportOptions } from '../input.js';
import { camelOf, flowIdOf, outcomeOf, UniqueNames } from '../names.js';
import { MAPPING_VERSION, REPORT_VERSION, statsOf, type ImportReport, type ReportNode } from '../report.js';
import { Vault } from '../secrets.js';
import { AIC_MAPPERS, SUGGESTIONS, type AicMapping, type AicNodeIn } from './map.js';
import { FAILURE_ID, readAic, SUCCESS_ID, type AicExport, type AicNodeConfig, type AicTree } from './read.js';

export interface ImportResult {
  flows: FlowJson[];
  report: ImportReport;
}

const SESSION = '__session';
const PAGE_TYPES = new Set(['PageNode', 'CustomPageNode']);
const USERNAME_TYPES = new Set(['UsernameCollectorNode', 'ValidatedUsernameNode']);
const PASSWORD_TYPES = new Set(['PasswordCollectorNode', 'ValidatedPasswordNode']);
/** Node types a `page` may hold (the input steps). */
const PAGE_CHILD_TYPES = new Set(['credentials.username', 'credentials.password', 'attributes.collect', 'terms.accept', 'message']);

function missing(tree: AicTree, message: string, nodeId: string): never {
  throw new ImportError(
    IMPORT_ERRORS.ERR_IMPORT_MISSING_NODE,
    `${tree.where}: tree "${tree.name}": ${message}; export the tree again with all its nodes`,
    {
      where: tree.where,
      tree: tree.name,
      node: nodeId,
    },
  );
}

/** Refuses dangling references: the entry node, every connection, every node config, every page child. */
function checkReferences(tree: AicTree): void {
  const known = (id: string) => id === SUCCESS_ID || id === FAILURE_ID || id in tree.nodes;
  if (!known(tree.entryNodeId)) missing(tree, `the entry node ${tree.entryNodeId} is not among its nodes`, tree.entryNodeId);
  for (const [id, n] of Object.entries(tree.nodes)) {
    for (const [outcome, target] of Object.entries(n.connections))
      if (!known(target))
        missing(
          tree,
          `node ${id} ("${n.displayName ?? n.nodeType}") connects its outcome "${outcome}" to ${target}, which is not in the export`,
          target,
        );
    const config = tree.configs[id];
    if (config === undefined) missing(tree, `node ${id} ("${n.displayName ?? n.nodeType}") has no config in the export`, id);
    if (PAGE_TYPES.has(n.nodeType)) {
      const children = Array.isArray(config.nodes) ? config.nodes : [];
      for (const child of children) {
        const childId = (child as { _id?: unknown })?._id;
        if (typeof childId !== 'string' || tree.configs[childId] === undefined)
          missing(
            tree,
            `page ${id} ("${n.displayName ?? n.nodeType}") holds the node ${String(childId)}, whose config is not in the export`,
            String(childId),
          );
      }
    }
  }
}

/** Refuses inner trees that call each other in a cycle (among the trees in the export). */
function checkRecursion(exp: AicExport): void {
  const byName = new Map(exp.trees.map((t) => [t.name, t]));
  const calls = (t: AicTree): string[] =>
    Object.entries(t.nodes)
      .filter(([, n]) => n.nodeType === 'InnerTreeEvaluatorNode')
      .map(([id]) => t.configs[id]?.tree)
      .filter((x): x is string => typeof x === 'string');
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string, path: string[]): void => {
    const tree = byName.get(name);
    if (!tree || state.get(name) === 'done') return;
    if (state.get(name) === 'visiting') {
      const chain = [...path.slice(path.indexOf(name)), name];
      throw new ImportError(
        IMPORT_ERRORS.ERR_IMPORT_RECURSION,
        `${tree.where}: inner trees call each other in a cycle: ${chain.join(' → ')}; a flow cannot run itself: break the cycle in the source`,
        { where: tree.where, chain },
      );
    }
    state.set(name, 'visiting');
    for (const inner of calls(tree)) visit(inner, [...path, name]);
    state.set(name, 'done');
  };
  for (const t of exp.trees) visit(t.name, []);
}

function sourceOutcomesOf(config: AicNodeConfig, connections: Record<string, string>): string[] {
  const declared = Array.isArray(config._outcomes)
    ? config._outcomes.map((o) => o?.id).filter((x): x is string => typeof x === 'string')
    : [];
  const fromConfig = Array.isArray(config.outcomes) ? config.outcomes.filter((x): x is string => typeof x === 'string') : [];
  return [...new Set([...declared, ...fromConfig, ...Object.keys(connections)])];
}

function mapOne(node: AicNodeIn, vault: Vault, where: string, scripts: AicExport['scripts']): AicMapping {
  const mapper = AIC_MAPPERS[node.type];
  if (mapper) return mapper(node, { vault, where, scripts });
  return {
    kind: 'placeholder',
    reason: `no Waymark node type does what ${node.type} does`,
    suggestion: SUGGESTIONS[node.type] ?? 'a custom node type (waymark new-node --from-placeholder)',
  };
}

/** Imports AIC/AM journeys: every tree of the files becomes one Waymark flow; the report says what became of each node. */
export function importAic(files: readonly ImportFile[], options: ImportOptions = {}): ImportResult {
  checkSize(files, options.maxBytes);
  const exp = readAic(files);
  for (const t of exp.trees) checkReferences(t);
  checkRecursion(exp);
  const flowNames = new UniqueNames();
  const flowIds = new Map(exp.trees.map((t) => [t.name, flowNames.take(flowIdOf(t.name))]));
  const innerTrees = new Set<string>();
  for (const t of exp.trees)
    for (const [id, n] of Object.entries(t.nodes))
      if (n.nodeType === 'InnerTreeEvaluatorNode' && typeof t.configs[id]?.tree === 'string') innerTrees.add(t.configs[id].tree as string);
  const vault = new Vault();
  const report: ImportReport = {
    reportVersion: REPORT_VERSION,
    mappingVersion: MAPPING_VERSION,
    format: 'aic',
    input: options.input ?? (files.length === 1 ? files[0]!.path : `${files.length} files`),
    flows: [],
    nodes: [],
    secrets: vault.secrets,
    variables: vault.variables,
    notes: [],
    stats: statsOf([]),
  };
  const flows: FlowJson[] = [];
  for (const tree of exp.trees) {
    const flowId = flowIds.get(tree.name)!;
    if (tree.enabled === false) {
      report.notes.push({ flow: flowId, message: `tree "${tree.name}" is disabled in the source (enabled: false): not imported` });
      continue;
    }
    const note = (message: string) => report.notes.push({ flow: flowId, message });
    const withSession = tree.noSession !== true && !innerTrees.has(tree.name) && tree.innerTreeOnly !== true;
    if (tree.noSession === true) note('noSession: true — Success ends the journey without a session (no session.create)');
    else if (!withSession) note('used as an inner tree: its Success returns to the calling flow (no session.create)');
    for (const flag of ['mustRun', 'transactionalOnly'] as const)
      if (tree.flags[flag] === true)
        note(`${flag}: true has no flow-level counterpart in Waymark (client allowed flows and policies decide where a flow runs)`);
    if (typeof tree.flags.identityResource === 'string')
      note(`identityResource ${tree.flags.identityResource}: the user store is the one the serve config wires`);
    const entries: ReportNode[] = [];
    const drafts: Draft[] = [];
    const pageChildren = new Map<string, ReportNode[]>();
    const otp = otpChains(tree);
    const terminal = (t: string): Target =>
      t === SUCCESS_ID ? (withSession ? { source: SESSION } : 'success') : t === FAILURE_ID ? 'failure' : { source: t };
    for (const [id, ref] of Object.entries(tree.nodes)) {
      const config = tree.configs[id]!;
      const displayName = ref.displayName ?? ref.nodeType;
      const node: AicNodeIn = { id, type: ref.nodeType, displayName, config, sourceOutcomes: sourceOutcomesOf(config, ref.connections) };
      const where = `${flowId}/${id}`;
      const position = typeof ref.x === 'number' && typeof ref.y === 'number' ? { x: ref.x, y: ref.y } : undefined;
      const notes: string[] = [];
      const target = (sourceOutcome: string | { terminal: 'success' | 'failure' }): Target => {
        if (typeof sourceOutcome === 'object') return sourceOutcome.terminal;
        const to = ref.connections[sourceOutcome];
        if (to === undefined) {
          notes.push(`the source outcome "${sourceOutcome}" was not connected: it goes to failure`);
          return 'failure';
        }
        return terminal(to);
      };
      const base = { flow: flowId, sourceId: id, sourceType: ref.nodeType, displayName, counted: true } as const;
      let mapping: AicMapping;
      let children: ReportNode[] = [];
      const merged = otp.merged.get(id);
      if (merged !== undefined) {
        // Sender and collector of an OTP chain: their work is the generator's otp.challenge.
        entries.push({
          ...base,
          status: 'mapped',
          mappedTo: 'otp.challenge',
          reason: `merged into the otp.challenge that replaces the OTP generator ${merged}`,
        });
        continue;
      }
      const chain = otp.chains.get(id);
      if (chain !== undefined) {
        const collector = tree.nodes[chain.collector]!;
        const sender = tree.configs[chain.sender]!;
        const collectorConfig = tree.configs[chain.collector]!;
        const length = typeof config.length === 'number' ? Math.min(10, Math.max(6, config.length)) : 6;
        const minutes = typeof collectorConfig.passwordExpiryTime === 'number' ? collectorConfig.passwordExpiryTime : 5;
        const to = (o: string): Target => (collector.connections[o] === undefined ? 'failure' : terminal(collector.connections[o]!));
        drafts.push({
          kind: 'node',
          sourceId: id,
          name: 'One Time Password',
          type: 'otp.challenge',
          config: {
            mode: 'code',
            code: {
              length,
              ttlSeconds: Math.min(3600, Math.max(30, minutes * 60)),
              recipientFrom: typeof sender.emailAttribute === 'string' ? sender.emailAttribute : 'email',
            },
          },
          description: provenance(
            'aic',
            'OneTimePasswordGeneratorNode + sender + OneTimePasswordCollectorDecisionNode',
            `${id}, ${chain.sender}, ${chain.collector}`,
            displayName,
          ),
          outcomes: { success: to('true'), failure: to('false'), expired: to('false'), locked: to('false') },
          ...(position ? { position } : {}),
        });
        vault.scan(sender, `${flowId}/${chain.sender}`);
        entries.push({
          ...base,
          status: 'mapped',
          mappedTo: 'otp.challenge',
          reason: 'the OTP generator, sender and collector decision became one otp.challenge (mode "code")',
          notes: [
            "the SMTP/SMS settings of the sender are not carried: wire services.notifier (or the node's webhook notifier)",
            '"expired" and "locked" go where the collector\'s "false" went',
          ],
        });
        continue;
      }
      if (PAGE_TYPES.has(ref.nodeType)) {
        const page = mapPage(tree, node, vault, flowId, exp.scripts);
        mapping = page.mapping;
        children = page.children;
      } else mapping = mapOne(node, vault, where, exp.scripts);
      if (mapping.kind === 'node') {
        const outcomes: Record<string, Target> = {};
        for (const [o, s] of Object.entries(mapping.outcomes)) outcomes[o] = target(s);
        const covered = new Set(Object.values(mapping.outcomes).filter((s): s is string => typeof s === 'string'));
        for (const s of node.sourceOutcomes)
          if (!covered.has(s) && ref.connections[s] !== undefined) notes.push(`the source outcome "${s}" has no counterpart: dropped`);
        drafts.push({
          kind: 'node',
          sourceId: id,
          name: displayName,
          type: mapping.type,
          ...(mapping.config ? { config: mapping.config } : {}),
          description: provenance('aic', ref.nodeType, id, displayName),
          outcomes,
          ...(position ? { position } : {}),
        });
        const allNotes = [...(mapping.notes ?? []), ...notes];
        entries.push({
          ...base,
          status: 'mapped',
          mappedTo: mapping.type,
          reason: `${ref.nodeType} maps to ${mapping.type}`,
          ...(allNotes.length ? { notes: allNotes } : {}),
          ...(mapping.script ? { script: mapping.script } : {}),
        });
      } else if (mapping.kind === 'placeholder') {
        vault.scan(config, where);
        const outcomes: Record<string, Target> = {};
        for (const s of node.sourceOutcomes) outcomes[outcomeOf(s)] = target(s);
        drafts.push(
          placeholderDraft({
            format: 'aic',
            sourceId: id,
            sourceType: ref.nodeType,
            name: displayName,
            displayName,
            outcomes,
            reason: mapping.reason,
            suggestion: mapping.suggestion,
            ...(position ? { position } : {}),
          }),
        );
        entries.push({
          ...base,
          status: 'placeholder',
          mappedTo: 'import.placeholder',
          reason: mapping.reason,
          suggestion: mapping.suggestion,
          ...(notes.length ? { notes } : {}),
          ...(mapping.script ? { script: mapping.script } : {}),
        });
      } else {
        drafts.push({ kind: 'through', sourceId: id, next: target(mapping.via) });
        entries.push({
          ...base,
          status: 'dropped',
          reason: mapping.reason,
          ...(mapping.suggestion ? { suggestion: mapping.suggestion } : {}),
        });
      }
      if (children.length > 0) pageChildren.set(id, children);
    }
    if (withSession) {
      const at = tree.staticNodes[SUCCESS_ID];
      drafts.push({
        kind: 'node',
        sourceId: SESSION,
        name: 'createSession',
        type: 'session.create',
        description: 'Added by the importer: AIC creates a session when a tree reaches Success (noSession is not set).',
        outcomes: { created: 'success', conflict: 'failure' },
        ...(typeof at?.x === 'number' && typeof at.y === 'number' ? { position: { x: at.x - 120, y: at.y } } : {}),
      });
    }
    const assembled = assemble({
      id: flowId,
      description:
        tree.description && tree.description.trim() !== ''
          ? `${tree.description} (imported from AIC tree "${tree.name}")`
          : `Imported from the AIC tree "${tree.name}".`,
      start: terminal(tree.entryNodeId),
      drafts,
      terminals: {
        ...(tree.staticNodes[SUCCESS_ID] ? { success: tree.staticNodes[SUCCESS_ID] as { x: number; y: number } } : {}),
        ...(tree.staticNodes[FAILURE_ID] ? { failure: tree.staticNodes[FAILURE_ID] as { x: number; y: number } } : {}),
      },
    });
    finishReport(entries, assembled);
    // Page children share their page's fate.
    const ordered: ReportNode[] = [];
    for (const e of entries) {
      ordered.push(e);
      for (const child of pageChildren.get(e.sourceId) ?? []) {
        if (e.status === 'dropped') ordered.push({ ...child, status: 'dropped', reason: `its page was dropped: ${e.reason}` });
        else ordered.push({ ...child, ...(e.nodeId ? { nodeId: e.nodeId } : {}) });
      }
    }
    for (const n of assembled.notes) note(n);
    report.nodes.push(...ordered);
    report.flows.push({ id: flowId, sourceName: tree.name, nodes: Object.keys(assembled.flow.nodes).length });
    flows.push(assembled.flow);
    for (const id of innerReferences(tree))
      if (!flowIds.has(id)) note(`calls the inner tree "${id}", which is not in the export: import it too (flow id ${flowIdOf(id)})`);
  }
  report.stats = statsOf(report.nodes);
  return { flows, report };
}

const OTP_SENDERS = new Set(['OneTimePasswordSmtpSenderNode', 'OneTimePasswordSmsSenderNode']);

/**
 * OTP generator → sender → collector decision chains whose sender and collector nothing else
 * reaches: one otp.challenge does all three. Chains with other entries (a retry loop back to the
 * collector) stay placeholders.
 */
function otpChains(tree: AicTree): { chains: Map<string, { sender: string; collector: string }>; merged: Map<string, string> } {
  const incoming = new Map<string, number>();
  for (const n of Object.values(tree.nodes)) for (const t of Object.values(n.connections)) incoming.set(t, (incoming.get(t) ?? 0) + 1);
  const chains = new Map<string, { sender: string; collector: string }>();
  const merged = new Map<string, string>();
  for (const [id, n] of Object.entries(tree.nodes)) {
    if (n.nodeType !== 'OneTimePasswordGeneratorNode') continue;
    const sender = Object.values(n.connections)[0];
    const senderNode = sender === undefined ? undefined : tree.nodes[sender];
    if (!senderNode || !OTP_SENDERS.has(senderNode.nodeType) || Object.keys(n.connections).length !== 1 || incoming.get(sender!) !== 1)
      continue;
    const collector = Object.values(senderNode.connections)[0];
    const collectorNode = collector === undefined ? undefined : tree.nodes[collector];
    if (
      !collectorNode ||
      collectorNode.nodeType !== 'OneTimePasswordCollectorDecisionNode' ||
      incoming.get(collector!) !== 1 ||
      tree.entryNodeId === collector
    )
      continue;
    chains.set(id, { sender: sender!, collector: collector! });
    merged.set(sender!, id);
    merged.set(collector!, id);
  }
  return { chains, merged };
}

function innerReferences(tree: AicTree): string[] {
  return Object.entries(tree.nodes)
    .filter(([, n]) => n.nodeType === 'InnerTreeEvaluatorNode')
    .map(([id]) => tree.configs[id]?.tree)
    .filter((x): x is string => typeof x === 'string');
}

/** A PageNode: credentials.collect for the username + password page, a `page` of input steps otherwise, else a placeholder. */
function mapPage(
  tree: AicTree,
  page: AicNodeIn,
  vault: Vault,
  flowId: string,
  scripts: AicExport['scripts'],
): { mapping: AicMapping; children: ReportNode[] } {
  const refs = (Array.isArray(page.config.nodes) ? page.config.nodes : []) as { _id: string; nodeType?: string; displayName?: string }[];
  const children = refs.map((r) => {
    const config = tree.configs[r._id]!;
    const type = r.nodeType ?? config._type?._id ?? 'unknown';
    return {
      ref: r,
      node: { id: r._id, type, displayName: r.displayName ?? type, config, sourceOutcomes: sourceOutcomesOf(config, {}) } as AicNodeIn,
    };
  });
  const entry = (
    c: (typeof children)[number],
    status: ReportNode['status'],
    mappedTo: string | undefined,
    reason: string,
    extra: Partial<ReportNode> = {},
  ): ReportNode => ({
    flow: flowId,
    sourceId: c.node.id,
    sourceType: c.node.type,
    displayName: c.node.displayName,
    status,
    ...(mappedTo ? { mappedTo } : {}),
    reason,
    counted: true,
    ...extra,
  });
  const header = pageText(page.config.pageHeader);
  const description = pageText(page.config.pageDescription);
  const first = page.sourceOutcomes[0] ?? 'outcome';
  if (children.length === 2 && USERNAME_TYPES.has(children[0]!.node.type) && PASSWORD_TYPES.has(children[1]!.node.type)) {
    return {
      mapping: {
        kind: 'node',
        type: 'credentials.collect',
        outcomes: { collected: first },
        notes: [
          'the username and password page became one credentials.collect step',
          ...(header ? [`the page header "${header}" is not shown by credentials.collect`] : []),
        ],
      },
      children: children.map((c) => entry(c, 'mapped', 'credentials.collect', `collected by the page's credentials.collect`)),
    };
  }
  if (children.length === 0) return { mapping: { kind: 'placeholder', reason: 'an empty page', suggestion: 'remove it' }, children: [] };
  type Child = {
    c: (typeof children)[number];
    m: AicMapping;
    type: string;
    config: Record<string, unknown>;
    outcomes: Record<string, string | { terminal: 'success' | 'failure' }>;
  };
  // A child with no counterpart becomes a placeholder inside the page: the rest of the page still maps.
  const mapped: Child[] = children.map((c) => {
    const m = mapOne(c.node, vault, `${flowId}/${c.node.id}`, scripts);
    if (m.kind === 'node') return { c, m, type: m.type, config: m.config ?? {}, outcomes: m.outcomes };
    vault.scan(c.node.config, `${flowId}/${c.node.id}`);
    const own = c.node.sourceOutcomes.length > 0 ? c.node.sourceOutcomes : ['outcome'];
    const suggestion = m.kind === 'placeholder' ? m.suggestion : (m.suggestion ?? 'remove it');
    return {
      c,
      m,
      type: 'import.placeholder',
      config: { source: { format: 'aic', type: c.node.type, id: c.node.id }, outcomes: own.map(outcomeOf), reason: m.reason, suggestion },
      outcomes: Object.fromEntries(own.map((o) => [outcomeOf(o), o])),
    };
  });
  const bad = mapped.find(
    (x, i) =>
      (x.type !== 'import.placeholder' && !PAGE_CHILD_TYPES.has(x.type)) || (i < mapped.length - 1 && Object.keys(x.outcomes).length !== 1),
  );
  if (bad) {
    const why =
      !PAGE_CHILD_TYPES.has(bad.type) && bad.type !== 'import.placeholder'
        ? `it holds ${bad.c.node.type}, which maps to ${bad.type}, not an input step a page can hold`
        : `${bad.c.node.type} ("${bad.c.node.displayName}") has several outcomes but is not the page's last node`;
    return {
      mapping: { kind: 'placeholder', reason: `page: ${why}`, suggestion: 'a page node of input steps, once every step has a counterpart' },
      children: mapped.map((x) => entry(x.c, 'placeholder', 'import.placeholder', `its page became a placeholder (${why})`)),
    };
  }
  const names = new UniqueNames();
  const last = mapped[mapped.length - 1]!;
  const nodes = mapped.map((x) => ({ id: names.take(camelOf(x.c.node.displayName)), type: x.type, config: x.config }));
  // The page's outcomes are its last node's: each takes the page outcome that the child's outcome became.
  const outcomes: Record<string, string | { terminal: 'success' | 'failure' }> = {};
  for (const [o, s] of Object.entries(last.outcomes)) {
    if (typeof s === 'object') outcomes[o] = s;
    else
      outcomes[o] =
        page.sourceOutcomes.find((p) => p === s || p.endsWith(`-${s}`)) ?? (Object.keys(last.outcomes).length === 1 ? first : s);
  }
  const notes = mapped.flatMap((x) => (x.m.kind === 'node' ? (x.m.notes ?? []) : []));
  const placeholders = mapped.filter((x) => x.type === 'import.placeholder').map((x) => x.c.node.type);
  if (placeholders.length) notes.push(`the page holds placeholders for ${placeholders.join(', ')}: it fails until they are replaced`);
  return {
    mapping: {
      kind: 'node',
      type: 'page',
      config: {
        ...(header ? { header } : {}),
        ...(description ? { description } : {}),
        ...(typeof page.config.stage === 'string' && page.config.stage ? { stage: page.config.stage } : {}),
        nodes,
      },
      outcomes,
      ...(notes.length ? { notes } : {}),
    },
    children: mapped.map((x, i) => {
      if (x.m.kind === 'node') return entry(x.c, 'mapped', x.type, `page child ${nodes[i]!.id}`, x.m.script ? { script: x.m.script } : {});
      const extra: Partial<ReportNode> =
        x.m.kind === 'placeholder' ? { suggestion: x.m.suggestion, ...(x.m.script ? { script: x.m.script } : {}) } : {};
      return entry(x.c, 'placeholder', 'import.placeholder', `page child ${nodes[i]!.id}: ${x.m.reason}`, extra);
    }),
  };
}

function pageText(value: unknown): string | undefined {
  if (typeof value === 'string') return value || undefined;
  if (value !== null && typeof value === 'object') {
    const v = value as Record<string, unknown>;
    const t = v.en ?? Object.values(v).find((x) => typeof x === 'string');
    return typeof t === 'string' && t !== '' ? t : undefined;
  }
  return undefined;
}
