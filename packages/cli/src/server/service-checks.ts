import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { CompiledFlow, ConfigProblem } from '@waymark/core';
import { parseUsersFile } from '@waymark/nodes';
import { serviceNeeds } from '../service-needs.js';

/**
 * The service URLs node configs hold, by node type: each must be an absolute http(s) URL with a
 * host. The node schemas check `format: uri` and the scheme, which still let `https://` or a port
 * above 65535 through to the first login.
 */
const SERVICE_URLS: Readonly<Record<string, readonly string[]>> = {
  'token.validate': ['/jwksUri', '/introspection/endpoint'],
  'risk.evaluate': ['/http/baseUrl'],
  'risk.feedback': ['/http/baseUrl'],
  'otp.challenge': ['/notifier/url'],
};

/** The node types that read a users file named in their own config (when no user store is wired). */
const USERS_FILE_TYPES = new Set(['credentials.verify', 'otp.challenge']);

/** What a server about to start offers its nodes. */
export interface ServiceContext {
  /** `services.usersFile`, absolute; undefined when not configured. */
  usersFile: string | undefined;
  /** Whether a user store is wired (`services.userStore`); default: whether `usersFile` is set. */
  hasUserStore?: boolean;
  /** The latest version of every loaded flow. */
  flows: readonly CompiledFlow[];
  /** Whether the named secret is set (`WAYMARK_SECRET_<NAME>`). */
  secret(name: string): boolean;
  /** The environment variable of a named secret, for the fix. */
  secretVariable(name: string): string;
}

function at(value: unknown, pointer: string): unknown {
  let current = value;
  for (const part of pointer.split('/').slice(1)) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

/** Why `text` is not an absolute http(s) URL (with a host, as http(s) URLs must have), or undefined when it is one. */
export function urlProblem(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'is not an absolute URL';
  }
  // WHATWG URL: an http(s) URL without a host, or with a port past 65535, does not parse at all.
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `uses ${url.protocol}, not https`;
  return undefined;
}

/** A users file: readable, and the shape credentials.verify reads (parseUsersFile of @waymark/nodes). */
function usersFileProblem(path: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    return `${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}): check the path, relative to the config file`;
  }
  try {
    parseUsersFile(text, path);
  } catch (error) {
    return `${(error as Error).message}: fix the file ({ "users": [{ "sub", "username", "passwordHash" }] }, hashes from hashPassword of @waymark/nodes)`;
  }
  return undefined;
}

/**
 * Every service the configuration names or the flows need, checked before the server listens,
 * so that a wrong path or URL stops start-up (ERR_CONFIG_INVALID) instead of failing the first
 * login as ERR_NODE_FAILED: the users file exists and parses, each node's users file too, each
 * service URL is well-formed, each node that needs a user store or a named secret has one.
 */
export function serviceProblems(context: ServiceContext): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const problem = (pointer: string, message: string) => problems.push({ code: 'ERR_CONFIG_INVALID', pointer, message });
  if (context.usersFile !== undefined) {
    const why = usersFileProblem(context.usersFile);
    if (why !== undefined) problem('/services/usersFile', why);
  }
  for (const flow of context.flows)
    for (const node of flow.nodes.values()) {
      const where = `flow "${flow.id}" node "${node.id}" (${node.type.type})`;
      for (const pointer of SERVICE_URLS[node.type.type] ?? []) {
        const value = at(node.config, pointer);
        if (typeof value !== 'string') continue;
        const why = urlProblem(value);
        if (why !== undefined)
          problem('/flows', `${where}: config ${pointer} "${value}" ${why}: give the absolute https URL of the service`);
      }
      const ownFile = (node.config as { usersFile?: unknown } | undefined)?.usersFile;
      if (context.usersFile === undefined && USERS_FILE_TYPES.has(node.type.type) && typeof ownFile === 'string') {
        // The node resolves it from the process's working folder (fileUserStore of @waymark/nodes).
        const why = usersFileProblem(resolve(ownFile));
        if (why !== undefined) problem('/flows', `${where}: config /usersFile: ${why}`);
      }
    }
  for (const need of serviceNeeds(context.flows, { users: context.hasUserStore ?? context.usersFile !== undefined, secret: context.secret })) {
    const where = `flow "${need.flow}" node "${need.node}" (${need.type})`;
    if (need.service === 'users')
      problem(
        '/services/usersFile',
        `is not set, and ${where} needs a user store: set "services": { "usersFile": "users.json" } or { "userStore": "memory" | "redis" }${need.type === 'credentials.verify' ? ' (or "usersFile" in the node\'s config)' : ''}`,
      );
    else
      problem(
        '/flows',
        `${where}: config ${need.key} names the secret "${need.name}", which is not set: set ${context.secretVariable(need.name)} in the environment`,
      );
  }
  return problems;
}
