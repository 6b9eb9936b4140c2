import { recognizeScript, scriptText } from '../script.js';
import { esvOf, type Vault } from '../secrets.js';
import { flowIdOf, outcomeOf } from '../names.js';
import type { AicNodeConfig } from './read.js';

/** A source node as a mapper sees it. */
export interface AicNodeIn {
  id: string;
  type: string;
  displayName: string;
  config: AicNodeConfig;
  /** The source outcome ids: declared (`_outcomes`) and wired (connections), in that order. */
  sourceOutcomes: string[];
}

export interface AicMapContext {
  vault: Vault;
  /** `<flow>/<source id>`, for the report's `where`. */
  where: string;
  scripts: Map<string, { name?: string; script: unknown }>;
}

/** What a source node becomes. `outcomes` maps each Waymark outcome to the source outcome whose target it takes (or a terminal). */
export type AicMapping =
  | {
      kind: 'node';
      type: string;
      config?: Record<string, unknown>;
      outcomes: Record<string, string | { terminal: 'success' | 'failure' }>;
      notes?: string[];
      script?: { id: string; name?: string; text?: string; recognised: boolean; expression?: string[] };
    }
  | { kind: 'placeholder'; reason: string; suggestion: string; script?: { id: string; name?: string; text?: string; recognised: boolean } }
  | { kind: 'drop'; via: string; reason: string; suggestion?: string };

type Mapper = (node: AicNodeIn, ctx: AicMapContext) => AicMapping;

const first = (node: AicNodeIn, fallback = 'outcome') => node.sourceOutcomes[0] ?? fallback;
const has = (node: AicNodeIn, id: string) => node.sourceOutcomes.includes(id);
const failure = { terminal: 'failure' as const };

/** A localised AIC text ({ "en": "…" }) or a plain string. */
function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const v = value as Record<string, unknown>;
    const en = v.en ?? v['en-US'] ?? v['en-GB'] ?? Object.values(v).find((x) => typeof x === 'string');
    return typeof en === 'string' ? en : undefined;
  }
  return undefined;
}

const username: Mapper = (node) => ({
  kind: 'node',
  type: 'credentials.username',
  outcomes: { collected: first(node) },
  ...(node.config.validateInput === true ? { notes: ['AIC validated the username against the identity policies; Waymark does not'] } : {}),
});

const password: Mapper = (node) => ({
  kind: 'node',
  type: 'credentials.password',
  outcomes: { collected: first(node) },
  ...(node.config.validateInput === true
    ? { notes: ['AIC validated the password against the password policy; Waymark does not here'] }
    : {}),
});

/** DataStoreDecisionNode (true/false) and IdentityStoreDecisionNode (TRUE/FALSE/LOCKED/CANCELLED/EXPIRED). */
const verify: Mapper = (node) => {
  const yes = has(node, 'TRUE') ? 'TRUE' : 'true';
  const no = has(node, 'FALSE') ? 'FALSE' : 'false';
  const notes: string[] = [];
  const locked = has(node, 'LOCKED') ? 'LOCKED' : no;
  if (!has(node, 'LOCKED')) notes.push(`"locked" (no source outcome) goes where "${no}" went`);
  for (const o of ['CANCELLED', 'EXPIRED'])
    if (has(node, o)) notes.push(`the source outcome ${o} (password change flows) has no counterpart in credentials.verify: dropped`);
  return { kind: 'node', type: 'credentials.verify', outcomes: { valid: yes, invalid: no, locked }, ...(notes.length ? { notes } : {}) };
};

const identify: Mapper = (node) => {
  const attribute = typeof node.config.identifier === 'string' ? node.config.identifier : 'userName';
  const from = typeof node.config.identityAttribute === 'string' ? node.config.identityAttribute : attribute;
  return {
    kind: 'node',
    type: 'user.identify',
    config: { attribute: attribute === 'userName' ? 'username' : attribute, from: `state.${from === 'userName' ? 'username' : from}` },
    outcomes: { found: has(node, 'true') ? 'true' : first(node), notFound: has(node, 'false') ? 'false' : first(node) },
  };
};

