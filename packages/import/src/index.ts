/**
 * @waymark/import: AIC/AM journeys and DaVinci flows in, Waymark flows and a versioned report
 * out (README: the mapping tables). Pure functions over the files' text: the CLI reads the
 * files and writes the results. Also a plugin: `nodes` holds `import.placeholder`, the node
 * type unmapped source nodes become.
 */
import type { Plugin } from '@waymark/sdk';
import { importPlaceholder } from './placeholder.js';

export { importPlaceholder };
export { IMPORT_ERRORS, ImportError } from './errors.js';
export type { ImportErrorCode } from './errors.js';
export { importAic } from './aic/import.js';
export type { ImportResult } from './aic/import.js';
export { importDavinci } from './davinci/import.js';
export type { DavinciImportOptions } from './davinci/import.js';
export { AIC_MAPPERS, SUGGESTIONS as AIC_SUGGESTIONS } from './aic/map.js';
export { recognizeScript, scriptText } from './script.js';
export type { ScriptRules, Recognition } from './script.js';
export { DEFAULT_MAX_BYTES } from './input.js';
export type { ImportFile, ImportOptions } from './input.js';
export { REPORT_VERSION, MAPPING_VERSION, summarize, formatShare, statsOf } from './report.js';
export type { ImportReport, ReportNode, ReportSecret, ReportVariable, ImportStats, ImportFormat, NodeStatus } from './report.js';
export { FLOW_SCHEMA_URL } from './graph.js';
export type { FlowJson } from './graph.js';

/** The plugin contract: `import.placeholder`, so imported flows validate and draw (`--plugin @waymark/import`). */
export const nodes: Plugin['nodes'] = [importPlaceholder];
