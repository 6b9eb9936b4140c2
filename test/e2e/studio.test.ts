import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { RunningServer } from '@waymark/cli';
import { launchBrowser } from '../support/browser.js';
import { ensureStudioBuilt, freePort, ROOT, signInToStudio, startShippedServer, studioToken } from '../support/studio.js';

/*
 * Waymark Studio in real headless Chromium against the shipped waymark.config.json (startServer,
 * as `npm start`): signed in through Waymark's own provider, every check made on the page a
 * person sees and then against the admin API itself.
 */

let server: RunningServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let origin: string;
const cspViolations: string[] = [];

interface FlowFile {
  start: string;
  nodes: Record<string, { type: string; outcomes?: Record<string, string> }>;
}
/** The README's screenshots are written only when asked: WAYMARK_WRITE_SCREENSHOTS=1 npm test -- test/e2e/studio. */
async function screenshot(name: string): Promise<void> {
  if (process.env.WAYMARK_WRITE_SCREENSHOTS === '1') await page.screenshot({ path: join(ROOT, 'packages/studio/docs', name) });
}
const shipped = (id: string) => JSON.parse(readFileSync(join(ROOT, 'flows', `${id}.json`), 'utf8')) as FlowFile;

async function admin(path: string, init: RequestInit = {}): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${server.url}/admin/v1${path}`, {
    ...init,
    headers: { authorization: `Bearer ${await studioToken(page)}`, 'content-type': 'application/json', ...(init.headers ?? {}) },
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function openFlow(id: string): Promise<void> {
  await page.getByRole('navigation', { name: 'flows and node palette' }).getByRole('button', { name: new RegExp(`^${id} `) }).click();
  await page.getByTestId('flow-title').filter({ hasText: `${id} (editing` }).waitFor();
  await page.getByTestId(`node-${shipped(id).start}`).waitFor();
}

beforeAll(async () => {
  await ensureStudioBuilt();
  const port = await freePort();
  server = await startShippedServer(port);
  origin = `http://localhost:${port}`;
  browser = await launchBrowser();
  context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
  page = await context.newPage();
  page.setDefaultTimeout(10_000);
  page.on('console', (m) => {
    if (/Content.Security.Policy|Refused to/i.test(m.text())) cspViolations.push(m.text());
  });
  await signInToStudio(page, origin);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('waymark serve: the studio at /studio', () => {
  it('is served under a strict CSP (script-src self, no unsafe-eval) and runs without a violation', async () => {
    const res = await fetch(`${server.url}/studio/`);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).not.toContain('unsafe-inline');
    const config = (await (await fetch(`${server.url}/studio/config.json`)).json()) as { signIn: { clientId: string; resource: string } };
    expect(config.signIn).toEqual(expect.objectContaining({ clientId: 'waymark-admin', resource: `${origin}/admin` }));
    await openFlow('login');
    expect(cspViolations).toEqual([]);
  });

  it('opens a shipped flow and shows every node and every outcome edge of its JSON, and the two terminals', async () => {
    const flow = shipped('remember-me');
    await openFlow('remember-me');
    for (const [id, node] of Object.entries(flow.nodes)) {
      const card = page.getByTestId(`node-${id}`);
      await expect(card.count()).resolves.toBe(1);
      await expect(card.innerText()).resolves.toContain(node.type);
      for (const [outcome, target] of Object.entries(node.outcomes ?? {})) {
        const edge = page.locator(`.react-flow__edge[data-id="${id}:${outcome}"]`);
        await expect(edge.count()).resolves.toBe(1);
        await expect(edge.getAttribute('aria-label')).resolves.toContain(`outcome ${outcome} of ${id} goes to ${target}`);
      }
    }
    await expect(page.getByTestId('node-success').count()).resolves.toBe(1);
    await expect(page.getByTestId('node-failure').count()).resolves.toBe(1);
    const edges = Object.values(flow.nodes).reduce((n, node) => n + Object.keys(node.outcomes ?? {}).length, 0);
    await expect(page.locator('.react-flow__edge').count()).resolves.toBe(edges);
    await screenshot('canvas.png');
  });

  it('draws every edge once, from its outcome dot to the dot on top of the card it enters: the sizes and dot places the canvas declares (nothing measured before the first frame) are the drawn ones', async () => {
    await openFlow('login');
    // Every change of an edge's path after it was drawn: React Flow measures the cards once they are
    // on the page, and redraws an edge whose dots are not where the canvas said they would be.
    await page.evaluate(`(() => {
      window.redrawnEdges = [];
      new MutationObserver((records) => {
        for (const r of records) if (r.target.classList.contains('react-flow__edge-path')) window.redrawnEdges.push(r.target.closest('.react-flow__edge').getAttribute('data-id'));
      }).observe(document.body, { subtree: true, attributes: true, attributeFilter: ['d'] });
    })()`);
    await openFlow('remember-me');
    await page.getByTestId('problem-count').filter({ hasText: /^0$/ }).waitFor();
    await page.evaluate('new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))');
    await expect(page.evaluate('window.redrawnEdges')).resolves.toEqual([]);
    // Runs in the page (the test tsconfig has no DOM types): each edge's ends against its dots' boxes, in flow coordinates.
    const misses = (await page.evaluate(`(() => {
      const viewport = document.querySelector('.react-flow__viewport');
      const zoom = new DOMMatrixReadOnly(getComputedStyle(viewport).transform).m22;
      const origin = viewport.getBoundingClientRect();
      const at = (x, y) => [(x - origin.left) / zoom, (y - origin.top) / zoom];
      const misses = [];
      for (const edge of document.querySelectorAll('.react-flow__edge')) {
        const [source, outcome] = edge.getAttribute('data-id').split(':');
        const target = edge.getAttribute('aria-label').split(' goes to ')[1];
        const numbers = edge.querySelector('path.react-flow__edge-path').getAttribute('d').match(/-?[0-9.]+/g).map(Number);
        const from = document.querySelector('.react-flow__node[data-id="' + source + '"] .react-flow__handle.source[data-handleid="' + outcome + '"]').getBoundingClientRect();
        const to = document.querySelector('.react-flow__node[data-id="' + target + '"] .react-flow__handle.target').getBoundingClientRect();
        const want = [...at(from.left + from.width / 2, from.bottom), ...at(to.left + to.width / 2, to.top)];
        const got = [numbers[0], numbers[1], numbers[numbers.length - 2], numbers[numbers.length - 1]];
        if (got.some((v, i) => Math.abs(v - want[i]) > 0.6)) misses.push(edge.getAttribute('data-id') + ': drawn ' + got.join(',') + ', dots at ' + want.join(','));
      }
      return misses;
    })()`)) as string[];
    expect(misses).toEqual([]);
    await expect(page.locator('.react-flow__edge').count()).resolves.toBeGreaterThan(20);
  });
});

