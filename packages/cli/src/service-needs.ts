import type { CompiledFlow } from '@waymark/core';

/**
 * A service a node of a flow cannot run without and was not given. `serve` reports these at
 * start-up, `run` before the first prompt, each with the setting or flag that gives it.
 */
export type ServiceNeed =
  /** A user store: credentials.verify without its own `usersFile`, and the user.*, login.count and account.lockout steps. */
  | { service: 'users'; flow: string; node: string; type: string }
  /** A named secret (`secretSource`): an introspection client secret, a risk service token. */
  | { service: 'secret'; flow: string; node: string; type: string; name: string; key: string };

/** What the caller has: a user store, and which named secrets are set. */
export interface AvailableServices {
  users: boolean;
  secret(name: string): boolean;
}

interface NeedsConfig {
  usersFile?: string;
  mode?: string;
  introspection?: { clientSecretName?: string; authMethod?: string };
  provider?: string;
  http?: { token?: string; tokenSecret?: string };
}

/** The needs of one node, from its type and its config (defaults applied at flow load). */
function needsOf(flow: string, node: string, type: string, config: NeedsConfig, has: AvailableServices): ServiceNeed[] {
  const needs: ServiceNeed[] = [];
  const secret = (name: string | undefined, key: string) => {
    if (name !== undefined && !has.secret(name)) needs.push({ service: 'secret', flow, node, type, name, key });
  };
  switch (type) {
    case 'credentials.verify':
      // userStoreOf in @waymark/nodes: services.users, else the node's usersFile, else ERR_NO_USER_STORE at the first login.
      if (!has.users && config.usersFile === undefined) needs.push({ service: 'users', flow, node, type });
      break;
    // The user-store steps read services.users only (userStoreOf in @waymark/nodes without a usersFile).
    case 'user.identify':
    case 'user.create':
    case 'user.update':
    case 'login.count':
    case 'account.lockout':
      if (!has.users) needs.push({ service: 'users', flow, node, type });
      break;
    case 'token.validate':
      if (config.mode === 'introspection' && config.introspection?.authMethod !== 'none')
        secret(config.introspection?.clientSecretName, '/introspection/clientSecretName');
      break;
    case 'risk.evaluate':
    case 'risk.feedback':
      if (config.provider === 'http' && config.http?.token === undefined) secret(config.http?.tokenSecret, '/http/tokenSecret');
      break;
  }
  return needs;
}

/**
 * The services the nodes of `flows` need and `has` lacks; `[]` when every node can run.
 *
 * @example
 * serviceNeeds([engine.flow('password-login')!], { users: false, secret: () => false });
 * // [{ service: 'users', flow: 'password-login', node: 'verify', type: 'credentials.verify' }]
 */
export function serviceNeeds(flows: readonly CompiledFlow[], has: AvailableServices): ServiceNeed[] {
  return flows.flatMap((flow) =>
    [...flow.nodes.values()].flatMap((node) => needsOf(flow.id, node.id, node.type.type, node.config as NeedsConfig, has)),
  );
}
