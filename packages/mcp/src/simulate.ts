import { randomBytes } from 'node:crypto';
import {
  Engine,
  engineNodes,
  NodeRegistry,
  subflowCalls,
  validateFlow,
  type JourneyResult,
  type SubflowLookup,
  type TraceStep,
} from '@waymark/core';
import {
  builtinNodes,
  generateTotp,
  hashPassword,
  normaliseUsername,
  type RiskEvaluation,
  type RiskProvider,
  type Notifier,
  type UserRecord,
  type UserStore,
} from '@waymark/nodes';
import type { Callback, JsonObject, NodeType } from '@waymark/sdk';
import { McpToolError } from './errors.js';

/** A scripted risk verdict for one visit (the stand-in for PingOne Protect or the local risk engine). */
export interface ScriptedRisk {
  level?: 'LOW' | 'MEDIUM' | 'HIGH';
  score?: number;
  recommendedAction?: string;
  /** The risk service is down: `risk.evaluate` goes to `error`. */
  unavailable?: boolean;
}

/** One visit of the simulated browser: its request, the risk verdict, and one answer object per suspension. */
export interface Visit {
  request?: { ip?: string; userAgent?: string; headers?: Record<string, string> };
  /** Forget the cookies of earlier visits (a new browser). */
  newBrowser?: boolean;
  risk?: ScriptedRisk;
  /** One object per suspension, keyed by callback type (`NameCallback`) or prompt (`User Name`). */
  answers?: Record<string, string | number | boolean>[];
}

/** A user of the stand-in directory. */
export interface ScriptedUser {
  username: string;
  password: string;
  sub?: string;
  /** Where `otp.challenge` (mode "code") sends codes. Default `<username>@simulated.invalid`. */
  email?: string;
  /**
   * The user's authenticator enrolment for `otp.challenge` (mode "totp"): a base32 secret.
   * Default: a random one (the user is enrolled); `null`: not enrolled.
   */
  totpSecret?: string | null;
}

/**
 * The answer that stands for the one-time code the person would type: the code the stand-in
 * notifier delivered (mode "code"), else the current code of the stand-in authenticator of the
 * user the journey looked up last (mode "totp"; RFC 6238 with the usual settings: SHA-1, 6
 * digits, 30 s). Any other answer is typed as given (a wrong code, say).
 */
export const OTP_ANSWER = '$otp';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 §6 base32, no padding: what authenticator apps take as a TOTP secret. */
function base32(bytes: Uint8Array): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

export interface SimulationInput {
  flow: unknown;
  /** The flows its `flow.run` nodes call (and those call), as saved: run on the same isolated engine. */
  subflows?: unknown[];
  visits: Visit[];
  users?: ScriptedUser[];
}

/** What one visit did: never a cookie value, a password or a secret. */
export interface VisitReport {
  status: JourneyResult['status'];
  code?: string;
  reason?: string;
  node?: string;
  sub?: string;
  trace: TraceStep[];
  /** What each suspension asked (types and prompts only). */
  asked: { callbacks: { type: string; prompt?: string }[] }[];
  /** The text of every message shown. */
  messages: string[];
  cookiesSet: string[];
  cookiesCleared: string[];
  /** Why a visit stopped short: an answer the script did not have. */
  unanswered?: { type: string; prompt?: string };
  /** The one-time codes the stand-in notifier delivered: to whom and what for (never the code). */
  codesSent: { to: string; purpose: string }[];
}

const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0';
const MAX_SUSPENSIONS = 20;

/**
 * The stand-in directory: the scripted users, their passwords hashed here (cheap scrypt: a test
 * store), each with an email and (unless `totpSecret: null`) an authenticator enrolment.
 * `lastFound` is the user a node looked up last: whose authenticator answers {@link OTP_ANSWER}.
 */
async function userStore(users: readonly ScriptedUser[]): Promise<UserStore & { lastFound(): UserRecord | undefined }> {
  const records = new Map<string, UserRecord>();
  for (const u of users) {
    const totpSecret = u.totpSecret === undefined ? base32(randomBytes(20)) : u.totpSecret;
    records.set(normaliseUsername(u.username), {
      sub: u.sub ?? `user-${u.username}`,
      username: u.username,
      passwordHash: await hashPassword(u.password, { N: 1024 }),
      attributes: { email: u.email ?? `${u.username}@simulated.invalid`, ...(totpSecret !== null ? { totpSecret } : {}) },
    });
  }
  let last: UserRecord | undefined;
  const found = (record: UserRecord | undefined) => {
    if (record) last = record;
    return Promise.resolve(record);
  };
  return {
    findByUsername: (username) => found(records.get(normaliseUsername(username))),
    findBySub: (sub) => found([...records.values()].find((r) => r.sub === sub)),
    lastFound: () => last,
  };
}

