/** The version of the report's shape; bumped when a field changes meaning or goes away. */
export const REPORT_VERSION = 1;
/**
 * The version of the mapping tables (README "Mapping tables"): bumped whenever a source type maps
 * differently, so a report says which table produced a flow.
 */
export const MAPPING_VERSION = 1;

export type ImportFormat = 'aic' | 'davinci';

/** What became of one source node. */
export type NodeStatus = 'mapped' | 'placeholder' | 'dropped';

export interface ReportNode {
  /** The Waymark flow id the node belongs to. */
  flow: string;
  sourceId: string;
  sourceType: string;
  displayName?: string;
  status: NodeStatus;
  /** The Waymark node id it became (mapped, placeholder), if any. */
  nodeId?: string;
  /** The Waymark node type (or `success` / `failure` / `edge` for nodes that became a terminal or a plain edge). */
  mappedTo?: string;
  reason: string;
  suggestion?: string;
  /**
   * Whether the node counts in the statistics. Structural source elements that carry no
   * behaviour of their own (DaVinci EVAL and ANNOTATION, the AIC page children counted through their page) do not.
   */
  counted: boolean;
  /** For scripted decisions: the script, as exported, and whether it was recognised. */
  script?: { id: string; name?: string; text?: string; recognised: boolean; expression?: string[] };
  /** What the mapping could not carry over (a validation policy, a source outcome with no counterpart). */
  notes?: string[];
}

export interface ReportSecret {
  /** The secret name the flow refers to (`secretName`). */
  name: string;
  /** Where the value came from: an ESV (`esv.x`), an inline value in the export, or nowhere (the export left it out: set it). */
  source: 'esv' | 'inline' | 'absent';
  /** `<flow>/<nodeId>/<field>`. */
  where: string;
  /** Inline secrets were in the export file: rotate them, they are compromised. */
  rotate: boolean;
}

export interface ReportVariable {
  /** The `$var` name the flow refers to. */
  name: string;
  source: 'esv' | 'davinci-variable';
  where: string;
  /** The value the export carried, for non-secret variables (a DaVinci flow variable's default). */
  value?: string | number | boolean;
}

export interface ImportStats {
  /** Source nodes that count (see ReportNode.counted). */
  total: number;
  mapped: number;
  placeholder: number;
  dropped: number;
  /** mapped / total, 0..1 (1 when there is nothing to count). */
  share: number;
}

export interface ImportReport {
  reportVersion: typeof REPORT_VERSION;
  mappingVersion: typeof MAPPING_VERSION;
  format: ImportFormat;
  /** The input as named on the command line (or by the caller). */
  input: string;
  flows: { id: string; sourceName: string; sourceId?: string; nodes: number }[];
  nodes: ReportNode[];
  secrets: ReportSecret[];
  variables: ReportVariable[];
  /** Flow-level findings: flags with no counterpart, inner trees not bundled, parallel branches. */
  notes: { flow: string; message: string }[];
  stats: ImportStats;
}

export function statsOf(nodes: readonly ReportNode[]): ImportStats {
  const counted = nodes.filter((n) => n.counted);
  const mapped = counted.filter((n) => n.status === 'mapped').length;
  const placeholder = counted.filter((n) => n.status === 'placeholder').length;
  const dropped = counted.filter((n) => n.status === 'dropped').length;
  return { total: counted.length, mapped, placeholder, dropped, share: counted.length === 0 ? 1 : mapped / counted.length };
}

export function formatShare(stats: ImportStats): string {
  return `${(stats.share * 100).toFixed(1)}% (${stats.mapped} of ${stats.total} source nodes mapped to real node types; ${stats.placeholder} placeholders, ${stats.dropped} dropped)`;
}

/** The human summary of a report: one line per flow, one per node that is not plainly mapped, the secrets to set. */
export function summarize(report: ImportReport): string {
  const lines: string[] = [];
  lines.push(
    `Waymark import report (report v${report.reportVersion}, mapping v${report.mappingVersion}) — ${report.format} — ${report.input}`,
  );
  lines.push(`Mapped: ${formatShare(report.stats)}`);
  lines.push('');
  for (const flow of report.flows) {
    lines.push(`Flow ${flow.id} (from "${flow.sourceName}"): ${flow.nodes} node${flow.nodes === 1 ? '' : 's'}`);
    for (const n of report.nodes.filter((x) => x.flow === flow.id)) {
      const label = `${n.sourceType} "${n.displayName ?? n.sourceId}" (${n.sourceId})`;
      if (n.status === 'mapped') {
        lines.push(
          `  mapped       ${label} → ${n.mappedTo}${n.nodeId ? ` ${n.nodeId}` : ''}${n.notes?.length ? ` — note: ${n.notes.join('; ')}` : ''}`,
        );
      } else {
        lines.push(
          `  ${n.status.padEnd(12)} ${label}${n.nodeId ? ` → ${n.nodeId}` : ''}: ${n.reason}${n.suggestion ? ` — suggestion: ${n.suggestion}` : ''}`,
        );
      }
    }
    for (const note of report.notes.filter((x) => x.flow === flow.id)) lines.push(`  note         ${note.message}`);
  }
  if (report.secrets.length > 0) {
    lines.push('');
    lines.push('Secrets to provide (never in the flow files):');
    for (const s of report.secrets)
      lines.push(
        `  ${s.name} (${s.source === 'esv' ? 'from an ESV' : s.source === 'inline' ? 'was inline in the export' : 'not in the export'}) at ${s.where}${s.rotate ? ' — ROTATE: the value was in the export file' : ''}`,
      );
  }
  if (report.variables.length > 0) {
    lines.push('');
    lines.push('Variables to set (serve config "variables", WAYMARK_VAR_<name> or --var):');
    for (const v of report.variables)
      lines.push(`  ${v.name} (${v.source}) at ${v.where}${v.value !== undefined ? ` — exported value ${JSON.stringify(v.value)}` : ''}`);
  }
  return `${lines.join('\n')}\n`;
}
