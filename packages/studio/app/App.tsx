/*
 * The studio: flow list and palette on the left, the canvas in the middle, the inspector (config
 * form, raw JSON, problems) and the debug panel (journeys, funnel) on the right. The flow JSON is
 * the one state: the canvas, the form and the JSON view are views of it, so they stay in sync.
 */
import {
  Background,
  Controls,
  MarkerType,
  ReactFlow,
  ReactFlowProvider,
  useReactFlow,
  type Connection,
  type Edge,
  type NodeChange,
  type ReactFlowInstance,
} from '@xyflow/react';
import { useCallback, useEffect, useMemo, useRef, useState, type DragEvent } from 'react';
import { ApiError, type AdminApi } from './api';
import { OutcomeEdge, OverlayContext, StepCard, StudioActionsContext, TerminalCard, type Overlay, type StudioActions } from './Cards';
import { ConfigForm } from './ConfigForm';
import type { StudioConfig } from './config';
import { diffHunks, lineDiff } from './diff';
import { autoLayout, stepHandles, structureKey, terminalHandles, TERMINALS, toCanvas, type CanvasNode } from './graph';
import { problemTarget } from './pointer';
import type { Flow, FlowSummary, Funnel, Journey, JourneySummary, NodeTypeInfo, Problem } from './types';

const nodeTypes = { step: StepCard, terminal: TerminalCard };
const edgeTypes = { outcome: OutcomeEdge };
const VALIDATE_DELAY_MS = 300;

const pretty = (flow: unknown) => JSON.stringify(flow, null, 2);

/** A new node id for `type`: its segments in camel case, numbered when taken (`credentialsCollect2`). */
function newNodeId(type: string, taken: Record<string, unknown>): string {
  const base = type
    .split(/[.-]/)
    .map((part, i) => (i === 0 ? part : part.charAt(0).toUpperCase() + part.slice(1)))
    .join('');
  let id = base;
  for (let n = 2; id in taken; n++) id = `${base}${n}`;
  return id;
}

interface Loaded {
  /** The version the editor started from; null for a flow not saved yet. */
  base: { version: number; flow: Flow } | null;
  summary: FlowSummary | null;
}

export function App(props: { config: StudioConfig; api: AdminApi; onSignOut?: () => void }) {
  return <Studio {...props} />;
}

