import { copyFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createCliRegistry, startLocalStudio, type LocalStudio } from '@waymark/cli';
import { launchBrowser } from '../../../test/support/browser.js';
import { run } from './helpers.js';
import { ensureStudioBuilt } from '../../../test/support/studio.js';
import { SHIPPED_VARIABLES } from '../../../test/support/shipped-variables.js';

/*
 * `waymark studio <folder>`: the studio over a folder of flow files, offline. The API part
 * over HTTP, then the page in headless Chromium: a form edit is checked as you type and saved
 * back into the flow's file.
 */

const ROOT = new URL('../../../', import.meta.url).pathname;
let folder: string;
let studio: LocalStudio;
let base: string;

beforeAll(async () => {
  await ensureStudioBuilt();
  folder = mkdtempSync(join(tmpdir(), 'studio-folder-'));
  for (const name of readdirSync(join(ROOT, 'flows'))) if (name.endsWith('.json')) copyFileSync(join(ROOT, 'flows', name), join(folder, name));
  studio = await startLocalStudio({ folder, registry: await createCliRegistry(), port: 0 });
  base = studio.url.replace(/\/studio\/$/, '');
}, 60_000);
afterAll(() => studio?.close());

const api = (path: string, init: RequestInit & { headers?: Record<string, string> } = {}) =>
  fetch(`${base}/admin/v1${path}`, { ...init, headers: { 'x-waymark-studio': '1', 'content-type': 'application/json', ...init.headers } });