/** The stand-in risk engine: answers the visit's scripted verdict (LOW when none). */
function riskStandIn(current: () => ScriptedRisk | undefined): RiskProvider {
  let n = 0;
  return {
    evaluate() {
      const risk = current() ?? {};
      if (risk.unavailable) return Promise.reject(new Error('the simulated risk service is unavailable'));
      const level = risk.level ?? 'LOW';
      const evaluation: RiskEvaluation = {
        id: `simulated-${++n}`,
        level,
        score: risk.score ?? (level === 'LOW' ? 10 : level === 'MEDIUM' ? 150 : 250),
        ...(risk.recommendedAction !== undefined ? { recommendedAction: risk.recommendedAction } : {}),
        details: { simulated: { level, reason: 'scripted by simulate_flow' } },
      };
      return Promise.resolve(evaluation);
    },
    complete: () => Promise.resolve(),
  };
}

/** No network from a simulation: every outbound call fails as an unreachable service would. */
const noNetwork: typeof fetch = () => Promise.reject(new Error('simulate_flow makes no network calls: external services are stand-ins'));

function promptOf(callback: Callback): string | undefined {
  const prompt = callback.output.find((f) => f.name === 'prompt')?.value;
  return typeof prompt === 'string' ? prompt : undefined;
}

/** Fills a suspension's callbacks from one answer object; the first callback it cannot answer is returned. */
function answer(
  callbacks: Callback[],
  answers: Record<string, string | number | boolean>,
  otp: string | undefined,
): { filled: Callback[]; missing?: Callback } {
  const filled: Callback[] = [];
  for (const callback of callbacks) {
    if (callback.input.length === 0 || callback.type === 'TextOutputCallback' || callback.type === 'HiddenValueCallback') {
      filled.push(callback);
      continue;
    }
    const prompt = promptOf(callback);
    let value = answers[callback.type] ?? (prompt !== undefined ? answers[prompt] : undefined);
    if (value === OTP_ANSWER) value = otp;
    if (value === undefined) return { filled, missing: callback };
    if ((callback.type === 'ChoiceCallback' || callback.type === 'ConfirmationCallback') && typeof value === 'string') {
      const choices = (callback.output.find((f) => f.name === 'choices' || f.name === 'options')?.value ?? []) as unknown[];
      const index = choices.indexOf(value);
      value = index >= 0 ? index : Number(value);
    }
    filled.push({ ...callback, input: callback.input.map((f, i) => (i === 0 ? { name: f.name, value } : f)) });
  }
  return { filled };
}

/**
 * Runs a flow on an isolated, in-memory engine: memory stores, random keys for every named
 * secret, a stand-in user directory and risk engine, and no network. Nothing reaches the
 * server; nothing of a simulation outlives it.
 */
export class Simulator {
  readonly #types: readonly NodeType<unknown>[];

  /** `types`: the node types flows may use (default: the built-in ones of `@waymark/nodes`). */
  constructor(types: readonly NodeType<unknown>[] = builtinNodes) {
    this.#types = types;
  }

