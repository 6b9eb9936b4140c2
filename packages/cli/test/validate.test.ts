import { describe, it, expect } from '@jest/globals';
import { run } from './helpers.js';

describe('waymark validate', () => {
  it('prints a one-line summary per valid flow and exits 0', async () => {
    const { code, stdout, stderr } = await run(['validate', 'flows/good.json', 'flows/one-node.json']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toBe('flows/good.json: ok — test-login v1, 2 nodes\nflows/one-node.json: ok — just-gate v3, 1 node\n');
  });

  it('--quiet prints nothing for valid flows', async () => {
    const { code, stdout } = await run(['validate', '-q', 'flows/good.json']);
    expect(code).toBe(0);
    expect(stdout).toBe('');
  });

  it('prints every problem as "file: pointer CODE message", keeps checking the other files, and exits 1', async () => {
    const { code, stdout } = await run(['validate', 'broken.json', 'flows/good.json']);
    expect(code).toBe(1);
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(
      /^broken\.json: \/nodes\/check\/type ERR_FLOW_UNKNOWN_TYPE node "check" has the unknown type "test\.chek"\. Did you mean "test\.check"\?$/,
    );
    expect(lines[1]).toMatch(/^broken\.json: \/nodes\/gate\/outcomes\/block ERR_FLOW_UNWIRED_OUTCOME /);
    expect(lines[2]).toBe('flows/good.json: ok — test-login v1, 2 nodes');
    expect(lines[3]).toBe('2 problems in 1 of 2 flows');
    expect(lines).toHaveLength(4);
  });

  it('reports a JSON syntax error with its line and column and exits 1', async () => {
    const { code, stdout } = await run(['validate', 'not-json.json']);
    expect(code).toBe(1);
    expect(stdout).toContain('not-json.json: / ERR_FLOW_JSON not valid JSON at not-json.json:4:3:');
  });

  it('expands a directory to its *.json files in name order', async () => {
    const { code, stdout } = await run(['validate', 'flows']);
    expect(code).toBe(0);
    expect(stdout).toBe('flows/good.json: ok — test-login v1, 2 nodes\nflows/one-node.json: ok — just-gate v3, 1 node\n');
  });

  it('validates only the flow files of a directory (by "$schema" or shape) and lists the others as skipped', async () => {
    const { code, stdout, stderr } = await run(['validate', 'mixed']);
    expect(stderr).toBe('');
    expect(code).toBe(1);
    expect(stdout.trimEnd().split('\n')).toEqual([
      'mixed/a-flow.json: ok — test-login v1, 2 nodes',
      'mixed/b-no-schema.json: ok — gate-only v1, 1 node',
      expect.stringMatching(/^mixed\/c-relative-schema\.json: \/start ERR_FLOW_MISSING_START /),
      'mixed/package.json: skipped — not a flow (no "$schema" naming flow.schema.json, and no "nodes" or "start")',
      'mixed/policies.json: skipped — not a flow (no "$schema" naming flow.schema.json, and no "nodes" or "start")',
      'mixed/tool-config.json: skipped — not a flow (its "$schema" is "https://example.test/other-tool.schema.json", not the flow schema)',
      '1 problem in 1 of 3 flows',
    ]);
  });

  it('--quiet leaves the skipped files out too', async () => {
    const { stdout } = await run(['validate', '-q', 'mixed']);
    expect(stdout.trimEnd().split('\n')).toEqual([
      expect.stringMatching(/^mixed\/c-relative-schema\.json: \/start ERR_FLOW_MISSING_START /),
      '1 problem in 1 of 3 flows',
    ]);
  });

  it('a directory whose JSON files are no flows (examples/payments: package.json, policies.json) exits 2 with ERR_CLI_FILE', async () => {
    const { code, stderr } = await run(['validate', '../../../../examples/payments'], { realRegistry: true });
    expect(code).toBe(2);
    expect(stderr).toMatch(/^waymark: ERR_CLI_FILE: validate: \.\.\/\.\.\/\.\.\/\.\.\/examples\/payments holds no flow file/);
    const flows = await run(['validate', '../../../../examples/payments/flows'], { realRegistry: true });
    expect(flows.stdout).toContain('examples/payments/flows/password-login.json: ok');
    expect(flows.code).toBe(0);
  });

  it('passes every --plugin name to the registry', async () => {
    const { code, plugins } = await run(['validate', '--plugin', '@acme/one', '--plugin', '@acme/two', 'flows/good.json']);
    expect(code).toBe(0);
    expect(plugins).toEqual(['@acme/one', '@acme/two']);
  });

  it('a plugin that cannot be loaded exits 2 with ERR_PLUGIN_LOAD', async () => {
    const { code, stderr } = await run(['validate', '--plugin', 'waymark-no-such-plugin', 'flows/good.json'], { realRegistry: true });
    expect(code).toBe(2);
    expect(stderr).toMatch(/^waymark: ERR_PLUGIN_LOAD: plugin waymark-no-such-plugin: package not found/);
  });

  it('a missing file exits 2 with ERR_CLI_FILE naming the path', async () => {
    const { code, stderr } = await run(['validate', 'nope.json']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^waymark: ERR_CLI_FILE: cannot read nope\.json \(no such file\): check the path/);
  });

  it('without files exits 2 with ERR_CLI_USAGE', async () => {
    const { code, stderr } = await run(['validate']);
    expect(code).toBe(2);
    expect(stderr).toContain('ERR_CLI_USAGE: validate: name at least one flow file');
  });

  it('an unknown flag exits 2 with ERR_CLI_USAGE and the closest flag', async () => {
    const { code, stderr } = await run(['validate', '--plugn', 'x', 'flows/good.json']);
    expect(code).toBe(2);
    expect(stderr).toContain('ERR_CLI_USAGE: validate: Unknown option \'--plugn\'. Did you mean "--plugin"? Run "waymark validate --help"');
  });

  it('--help prints its usage and exits 0', async () => {
    const { code, stdout } = await run(['validate', '--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: waymark validate /);
    expect(stdout).toContain('--plugin <package>');
  });

  it('resolves flow variables from --var and WAYMARK_VAR_<name>, and names an undefined one at its pointer', async () => {
    const missing = await run(['validate', 'variables/uses-var.json']);
    expect(missing.code).toBe(1);
    expect(missing.stdout).toMatch(
      /^variables\/uses-var\.json: \/nodes\/check\/config\/issuer ERR_FLOW_VARIABLE the variable "issuer" is not defined/,
    );
    const flag = await run(['validate', '--var', 'issuer=https://as.example', 'variables/uses-var.json']);
    expect(flag).toMatchObject({ code: 0, stdout: 'variables/uses-var.json: ok — test-login v1, 2 nodes\n' });
    const env = await run(['validate', 'variables/uses-var.json'], { env: { WAYMARK_VAR_issuer: 'https://as.example' } });
    expect(env.code).toBe(0);
  });

  it('refuses a malformed --var with a usage error naming the form', async () => {
    const { code, stderr } = await run(['validate', '--var', 'issuer', 'variables/uses-var.json']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/ERR_CLI_USAGE.*--var takes <name>=<value>/);
  });

  it('checks flow.run targets and recursion within the flows validated together, and leaves them to the load for a single file', async () => {
    const set = await run(['validate', 'subflows'], { realRegistry: true });
    expect(set).toMatchObject({ code: 0, stdout: 'subflows/helper.json: ok — helper v1, 1 node\nsubflows/main.json: ok — main v1, 1 node\n' });
    expect((await run(['validate', 'subflows/main.json'], { realRegistry: true })).code).toBe(0);
    const without = await run(['validate', 'subflows/main.json', 'flows/good.json'], { realRegistry: true });
    expect(without.stdout).toContain(
      'subflows/main.json: /nodes/runHelper/config/flow ERR_FLOW_SUBFLOW_NOT_FOUND node "runHelper" runs flow "helper", which is not loaded',
    );
    const cycle = await run(['validate', 'subflow-cycle'], { realRegistry: true });
    expect(cycle.code).toBe(1);
    expect(cycle.stdout).toContain('subflow-cycle/ping.json: /nodes/runHelper/config/flow ERR_FLOW_RECURSION');
    expect(cycle.stdout).toContain('(ping → pong → ping)');
  });
});
