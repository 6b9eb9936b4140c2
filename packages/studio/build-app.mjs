// Bundles the studio's browser app (app/main.tsx, React + @xyflow/react) into
// dist/app: index.html, studio.js, studio.css. Run by the root `npm run build` after `tsc -b`,
// and by the browser tests when the bundle is missing or older than its sources. One esbuild
// call, minified, no source maps shipped, nothing fetched at run time (no CDN).
//
//   node packages/studio/build-app.mjs [outdir]
import { copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const appSrc = join(here, 'app');
export const defaultOutdir = join(here, 'dist', 'app');

/** The newest modification time of the app's sources (ms). */
function newestSource() {
  let newest = statSync(join(here, 'build-app.mjs')).mtimeMs;
  for (const name of readdirSync(appSrc)) newest = Math.max(newest, statSync(join(appSrc, name)).mtimeMs);
  return newest;
}

/** True when `outdir` holds a bundle at least as new as every source. */
export function isBuilt(outdir = defaultOutdir) {
  const js = join(outdir, 'studio.js');
  return existsSync(join(outdir, 'index.html')) && existsSync(js) && statSync(js).mtimeMs >= newestSource();
}

/** Builds into a fresh folder beside `outdir`, then swaps it in (a reader never sees half a build). */
export async function buildStudioApp(outdir = defaultOutdir) {
  const { build } = await import('esbuild');
  const staging = `${outdir}.${process.pid}.${Date.now()}`;
  mkdirSync(staging, { recursive: true });
  await build({
    entryPoints: { studio: join(appSrc, 'main.tsx') },
    outdir: staging,
    bundle: true,
    minify: true,
    format: 'esm',
    target: ['chrome120', 'firefox120', 'safari17'],
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': '"production"' },
    legalComments: 'none',
    logLevel: 'warning',
  });
  copyFileSync(join(appSrc, 'index.html'), join(staging, 'index.html'));
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(dirname(outdir), { recursive: true });
  try {
    renameSync(staging, outdir);
  } catch (error) {
    // Another build swapped its folder in first: that one is as good.
    rmSync(staging, { recursive: true, force: true });
    if (!existsSync(join(outdir, 'studio.js'))) throw error;
  }
  return outdir;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const outdir = await buildStudioApp(process.argv[2] ?? defaultOutdir);
  console.log(`studio: bundled into ${outdir}`);
}
