import { Readable } from 'node:stream';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Engine, validateFlowJson, type JourneyResult } from '@waymark/core';
import { FileUserStore, parseUsersFile } from '@waymark/nodes';
import type { Callback, ClientInfo, JsonObject, PushedInfo, RequestInfo } from '@waymark/sdk';
import { answerReader } from '../answers.js';
import { parseOrUsage, type Command } from '../command.js';
import { CliError } from '../errors.js';
import { formatProblem, readArgumentFile } from '../flow-file.js';
import { EXIT } from '../io.js';
import { createCliRegistry } from '../registry.js';
import { runSecretSource } from '../secrets.js';
import { cliVariables } from '../variables.js';
import { secretEnvName } from '../server/start-server.js';
import { serviceNeeds, type ServiceNeed } from '../service-needs.js';

const usage = `Usage: waymark run [--input <file.json>] [--users <users.json>] [--secret <name>=<value>]...
                  [--env-file <file>] [--plugin <package>]... <flow.json>

Runs one journey of a flow in the terminal, on memory stores: each callback the flow asks for
becomes a prompt, and the trace (node, type, outcome, ms) is printed at the end. Walk a flow
this way before deploying it. On a terminal, passwords are read without echo; from a pipe,
answers are read one line each.

Named secrets (what a flow names with "secretName", such as the remember-me cookie key
remember-me-key) come from --secret, then from WAYMARK_SECRET_<NAME> lines of --env-file,
then from the environment (remember-me-key → WAYMARK_SECRET_REMEMBER_ME_KEY), as for serve.
A value on the command line is visible to other users of the machine (ps, shell history):
keep real keys in an env file.

--input names a JSON file with what an HTTP request would carry:
  { "request": { "ip": "203.0.113.7", "headers": {}, "cookies": {}, "userAgent": "..." },
    "par": { "clientId": "mobile-app", "ip": "203.0.113.7", "params": { "subject_token": "..." } },
    "params": {}, "client": { "clientId": "...", "redirectTargets": [], "redirectUris": [] },
    "state": {} }

Options:
  --input <file>      request, pushed request, client and initial state (JSON)
  --users <file>      the users file credentials.* and otp.challenge read (as serve's services.usersFile)
  --secret <n>=<v>    the named secret <n> (repeatable)
  --var <n>=<v>       the flow variable <n> ({ "$var": "<n>" } in node config; repeatable;
                      also WAYMARK_VAR_<n> from the environment)
  --env-file <file>   NAME=value lines; WAYMARK_SECRET_<NAME> ones are named secrets
  --plugin <package>  also load the node types of this plugin package (repeatable)
  -h, --help          show this help

Exit codes: 0 the journey succeeded, 1 it failed (or the flow is invalid), 2 usage error.
`;

/** ERR_CLI_SERVICE_MISSING naming each service the flow needs and the flag that gives it. */
function missingServices(needs: readonly ServiceNeed[]): CliError {
  const lines = needs.map((need) => {
    const where = `node "${need.node}" (${need.type})`;
    return need.service === 'users'
      ? `${where} needs a user store: pass --users <users.json> (the users file, as serve's services.usersFile)`
      : `${where} needs the secret "${need.name}" (config ${need.key}): pass --secret ${need.name}=<value>, or a ${secretEnvName(need.name)} line in --env-file`;
  });
  return new CliError(
    'ERR_CLI_SERVICE_MISSING',
    `run: ${lines.length === 1 ? lines[0] : `the flow needs what it was not given:\n  ${lines.join('\n  ')}`}`,
    { needs },
  );
}

interface RunInput {
  request?: Partial<RequestInfo>;
  par?: PushedInfo;
  params?: Record<string, string>;
  client?: ClientInfo;
  state?: JsonObject;
}

function promptOf(callback: Callback): string {
  const out = Object.fromEntries(callback.output.map((f) => [f.name, f.value]));
  switch (callback.type) {
    case 'ChoiceCallback':
    case 'ConfirmationCallback': {
      const choices = (out.choices ?? out.options ?? []) as string[];
      return `${String(out.prompt ?? 'Choose')} [${choices.map((c, i) => `${i}=${c}`).join(', ')}]`;
    }
    default:
      return String(out.prompt ?? callback.type);
  }
}

function printResult(result: Exclude<JourneyResult, { status: 'suspended' }>, write: (s: string) => void): void {
  write(`\n${result.status === 'success' ? 'success' : `failure ${result.code}: ${result.reason}`}\n`);
  if (result.status === 'success') {
    if (result.sub) write(`  sub       ${result.sub}\n`);
    if (result.sessionId) write(`  session   created (id not shown)\n`);
    if (result.redirect) write(`  redirect  ${result.redirect}\n`);
  }
  for (const c of result.cookies) write(`  cookie    ${c.name} ${c.value === null ? 'cleared' : 'set (value not shown)'}\n`);
  write('\ntrace\n');
  for (const s of result.trace)
    write(
      `  ${s.node.padEnd(20)} ${s.type.padEnd(26)} ${(s.outcome + (s.reason ? ` (${s.reason})` : '')).padEnd(28)} ${s.ms.toFixed(2)} ms\n`,
    );
}

