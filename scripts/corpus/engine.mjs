// The engine for the corpus scripts: the model, graph, rules and the CLI's check, bundled from
// server/src on each run (nothing to go stale, no dist/ needed) and loaded in this process.
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as esbuild from 'esbuild';

export const ROOT = new URL('../..', import.meta.url).pathname;

/** Where the corpus sits beside the checkout, unless PORTCHAIN_CORPUS says otherwise. */
export const CORPUS = resolve(process.env.PORTCHAIN_CORPUS ?? join(ROOT, '..', 'shared', 'corpus'));

/**
 * Bundles the engine's entry points into a CommonJS file of a fresh temporary folder:
 * `{ file, dispose }`; `dispose` removes the folder.
 */
export async function bundleEngine() {
  const dir = mkdtempSync(join(tmpdir(), 'portchain-corpus-'));
  const file = join(dir, 'engine.cjs');
  await esbuild.build({
    stdin: {
      contents: [
        "export { parseFile } from './server/src/model/parse';",
        "export { positionAt } from './server/src/model/text';",
        "export { PortGraph } from './server/src/graph/portGraph';",
        "export { runRules } from './server/src/rules';",
        "export { runCheck } from './server/src/cli/check';",
      ].join('\n'),
      resolveDir: ROOT,
      loader: 'ts',
    },
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    outfile: file,
    logLevel: 'warning',
  });
  return { file, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Bundles and loads the engine: `{ parseFile, positionAt, PortGraph, runRules, runCheck }`. */
export async function loadEngine() {
  const bundle = await bundleEngine();
  try {
    return createRequire(import.meta.url)(bundle.file);
  } finally {
    bundle.dispose();
  }
}
