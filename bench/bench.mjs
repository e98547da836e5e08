// `npm run bench`: builds dist/, bundles the benchmark (run, parseOnly, cpuTime, profiledServer) into out/bench/ and runs it with the
// arguments given (see bench/run.ts). The benchmark is TypeScript so it can share the LSP test
// client (test/support/lspClient.ts); bundling it like the tests keeps one build tool.
import { spawnSync } from 'node:child_process';
import * as esbuild from 'esbuild';
import { yamlAlias } from '../scripts/esbuildShared.mjs';

const root = new URL('..', import.meta.url).pathname;
process.chdir(root);

const build = spawnSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
await esbuild.build({
  entryPoints: { run: 'bench/run.ts', parseOnly: 'bench/parseOnly.ts', cpuTime: 'bench/cpuTime.ts', profiledServer: 'bench/profiledServer.ts' },
  outdir: 'out/bench',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: 'inline',
  alias: yamlAlias,
  logLevel: 'warning',
});
const run = spawnSync(process.execPath, ['--enable-source-maps', 'out/bench/run.js', ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(run.status ?? 1);