const attributes: Mapper = (node) => {
  const names = Array.isArray(node.config.attributesToCollect)
    ? node.config.attributesToCollect.filter((a): a is string => typeof a === 'string')
    : [];
  const required = node.config.required === true;
  const notes = [
    'attribute types are not in the export: every attribute is collected as a string; set "type" where the managed object says number or boolean',
  ];
  if (node.config.validateInputs === true)
    notes.push('AIC validated the inputs against the managed object policies; Waymark checks only what the attribute config says');
  return {
    kind: 'node',
    type: 'attributes.collect',
    config: { attributes: names.map((name) => ({ name, type: 'string', prompt: name, required })), target: 'attributes' },
    outcomes: { collected: first(node) },
    notes,
  };
};

const terms: Mapper = (node) => ({
  kind: 'node',
  type: 'terms.accept',
  config: { terms: 'Accept the terms and conditions.', version: '1' },
  outcomes: { accepted: first(node), declined: failure },
  notes: [
    'the terms text and version live in the AIC platform settings, not the export: set them in the config',
    'AIC has no "declined" outcome (the user cannot go on): it goes to failure',
  ],
});

const createObject: Mapper = (node) => ({
  kind: 'node',
  type: 'user.create',
  config: { from: 'attributes' },
  outcomes: { created: has(node, 'CREATED') ? 'CREATED' : first(node), conflict: has(node, 'FAILURE') ? 'FAILURE' : failure },
});

const patchObject: Mapper = (node) => ({
  kind: 'node',
  type: 'user.update',
  config: { from: 'attributes' },
  outcomes: { updated: has(node, 'PATCHED') ? 'PATCHED' : first(node), notFound: has(node, 'FAILURE') ? 'FAILURE' : failure },
});

const loginCount: Mapper = (node) => ({ kind: 'node', type: 'login.count', outcomes: { done: first(node) } });

const retryLimit: Mapper = (node) => ({
  kind: 'node',
  type: 'retry.limit',
  config: { limit: typeof node.config.retryLimit === 'number' && node.config.retryLimit >= 1 ? node.config.retryLimit : 3 },
  outcomes: { retry: has(node, 'Retry') ? 'Retry' : first(node), reject: has(node, 'Reject') ? 'Reject' : failure },
});

const lockout: Mapper = (node) => ({
  kind: 'node',
  type: 'account.lockout',
  config: { lock: node.config.lockAction !== 'UNLOCK' },
  outcomes: { done: first(node) },
});

const innerTree: Mapper = (node) => {
  const tree = typeof node.config.tree === 'string' ? node.config.tree : undefined;
  if (tree === undefined)
    return { kind: 'placeholder', reason: 'the inner tree evaluator names no tree', suggestion: 'a flow.run node naming the flow to run' };
  return {
    kind: 'node',
    type: 'flow.run',
    config: { flow: flowIdOf(tree), state: 'shared' },
    outcomes: { success: has(node, 'true') ? 'true' : first(node), failure: has(node, 'false') ? 'false' : failure },
    notes: ['AIC inner trees share the journey state: state "shared"'],
  };
};

const messageNode: Mapper = (node) => {
  const message = text(node.config.message) ?? node.displayName;
  const yes = text(node.config.messageYes) ?? 'Yes';
  const no = text(node.config.messageNo) ?? 'No';
  return {
    kind: 'node',
    type: 'message',
    config: {
      message: message.slice(0, 2000),
      options: [
        { outcome: 'true', label: yes },
        { outcome: 'false', label: no },
      ],
    },
    outcomes: { true: 'true', false: 'false' },
    ...(Object.keys(node.config.message ?? {}).length > 1
      ? { notes: ['only the English text was kept (Waymark messages are not localised)'] }
      : {}),
  };
};

const choice: Mapper = (node) => {
  const choices = Array.isArray(node.config.choices) ? node.config.choices.filter((c): c is string => typeof c === 'string') : [];
  if (choices.length === 0)
    return { kind: 'placeholder', reason: 'a choice collector without choices', suggestion: 'a message node with options' };
  const prompt = typeof node.config.prompt === 'string' && node.config.prompt !== '' ? node.config.prompt : node.displayName;
  const outcomes: Record<string, string> = {};
  const options = choices.map((c) => {
    const o = outcomeOf(c);
    outcomes[o] = c;
    return { outcome: o, label: c };
  });
  return { kind: 'node', type: 'message', config: { message: prompt, options }, outcomes };
};