describe('waymark studio: the command', () => {
  it('needs exactly one folder, and says so with a coded error', async () => {
    const none = await run(['studio']);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('ERR_CLI_USAGE');
    const missing = await run(['studio', 'no-such-folder']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('ERR_CLI_FILE');
    const help = await run(['studio', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: waymark studio');
  });
});

describe('waymark studio <folder>: the local API', () => {
  it('lists the flow files, validates with @waymark/core, lists the node types', async () => {
    const flows = (await (await api('/flows')).json()) as { flows: { id: string }[] };
    expect(flows.flows.map((f) => f.id)).toEqual(expect.arrayContaining(['login', 'password-login', 'remember-me']));
    const flow = JSON.parse(readFileSync(join(folder, 'password-login.json'), 'utf8'));
    flow.nodes.verify.config.maxAttempts = 0;
    const checked = (await (await api('/flows/validate', { method: 'POST', body: JSON.stringify(flow) })).json()) as { valid: boolean; problems: { pointer: string }[] };
    expect(checked.valid).toBe(false);
    expect(checked.problems.map((p) => p.pointer)).toContain('/nodes/verify/config/maxAttempts');
    const types = (await (await api('/node-types')).json()) as { nodeTypes: { type: string }[] };
    expect(types.nodeTypes.map((t) => t.type)).toContain('decision');
  });

  it('refuses a request without the studio header (a cross-site form) or with a foreign Host (DNS rebinding)', async () => {
    const bare = await fetch(`${base}/admin/v1/flows`);
    expect(bare.status).toBe(403);
    expect(((await bare.json()) as { code: string }).code).toBe('ERR_STUDIO_HEADER');
    const { request } = await import('node:http');
    const status = await new Promise<number>((done) => {
      const url = new URL(`${base}/admin/v1/flows`);
      request({ host: url.hostname, port: url.port, path: url.pathname, headers: { host: 'evil.example:80', 'x-waymark-studio': '1' } }, (res) => {
        res.resume();
        done(res.statusCode ?? 0);
      }).end();
    });
    expect(status).toBe(403);
  });

  it('validates with the flow variables it was given (--var), as waymark validate does', async () => {
    const flow = readFileSync(join(folder, 'session-transfer.json'), 'utf8');
    const bare = (await (await api('/flows/validate', { method: 'POST', body: flow })).json()) as { valid: boolean; problems: { code: string }[] };
    expect(bare.valid).toBe(false);
    expect(bare.problems.map((p) => p.code)).toEqual(['ERR_FLOW_VARIABLE', 'ERR_FLOW_VARIABLE', 'ERR_FLOW_VARIABLE']);
    const withVars = await startLocalStudio({ folder, registry: await createCliRegistry(), port: 0, variables: SHIPPED_VARIABLES });
    try {
      const origin = withVars.url.replace(/\/studio\/$/, '');
      const res = await fetch(`${origin}/admin/v1/flows/validate`, {
        method: 'POST',
        body: flow,
        headers: { 'x-waymark-studio': '1', 'content-type': 'application/json' },
      });
      expect(await res.json()).toEqual({ valid: true, problems: [] });
    } finally {
      await withVars.close();
    }
  });

  it('does not write an invalid flow', async () => {
    const before = readFileSync(join(folder, 'login.json'), 'utf8');
    const res = await api('/flows/login', { method: 'PUT', body: JSON.stringify({ ...JSON.parse(before), start: 'nowhere' }) });
    expect(res.status).toBe(400);
    expect(readFileSync(join(folder, 'login.json'), 'utf8')).toBe(before);
  });
});

describe('waymark studio <folder>: the page', () => {
  it('edits a flow through the form, pins the problem as you type, saves it into its file', async () => {
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      page.setDefaultTimeout(10_000);
      await page.goto(studio.url);
      await page.getByRole('button', { name: /^password-login / }).click();
      await page.getByTestId('node-verify').waitFor();
      // Keyboard and screen reader: the card is a focusable element named by its id and type; Enter selects it.
      const card = page.getByRole('group', { name: 'node verify, type credentials.verify' }).or(page.getByLabel('node verify, type credentials.verify'));
      await card.focus();
      await page.keyboard.press('Enter');
      await page.getByRole('complementary', { name: 'inspector' }).getByRole('heading', { name: /^verify/ }).waitFor();
      await page.locator('#cfg-maxAttempts').fill('0');
      await page.getByTestId('problem-verify').waitFor();
      await page.locator('#cfg-maxAttempts').fill('2');
      await page.getByTestId('problem-verify').waitFor({ state: 'detached' });
      await page.getByTestId('problem-count').filter({ hasText: /^0$/ }).waitFor();
      await page.getByRole('button', { name: 'Save version…' }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Save' }).click();
      await page.getByTestId('status').filter({ hasText: 'saved password-login to its file' }).waitFor();
      const saved = JSON.parse(readFileSync(join(folder, 'password-login.json'), 'utf8'));
      expect(saved.version).toBe(2);
      expect(saved.nodes.verify.config).toEqual({ maxAttempts: 2 });
      // The decision node's rules get their own widget; the raw JSON view follows the form, and the form the JSON.
      await page.getByRole('button', { name: /^remember-me / }).click();
      await page.getByTestId('node-explainRisk').waitFor();
      await page.getByLabel('node explainRisk, type decision').focus();
      await page.keyboard.press('Enter');
      await expect(page.locator('#rule-0-op').inputValue()).resolves.toBe('equals');
      await expect(page.locator('#rule-0-ref').inputValue()).resolves.toBe('state.risk.outcome');
      await expect(page.locator('#rule-0-outcome').inputValue()).resolves.toBe('high');
      await page.locator('#rule-0-value').fill('critical');
      await page.getByRole('tab', { name: 'JSON' }).click();
      const json = JSON.parse(await page.locator('#flow-json').inputValue());
      expect(json.nodes.explainRisk.config.rules[0].when).toEqual({ equals: ['state.risk.outcome', 'critical'] });
      json.nodes.explainRisk.config.default = 'unwired';
      await page.locator('#flow-json').fill(JSON.stringify(json, null, 2));
      await expect(page.getByTestId('problem-explainRisk').innerText()).resolves.toContain('unwired');
      await page.getByRole('tab', { name: 'Form' }).click();
      await expect(page.locator('#cfg-default').inputValue()).resolves.toBe('unwired');
      // No journeys offline: the debug panel is not shown.
      await expect(page.getByRole('button', { name: 'Journeys' }).count()).resolves.toBe(0);
    } finally {
      await browser.close();
    }
  });
  it('draws a flow.run node as a subflow card naming the flow it runs, whose Open button opens that flow; a page card lists its input nodes', async () => {
    // Neither type need be registered: the cards depend only on the type name and its config.
    const parent = {
      id: 'subflow-parent',
      version: 1,
      description: 'Runs password-login as a subflow, then a page of two inputs.',
      start: 'signIn',
      nodes: {
        signIn: { type: 'flow.run', config: { flow: 'password-login', version: 1, state: 'isolated' }, outcomes: { success: 'details', failure: 'failure' } },
        details: {
          type: 'page',
          config: {
            header: 'Your details',
            nodes: [
              { id: 'user', type: 'credentials.username', config: {} },
              { id: 'pass', type: 'credentials.password', config: {} },
              { id: 'mail', type: 'attributes.collect', config: { attributes: [{ name: 'mail', type: 'string', prompt: 'Email' }] } },
            ],
          },
          outcomes: { collected: 'success' },
        },
      },
    };
    writeFileSync(join(folder, 'subflow-parent.json'), JSON.stringify(parent, null, 2));
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      page.setDefaultTimeout(10_000);
      await page.goto(studio.url);
      await page.getByRole('button', { name: /^subflow-parent / }).click();
      const card = page.getByTestId('node-signIn');
      await card.waitFor();
      await expect(card.getAttribute('class')).resolves.toContain('subflow');
      await expect(page.getByTestId('subflow-signIn').innerText()).resolves.toMatch(/runs\s+password-login\s+v1/);
      await expect(card.innerText()).resolves.toContain('state: isolated');
      // Its outcomes are edges like any node's.
      await page.locator('.react-flow__edge[data-id="signIn:success"]').waitFor();
      // The page card lists its children's types, in order, inside the card.
      const children = page.getByTestId('page-children-details');
      await expect(children.locator('li').allInnerTexts()).resolves.toEqual(['credentials.username user', 'credentials.password pass', 'attributes.collect mail']);
      const box = (await page.getByTestId('node-details').boundingBox())!;
      const last = (await children.locator('li').last().boundingBox())!;
      expect(last.y + last.height).toBeLessThanOrEqual(box.y + box.height);
      // Open: the subflow's own flow replaces this one on the canvas.
      await page.getByRole('button', { name: 'open flow password-login in the studio' }).click();
      await page.getByTestId('flow-title').filter({ hasText: 'password-login (editing from version' }).waitFor();
      await page.getByTestId('node-verify').waitFor();
      await expect(page.getByTestId('node-signIn').count()).resolves.toBe(0);
    } finally {
      await browser.close();
    }
  });
});