function Studio({ config, api, onSignOut }: { config: StudioConfig; api: AdminApi; onSignOut?: () => void }) {
  const local = config.mode === 'local';
  const [flows, setFlows] = useState<FlowSummary[]>([]);
  const [types, setTypes] = useState<Map<string, NodeTypeInfo>>(new Map());
  const [doc, setDoc] = useState<Flow | null>(null);
  const [loaded, setLoaded] = useState<Loaded>({ base: null, summary: null });
  const [problems, setProblems] = useState<Problem[]>([]);
  const [validating, setValidating] = useState(false);
  const [selected, setSelected] = useState<string | null>(null);
  const [tab, setTab] = useState<'form' | 'json'>('form');
  const [status, setStatus] = useState('');
  const [error, setError] = useState('');
  const [confirmSave, setConfirmSave] = useState(false);
  const [journeys, setJourneys] = useState<JourneySummary[] | null>(null);
  const [journey, setJourney] = useState<Journey | null>(null);
  const [funnel, setFunnel] = useState<Funnel | null>(null);
  const [newId, setNewId] = useState('');
  // The canvas's React Flow instance (for screen → flow coordinates), handed up by InstanceBridge.
  const instance = useRef<ReactFlowInstance<CanvasNode> | null>(null);

  const report = (e: unknown) => setError(e instanceof ApiError ? `${e.code}: ${e.message}` : (e as Error).message);

  const refreshFlows = useCallback(async () => setFlows(await api.flows()), [api]);
  useEffect(() => {
    refreshFlows().catch(report);
    api
      .nodeTypes()
      .then((list) => setTypes(new Map(list.map((t) => [t.type, t]))))
      .catch(report);
  }, [api, refreshFlows]);

  const open = useCallback(
    async (id: string, version?: number) => {
      setError('');
      const [summary, latest] = [flows.find((f) => f.id === id) ?? null, await api.version(id, version ?? 'latest')];
      setLoaded({ base: { version: latest.version, flow: latest.flow }, summary });
      setDoc(latest.flow);
      setSelected(null);
      setJourney(null);
      setJourneys(null);
      setFunnel(null);
      setStatus(`opened ${id} version ${latest.version}${latest.active ? ' (active)' : ''}`);
    },
    [api, flows],
  );

  // A subflow card's "Open": that flow (at the pinned version, else the latest) replaces this one.
  const actions: StudioActions = useMemo(() => ({ openFlow: (id, version) => void open(id, version).catch(report) }), [open]);

  // Validation as you type: the server's validator (no Ajv in the page), debounced, the older request aborted.
  useEffect(() => {
    if (!doc) return;
    const abort = new AbortController();
    const timer = setTimeout(() => {
      setValidating(true);
      api
        .validate(doc, abort.signal)
        // The same problems again keep their array, so the cards and edges are not drawn again.
        .then((r) => setProblems((prev) => (JSON.stringify(prev) === JSON.stringify(r.problems) ? prev : r.problems)))
        .catch((e: unknown) => {
          if ((e as Error).name !== 'AbortError') report(e);
        })
        .finally(() => setValidating(false));
    }, VALIDATE_DELAY_MS);
    return () => {
      clearTimeout(timer);
      abort.abort();
    };
  }, [api, doc]);

  // The canvas, derived from the document; the layout runs only when the wiring changes.
  const structure = doc ? structureKey(doc) : '';
  const auto = useMemo(() => (doc ? autoLayout(doc) : new Map()), [structure]);
  const canvas = useMemo(() => (doc ? toCanvas(doc, types, auto) : { nodes: [], edges: [] }), [doc, types, auto]);

  const overlay: Overlay = useMemo(() => {
    const byNode = new Map<string, string[]>();
    const byEdge = new Map<string, string>();
    for (const p of problems) {
      const t = problemTarget(p.pointer);
      if (t.node) byNode.set(t.node, [...(byNode.get(t.node) ?? []), p.message]);
      if (t.edge) byEdge.set(t.edge, p.message);
    }
    const trace = new Map<string, { order: number[]; steps: Journey['trace']; failed: boolean }>();
    journey?.trace.forEach((step, i) => {
      const v = trace.get(step.node) ?? { order: [], steps: [], failed: false };
      v.order.push(i + 1);
      v.steps.push(step);
      trace.set(step.node, v);
    });
    if (journey) {
      // The failing node: the one that threw (a code), else the last one run when the journey failed.
      const last = journey.trace.at(-1);
      const failing = journey.trace.find((s) => s.code !== undefined) ?? (journey.status === 'failure' ? last : undefined);
      if (failing) trace.get(failing.node)!.failed = true;
      const end = journey.status === 'success' ? 'success' : journey.status === 'failure' ? 'failure' : undefined;
      if (end) trace.set(end, { order: [journey.trace.length + 1], steps: [], failed: false });
    }
    return {
      problems: byNode,
      trace,
      reached: funnel ? new Map(funnel.nodes.map((n) => [n.node, n.reached])) : undefined,
      journeys: funnel?.journeys,
      edgeProblems: byEdge,
    } as Overlay & { edgeProblems: Map<string, string> };
  }, [problems, journey, funnel]);

  const edges: Edge[] = useMemo(() => {
    const edgeProblems = (overlay as Overlay & { edgeProblems: Map<string, string> }).edgeProblems;
    const taken = new Map<string, number[]>();
    journey?.trace.forEach((s, i) => taken.set(`${s.node}:${s.outcome}`, [...(taken.get(`${s.node}:${s.outcome}`) ?? []), i + 1]));
    const counts = new Map<string, number>();
    for (const n of funnel?.nodes ?? []) for (const [o, c] of Object.entries(n.outcomes)) counts.set(`${n.node}:${o}`, c);
    return canvas.edges.map((e) => {
      const outcome = (e.data as { outcome: string }).outcome;
      const order = taken.get(e.id);
      const problem = edgeProblems.get(e.id);
      const count = counts.get(e.id);
      const label = [order ? `#${order.join(',#')}` : '', outcome, count !== undefined ? `×${count}` : '', problem ? '⚠' : '']
        .filter(Boolean)
        .join(' ');
      const classes = [order ? 'taken' : '', problem ? 'edge-problem' : '', journey && !order ? 'dimmed' : ''].filter(Boolean).join(' ');
      return {
        ...e,
        label,
        className: classes,
        animated: order !== undefined,
        selected: selected === e.id,
        markerEnd: { type: MarkerType.ArrowClosed },
        ...(problem ? { ariaLabel: `${e.ariaLabel as string}; problem: ${problem}` } : {}),
      };
    });
  }, [canvas.edges, overlay, journey, funnel, selected]);

  const [measured, setMeasured] = useState<Map<string, { width: number; height: number }>>(new Map());
  // Node objects keep their identity while nothing of theirs changed: React Flow then skips them
  // (it re-reads a node whose object is new), which keeps a 200-node canvas fast.
  const nodeCache = useRef(new Map<string, { from: CanvasNode; selected: boolean; size: unknown; node: CanvasNode }>());
  const nodes = useMemo(() => {
    const next = new Map<string, { from: CanvasNode; selected: boolean; size: unknown; node: CanvasNode }>();
    const list = canvas.nodes.map((n) => {
      const isSelected = n.id === selected;
      const size = measured.get(n.id);
      const cached = nodeCache.current.get(n.id);
      const node =
        cached && cached.from === n && cached.selected === isSelected && cached.size === size
          ? cached.node
          : ({
              ...n,
              selected: isSelected,
              ...(size ? { measured: size, handles: n.type === 'step' ? stepHandles(n.data.outcomes, size) : terminalHandles(size) } : {}),
            } as CanvasNode);
      next.set(n.id, { from: n, selected: isSelected, size, node });
      return node;
    });
    nodeCache.current = next;
    return list;
  }, [canvas.nodes, selected, measured]);

  const change = useCallback((update: (flow: Flow) => Flow) => setDoc((d) => (d ? update(structuredClone(d)) : d)), []);

  const onNodesChange = useCallback(
    (changes: NodeChange[]) => {
      const sizes: [string, { width: number; height: number }][] = [];
      const moved: [string, { x: number; y: number }][] = [];
      for (const c of changes) {
        if (c.type === 'select' && c.selected) setSelected(c.id);
        if (c.type === 'dimensions' && c.dimensions) sizes.push([c.id, c.dimensions]);
        if (c.type === 'position' && c.position) moved.push([c.id, { x: Math.round(c.position.x), y: Math.round(c.position.y) }]);
      }
      // Controlled canvas: the measured sizes are handed back to React Flow with the nodes.
      if (sizes.length) setMeasured((m) => new Map([...m, ...sizes]));
      // Positions the engineer moves are kept under the flow's `layout` key (the engine ignores it).
      if (moved.length)
        change((f) => {
          f.layout = { ...(f.layout ?? {}), nodes: { ...(f.layout?.nodes ?? {}), ...Object.fromEntries(moved) } };
          return f;
        });
    },
    [change],
  );

  const wire = useCallback(
    (source: string, outcome: string, target: string) =>
      change((f) => {
        const node = f.nodes[source];
        if (node) node.outcomes = { ...(node.outcomes ?? {}), [outcome]: target };
        return f;
      }),
    [change],
  );

  // Drag an outcome's handle to a node: wires that outcome to it.
  const onConnect = useCallback(
    (c: Connection) => {
      if (c.source && c.sourceHandle && c.target && c.source !== c.target) wire(c.source, c.sourceHandle, c.target);
    },
    [wire],
  );

  const canvasRef = useRef<HTMLElement>(null);
  const addNode = useCallback(
    (type: string, dropped?: { x: number; y: number }) => {
      // Added with a press (no drop point): placed in the top left of what the canvas shows, three
      // to a row after the ones added before, so it is in view and not on top of another.
      const box = canvasRef.current?.getBoundingClientRect();
      const centre =
        box && instance.current ? instance.current.screenToFlowPosition({ x: box.left + 40, y: box.top + 40 }) : { x: 0, y: 0 };
      let id = '';
      change((f) => {
        id = newNodeId(type, f.nodes);
        const count = Object.keys(f.nodes).length;
        const position = dropped ?? { x: Math.round(centre.x + (count % 3) * 260), y: Math.round(centre.y + Math.floor(count / 3) * 160) };
        f.nodes[id] = { type, outcomes: {} };
        if (!f.start || !(f.start in f.nodes)) f.start = id;
        f.layout = { ...(f.layout ?? {}), nodes: { ...(f.layout?.nodes ?? {}), [id]: position } };
        return f;
      });
      setTimeout(() => setSelected(id));
      setStatus(`added a ${type} node`);
    },
    [change],
  );

  const onDrop = useCallback(
    (e: DragEvent) => {
      e.preventDefault();
      const type = e.dataTransfer.getData('application/x-waymark-node-type');
      if (!type) return;
      const p = instance.current?.screenToFlowPosition({ x: e.clientX, y: e.clientY }) ?? { x: e.clientX, y: e.clientY };
      addNode(type, { x: Math.round(p.x), y: Math.round(p.y) });
    },
    [addNode],
  );

  const saveFlow = async () => {
    if (!doc) return;
    setConfirmSave(false);
    setError('');
    try {
      const latest = loaded.summary?.latestVersion ?? loaded.base?.version ?? null;
      const next = { ...doc, version: (latest ?? 0) + 1 };
      await api.save(next, loaded.base ? latest : null);
      await refreshFlows();
      setLoaded({
        base: { version: next.version, flow: next },
        summary: { ...(loaded.summary ?? { id: next.id, activeVersion: null, versions: [] }), latestVersion: next.version } as FlowSummary,
      });
      setDoc(next);
      setStatus(
        local
          ? `saved ${next.id} to its file (version ${next.version})`
          : `saved ${next.id} version ${next.version} (not active yet: activate it to serve it)`,
      );
    } catch (e) {
      if (e instanceof ApiError && e.problems.length) setProblems(e.problems);
      report(e);
    }
  };

  const [activateVersion, setActivateVersion] = useState('');
  const summary = flows.find((f) => f.id === doc?.id);
  const versions = summary
    ? Array.isArray(summary.versions)
      ? summary.versions
      : [...Array(summary.versions).keys()].map((i) => i + 1)
    : [];

  const selectedNode = selected && doc?.nodes[selected] ? doc.nodes[selected] : undefined;
  const selectedInfo = selectedNode ? types.get(selectedNode.type) : undefined;
  const configProblems = useMemo(() => {
    const map = new Map<string, string>();
    for (const p of problems) {
      const t = problemTarget(p.pointer);
      if (t.node === selected && t.config !== undefined) map.set(t.config, p.message);
    }
    return map;
  }, [problems, selected]);

  const diff = useMemo(() => {
    if (!confirmSave || !doc) return [];
    const latest = loaded.summary?.latestVersion ?? loaded.base?.version ?? 0;
    return diffHunks(lineDiff(loaded.base ? pretty(loaded.base.flow) : '', pretty({ ...doc, version: latest + 1 })));
  }, [confirmSave, doc, loaded]);

  const showJourneys = async () => {
    if (!doc) return;
    try {
      setJourneys(await api.journeys(doc.id));
    } catch (e) {
      report(e);
    }
  };

  const showFunnel = async (hours: number) => {
    if (!doc) return;
    try {
      setJourney(null);
      setFunnel(await api.funnel(doc.id, Date.now() - hours * 3600_000));
    } catch (e) {
      report(e);
    }
  };

  return (
    <div className="studio">
      <header className="bar">
        <h1>Waymark Studio</h1>
        <span className="muted">{config.mode === 'local' ? `folder ${config.folder}` : 'admin API'}</span>
        {doc && (
          <>
            <span className="flow-title" data-testid="flow-title">
              {doc.id} {loaded.base ? `(editing from version ${loaded.base.version})` : '(new)'}
            </span>
            <button type="button" onClick={() => setConfirmSave(true)} disabled={problems.length > 0 || validating}>
              Save version…
            </button>
            {!local && versions.length > 0 && (
              <span className="activate">
                <label htmlFor="activate-version">version</label>
                <select id="activate-version" value={activateVersion} onChange={(e) => setActivateVersion(e.target.value)}>
                  <option value="">choose</option>
                  {versions.map((v) => (
                    <option key={v} value={v}>
                      {v}
                      {v === summary?.activeVersion ? ' (active)' : ''}
                    </option>
                  ))}
                </select>
                <button
                  type="button"
                  disabled={!activateVersion}
                  onClick={async () => {
                    try {
                      await api.activate(doc.id, Number(activateVersion));
                      await refreshFlows();
                      setStatus(`version ${activateVersion} of ${doc.id} is active`);
                    } catch (e) {
                      report(e);
                    }
                  }}
                >
                  Activate
                </button>
              </span>
            )}
          </>
        )}
        {onSignOut && (
          <button type="button" className="signout" onClick={onSignOut}>
            Sign out
          </button>
        )}
      </header>
      <div className="status" role="status" aria-live="polite" data-testid="status">
        {status}
      </div>
      {error && (
        <div className="error" role="alert" data-testid="error">
          {error}
        </div>
      )}
      <div className="main">
        <nav className="left" aria-label="flows and node palette">
          <section>
            <h2>Flows</h2>
            <ul className="flow-list">
              {flows.map((f) => (
                <li key={f.id}>
                  <button type="button" aria-current={doc?.id === f.id} onClick={() => open(f.id).catch(report)}>
                    {f.id}{' '}
                    <span className="muted">
                      v{f.latestVersion}
                      {f.activeVersion !== null && !local ? `, active v${f.activeVersion}` : ''}
                    </span>
                  </button>
                </li>
              ))}
            </ul>
            <form
              className="new-flow"
              onSubmit={(e) => {
                e.preventDefault();
                if (!newId) return;
                setDoc({ id: newId, version: 1, description: `The ${newId} journey.`, start: '', nodes: {} });
                setLoaded({ base: null, summary: null });
                setSelected(null);
                setStatus(`new flow ${newId}: add nodes from the palette`);
                setNewId('');
              }}
            >
              <label htmlFor="new-flow-id">New flow id</label>
              <input id="new-flow-id" value={newId} placeholder="my-flow" onChange={(e) => setNewId(e.target.value)} />
              <button type="submit">New flow</button>
            </form>
          </section>
          {doc && (
            <section>
              <h2>Palette</h2>
              <p className="muted">Drag a type onto the canvas, or press it to add.</p>
              <ul className="palette">
                {[...types.values()].map((t) => (
                  <li key={t.type}>
                    <button
                      type="button"
                      draggable
                      title={t.description}
                      aria-label={`add a ${t.type} node`}
                      onDragStart={(e) => {
                        e.dataTransfer.setData('application/x-waymark-node-type', t.type);
                        e.dataTransfer.effectAllowed = 'move';
                      }}
                      onClick={() => addNode(t.type)}
                    >
                      {t.type}
                    </button>
                  </li>
                ))}
              </ul>
            </section>
          )}
          {doc && (
            <section>
              <h2>Nodes</h2>
              <ul className="node-list">
                {Object.keys(doc.nodes).map((id) => (
                  <li key={id}>
                    <button type="button" aria-pressed={selected === id} onClick={() => setSelected(id)}>
                      {id}
                      {overlay.problems.has(id) ? ' ⚠' : ''}
                    </button>
                  </li>
                ))}
              </ul>
            </section>
          )}
        </nav>
        <main className="canvas" ref={canvasRef} aria-label="flow canvas" onDragOver={(e) => e.preventDefault()} onDrop={onDrop}>
          {doc ? (
            <StudioActionsContext.Provider value={actions}>
              <OverlayContext.Provider value={overlay}>
                {/* A store per opened flow, created with its nodes and edges: the first render draws
                  them (React Flow's own props reach a fresh store only after a render and an effect). */}
                <ReactFlowProvider key={`${doc.id}@${loaded.base?.version ?? 'new'}`} initialNodes={nodes} initialEdges={edges}>
                  <InstanceBridge into={instance} />
                  <ReactFlow
                    nodes={nodes}
                    edges={edges}
                    nodeTypes={nodeTypes}
                    edgeTypes={edgeTypes}
                    onNodesChange={onNodesChange}
                    onConnect={onConnect}
                    onEdgeClick={(_, e) => setSelected(e.id)}
                    onPaneClick={() => setSelected(null)}
                    fitView={Object.keys(doc.nodes).length > 0}
                    minZoom={0.05}
                    deleteKeyCode={null}
                    ariaLabelConfig={{ 'node.a11yDescription.default': 'Press enter or space to select the node; arrow keys move it.' }}
                  >
                    <Background />
                    <Controls />
                  </ReactFlow>
                </ReactFlowProvider>
              </OverlayContext.Provider>
            </StudioActionsContext.Provider>
          ) : (
            <p className="empty">Pick a flow on the left, or start a new one.</p>
          )}
        </main>
        <aside className="right" aria-label="inspector">
          {doc && (
            <>
              <div role="tablist" aria-label="inspector views" className="tabs">
                <button type="button" role="tab" aria-selected={tab === 'form'} onClick={() => setTab('form')}>
                  Form
                </button>
                <button type="button" role="tab" aria-selected={tab === 'json'} onClick={() => setTab('json')}>
                  JSON
                </button>
              </div>
              {tab === 'json' ? (
                <JsonView flow={doc} onChange={setDoc} />
              ) : selectedNode && selected ? (
                <section aria-label={`node ${selected}`} className="inspector">
                  <h2>
                    {selected} <span className="muted">{selectedNode.type}</span>
                  </h2>
                  {selectedInfo && <p className="muted">{selectedInfo.description}</p>}
                  {doc.start !== selected && (
                    <button type="button" onClick={() => change((f) => ({ ...f, start: selected }))}>
                      Make it the start
                    </button>
                  )}
                  <button
                    type="button"
                    onClick={() => {
                      change((f) => {
                        delete f.nodes[selected];
                        for (const n of Object.values(f.nodes))
                          for (const [o, t] of Object.entries(n.outcomes ?? {})) if (t === selected) delete n.outcomes![o];
                        if (f.layout?.nodes) delete f.layout.nodes[selected];
                        return f;
                      });
                      setSelected(null);
                    }}
                  >
                    Delete node
                  </button>
                  <h3>Outcomes</h3>
                  {[...new Set([...(selectedInfo?.outcomes ?? []), ...Object.keys(selectedNode.outcomes ?? {})])].map((o) => (
                    <div className="field" key={o}>
                      <label htmlFor={`wire-${o}`}>outcome {o} goes to</label>
                      <select
                        id={`wire-${o}`}
                        value={selectedNode.outcomes?.[o] ?? ''}
                        onChange={(e) =>
                          change((f) => {
                            const n = f.nodes[selected]!;
                            n.outcomes = { ...(n.outcomes ?? {}) };
                            if (e.target.value === '') delete n.outcomes[o];
                            else n.outcomes[o] = e.target.value;
                            return f;
                          })
                        }
                      >
                        <option value="">(not wired)</option>
                        {[...Object.keys(doc.nodes).filter((id) => id !== selected), ...TERMINALS].map((t) => (
                          <option key={t}>{t}</option>
                        ))}
                      </select>
                    </div>
                  ))}
                  <h3>Config</h3>
                  <ConfigForm
                    type={selectedNode.type}
                    schema={selectedInfo?.config ?? {}}
                    value={selectedNode.config}
                    problems={configProblems}
                    onChange={(config) =>
                      change((f) => {
                        const n = f.nodes[selected]!;
                        if (config === undefined || Object.keys(config).length === 0) delete n.config;
                        else n.config = config;
                        return f;
                      })
                    }
                  />
                </section>
              ) : (
                <section className="inspector">
                  <h2>{doc.id}</h2>
                  <div className="field">
                    <label htmlFor="flow-description">description</label>
                    <textarea
                      id="flow-description"
                      value={doc.description}
                      onChange={(e) => change((f) => ({ ...f, description: e.target.value }))}
                    />
                  </div>
                  <button type="button" onClick={() => change((f) => ({ ...f, layout: { ...(f.layout ?? {}), nodes: {} } }))}>
                    Tidy up (automatic layout)
                  </button>
                  <p className="muted">Select a node (click it, or Tab to it and press Enter) to edit it.</p>
                </section>
              )}
              <section aria-label="problems" className="problems">
                <h2>
                  Problems{' '}
                  {validating ? <span className="muted">(checking…)</span> : <span data-testid="problem-count">{problems.length}</span>}
                </h2>
                <ul>
                  {problems.map((p, i) => (
                    <li key={i}>
                      <button type="button" onClick={() => setSelected(problemTarget(p.pointer).node ?? null)}>
                        <code>{p.pointer}</code> {p.message}
                      </button>
                    </li>
                  ))}
                </ul>
              </section>
              {!local && loaded.base && (
                <section aria-label="debug" className="debug">
                  <h2>Debug</h2>
                  <button type="button" onClick={showJourneys}>
                    Journeys
                  </button>
                  <button type="button" onClick={() => showFunnel(24)}>
                    Funnel (24 h)
                  </button>
                  <button type="button" onClick={() => showFunnel(24 * 7)}>
                    Funnel (7 days)
                  </button>
                  {(journey || funnel) && (
                    <button type="button" onClick={() => (setJourney(null), setFunnel(null))}>
                      Clear overlay
                    </button>
                  )}
                  {journeys && (
                    <ul className="journeys" aria-label="journeys">
                      {journeys.length === 0 && <li className="muted">No journeys of this flow in the log.</li>}
                      {journeys.map((j) => (
                        <li key={j.id}>
                          <button
                            type="button"
                            aria-pressed={journey?.id === j.id}
                            onClick={async () => {
                              try {
                                setFunnel(null);
                                setJourney(await api.journey(j.id));
                              } catch (e) {
                                report(e);
                              }
                            }}
                          >
                            {new Date(j.startedAt).toLocaleTimeString()} {j.status} v{j.flowVersion} {j.sub ?? ''} {j.code ?? ''}
                          </button>
                        </li>
                      ))}
                    </ul>
                  )}
                  {journey && (
                    <ol className="trace" aria-label="trace" data-testid="trace">
                      {journey.trace.map((s, i) => (
                        <li key={i} className={s.code ? 'failed' : ''}>
                          {s.node} ({s.type}) → {s.outcome}, {s.ms} ms{s.reason ? `, ${s.reason}` : ''}
                          {s.code ? `, ${s.code}` : ''}
                        </li>
                      ))}
                      <li>{journey.status}</li>
                    </ol>
                  )}
                  {funnel && (
                    <table className="funnel" data-testid="funnel">
                      <caption>
                        {funnel.journeys} journeys: {funnel.statuses.success} success, {funnel.statuses.failure} failure,{' '}
                        {funnel.statuses.live} live
                        {funnel.truncated ? ' (truncated: narrow the window)' : ''}
                      </caption>
                      <thead>
                        <tr>
                          <th scope="col">node</th>
                          <th scope="col">reached</th>
                          <th scope="col">outcomes</th>
                        </tr>
                      </thead>
                      <tbody>
                        {funnel.nodes.map((n) => (
                          <tr key={n.node} data-testid={`funnel-row-${n.node}`}>
                            <th scope="row">{n.node}</th>
                            <td>{n.reached}</td>
                            <td>
                              {Object.entries(n.outcomes)
                                .map(([o, c]) => `${o} ${c}`)
                                .join(', ')}
                            </td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  )}
                </section>
              )}
            </>
          )}
        </aside>
      </div>
      {confirmSave && doc && (
        <div className="dialog-backdrop">
          <div className="dialog" role="dialog" aria-modal="true" aria-labelledby="save-title">
            <h2 id="save-title">Save {doc.id} as a new version?</h2>
            <pre className="diff" aria-label="changes" data-testid="diff">
              {diff.map((l, i) => (
                <div key={i} className={`diff-${l.kind}`}>
                  {l.kind === 'added' ? '+ ' : l.kind === 'removed' ? '- ' : '  '}
                  {l.text}
                </div>
              ))}
            </pre>
            <button type="button" onClick={saveFlow} autoFocus>
              Save
            </button>
            <button type="button" onClick={() => setConfirmSave(false)}>
              Cancel
            </button>
          </div>
        </div>
      )}
    </div>
  );
}

/** Hands the canvas's React Flow instance to the studio (which sits outside the canvas's provider). */
function InstanceBridge({ into }: { into: { current: ReactFlowInstance<CanvasNode> | null } }) {
  into.current = useReactFlow<CanvasNode>();
  return null;
}

/** The raw JSON of the whole flow, kept in sync both ways (text that does not parse yet stays as typed). */
function JsonView({ flow, onChange }: { flow: Flow; onChange: (f: Flow) => void }) {
  const [text, setText] = useState(pretty(flow));
  const [parseError, setParseError] = useState('');
  const own = useRef(false);
  useEffect(() => {
    if (own.current) {
      own.current = false;
      return;
    }
    setText(pretty(flow));
  }, [flow]);
  return (
    <div className="json-view">
      <label htmlFor="flow-json">Flow JSON</label>
      <textarea
        id="flow-json"
        spellCheck={false}
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          try {
            const parsed = JSON.parse(e.target.value) as Flow;
            if (!parsed || typeof parsed !== 'object' || typeof parsed.nodes !== 'object' || parsed.nodes === null)
              throw new Error('a flow is an object with "nodes"');
            own.current = true;
            onChange(parsed);
            setParseError('');
          } catch (err) {
            setParseError((err as Error).message);
          }
        }}
      />
      {parseError && <p className="field-problem">{parseError}</p>}
    </div>
  );
}