/** The HMAC key of the persistent-cookie nodes: an ESV becomes a secret name; an inline value a secret to rotate. */
function cookieKeys(node: AicNodeIn, ctx: AicMapContext): { kid: string; secretName: string }[] {
  const raw = node.config.hmacSigningKey;
  const esv = esvOf(raw);
  const where = `${ctx.where}/hmacSigningKey`;
  const name =
    esv !== undefined
      ? ctx.vault.secret(esv, 'esv', where)
      : ctx.vault.secret(
          raw === undefined ? 'persistent-cookie-key' : `${node.displayName}-hmac-key`,
          raw === undefined ? 'absent' : 'inline',
          where,
        );
  return [{ kid: 'imported', secretName: name }];
}

const hours = (value: unknown, fallback: number) =>
  (typeof value === 'number' ? value : typeof value === 'string' && /^[0-9]+$/.test(value) ? Number(value) : fallback) * 3600;
const clamp = (v: number, min: number, max: number) => Math.min(max, Math.max(min, v));

const setCookie: Mapper = (node, ctx) => ({
  kind: 'node',
  type: 'cookie.persistent.set',
  config: { keys: cookieKeys(node, ctx), maxLifeSeconds: clamp(hours(node.config.maxLife, 5), 60, 31536000) },
  outcomes: { done: first(node) },
  notes: ['maxLife hours became maxLifeSeconds'],
});

const checkCookie: Mapper = (node, ctx) => ({
  kind: 'node',
  type: 'cookie.persistent.check',
  config: { keys: cookieKeys(node, ctx), idleSeconds: clamp(hours(node.config.idleTimeout, 5), 60, 31536000) },
  outcomes: {
    valid: has(node, 'true') ? 'true' : first(node),
    missing: has(node, 'false') ? 'false' : failure,
    invalid: has(node, 'false') ? 'false' : failure,
  },
  notes: ['"missing" and "invalid" both go where "false" went', 'idleTimeout hours became idleSeconds'],
});

const scripted: Mapper = (node, ctx) => {
  const scriptId = typeof node.config.script === 'string' ? node.config.script : '';
  const found = ctx.scripts.get(scriptId);
  const textOf = found ? scriptText(found.script) : undefined;
  const info = { id: scriptId, ...(found?.name ? { name: found.name } : {}), ...(textOf !== undefined ? { text: textOf } : {}) };
  const suggestion = 'write a node type for it (waymark new-node --from-placeholder), or an expression node if it is a plain decision';
  if (textOf === undefined)
    return {
      kind: 'placeholder',
      reason: `the script ${scriptId || '(none)'} is not in the export`,
      suggestion: `export the journey with its scripts; ${suggestion}`,
      script: { ...info, recognised: false },
    };
  const recognised = recognizeScript(textOf);
  if (!recognised.ok)
    return {
      kind: 'placeholder',
      reason: `script "${found?.name ?? scriptId}": ${recognised.reason}`,
      suggestion,
      script: { ...info, recognised: false },
    };
  const { rules, default: fallback } = recognised.value;
  const used = [...rules.map((r) => r.outcome), fallback];
  const unknown = used.filter((o) => !node.sourceOutcomes.includes(o));
  if (unknown.length > 0)
    return {
      kind: 'placeholder',
      reason: `script "${found?.name ?? scriptId}" sets outcomes the node does not declare (${unknown.join(', ')})`,
      suggestion,
      script: { ...info, recognised: false },
    };
  const outcomes: Record<string, string> = {};
  for (const o of node.sourceOutcomes) outcomes[outcomeOf(o)] = o;
  const unusedOutcomes = node.sourceOutcomes.filter((o) => !used.includes(o));
  const expression = rules.map((r) => `${r.when} → ${r.outcome}`);
  return {
    kind: 'node',
    type: 'expression',
    config: { rules: rules.map((r) => ({ when: r.when, outcome: outcomeOf(r.outcome) })), default: outcomeOf(fallback) },
    // The expression node's outcomes are its rules' and its default: declared outcomes the script never sets are left out.
    outcomes: Object.fromEntries(Object.entries(outcomes).filter(([, s]) => used.includes(s))),
    ...(unusedOutcomes.length ? { notes: [`the script never sets ${unusedOutcomes.join(', ')}: left out`] } : {}),
    script: { ...info, recognised: true, expression },
  };
};

