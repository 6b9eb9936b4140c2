import type {
  Callback,
  ClientInfo,
  CookieEffect,
  CookieOptions,
  Effects,
  JourneyInfo,
  JsonObject,
  Logger,
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

/** Read-only views shared by every step of one engine call; built once per call, not per step. */
export interface RunScope {
  request: RequestInfo;
  par: PushedInfo | undefined;
  params: Readonly<Record<string, string>>;
  client: ClientInfo | undefined;
  services: Services;
  effects: Effects;
}

function frozen<T extends object>(value: T): Readonly<T> {
  return Object.isFrozen(value) ? value : Object.freeze({ ...value });
}

function effectApi(effects: EffectLog): Effects {
  return Object.freeze({
    setCookie(name: string, value: string, options: CookieOptions = {}) {
      effects.cookies = effects.cookies.filter((c) => c.name !== name);
      effects.cookies.push({ name, value, options: { ...options } });
    },
    clearCookie(name: string, options: CookieOptions = {}) {
      effects.cookies = effects.cookies.filter((c) => c.name !== name);
      effects.cookies.push({ name, value: null, options: { ...options } });
    },
    redirect(url: string) {
      effects.redirect = String(url);
    },
    session(id: string, sub: string) {
      effects.session = { id: String(id), sub: String(sub) };
    },
  });
}

function frozenList<T>(list: readonly T[]): readonly T[] {
  return Object.isFrozen(list) ? list : Object.freeze([...list]);
}

/** The client as nodes see it: as given when it is frozen through and through (the adapter caches one per client), else a frozen copy. */
function frozenClient(client: ClientInfo): ClientInfo {
  if (Object.isFrozen(client) && Object.isFrozen(client.redirectTargets) && Object.isFrozen(client.redirectUris)) return client;
  return Object.freeze({ ...client, redirectTargets: frozenList(client.redirectTargets), redirectUris: frozenList(client.redirectUris) });
}

function requestView(request: RequestInfo): RequestInfo {
  const view: RequestInfo = {
    ip: request.ip,
    headers: frozen(request.headers),
    cookies: frozen(request.cookies),
    userAgent: request.userAgent,
  };
  // Set where the adapter knows them (the PAR request of the push phase): a DPoP proof is checked against them.
  if (request.method !== undefined) view.method = request.method;
  if (request.url !== undefined) view.url = request.url;
  if (request.requestId !== undefined) view.requestId = request.requestId;
  return view;
}

/**
 * A logger that adds the request's and the journey's ids to every line a node writes, so a node's
 * own log lines join the access log, audit events and journey record of the same request. One
 * small object per engine call, built only when there is an id to add.
 */
class CorrelatedLogger implements Logger {
  readonly #base: Logger;
  readonly #fields: Readonly<Record<string, string>>;
  constructor(base: Logger, fields: Readonly<Record<string, string>>) {
    this.#base = base;
    this.#fields = fields;
  }
  debug(message: string, fields?: Record<string, unknown>): void {
    this.#base.debug(message, { ...this.#fields, ...fields });
  }
  info(message: string, fields?: Record<string, unknown>): void {
    this.#base.info(message, { ...this.#fields, ...fields });
  }
  warn(message: string, fields?: Record<string, unknown>): void {
    this.#base.warn(message, { ...this.#fields, ...fields });
  }
  error(message: string, fields?: Record<string, unknown>): void {
    this.#base.error(message, { ...this.#fields, ...fields });
  }
}

function correlatedServices(services: Services, requestId: string | undefined, journeyId: string | undefined): Services {
  if (requestId === undefined && journeyId === undefined) return frozen(services);
  const fields: Record<string, string> = {};
  if (requestId !== undefined) fields.requestId = requestId;
  if (journeyId !== undefined) fields.journeyId = journeyId;
  return Object.freeze({ ...services, logger: new CorrelatedLogger(services.logger, Object.freeze(fields)) });
}

/** Builds the per-call views: copies, frozen, so a node can change none of them for the next. */
export function createRunScope(
  input: Omit<ContextInput, 'journey' | 'state' | 'secrets' | 'callbacks' | 'signal'> & { journeyId?: string },
): RunScope {
  return {
    request: Object.freeze(requestView(input.request)),
    par: input.par && Object.freeze({ clientId: input.par.clientId, ip: input.par.ip, params: frozen(input.par.params) }),
    params: frozen(input.params),
    // Copies of the arrays too: a node must not add a redirect target to the caller's client.
    client: input.client && frozenClient(input.client),
    services: correlatedServices(input.services, input.request.requestId, input.journeyId),
    effects: effectApi(input.effects),
  };
}

function suspend(callbacks: Callback[], options: SuspendOptions = {}): Suspension {
  return { suspend: callbacks, ...options };
}

/**
 * The context of one step. A node sees its journey's state, its own namespace's secrets and
 * read-only views; nothing of the engine, the journey record or other namespaces leaks (the
 * signal factory sits in a private field). A class, not an object literal with a getter,
 * because this is built on every step of every journey (the engine's hot path).
 */
class StepContext implements NodeContext {
  readonly request: RequestInfo;
  readonly ip: string;
  readonly par: PushedInfo | undefined;
  readonly params: Readonly<Record<string, string>>;
  readonly client: ClientInfo | undefined;
  readonly services: Services;
  readonly effects: Effects;
  readonly state: JsonObject;
  readonly secrets: Record<string, string>;
  readonly callbacks: Callback[] | undefined;
  readonly #journey: JourneyInfo;
  readonly #signal: () => AbortSignal;

  constructor(
    scope: RunScope,
    journey: JourneyInfo,
    state: JsonObject,
    secrets: Record<string, string>,
    callbacks: Callback[] | undefined,
    signal: () => AbortSignal,
  ) {
    this.request = scope.request;
    this.ip = scope.request.ip;
    this.par = scope.par;
    this.params = scope.params;
    this.client = scope.client;
    this.services = scope.services;
    this.effects = scope.effects;
    this.state = state;
    this.secrets = secrets;
    this.callbacks = callbacks;
    this.#journey = journey;
    this.#signal = signal;
  }

  get journey(): Readonly<JourneyInfo> {
    return Object.isFrozen(this.#journey) ? this.#journey : Object.freeze(this.#journey);
  }

  get signal(): AbortSignal {
    return this.#signal();
  }

  suspend(callbacks: Callback[], options?: SuspendOptions): Suspension {
    return suspend(callbacks, options);
  }
}

// Frozen: a node must not patch the context class (suspend, journey) for every later step.
Object.freeze(StepContext.prototype);

/** The context of one step (see StepContext). */
export function stepContext(
  scope: RunScope,
  journey: JourneyInfo,
  state: JsonObject,
  secrets: Record<string, string>,
  callbacks: Callback[] | undefined,
  signal: () => AbortSignal,
): NodeContext {
  return new StepContext(scope, journey, state, secrets, callbacks, signal);
}

/** One-shot convenience for harnesses: scope and step in one call. */
export function createNodeContext(input: ContextInput): NodeContext {
  return stepContext(
    createRunScope(input),
    input.journey,
    input.state,
    input.secrets,
    input.callbacks && structuredClone(input.callbacks),
    input.signal,
  );
}
