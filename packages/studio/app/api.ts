import type { Flow, FlowSummary, FlowVersion, Funnel, Journey, JourneySummary, NodeTypeInfo, Problem } from './types';

/** An admin API error: its status, stable code, description and flow problems. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly problems: Problem[] = [],
  ) {
    super(message);
  }
}

/** The admin API (/admin/v1), with the bearer token of the signed-in person (none offline). */
export class AdminApi {
  constructor(
    private readonly base: string,
    private readonly token: () => string | undefined,
  ) {}

  private async call<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ body: T; etag: string | null }> {
    const token = this.token();
    const res = await fetch(`${this.base}${path}`, {
      method,
      headers: {
        accept: 'application/json',
        // A header a cross-site form cannot send: the offline server refuses requests without it (CSRF).
        'x-waymark-studio': '1',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    const json = text ? JSON.parse(text) : {};
    if (!res.ok) throw new ApiError(res.status, json.code ?? 'ERR_HTTP', json.error_description ?? `HTTP ${res.status}`, json.problems ?? []);
    return { body: json as T, etag: res.headers.get('etag') };
  }

  async flows(): Promise<FlowSummary[]> {
    return (await this.call<{ flows: FlowSummary[] }>('GET', '/flows')).body.flows;
  }
  async version(id: string, version: number | 'latest' | 'active'): Promise<FlowVersion> {
    return (await this.call<FlowVersion>('GET', `/flows/${encodeURIComponent(id)}/versions/${version}`)).body;
  }
  async nodeTypes(): Promise<NodeTypeInfo[]> {
    return (await this.call<{ nodeTypes: NodeTypeInfo[] }>('GET', '/node-types')).body.nodeTypes;
  }
  async validate(flow: unknown, signal?: AbortSignal): Promise<{ valid: boolean; problems: Problem[] }> {
    const res = await fetch(`${this.base}/flows/validate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', 'x-waymark-studio': '1', ...(this.token() ? { authorization: `Bearer ${this.token()}` } : {}) },
      body: JSON.stringify(flow),
      ...(signal ? { signal } : {}),
    });
    const json = await res.json();
    if (!res.ok) throw new ApiError(res.status, json.code ?? 'ERR_HTTP', json.error_description ?? `HTTP ${res.status}`, json.problems ?? []);
    return json;
  }
  /** Saves `flow` as a new version (compare-and-set on the latest version read), not activated. */
  async save(flow: Flow, expectedLatest: number | null): Promise<FlowSummary> {
    if (expectedLatest === null) return (await this.call<FlowSummary>('POST', '/flows?activate=false', flow)).body;
    return (await this.call<FlowSummary>('PUT', `/flows/${encodeURIComponent(flow.id)}?activate=false`, flow, { 'if-match': `"${expectedLatest}"` })).body;
  }
  async activate(id: string, version: number): Promise<void> {
    await this.call('POST', `/flows/${encodeURIComponent(id)}/versions/${version}/activate`, {});
  }
  async journeys(flowId: string): Promise<JourneySummary[]> {
    return (await this.call<{ journeys: JourneySummary[] }>('GET', `/journeys?flow=${encodeURIComponent(flowId)}&limit=50`)).body.journeys;
  }
  async journey(id: string): Promise<Journey> {
    return (await this.call<Journey>('GET', `/journeys/${encodeURIComponent(id)}`)).body;
  }
  async funnel(flowId: string, from: number): Promise<Funnel> {
    return (await this.call<Funnel>('GET', `/flows/${encodeURIComponent(flowId)}/funnel?from=${from}`)).body;
  }
}
