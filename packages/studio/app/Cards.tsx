/* The canvas's node components: a card per flow node, a pill per terminal. */
import { Handle, Position, useConnection, type NodeProps } from '@xyflow/react';
import { createContext, memo, useContext } from 'react';
import type { StepNode, TerminalNode } from './graph';
import type { TraceStep } from './types';

/** What is drawn over the cards: problems, the trace of a journey, the funnel's counts. */
export interface Overlay {
  problems: ReadonlyMap<string, string[]>;
  trace: ReadonlyMap<string, { order: number[]; steps: TraceStep[]; failed: boolean }>;
  reached: ReadonlyMap<string, number> | undefined;
  journeys: number | undefined;
}
export const OverlayContext = createContext<Overlay>({ problems: new Map(), trace: new Map(), reached: undefined, journeys: undefined });

export const StepCard = memo(function StepCard({ data, selected }: NodeProps<StepNode>) {
  const overlay = useContext(OverlayContext);
  const problems = overlay.problems.get(data.id) ?? [];
  const visit = overlay.trace.get(data.id);
  const reached = overlay.reached?.get(data.id);
  // While an outcome is being dragged, the whole card is a drop target (not only its top dot).
  const connecting = useConnection((c) => c.inProgress && c.fromNode?.id !== data.id);
  const classes = ['card', selected ? 'selected' : '', problems.length ? 'has-problem' : '', visit ? 'visited' : '', visit?.failed ? 'failed' : '', data.unknownType ? 'unknown' : ''];
  return (
    <div className={classes.filter(Boolean).join(' ')} data-node-id={data.id} data-testid={`node-${data.id}`}>
      <Handle type="target" position={Position.Top} aria-label={`into ${data.id}`} />
      <Handle type="target" id="cover" position={Position.Top} className={`cover${connecting ? ' active' : ''}`} isConnectableStart={false} aria-hidden />
      <div className="card-head">
        <span className="card-type">{data.type}</span>
        {data.start && <span className="badge start">start</span>}
        {data.prompts && (
          <span className="badge prompts" title="asks the user (suspends for callbacks)">
            prompts user
          </span>
        )}
      </div>
      <div className="card-id">{data.id}</div>
      {data.summary && <div className="card-summary">{data.summary}</div>}
      {problems.length > 0 && (
        <div className="card-problem" role="alert" data-testid={`problem-${data.id}`}>
          ⚠ {problems[0]}
          {problems.length > 1 ? ` (+${problems.length - 1})` : ''}
        </div>
      )}
      {visit && (
        <div className="card-trace" data-testid={`trace-${data.id}`}>
          #{visit.order.join(',#')} {visit.steps.map((s) => `${s.outcome} ${s.ms} ms${s.reason ? ` (${s.reason})` : ''}${s.code ? ` ${s.code}` : ''}`).join('; ')}
        </div>
      )}
      {reached !== undefined && (
        <div className="card-funnel" data-testid={`funnel-${data.id}`}>
          reached by {reached} of {overlay.journeys} journeys
        </div>
      )}
      <div className="card-outcomes">
        {data.outcomes.map((o, i) => (
          <div className="outcome" key={o} style={{ left: `${((i + 1) * 100) / (data.outcomes.length + 1)}%` }}>
            <Handle type="source" position={Position.Bottom} id={o} aria-label={`outcome ${o} of ${data.id}: drag to a node to wire it`} />
            <span className="outcome-name">{o}</span>
          </div>
        ))}
      </div>
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
      <Handle type="target" id="cover" position={Position.Top} className={`cover${connecting ? ' active' : ''}`} isConnectableStart={false} aria-hidden />
      {data.id}
    </div>
  );
});
