import type { JourneyEvent } from '@waymark/core';
import type { AdapterMetrics } from './adapter-metrics.js';
import { boundByKey } from './registry.js';

/**
 * Feeds the journey metrics from engine events: started, suspended and finished journeys by
 * flow (flow ids come from loaded flows, so the label set is bounded) and node run times by
 * node type. Returns the listener for `engine.on`.
 */
export function journeyMetricsListener(metrics: AdapterMetrics): (event: JourneyEvent) => void {
  // Series bound once per flow, node type and outcome (all from loaded flows: small fixed sets).
  const started = boundByKey((flow: string) => metrics.journeysStarted.bind({ flow }));
  const suspended = boundByKey((flow: string) => metrics.journeysSuspended.bind({ flow }));
  const finished = boundByKey((flow: string) => boundByKey((outcome: string) => metrics.journeys.bind({ flow, outcome })));
  const nodeDuration = boundByKey((type: string) => metrics.nodeDuration.bind({ type }));
  return function journeyMetrics(event) {
    switch (event.type) {
      case 'journey.started':
        started(event.flowId)();
        return;
      case 'journey.step':
        nodeDuration(event.step.type)(event.step.ms / 1000);
        return;
      case 'journey.suspended':
        suspended(event.flowId)();
        return;
      case 'journey.finished':
        finished(event.flowId)(event.status)();
        return;
    }
  };
}