/** One password-login journey over the JSON API (alice, with `password`): its final status. */
async function runJourney(password: string): Promise<string> {
  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify(body) });
    return (await res.json()) as { journeyId: string; status?: string; callbacks?: { type: string; input: { name: string; value: unknown }[] }[] };
  };
  let step = await post('/journeys/password-login', { client_id: 'web-app' });
  for (let turn = 0; step.callbacks && turn < 5; turn++) {
    const callbacks = step.callbacks.map((cb) => ({
      ...cb,
      input: cb.input.map((f) => ({ ...f, value: cb.type === 'NameCallback' ? 'alice' : cb.type === 'PasswordCallback' ? password : f.value })),
    }));
    step = await post(`/journeys/${step.journeyId}/continue`, { callbacks });
  }
  return step.status ?? 'unknown';
}

describe('the studio edits flows', () => {
  it('changes a config value through the form: a bad value gets its problem pinned to the node as you type; fixed and saved, the admin API has the new version, then activates it', async () => {
    await openFlow('login');
    await page.getByRole('navigation', { name: 'flows and node palette' }).getByRole('button', { name: 'verifyCredentials' }).click();
    const field = page.locator('#cfg-maxAttempts');
    await expect(field.inputValue()).resolves.toBe('5');
    await field.fill('0');
    const pinned = page.getByTestId('problem-verifyCredentials');
    await pinned.waitFor();
    await expect(pinned.innerText()).resolves.toMatch(/must be >= 1 \(got 0\)/);
    await page.locator('#cfg-maxAttempts-problem').waitFor();
    await expect(page.getByRole('button', { name: 'Save version…' }).isDisabled()).resolves.toBe(true);
    await field.fill('3');
    await pinned.waitFor({ state: 'detached' });
    await page.getByTestId('problem-count').filter({ hasText: /^0$/ }).waitFor();
    await page.getByRole('button', { name: 'Save version…' }).click();
    const diff = await page.getByTestId('diff').innerText();
    expect(diff).toMatch(/^- +"maxAttempts": 5,$/m);
    expect(diff).toMatch(/^\+ +"maxAttempts": 3,$/m);
    expect(diff).toMatch(/^\+ +"version": 2,$/m);
    await page.getByRole('dialog').getByRole('button', { name: 'Save' }).click();
    await page.getByTestId('status').filter({ hasText: 'saved login version 2' }).waitFor();
    const saved = await admin('/flows/login/versions/2');
    expect(saved.status).toBe(200);
    expect(saved.body.active).toBe(false);
    expect((saved.body.flow as FlowFile & { nodes: Record<string, { config: unknown }> }).nodes.verifyCredentials!.config).toEqual({ maxAttempts: 3, lockoutSeconds: 900 });
    await page.locator('#activate-version').selectOption('2');
    await page.getByRole('button', { name: 'Activate' }).click();
    await page.getByTestId('status').filter({ hasText: 'version 2 of login is active' }).waitFor();
    expect((await admin('/flows/login')).body.activeVersion).toBe(2);
  });

  it('builds a small flow from the palette (an outcome dragged onto a node wires it; a moved node keeps its place under "layout") and saves it', async () => {
    await page.locator('#new-flow-id').fill('studio-built');
    await page.getByRole('button', { name: 'New flow' }).click();
    await page.getByRole('button', { name: 'add a credentials.collect node' }).click();
    await page.getByTestId('node-credentialsCollect').waitFor();
    await page.getByRole('button', { name: 'add a credentials.verify node' }).click();
    // Its unwired outcomes are pinned once the server has checked the flow (nothing re-renders mid-drag).
    await page.getByTestId('problem-credentialsVerify').waitFor();
    // Drag the "collected" outcome of the first node onto the second.
    const handle = page.locator('.react-flow__handle[data-nodeid="credentialsCollect"][data-handleid="collected"]');
    const from = (await handle.boundingBox())!;
    const to = (await page.getByTestId('node-credentialsVerify').boundingBox())!;
    await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
    await page.mouse.down();
    await page.mouse.move(to.x + to.width / 2, to.y + to.height / 2, { steps: 10 });
    await page.mouse.up();
    await page.locator('.react-flow__edge[data-id="credentialsCollect:collected"]').waitFor();
    // The other outcomes through the inspector's selects (the keyboard's way to wire).
    await page.getByRole('navigation', { name: 'flows and node palette' }).getByRole('button', { name: 'credentialsVerify' }).click();
    await page.locator('#wire-valid').selectOption('success');
    await page.locator('#wire-invalid').selectOption('failure');
    await page.locator('#wire-locked').selectOption('failure');
    // Move a node by hand: its new place is in the flow's JSON, under layout.nodes.
    await page.getByRole('tab', { name: 'JSON' }).click();
    const placed = async () => (JSON.parse(await page.locator('#flow-json').inputValue()) as { layout: { nodes: Record<string, { x: number; y: number }> } }).layout.nodes.credentialsVerify!;
    const before = await placed();
    const card = await page.getByTestId('node-credentialsVerify').boundingBox();
    await page.mouse.move(card!.x + 30, card!.y + 20);
    await page.mouse.down();
    await page.mouse.move(card!.x + 130, card!.y + 80, { steps: 5 });
    await page.mouse.up();
    // Right and down by what the drag covered in canvas units (the zoom level divides the pixels).
    await page.waitForFunction(
      (x) => {
        // In the page (the test tsconfig has no DOM types).
        const area = (globalThis as unknown as { document: { querySelector(s: string): { value: string } } }).document.querySelector('#flow-json');
        return (JSON.parse(area.value) as { layout: { nodes: Record<string, { x: number }> } }).layout.nodes.credentialsVerify!.x > x + 10;
      },
      before.x,
    );
    const after = await placed();
    expect(after.x).toBeGreaterThan(before.x + 10);
    expect(after.y).toBeGreaterThan(before.y + 10);
    await page.getByTestId('problem-count').filter({ hasText: /^0$/ }).waitFor();
    await page.getByRole('button', { name: 'Save version…' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Save' }).click();
    await page.getByTestId('status').filter({ hasText: 'saved studio-built version 1' }).waitFor();
    const saved = await admin('/flows/studio-built/versions/latest');
    expect(saved.status).toBe(200);
    const flow = saved.body.flow as FlowFile & { layout: { nodes: Record<string, { x: number; y: number }> } };
    expect(flow.start).toBe('credentialsCollect');
    expect(flow.nodes).toEqual({
      credentialsCollect: { type: 'credentials.collect', outcomes: { collected: 'credentialsVerify' } },
      credentialsVerify: { type: 'credentials.verify', outcomes: { valid: 'success', invalid: 'failure', locked: 'failure' } },
    });
    expect(flow.layout.nodes.credentialsVerify).toEqual(after);
  });
});

describe('the studio debugs flows', () => {
  const statuses: string[] = [];
  beforeAll(async () => {
    // What the funnel must count: two sign-ins with the right password, one with a wrong one.
    statuses.push(await runJourney('correct horse battery staple'), await runJourney('wrong'), await runJourney('correct horse battery staple'));
  });

  it('draws a journey picked from the journey log over the graph: order, outcome and ms per node, the failing node marked', async () => {
    expect(statuses).toEqual(['success', 'failure', 'success']);
    await openFlow('password-login');
    await page.getByRole('button', { name: 'Journeys' }).click();
    const journeys = page.getByRole('list', { name: 'journeys' }).getByRole('button');
    await journeys.first().waitFor();
    await expect(journeys.count()).resolves.toBe(3);
    await journeys.filter({ hasText: 'failure' }).click();
    await page.getByTestId('trace-verify').waitFor();
    await expect(page.getByTestId('trace-collect').innerText()).resolves.toMatch(/^#1,#2 suspended [\d.]+ ms; collected [\d.]+ ms$/);
    await expect(page.getByTestId('trace-verify').innerText()).resolves.toMatch(/^#3 invalid [\d.]+ ms/);
    await expect(page.getByTestId('node-verify').getAttribute('class')).resolves.toContain('failed');
    await expect(page.getByTestId('node-collect').getAttribute('class')).resolves.not.toContain('failed');
    await expect(page.locator('.react-flow__edge[data-id="verify:invalid"]').getAttribute('class')).resolves.toContain('taken');
    await expect(page.locator('.react-flow__edge[data-id="verify:valid"]').getAttribute('class')).resolves.not.toContain('taken');
    await screenshot('trace.png');
  });

  it('shows the funnel of the journeys the test ran: reached per node, taken per outcome', async () => {
    await page.getByRole('button', { name: 'Funnel (24 h)' }).click();
    await page.getByTestId('funnel').waitFor();
    await expect(page.getByTestId('funnel').locator('caption').innerText()).resolves.toContain('3 journeys: 2 success, 1 failure, 0 live');
    await expect(page.getByTestId('funnel-row-collect').innerText()).resolves.toMatch(/collect\s+3\s+suspended 3, collected 3/);
    await expect(page.getByTestId('funnel-row-verify').innerText()).resolves.toMatch(/verify\s+3\s+(valid 2, invalid 1|invalid 1, valid 2)/);
    await expect(page.getByTestId('funnel-verify').innerText()).resolves.toBe('reached by 3 of 3 journeys');
    await expect(page.locator('.react-flow__edge[data-id="verify:valid"] .react-flow__edge-text').textContent()).resolves.toBe('valid ×2');
  });
});
