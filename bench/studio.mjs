/* global document, requestAnimationFrame -- the measuring function runs in the page (page.evaluate) */
// The studio's canvas: how long a flow takes to lay out (app/layout.ts) and render (React Flow) in
// headless Chromium, a 200-node flow against a 10-node one in the same run, and the size of the
// page's JavaScript gzipped. Goals: 200 nodes ≤ 500 ms, JS < 400 kB gzipped.
//
//   node bench/studio.mjs        (npm run bench runs it after the build)
//
// Measured on a freshly loaded page, from the press on the flow's name in the list to the frame
// where every card and every edge is drawn (the flow's fetch from the local server included); then
// the page's main-thread CPU time over the same window, from a trace, which a busy machine inflates
// far less than the wall time (the load average is printed with the times).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { createCliRegistry, startLocalStudio } from '@waymark/cli';

const ROOT = new URL('../', import.meta.url).pathname;
const RUNS = 5;
const CPU_RUNS = 3;

/** A flow of `n` session.check nodes, each branching to the next two (a DAG as wide as real ones get). */
export function syntheticFlow(n) {
  const nodes = {};
  for (let i = 0; i < n; i++) {
    const next = (k) => (k < n ? `n${k}` : k === n ? 'success' : 'failure');
    nodes[`n${i}`] = { type: 'session.check', outcomes: { active: next(i + 1), none: next(i + 2) } };
  }
  return { id: `bench-${n}`, version: 1, description: `A synthetic flow of ${n} nodes for the studio benchmark.`, start: 'n0', nodes };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Opens bench-<n> on a fresh page and answers the ms from the press on its name until every card and edge is drawn. */
async function openAndTime(page, url, n) {
  await page.goto(url);
  await page.getByRole('button', { name: new RegExp(`^bench-${n} `) }).waitFor();
  const edges = 2 * n;
  return page.evaluate(
    ({ n, edges }) =>
      new Promise((done) => {
        const button = [...document.querySelectorAll('nav button')].find((b) => b.textContent.startsWith(`bench-${n} `));
        performance.mark('bench-start');
        const t0 = performance.now();
        button.click();
        const check = () => {
          const cards = document.querySelectorAll('.react-flow__node[data-id^="n"]').length;
          const drawn = document.querySelectorAll('.react-flow__edge path.react-flow__edge-path[d]').length;
          if (cards === n && drawn === edges && document.querySelector('[data-testid="flow-title"]')?.textContent.startsWith(`bench-${n} `)) {
            performance.mark('bench-end');
            done(performance.now() - t0);
          } else requestAnimationFrame(check);
        };
        requestAnimationFrame(check);
      }),
    { n, edges },
  );
}

/**
 * The page's main-thread CPU time over the same window (a Chromium trace: the thread time of its
 * tasks between the two marks). On a shared machine the wall time also counts the time the page
 * waited for a core; this does not.
 */
function mainThreadCpuMs(trace) {
  const events = JSON.parse(trace.toString('utf8')).traceEvents;
  const start = events.find((e) => e.name === 'bench-start')?.ts;
  const end = events.find((e) => e.name === 'bench-end')?.ts;
  const main = events.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  let cpu = 0;
  for (const e of events) if (e.pid === main.pid && e.tid === main.tid && e.name === 'RunTask' && e.ph === 'X' && e.ts + e.dur > start && e.ts < end) cpu += e.tdur ?? 0;
  return cpu / 1000;
}

export async function benchStudio() {
  const folder = mkdtempSync(join(tmpdir(), 'studio-bench-'));
  const sizes = [10, 200];
  for (const n of sizes) writeFileSync(join(folder, `bench-${n}.json`), JSON.stringify(syntheticFlow(n), null, 2));
  const studio = await startLocalStudio({ folder, registry: await createCliRegistry(), port: 0 });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
  });
  const results = {};
  const cpu = {};
  try {
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    for (let run = 0; run < RUNS; run++)
      for (const n of sizes) {
        // A fresh page each time: the time is this flow's layout and render, not the teardown of the one before.
        (results[n] ??= []).push(await openAndTime(page, studio.url, n));
      }
    // Then the same again, traced, for the main thread's CPU time (tracing slows the wall time a little).
    for (let run = 0; run < CPU_RUNS; run++)
      for (const n of sizes) {
        await browser.startTracing(page);
        await openAndTime(page, studio.url, n);
        (cpu[n] ??= []).push(mainThreadCpuMs(await browser.stopTracing()));
      }
  } finally {
    await browser.close();
    await studio.close();
    rmSync(folder, { recursive: true, force: true });
  }
  const app = join(ROOT, 'packages/studio/dist/app');
  const js = readFileSync(join(app, 'studio.js'));
  const css = readFileSync(join(app, 'studio.css'));
  return {
    runs: RUNS,
    ms10: median(results[10]),
    ms200: median(results[200]),
    range200: [Math.min(...results[200]), Math.max(...results[200])],
    cpuRuns: CPU_RUNS,
    cpu10: median(cpu[10]),
    cpu200: median(cpu[200]),
    load: loadavg()[0],
    jsBytes: js.length,
    jsGzip: gzipSync(js).length,
    cssGzip: gzipSync(css).length,
  };
}

export function formatStudio(r) {
  const kb = (b) => `${(b / 1024).toFixed(1)} kB`;
  return [
    `studio canvas (headless Chromium, median of ${r.runs}): 10 nodes ${r.ms10.toFixed(1)} ms, 200 nodes ${r.ms200.toFixed(1)} ms (${r.range200.map((v) => v.toFixed(0)).join('-')}) (goal ≤ 500 ms) ${r.ms200 <= 500 ? 'ok' : 'OVER'}; 200/10 ratio ${(r.ms200 / r.ms10).toFixed(2)}; load average ${r.load.toFixed(1)}`,
    `studio canvas, main-thread CPU over the same window (traced, median of ${r.cpuRuns}): 10 nodes ${r.cpu10.toFixed(1)} ms, 200 nodes ${r.cpu200.toFixed(1)} ms`,
    `studio page JavaScript: ${kb(r.jsBytes)}, ${kb(r.jsGzip)} gzipped (goal < 400 kB) ${r.jsGzip < 400 * 1024 ? 'ok' : 'OVER'}; CSS ${kb(r.cssGzip)} gzipped`,
  ];
}

if (process.argv[1] === new URL(import.meta.url).pathname) for (const line of formatStudio(await benchStudio())) console.log(line);
