// The whole unit, protocol and CLI test run: type-check, bundle, then node's test runner.
// Tests are bundled with esbuild (no separate compile step to go stale) into out/test/.
import { spawnSync } from 'node:child_process';
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as esbuild from 'esbuild';

const root = new URL('..', import.meta.url).pathname;
process.chdir(root);

const step = (title) => console.log(`\n# ${title}`);

const run = (title, args) => {
  step(title);
  const { status } = spawnSync(process.execPath, args, { stdio: 'inherit' });
  if (status !== 0) {
    console.error(`\n${title} failed`);
    process.exit(1);
  }
};
run('type-check (tsc --noEmit)', ['node_modules/typescript/bin/tsc', '-p', '.', '--noEmit']);
run('bundle (scripts/build.mjs)', ['scripts/build.mjs']);
run('grammar tests (vscode-tmgrammar-test)', ['node_modules/vscode-tmgrammar-test/dist/unit.js', '--config', 'test/syntaxes/grammars.json', 'test/syntaxes/*.test.yaml']);

const filter = process.argv.slice(2);
const testFiles = walk('test').filter((file) => file.endsWith('.test.ts') && !file.includes('/e2e/') && (filter.length === 0 || filter.some((f) => file.includes(f))));
// A folder per run, so that two runs at once (a developer and an editor's test task) never share files.
const outdir = join('out', `test-${process.pid}`);
rmSync(outdir, { recursive: true, force: true });
await esbuild.build({
  entryPoints: testFiles,
  outdir,
  outbase: 'test',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: 'inline',
  logLevel: 'warning',
  // playwright-core finds its own files relative to itself: it runs from node_modules, unbundled.
  external: ['vscode', 'playwright-core'],
});

step(`node --test (${testFiles.length} files)`);
const compiled = testFiles.map((file) => join(outdir, file.replace(/^test\//, '').replace(/\.ts$/, '.js')));
// A test file whose tests have all finished must not keep the run alive with a leaked handle
// (a child process or a socket): --test-force-exit ends each file when its tests are done, and
// no single test may take longer than five minutes.
const result = spawnSync(process.execPath, ['--enable-source-maps', '--test', '--test-reporter=spec', '--test-force-exit', '--test-timeout=300000', ...compiled], { stdio: 'inherit' });
rmSync(outdir, { recursive: true, force: true });
process.exit(result.status ?? 1);

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? (name === 'node_modules' || name === 'fixtures' ? [] : walk(path)) : [path];
  });
}
