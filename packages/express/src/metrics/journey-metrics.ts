import type { JourneyEvent } from '@waymark/core';
import type { AdapterMetrics } from './adapter-metrics.js';

/**
 * Feeds the journey metrics from engine events: started, suspended and finished journeys by
 * flow (flow ids come from loaded flows, so the label set is bounded) and node run times by
 * node type. Returns the listener for `engine.on`.
 */
export function journeyMetricsListener(metrics: AdapterMetrics): (event: JourneyEvent) => void {
  return function journeyMetrics(event) {
    switch (event.type) {
      case 'journey.started':
        metrics.journeysStarted.inc({ flow: event.flowId });
        return;
      case 'journey.step':
        metrics.nodeDuration.observe({ type: event.step.type }, event.step.ms / 1000);
        return;
      case 'journey.suspended':
        metrics.journeysSuspended.inc({ flow: event.flowId });
        return;
      case 'journey.finished':
        metrics.journeys.inc({ flow: event.flowId, outcome: event.status });
        return;
    }
  };
}
