import { mkdir, mkdtemp, readdir, readFile, rename, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  DEFAULT_MAX_BYTES,
  IMPORT_ERRORS,
  ImportError,
  formatShare,
  importAic,
  importDavinci,
  summarize,
  type ImportFile,
  type ImportResult,
} from '@waymark/import';
import { parseOrUsage, type Command } from '../command.js';
import { CliError } from '../errors.js';
import { EXIT, type CliIo } from '../io.js';

const usage = `Usage: waymark import aic <file|folder> [--out <dir>] [--stats]
       waymark import davinci <file> [--subflow <file>]... [--out <dir>] [--stats]

Turns AIC/AM journeys or DaVinci flows into Waymark flows: one flow file per tree or flow,
plus a report (import-report.json, versioned, and import-report.txt, for people) saying what
became of every source node: mapped, replaced by an import.placeholder, or dropped, with the
reason and the suggested replacement. Secrets and ESVs become named secrets and variables,
never literals; inline keys are flagged for rotation. Nothing is written unless the whole
import succeeds.

  aic      a platform-UI export, a frodo single- or multi-tree export (*.journey.json), or a
           folder: frodo exports with their script files, or an Amster export (AuthTree/<name>.json
           beside one file per node)
  davinci  a DaVinci flow export ({ flowId, graphData } or { flows: [...] })

Options:
  --out <dir>        where to write (default ./imported); must be absent or empty
  --subflow <file>   davinci: a subflow export, imported too (repeatable)
  --stats            print the share of source nodes mapped to real node types
  --max-mb <n>       the largest export read, in MB (default ${DEFAULT_MAX_BYTES / 1024 / 1024})
  -h, --help         show this help

Validate the result with: waymark validate --plugin @waymark/import <dir>/flows
Exit codes: 0 imported, 2 usage error or an export the importer refuses (nothing written).
`;

async function readOne(path: string, shown: string, maxBytes: number): Promise<ImportFile> {
  const info = await stat(path).catch(() => undefined);
  if (!info) throw new CliError('ERR_CLI_FILE', `import: ${shown} does not exist: name an export file or folder`);
  if (info.size > maxBytes)
    throw new ImportError(
      IMPORT_ERRORS.ERR_IMPORT_TOO_LARGE,
      `${shown}: ${(info.size / 1024 / 1024).toFixed(1)} MB is larger than the ${maxBytes / 1024 / 1024} MB the importer reads: split the export (one tree or flow per file), or raise --max-mb`,
      { where: shown, maxBytes },
    );
  return { path: shown, text: await readFile(path, 'utf8') };
}

/** Every *.json and *.js file under a folder (sorted), paths relative to it. */
async function readFolder(root: string, maxBytes: number): Promise<ImportFile[]> {
  const out: ImportFile[] = [];
  let total = 0;
  const walk = async (dir: string, depth: number): Promise<void> => {
    if (depth > 8) return;
    for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path, depth + 1);
      else if (/\.(json|js)$/.test(entry.name)) {
        const shown = relative(root, path).split('\\').join('/');
        const file = await readOne(path, shown, maxBytes - total);
        total += Buffer.byteLength(file.text);
        out.push(file);
      }
    }
  };
  await walk(root, 0);
  return out;
}

/**
 * Writes the flows and the report into a temporary folder beside `out`, then renames it: a
 * failure half-way leaves nothing behind (the temporary folder is removed).
 */
export async function writeImport(result: ImportResult, out: string): Promise<string[]> {
  const existing = await readdir(out).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    if (error.code === 'ENOTDIR') return ['(a file)'];
    throw error;
  });
  if (existing !== undefined && existing.length > 0)
    throw new CliError(
      'ERR_CLI_TARGET_EXISTS',
      `import: ${out} exists and is not empty; nothing was written: pass --out with a new or empty folder`,
      { dir: out },
    );
  await mkdir(dirname(out), { recursive: true });
  const temp = await mkdtemp(join(dirname(out), `.${basename(out)}.import-`));
  const written: string[] = [];
  try {
    await mkdir(join(temp, 'flows'));
    for (const flow of result.flows) {
      await writeFile(join(temp, 'flows', `${flow.id}.json`), `${JSON.stringify(flow, null, 2)}\n`, { flag: 'wx' });
      written.push(`flows/${flow.id}.json`);
    }
    await writeFile(join(temp, 'import-report.json'), `${JSON.stringify(result.report, null, 2)}\n`, { flag: 'wx' });
    await writeFile(join(temp, 'import-report.txt'), summarize(result.report), { flag: 'wx' });
    written.push('import-report.json', 'import-report.txt');
    if (existing !== undefined) await rmdir(out);
    await rename(temp, out);
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    throw error;
  }
  return written;
}

