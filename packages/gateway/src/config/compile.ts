import { compileConfigSchema, ConfigInvalidError, type ConfigProblem } from '@waymark/core';
import { GATEWAY_DEFAULTS } from '../defaults.js';
import { gatewayConfigSchema } from './schema.js';
import { webRouteEntryProblems } from '../web/gateway-route.js';
import type { GatewayConfig } from './types.js';

const schema = compileConfigSchema<GatewayConfig>(gatewayConfigSchema, 'gateway configuration');

/** What a schema cannot say: unique names and paths, policies for step-up rules. */
function wholeProblems(config: GatewayConfig, base: string): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const names = new Set<string>();
  const paths = new Set<string>();
  config.routes.forEach((route, i) => {
    if (names.has(route.name))
      problems.push({
        code: 'ERR_CONFIG_INVALID',
        pointer: `${base}/routes/${i}/name`,
        message: `route name "${route.name}" is used twice; give each route its own name`,
      });
    if (paths.has(route.path))
      problems.push({
        code: 'ERR_CONFIG_INVALID',
        pointer: `${base}/routes/${i}/path`,
        message: `route path "${route.path}" is used twice; give each route its own path`,
      });
    if (route.path.startsWith('/.well-known/'))
      problems.push({
        code: 'ERR_CONFIG_INVALID',
        pointer: `${base}/routes/${i}/path`,
        message: 'must not be under /.well-known/ (the gateway serves the resource metadata there)',
      });
    names.add(route.name);
    paths.add(route.path);
    if (route.kind === 'web')
      problems.push(...webRouteEntryProblems(route as unknown as Record<string, unknown>, config.publicUrl, `${base}/routes/${i}`));
    if (route.kind === 'mcp' && route.stepUp && route.stepUp.length > 0 && config.policies === undefined)
      problems.push({
        code: 'ERR_CONFIG_INVALID',
        pointer: `${base}/routes/${i}/stepUp`,
        message: 'step-up rules need "policies" (the policy the calls are decided by) in the gateway configuration',
      });
  });
  return problems;
}

/**
 * Checks a gateway configuration (every problem at once, each with its JSON pointer under
 * `base`, in one `ERR_CONFIG_INVALID`) and fills its defaults.
 *
 * @example
 * const config = checkGatewayConfig(JSON.parse(text).gateway, '/gateway');
 */
export function checkGatewayConfig(value: unknown, base = ''): GatewayConfig {
  const problems = schema.problems(value, base);
  if (problems.length === 0) problems.push(...wholeProblems(value as GatewayConfig, base));
  if (problems.length > 0) throw new ConfigInvalidError('gateway configuration', problems);
  const config = value as GatewayConfig;
  return { ...config, bodyLimit: config.bodyLimit ?? GATEWAY_DEFAULTS.bodyLimit };
}

export { gatewayConfigSchema };
