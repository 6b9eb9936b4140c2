import type {
  Callback,
  ClientInfo,
  CookieEffect,
  CookieOptions,
  Effects,
  JourneyInfo,
  JsonObject,
  NodeContext,
  PushedInfo,
  RequestInfo,
  Services,
  Suspension,
  SuspendOptions,
} from '@waymark/sdk';

/** What a journey's nodes asked the response to do; persisted across suspensions. */
export interface EffectLog {
  cookies: CookieEffect[];
  redirect?: string;
  session?: { id: string; sub: string };
}

export interface ContextInput {
  journey: JourneyInfo;
  request: RequestInfo;
  par: PushedInfo | undefined;
  params: Record<string, string>;
  client: ClientInfo | undefined;
  state: JsonObject;
  /** The secrets of this node type's namespace only (see typeNamespace). */
  secrets: Record<string, string>;
  services: Services;
  effects: EffectLog;
  callbacks: Callback[] | undefined;
  /** Called at most once, when the node first reads `ctx.signal`. */
  signal: () => AbortSignal;
}

function freezeCopy<T extends object>(value: T): Readonly<T> {
  return Object.freeze({ ...value });
}

/**
 * Builds the context of one step. Everything a node gets is either a copy or a narrow view:
 * no reference to the engine, the journey record or other namespaces' secrets leaks through.
 */
export function createNodeContext(input: ContextInput): NodeContext {
  const { effects } = input;
  const effectApi: Effects = Object.freeze({
    setCookie(name: string, value: string, options: CookieOptions = {}) {
      effects.cookies = effects.cookies.filter((c) => c.name !== name);
      effects.cookies.push({ name, value, options: { ...options } });
    },
    clearCookie(name: string, options: CookieOptions = {}) {
      effects.cookies = effects.cookies.filter((c) => c.name !== name);
      effects.cookies.push({ name, value: null, options: { ...options } });
    },
    redirect(url: string) {
      effects.redirect = url;
    },
    session(id: string, sub: string) {
      effects.session = { id, sub };
    },
  });
  const request: RequestInfo = Object.freeze({
    ip: input.request.ip,
    headers: freezeCopy(input.request.headers),
    cookies: freezeCopy(input.request.cookies),
    userAgent: input.request.userAgent,
  });
  return Object.freeze({
    journey: freezeCopy(input.journey),
    request,
    ip: request.ip,
    par: input.par && Object.freeze({ clientId: input.par.clientId, ip: input.par.ip, params: freezeCopy(input.par.params) }),
    params: freezeCopy(input.params),
    client: input.client && Object.freeze({ ...input.client }),
    state: input.state,
    secrets: input.secrets,
    services: freezeCopy(input.services),
    effects: effectApi,
    callbacks: input.callbacks && structuredClone(input.callbacks),
    get signal() {
      return input.signal();
    },
    suspend(callbacks: Callback[], options: SuspendOptions = {}): Suspension {
      return { suspend: callbacks, ...options };
    },
  });
}