  registry(): NodeRegistry {
    const registry = new NodeRegistry();
    // The engine's own flow.run (page the registry adds itself), unless the types given hold it.
    registry.registerAll(
      engineNodes.filter((t) => !this.#types.some((own) => own.type === t.type)),
      'builtin',
    );
    registry.registerAll(this.#types, 'builtin');
    return registry;
  }

  async run(input: SimulationInput): Promise<{ flowId: string; version: number; visits: VisitReport[] }> {
    const registry = this.registry();
    const subflows = input.subflows ?? [];
    const checked = validateFlow(input.flow, registry, { flows: lookupOf(subflows) });
    if (!checked.ok)
      throw new McpToolError(
        'ERR_MCP_ARGUMENT',
        'argument "flow": the flow is invalid, so it cannot be simulated; fix each problem at its pointer',
        {
          argument: 'flow',
          problems: checked.problems.map((p) => ({ code: p.code, pointer: p.pointer, message: p.message })),
        },
      );
    const keys = new Map<string, string>();
    let risk: ScriptedRisk | undefined;
    const users = await userStore(input.users ?? []);
    // The stand-in notifier: keeps the last code for {@link OTP_ANSWER}, reports whom it reached.
    let delivered: string | undefined;
    let sent: VisitReport['codesSent'] = [];
    const notifier: Notifier = {
      send(message) {
        delivered = message.code;
        sent.push({ to: message.to, purpose: message.purpose });
        return Promise.resolve();
      },
    };
    /** What {@link OTP_ANSWER} types now: the last code delivered in this visit, else the authenticator's current code. */
    const currentOtp = async (): Promise<string | undefined> => {
      if (delivered !== undefined) return delivered;
      const secret = users.lastFound()?.attributes.totpSecret;
      return typeof secret === 'string' ? generateTotp({ secret, epoch: Math.floor(engine.clock.now() / 1000) }) : undefined;
    };
    const engine = new Engine(
      {
        fetch: noNetwork,
        secretKeys: [randomBytes(32)],
        services: {
          users,
          notifier,
          riskProvider: riskStandIn(() => risk),
          secretSource: {
            get: (name: string) => {
              if (!keys.has(name)) keys.set(name, randomBytes(32).toString('base64url'));
              return keys.get(name);
            },
          },
          fetch: noNetwork,
        },
      },
      registry,
    );
    const batch = [...subflows, checked.flow];
    for (const called of subflows) engine.load(called, 'simulate_flow (a called flow)', 'always', batch);
    const flow = engine.load(checked.flow, 'simulate_flow', 'always', batch);
    const jar = new Map<string, string>();
    const reports: VisitReport[] = [];
    for (const visit of input.visits) {
      if (visit.newBrowser) jar.clear();
      risk = visit.risk;
      const userAgent = visit.request?.userAgent ?? FIREFOX;
      const request = () => ({
        ip: visit.request?.ip ?? '198.51.100.7',
        headers: { 'user-agent': userAgent, ...(visit.request?.headers ?? {}) },
        cookies: Object.fromEntries(jar),
        userAgent,
      });
      const report: VisitReport = {
        status: 'suspended',
        trace: [],
        asked: [],
        messages: [],
        cookiesSet: [],
        cookiesCleared: [],
        codesSent: [],
      };
      sent = report.codesSent;
      delivered = undefined;
      const take = (result: JourneyResult) => {
        for (const c of result.cookies)
          if (c.value === null) {
            jar.delete(c.name);
            report.cookiesCleared.push(c.name);
          } else {
            jar.set(c.name, c.value);
            report.cookiesSet.push(c.name);
          }
      };
      let result = await engine.start(flow.id, { request: request() });
      const answers = [...(visit.answers ?? [])];
      for (let turn = 0; result.status === 'suspended' && turn < MAX_SUSPENSIONS; turn++) {
        take(result);
        report.asked.push({
          callbacks: result.callbacks.map((c) => ({ type: c.type, ...(promptOf(c) !== undefined ? { prompt: promptOf(c) } : {}) })),
        });
        for (const c of result.callbacks)
          if (c.type === 'TextOutputCallback') report.messages.push(String(c.output.find((f) => f.name === 'message')?.value ?? ''));
        const needsAnswer = result.callbacks.some(
          (c) => c.input.length > 0 && c.type !== 'TextOutputCallback' && c.type !== 'HiddenValueCallback',
        );
        const script = needsAnswer ? (answers.shift() ?? {}) : {};
        const usesOtp = Object.values(script).includes(OTP_ANSWER);
        const { filled, missing } = answer(result.callbacks, script, usesOtp ? await currentOtp() : undefined);
        if (missing) {
          report.unanswered = { type: missing.type, ...(promptOf(missing) !== undefined ? { prompt: promptOf(missing) } : {}) };
          break;
        }
        result = await engine.resume(result.journeyId, { request: request(), callbacks: filled });
      }
      if (result.status !== 'suspended') take(result);
      report.status = result.status;
      report.trace = result.trace.map((s) => ({ ...s }));
      if (result.status === 'failure') {
        report.code = result.code;
        report.reason = result.reason;
        if (result.node !== undefined) report.node = result.node;
      }
      if (result.status === 'success' && result.sub !== undefined) report.sub = result.sub;
      reports.push(report);
    }
    return { flowId: flow.id, version: flow.version, visits: reports };
  }
}

export type { JsonObject };

/** The called flows as `flow.run` validation looks them up: by id, and by id and version. */
function lookupOf(flows: readonly unknown[]): SubflowLookup {
  const docs = flows.filter((f): f is { id: string; version: number } => {
    const { id, version } = (f ?? {}) as { id?: unknown; version?: unknown };
    return typeof id === 'string' && typeof version === 'number';
  });
  return {
    get: (id, version) => docs.find((d) => d.id === id && (version === undefined || d.version === version)),
    ids: () => docs.map((d) => d.id),
  };
}

/** Every flow a flow calls through `flow.run`, transitively, fetched once each (`fetch`: the saved version, active when unpinned). */
export async function calledFlows(flow: unknown, fetch: (id: string, version: number | undefined) => Promise<unknown>): Promise<unknown[]> {
  const found = new Map<string, unknown>();
  const queue: unknown[] = [flow];
  for (let doc = queue.shift(); doc !== undefined; doc = queue.shift())
    for (const call of subflowCalls(doc)) {
      const key = `${call.flow}@${call.version ?? 'active'}`;
      if (found.has(key)) continue;
      const called = await fetch(call.flow, call.version);
      found.set(key, called);
      if (called !== undefined) queue.push(called);
    }
  return [...found.values()].filter((f) => f !== undefined);
}
