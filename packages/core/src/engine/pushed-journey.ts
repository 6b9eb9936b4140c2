import { WaymarkError, type ClientInfo, type JsonObject, type PushedInfo } from '@waymark/sdk';
import { CORE_ERRORS } from '../errors.js';
import type { TraceStep } from '../journey.js';
import type { CompiledFlow } from './compile.js';
import type { EffectLog } from './context.js';
import type { LiveJourney } from './live-journey.js';
import type { ParkedJourneys } from './parked-journeys.js';
import type { Sealer } from './seal.js';

/*
 * A journey that ran its push phase and waits for the browser, as one sealed string. Unlike a
 * suspended journey it is not written to the journey store: the caller keeps it (the adapter,
 * in the pushed request, whose atomic `take` makes it single use) and hands it back to
 * `Engine.redeem`. Everything is sealed, state and trace included (AES-256-GCM, additional data
 * `push` + the journey id), so the holder can neither read the pushed token nor change the
 * subject a push-phase node validated.
 *
 * Format: `<journey id>.<sealed record>`.
 */

/** What the sealed part holds (short keys, as the journey record). */
interface PushedJourneyRecord {
  f: string;
  fv: number;
  /** The node the browser phase starts at (or `success`). */
  n: string;
  at: number;
  steps: number;
  state: JsonObject;
  s: LiveJourney['secrets'];
  p?: PushedInfo;
  /** The authorization parameters; left out when they are the pushed ones (the usual case: the token once, not twice). */
  q?: Record<string, string>;
  client?: ClientInfo;
  fx: EffectLog;
  trace: TraceStep[];
  meta?: JsonObject;
}

const JOURNEY_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** How a reference to a journey the engine keeps in process ends (`PushInput.inProcess`): `<journey id>.in-process`, never a sealed string's end. */
export const IN_PROCESS_SUFFIX = '.in-process';

function sameParams(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>> | undefined): boolean {
  if (b === undefined) return false;
  if (a === b) return true;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const key of keys) if (a[key] !== b[key]) return false;
  return true;
}
const additionalData = (journeyId: string) => `push\0${journeyId}`;

/** Seals a journey parked at `live.node` for the browser: the sealed string, and the text it seals (for `ParkedJourneys`). */
export function sealPushedJourney(live: LiveJourney, sealer: Sealer): { sealed: string; text: string } {
  const record: PushedJourneyRecord = {
    f: live.flow.id,
    fv: live.flow.version,
    n: live.node,
    at: live.startedAt,
    steps: live.steps,
    state: live.state,
    s: live.secrets,
    p: live.par,
    q: sameParams(live.params, live.par?.params) ? undefined : live.params,
    client: live.client,
    fx: live.effects,
    trace: live.trace,
    meta: live.meta,
  };
  const text = JSON.stringify(record);
  return { sealed: `${live.id}.${sealer.seal(text, additionalData(live.id))}`, text };
}

/**
 * Opens a pushed journey: ERR_JOURNEY_SEALED when it is not one this engine's keys sealed
 * (tampered, another key, not a pushed journey), ERR_FLOW_NOT_FOUND when its pinned flow
 * version is not loaded. A string this process sealed is read from `parked` (the same text,
 * without decrypting).
 */
export function openPushedJourney(
  sealed: string,
  sealer: Sealer,
  flowOf: (id: string, version: number) => CompiledFlow | undefined,
  parked?: ParkedJourneys,
): LiveJourney {
  const dot = typeof sealed === 'string' ? sealed.indexOf('.') : -1;
  const id = dot > 0 ? sealed.slice(0, dot) : '';
  if (!JOURNEY_ID.test(id)) throw new WaymarkError(CORE_ERRORS.ERR_JOURNEY_SEALED, 'not a pushed journey sealed by this engine');
  const text = parked?.take(id, sealed) ?? sealer.open(sealed.slice(dot + 1), additionalData(id));
  const record = JSON.parse(text) as PushedJourneyRecord;
  const flow = flowOf(record.f, record.fv);
  if (!flow)
    throw new WaymarkError(CORE_ERRORS.ERR_FLOW_NOT_FOUND, `journey is pinned to flow "${record.f}" version ${record.fv}, which this engine has not loaded`, {
      flowId: record.f,
      flowVersion: record.fv,
    });
  return {
    id,
    flow,
    node: record.n,
    startedAt: record.at,
    steps: record.steps,
    state: record.state,
    secrets: record.s,
    par: record.p,
    params: Object.freeze(record.q ?? { ...(record.p?.params ?? {}) }),
    client: record.client,
    effects: record.fx,
    trace: record.trace,
    meta: record.meta,
    revision: null,
  };
}
