/** Types of scripts/errors-doc.mjs, for the test that keeps docs/errors.md in sync. */
export interface DocumentedCode {
  code: string;
  meaning: string;
}
export interface DocumentedRegistry {
  name: string;
  file: string;
  summary: string | undefined;
  codes: DocumentedCode[];
}
export interface PackageRegistries {
  pkg: string;
  registries: DocumentedRegistry[];
}
export const PACKAGES: readonly string[];
export const DOC_FILE: string;
export const REGENERATE: string;
export function collectRegistries(
  packages?: readonly string[],
  load?: (name: string) => Promise<Record<string, unknown>>,
): Promise<PackageRegistries[]>;
export function renderErrorsDoc(collected: PackageRegistries[]): string;
