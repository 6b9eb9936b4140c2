/* The canvas's node components: a card per flow node, a pill per terminal. */
import { BaseEdge, getBezierPath, Handle, Position, useConnection, type EdgeProps, type NodeProps } from '@xyflow/react';
import { Fragment, createContext, memo, useContext } from 'react';
import { CARD, outcomeLeft, PAGE_LINE, type StepNode, type TerminalNode } from './graph';
import type { TraceStep } from './types';

/** What is drawn over the cards: problems, the trace of a journey, the funnel's counts. */
export interface Overlay {
  problems: ReadonlyMap<string, string[]>;
  trace: ReadonlyMap<string, { order: number[]; steps: TraceStep[]; failed: boolean }>;
  reached: ReadonlyMap<string, number> | undefined;
  journeys: number | undefined;
}
export const OverlayContext = createContext<Overlay>({ problems: new Map(), trace: new Map(), reached: undefined, journeys: undefined });

/** What a card can ask of the studio: open another flow (a subflow card's button). */
export interface StudioActions {
  openFlow(id: string, version?: number): void;
}
export const StudioActionsContext = createContext<StudioActions>({ openFlow: () => undefined });

export const StepCard = memo(function StepCard({ data, selected }: NodeProps<StepNode>) {
  const overlay = useContext(OverlayContext);
  const problems = overlay.problems.get(data.id) ?? [];
  const visit = overlay.trace.get(data.id);
  const reached = overlay.reached?.get(data.id);
  // While an outcome is being dragged, the whole card is a drop target (not only its top dot).
  const connecting = useConnection((c) => c.inProgress && c.fromNode?.id !== data.id);
  const actions = useContext(StudioActionsContext);
  const { subflow, children } = data;
  const classes = [
    'card',
    subflow ? 'subflow' : '',
    children ? 'page' : '',
    selected ? 'selected' : '',
    problems.length ? 'has-problem' : '',
    visit ? 'visited' : '',
    visit?.failed ? 'failed' : '',
    data.unknownType ? 'unknown' : '',
  ];
  return (
    <div
      className={classes.filter(Boolean).join(' ')}
      data-node-id={data.id}
      data-testid={`node-${data.id}`}
      {...(children ? { style: { minHeight: CARD.height + children.length * PAGE_LINE } } : {})}
    >
      <Handle type="target" position={Position.Top} aria-label={`into ${data.id}`} />
      {/* Drawn only while an outcome is dragged (its place is declared in graph.ts, so nothing is measured). */}
      {connecting && (
        <Handle type="target" id="cover" position={Position.Top} className="cover active" isConnectableStart={false} aria-hidden />
      )}
      <div className="card-head">
        <span className="card-type">{data.type}</span>
        {data.start && <span className="badge start">start</span>}
        {subflow && <span className="badge subflow">subflow</span>}
        {children && <span className="badge page">page</span>}
        {data.prompts && (
          <span className="badge prompts" title="asks the user (suspends for callbacks)">
            prompts user
          </span>
        )}
      </div>
      <div className="card-id">{data.id}</div>
      {subflow && (
        <div className="card-subflow" data-testid={`subflow-${data.id}`}>
          runs <span className="card-subflow-flow">{subflow.flow}</span>{' '}
          {subflow.version !== undefined ? `v${subflow.version}` : '(active version)'}
          <button
            type="button"
            className="nodrag nopan"
            aria-label={`open flow ${subflow.flow} in the studio`}
            onClick={(e) => {
              e.stopPropagation();
              actions.openFlow(subflow.flow, subflow.version);
            }}
          >
            Open
          </button>
        </div>
      )}
      {data.summary && <div className="card-summary">{data.summary}</div>}
      {children && (
        <ul className="card-children" aria-label={`the nodes of page ${data.id}`} data-testid={`page-children-${data.id}`}>
          {children.map((c) => (
            <li key={c.id}>
              {c.type} <span className="muted">{c.id}</span>
            </li>
          ))}
        </ul>
      )}
      {problems.length > 0 && (
        <div className="card-problem" role="alert" data-testid={`problem-${data.id}`} title={problems.join('\n')}>
          ⚠ {problems[0]}
          {problems.length > 1 ? ` (+${problems.length - 1})` : ''}
        </div>
      )}
      {visit && (
        <div className="card-trace" data-testid={`trace-${data.id}`}>
          #{visit.order.join(',#')}{' '}
          {visit.steps.map((s) => `${s.outcome} ${s.ms} ms${s.reason ? ` (${s.reason})` : ''}${s.code ? ` ${s.code}` : ''}`).join('; ')}
        </div>
      )}
      {reached !== undefined && (
        <div className="card-funnel" data-testid={`funnel-${data.id}`}>
          reached by {reached} of {overlay.journeys} journeys
        </div>
      )}
      {data.outcomes.map((o, i) => {
        // Placed where graph.ts's stepHandles says (React Flow takes those and does not measure).
        const left = `${outcomeLeft(i, data.outcomes.length)}px`;
        return (
          <Fragment key={o}>
            <Handle
              type="source"
              position={Position.Bottom}
              id={o}
              style={{ left }}
              aria-label={`outcome ${o} of ${data.id}: drag to a node to wire it`}
            />
            <span className="outcome-name" style={{ left }}>
              {o}
            </span>
          </Fragment>
        );
      })}
    </div>
  );
});

export const TerminalCard = memo(function TerminalCard({ data }: NodeProps<TerminalNode>) {
  const overlay = useContext(OverlayContext);
  const visit = overlay.trace.get(data.id);
  const connecting = useConnection((c) => c.inProgress);
  return (
    <div className={`terminal ${data.id} ${visit ? 'visited' : ''}`} data-testid={`node-${data.id}`}>
      <Handle type="target" position={Position.Top} aria-label={`into ${data.id}`} />
      {/* Drawn only while an outcome is dragged (its place is declared in graph.ts, so nothing is measured). */}
      {connecting && (
        <Handle type="target" id="cover" position={Position.Top} className="cover active" isConnectableStart={false} aria-hidden />
      )}
      {data.id}
    </div>
  );
});

/**
 * An outcome's edge: React Flow's bezier with its label as plain SVG text (a white halo drawn by
 * studio.css, `paint-order: stroke`). React Flow's own label measures its text (getBBox) after
 * drawing and draws again: 400 forced layouts and re-renders on a 200-node flow.
 */
export const OutcomeEdge = memo(function OutcomeEdge({
  id,
  sourceX,
  sourceY,
  targetX,
  targetY,
  sourcePosition,
  targetPosition,
  label,
  markerEnd,
  style,
  interactionWidth,
}: EdgeProps) {
  const [path, labelX, labelY] = getBezierPath({ sourceX, sourceY, sourcePosition, targetX, targetY, targetPosition });
  return (
    <>
      <BaseEdge
        id={id}
        path={path}
        {...(markerEnd ? { markerEnd } : {})}
        {...(style ? { style } : {})}
        {...(interactionWidth !== undefined ? { interactionWidth } : {})}
      />
      {label ? (
        <text className="react-flow__edge-text outcome-label" x={labelX} y={labelY} textAnchor="middle" dominantBaseline="central">
          {label}
        </text>
      ) : null}
    </>
  );
});