export const importCommand: Command = {
  name: 'import',
  summary: 'turn AIC/AM journeys or DaVinci flows into Waymark flows, with a report',
  usage,
  async run(argv, io: CliIo) {
    const { values, positionals } = parseOrUsage('import', ['out', 'subflow', 'stats', 'max-mb', 'help'], () =>
      parseArgs({
        args: [...argv],
        options: {
          out: { type: 'string' },
          subflow: { type: 'string', multiple: true },
          stats: { type: 'boolean' },
          'max-mb': { type: 'string' },
          help: { type: 'boolean', short: 'h' },
        },
        allowPositionals: true,
      }),
    );
    if (values.help) {
      io.stdout.write(usage);
      return EXIT.OK;
    }
    const [format, input, ...extra] = positionals;
    if ((format !== 'aic' && format !== 'davinci') || input === undefined || extra.length > 0)
      throw new CliError(
        'ERR_CLI_USAGE',
        'import: name the format and one export, such as "waymark import aic Login.journey.json" or "waymark import davinci flow.json"',
      );
    if (format === 'aic' && values.subflow?.length)
      throw new CliError(
        'ERR_CLI_USAGE',
        'import: --subflow is for davinci; AIC inner trees are read from the export (or the folder) itself',
      );
    const maxMb = values['max-mb'] === undefined ? DEFAULT_MAX_BYTES / 1024 / 1024 : Number(values['max-mb']);
    if (!Number.isFinite(maxMb) || maxMb <= 0)
      throw new CliError('ERR_CLI_USAGE', `import: --max-mb takes a positive number of megabytes (got "${values['max-mb']}")`);
    const maxBytes = Math.floor(maxMb * 1024 * 1024);
    const path = resolve(io.cwd, input);
    const info = await stat(path).catch(() => undefined);
    if (!info) throw new CliError('ERR_CLI_FILE', `import: ${input} does not exist: name an export file or folder`);
    let result: ImportResult;
    if (format === 'aic') {
      const files = info.isDirectory() ? await readFolder(path, maxBytes) : [await readOne(path, input, maxBytes)];
      result = importAic(files, { maxBytes, input });
    } else {
      if (info.isDirectory())
        throw new CliError('ERR_CLI_USAGE', 'import davinci: name the flow export file (and --subflow files), not a folder');
      const subflows = [];
      for (const s of values.subflow ?? []) subflows.push(await readOne(resolve(io.cwd, s), s, maxBytes));
      result = importDavinci(await readOne(path, input, maxBytes), { maxBytes, input, subflows });
    }
    const out = resolve(io.cwd, values.out ?? 'imported');
    const written = await writeImport(result, out);
    const shown = relative(io.cwd, out) || '.';
    const { stats } = result.report;
    io.stdout.write(
      `Imported ${result.flows.length} flow${result.flows.length === 1 ? '' : 's'} into ${shown}: ${written.join(', ')}\n` +
        `${stats.mapped} mapped, ${stats.placeholder} placeholder${stats.placeholder === 1 ? '' : 's'}, ${stats.dropped} dropped; ` +
        `${result.report.secrets.length} secret${result.report.secrets.length === 1 ? '' : 's'} and ${result.report.variables.length} variable${result.report.variables.length === 1 ? '' : 's'} to provide (see import-report.txt)\n`,
    );
    if (values.stats) io.stdout.write(`Mapped to real node types: ${formatShare(stats)}\n`);
    return EXIT.OK;
  },
};
