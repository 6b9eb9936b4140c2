import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { engineNodes, NodeRegistry, validateFlowJson } from '@waymark/core';
import type { NodeType } from '@waymark/sdk';
import { builtinNodes } from '@waymark/nodes';
import { importPlaceholder, type FlowJson, type ImportFile, type ImportReport } from '../src/index.js';

export const FIXTURES = new URL('./fixtures/', import.meta.url).pathname;

/** The AIC fixture set whose --stats the README quotes: every file of fixtures/aic, and the two folders. */
export const AIC_FILES = readdirSync(join(FIXTURES, 'aic')).sort();
export const AIC_FOLDERS = ['aic-amster', 'aic-scripts'];
export const DAVINCI_MAIN = [
  'full-basic.json',
  'multiple-flows.json',
  'sign-on.json',
  'full-basic-subflow-1.json',
  'full-basic-subflow-2.json',
];

export function file(path: string): ImportFile {
  return { path: relative(FIXTURES, path), text: readFileSync(path, 'utf8') };
}

export function folder(dir: string): ImportFile[] {
  const out: ImportFile[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push({ path: relative(dir, p), text: readFileSync(p, 'utf8') });
    }
  };
  walk(dir);
  return out;
}

/** The engine's own types (flow.run; the registry adds page), the built-ins and the placeholder plugin. */
export function registry(): NodeRegistry {
  const r = new NodeRegistry();
  r.registerAll(engineNodes, 'builtin');
  r.registerAll(builtinNodes, 'builtin');
  r.register(importPlaceholder as NodeType<unknown>, '@waymark/import');
  return r;
}

/** Validates an imported flow, with the variables the report asks for set to placeholders. */
export function problemsOf(flow: FlowJson, report: ImportReport, reg = registry()): string[] {
  const variables = Object.fromEntries(report.variables.map((v) => [v.name, 'x']));
  const result = validateFlowJson(JSON.stringify(flow), reg, `${flow.id}.json`, { variables });
  return result.ok ? [] : result.problems.map((p) => `${flow.id}: ${p.pointer} ${p.code} ${p.message}`);
}