/** Each AIC node type's mapper. Types not listed become placeholders with the suggestion in SUGGESTIONS. */
export const AIC_MAPPERS: Readonly<Record<string, Mapper>> = {
  UsernameCollectorNode: username,
  ValidatedUsernameNode: username,
  PasswordCollectorNode: password,
  ValidatedPasswordNode: password,
  DataStoreDecisionNode: verify,
  IdentityStoreDecisionNode: verify,
  LdapDecisionNode: verify,
  IdentifyExistingUserNode: identify,
  AttributeCollectorNode: attributes,
  AcceptTermsAndConditionsNode: terms,
  CreateObjectNode: createObject,
  PatchObjectNode: patchObject,
  IncrementLoginCountNode: loginCount,
  RetryLimitDecisionNode: retryLimit,
  AccountLockoutNode: lockout,
  InnerTreeEvaluatorNode: innerTree,
  MessageNode: messageNode,
  ChoiceCollectorNode: choice,
  SetPersistentCookieNode: setCookie,
  PersistentCookieDecisionNode: checkCookie,
  ScriptedDecisionNode: scripted,
};

/** What to replace an unmapped type with (the placeholder's `suggestion`). */
export const SUGGESTIONS: Readonly<Record<string, string>> = {
  EmailSuspendNode: 'a custom node that e-mails a resume link (Waymark suspends only for the browser)',
  EmailTemplateNode: 'a custom node that sends the e-mail through your mailer',
  KbaCreateNode: 'a custom node (knowledge-based answers are not a Waymark user-store attribute)',
  KbaDecisionNode: 'a custom node',
  KbaVerifyNode: 'a custom node',
  QueryFilterDecisionNode: 'an expression node over attributes a user.identify put in state',
  LoginCountDecisionNode: 'an expression node over the login count login.count keeps',
  AttributePresentDecisionNode: 'an expression node over attributes in state',
  AttributeValueDecisionNode: 'an expression node over attributes in state',
  SessionDataNode: 'session.check (it puts the subject in state)',
  ZeroPageLoginNode: 'none: Waymark never reads credentials from headers; remove it',
  OneTimePasswordGeneratorNode: 'one otp.challenge node (mode "code") replaces the generator, sender and collector',
  OneTimePasswordSmtpSenderNode: 'one otp.challenge node (mode "code") replaces the generator, sender and collector',
  OneTimePasswordSmsSenderNode: 'one otp.challenge node (mode "code") replaces the generator, sender and collector',
  OneTimePasswordCollectorDecisionNode: 'one otp.challenge node (mode "code") replaces the generator, sender and collector',
  OathTokenVerifierNode: 'otp.challenge (mode "totp")',
  OathRegistrationNode: 'a custom enrolment node (otp.challenge verifies enrolled authenticators)',
  SelectIdPNode: 'idp.select (when available) or a message node with one option per provider',
  SocialProviderHandlerNode: 'a custom node for the social login (or the OpenID Provider bridge upstream)',
  SocialGoogleNode: 'a custom node for the social login',
  SocialFacebookNode: 'a custom node for the social login',
  'product-Saml2Node': 'a custom node (SAML federation is outside the engine)',
  SetSuccessUrlNode: 'a redirect node, or the client redirect_uri',
  ModifyAuthLevelNode: 'set "acr" on the session.create node',
  ProvisionIdmAccountNode: 'user.create',
  ProvisionDynamicAccountNode: 'user.create',
  CreatePasswordNode: 'credentials.password followed by user.update',
  AnonymousUserNode: 'none: Waymark journeys end with a known subject',
  AgentDataStoreDecisionNode: 'none: agents authenticate with client credentials, not journeys',
  AmsterJwtDecisionNode: 'none: Amster is AM tooling',
  RESTNode: 'a custom node calling the service',
  PingOneVerifyProofing: 'a custom node for PingOne Verify',
  PingOneVerifyAuthentication: 'a custom node for PingOne Verify',
  PushAuthenticationSenderNode: 'a custom push node',
  PushResultVerifierNode: 'a custom push node',
  PushRegistrationNode: 'a custom push node',
  PushWaitNode: 'wait.poll (when available)',
  WebAuthnRegistrationNode: 'a custom WebAuthn node',
  WebAuthnAuthenticationNode: 'a custom WebAuthn node',
};
