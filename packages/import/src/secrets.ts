import type { ReportSecret, ReportVariable } from './report.js';

const ESV = /^&\{(esv\.[A-Za-z0-9._-]+)\}$/;
const ESV_ANYWHERE = /&\{(esv\.[A-Za-z0-9._-]+)\}/;

/** The ESV a value refers to, in either exported shape: `"&{esv.x}"` or `{ "$string": "&{esv.x}" }` (also `$int`, `$bool`…). */
export function esvOf(value: unknown): string | undefined {
  if (typeof value === 'string') return ESV.exec(value.trim())?.[1];
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const keys = Object.keys(value);
    if (keys.length === 1 && keys[0]!.startsWith('$')) return esvOf((value as Record<string, unknown>)[keys[0]!]);
  }
  return undefined;
}

/** Whether a string mentions an ESV anywhere (inside a longer text, not as the whole value). */
export function mentionsEsv(value: string): boolean {
  return ESV_ANYWHERE.test(value);
}

/** Secret names Waymark accepts as `secretName`: `esv.cookie.key` → `esv-cookie-key`. */
export function secretNameOf(raw: string): string {
  const name = raw
    .replace(/[^A-Za-z0-9_-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .toLowerCase();
  return /^[a-z]/.test(name) ? name.slice(0, 64) : `secret-${name}`.slice(0, 64);
}

/** Field names that hold secrets in AIC node configs (and DaVinci connection properties). */
export const SECRET_FIELD = /(secret|password|passwd|key|token|credential|privateKey|apiKey|hmac)/i;

/** Collects the secrets and variables an import produces, once each. */
export class Vault {
  readonly secrets: ReportSecret[] = [];
  readonly variables: ReportVariable[] = [];

  /** A secret reference for an ESV or an inline value found at `where`; inline ones are flagged for rotation. */
  secret(name: string, source: ReportSecret['source'], where: string): string {
    const secretName = secretNameOf(name);
    if (!this.secrets.some((s) => s.name === secretName && s.where === where))
      this.secrets.push({ name: secretName, source, where, rotate: source === 'inline' });
    return secretName;
  }

  /** A `{ "$var": name }` reference for a non-secret ESV or flow variable found at `where`. */
  variable(name: string, source: ReportVariable['source'], where: string, value?: string | number | boolean): { $var: string } {
    const varName = name
      .replace(/[^A-Za-z0-9_.-]+/g, '_')
      .replace(/^[^A-Za-z]+/, 'v')
      .slice(0, 64);
    if (!this.variables.some((v) => v.name === varName && v.where === where))
      this.variables.push({ name: varName, source, where, ...(value !== undefined ? { value } : {}) });
    return { $var: varName };
  }

  /**
   * Scans a source config (any depth) for ESV references and inline secrets so the report can
   * list them; returns nothing: a mapper that keeps a value calls `secret`/`variable` itself.
   * Used for nodes that become placeholders, whose source config stays out of the flow.
   */
  scan(config: unknown, where: string, depth = 0): void {
    if (depth > 20 || config === null || typeof config !== 'object') return;
    for (const [key, value] of Object.entries(config as Record<string, unknown>)) {
      if (key.startsWith('_')) continue;
      const esv = esvOf(value);
      if (esv !== undefined) {
        if (SECRET_FIELD.test(key)) this.secret(esv, 'esv', `${where}/${key}`);
        else this.variable(esv, 'esv', `${where}/${key}`);
      } else if (
        typeof value === 'string' &&
        SECRET_FIELD.test(key) &&
        value.length >= 8 &&
        !/^[a-z]+$/i.test(value) &&
        !/(Attribute|Field|Name|Header|Label|Prompt|Policy|Length)$/i.test(key)
      ) {
        this.secret(`${where.split('/').pop()}-${key}`, 'inline', `${where}/${key}`);
      } else if (typeof value === 'object') this.scan(value, `${where}/${key}`, depth + 1);
    }
  }
}
