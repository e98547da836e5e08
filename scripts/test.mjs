// The whole unit, protocol and CLI test run: type-check, bundle, install the editors and tools the
// selected tests run where they are missing (scripts/test-tools.mjs), then node's test runner.
// Tests are bundled with esbuild (no separate compile step to go stale) into out/test/.
import { spawnSync } from 'node:child_process';
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { provisionTestTools } from './test-tools.mjs';
import { ProvisionError } from './vscode/provision.mjs';

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
step('the programs the tests drive (Neovim, Emacs with eglot, pre-commit)');
try {
  const installed = provisionTestTools(testFiles);
  console.log(installed.length > 0 ? `installed ${installed.join(', ')}` : 'all present');
} catch (error) {
  console.error(`[test] ${error instanceof ProvisionError ? error.message : error?.stack ?? error}`);
  process.exit(1);
}

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
// No single test may take longer than five minutes, and a test file that keeps the run alive with
// a leaked handle (a child process or a socket) once its tests are done ends the run loudly after
// twenty. Not --test-force-exit: it drops the last results a file reports (nodejs/node#64833), so
// the totals would count fewer tests than ran.
const RUN_LIMIT_MS = 20 * 60 * 1000;
const result = spawnSync(process.execPath, ['--enable-source-maps', '--test', '--test-reporter=spec', '--test-timeout=300000', ...compiled], { stdio: 'inherit', timeout: RUN_LIMIT_MS, killSignal: 'SIGKILL' });
if (result.error?.code === 'ETIMEDOUT') console.error(`\nnode --test did not end within ${RUN_LIMIT_MS / 60000} minutes: a test file keeps the process alive (a leaked child process, socket or timer)`);
rmSync(outdir, { recursive: true, force: true });
process.exit(result.status ?? 1);

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? (name === 'node_modules' || name === 'fixtures' ? [] : walk(path)) : [path];
  });
}