export const run: Command = {
  name: 'run',
  summary: 'run a journey of a flow in the terminal (callbacks become prompts)',
  usage,
  async run(argv, io) {
    const { values, positionals } = parseOrUsage('run', ['input', 'users', 'secret', 'var', 'env-file', 'plugin', 'help'], () =>
      parseArgs({
        args: [...argv],
        options: {
          input: { type: 'string' },
          users: { type: 'string' },
          secret: { type: 'string', multiple: true },
          var: { type: 'string', multiple: true },
          'env-file': { type: 'string' },
          plugin: { type: 'string', multiple: true },
          help: { type: 'boolean', short: 'h' },
        },
        allowPositionals: true,
      }),
    );
    if (values.help) {
      io.stdout.write(usage);
      return EXIT.OK;
    }
    const [file, ...extra] = positionals;
    if (file === undefined || extra.length > 0)
      throw new CliError('ERR_CLI_USAGE', 'run: name exactly one flow file, such as "waymark run flows/login.json"');
    let input: RunInput = {};
    if (values.input !== undefined) {
      try {
        input = JSON.parse(await readArgumentFile(values.input, io.cwd)) as RunInput;
      } catch (error) {
        if (error instanceof CliError) throw error;
        throw new CliError('ERR_CLI_USAGE', `run: --input ${values.input} is not valid JSON (${(error as Error).message})`);
      }
      if (input === null || typeof input !== 'object' || Array.isArray(input))
        throw new CliError('ERR_CLI_USAGE', `run: --input ${values.input} must hold a JSON object`);
    }
    const registry = await (io.registry ?? createCliRegistry)(values.plugin ?? [], io.cwd);
    const text = await readArgumentFile(file, io.cwd);
    const variables = cliVariables('run', values.var ?? [], io.env ?? {});
    const checked = validateFlowJson(text, registry, file, { variables });
    if (!checked.ok) {
      for (const problem of checked.problems) io.stderr.write(formatProblem(file, problem));
      return EXIT.PROBLEMS;
    }
    if (values.users !== undefined) {
      const text = await readArgumentFile(values.users, io.cwd); // unreadable → ERR_CLI_FILE, exit 2
      try {
        parseUsersFile(text, values.users);
      } catch (error) {
        throw new CliError(
          'ERR_CLI_FILE',
          `run: --users ${(error as Error).message}: name a users file { "users": [{ "sub", "username", "passwordHash" }] }`,
        );
      }
    }
    const envFileName = values['env-file'];
    const envFile = envFileName === undefined ? undefined : await readArgumentFile(envFileName, io.cwd);
    const secretSource = runSecretSource({ flags: values.secret ?? [], envFile, envFileName, env: io.env });
    const services = { secretSource, ...(values.users === undefined ? {} : { users: new FileUserStore(resolve(io.cwd, values.users)) }) };
    const engine = new Engine({ services, variables }, registry);
    const flow = engine.load(checked.flow, file);
    // Before the first prompt: a node that needs a service it was not given would fail the journey at its step.
    const needs = serviceNeeds([flow], { users: values.users !== undefined, secret: (name) => secretSource.get(name) !== undefined });
    if (needs.length > 0) throw missingServices(needs);
    const request: RequestInfo = {
      ip: input.request?.ip ?? '127.0.0.1',
      headers: input.request?.headers ?? {},
      cookies: input.request?.cookies ?? {},
      userAgent: input.request?.userAgent ?? 'waymark-cli',
    };
    const ask = answerReader(io.stdin ?? Readable.from([]), (s) => void io.stdout.write(s));
    const write = (s: string) => void io.stdout.write(s);
    write(`${flow.id} v${flow.version}: ${flow.flow.description}\n`);
    let result = await engine.start(flow.id, { request, par: input.par, params: input.params, client: input.client, state: input.state });
    while (result.status === 'suspended') {
      if (result.header) write(`\n${result.header}\n`);
      const answers: Callback[] = [];
      for (const callback of result.callbacks) {
        if (callback.type === 'TextOutputCallback') {
          write(`${String(callback.output.find((f) => f.name === 'message')?.value ?? '')}\n`);
          answers.push(callback);
          continue;
        }
        if (callback.input.length === 0 || callback.type === 'HiddenValueCallback') {
          answers.push(callback);
          continue;
        }
        const raw = await ask(promptOf(callback), { hidden: callback.type === 'PasswordCallback' });
        const numeric = callback.type === 'ChoiceCallback' || callback.type === 'ConfirmationCallback';
        answers.push({
          ...callback,
          input: callback.input.map((f, j) => (j === 0 ? { name: f.name, value: numeric ? Number(raw) : raw } : f)),
        });
      }
      result = await engine.resume(result.journeyId, { request, callbacks: answers });
    }
    printResult(result, write);
    return result.status === 'success' ? EXIT.OK : EXIT.PROBLEMS;
  },
};
