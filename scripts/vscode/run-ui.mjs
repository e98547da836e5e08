// Runs the UI tests (test/e2e/ui, node:test + playwright-core) against the packaged extension: the
// .vsix is installed into a fresh VS Code server state with `--install-extension` and the server
// starts WITHOUT extensionDevelopmentPath, so a .vscodeignore that leaves out a bundle, or a
// bundle that does not run on its own, fails here. The tests drive headless chromium like a
// person and read the server and its logs from PORTCHAIN_UI_* variables set below; start.test.ts
// runs `npm start` itself, in this checkout (the tests' working directory).
//
// Usage: node scripts/vscode/run-ui.mjs [--vsix <file>]   (npm run test:e2e provisions and packs first)
//   without --vsix it packs one (scripts/package.mjs) into the run's folder
//   PORTCHAIN_UI_SCREENSHOTS=docs/images   write hover-card.png, quick-fix.png and problems.png there
//   PORTCHAIN_UI_TIMEOUT=<secs>            give up on the test process after this long (default 240)
//
// On failure it keeps the run's folder (server log, extension host logs, the failure screenshots,
// the workspace copy) and prints where it is; on success it removes it.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import * as esbuild from 'esbuild';
import { packageExtension } from '../package.mjs';
import { QUIET_USER_SETTINGS, copyExamples, writeUserSettings } from './e2e.mjs';
import { onInterrupt } from './interrupt.mjs';
import { CHROMIUM, REPO_ROOT, SERVER_MAIN, STAMP } from './paths.mjs';
import { installExtension, startServer } from './server.mjs';

const UI_SOURCE_DIR = join(REPO_ROOT, 'test', 'e2e', 'ui');
const UI_OUT_DIR = join(REPO_ROOT, 'out', 'e2e-ui');

/**
 * Installs `vsix` (or a freshly packed one) into a new server, runs the UI tests against it, and
 * resolves with `{ ok, timings }` (timings from the first test: window → activation → problems).
 */
export async function runUiTests({ vsix, timeoutMs = Number(process.env.PORTCHAIN_UI_TIMEOUT || 240) * 1000 } = {}) {
  const started = Date.now();
  const seconds = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
  const say = (line) => console.log(`[ui] ${line}`);

  if (!existsSync(STAMP) || !existsSync(SERVER_MAIN)) {
    console.error('[ui] the VS Code server is not provisioned: run `node scripts/vscode/provision.mjs` first (or `npm run test:e2e`, which does both)');
    return { ok: false };
  }

  const runDir = mkdtempSync(join(tmpdir(), 'portchain-ui-'));
  const workspace = copyExamples(runDir);
  const stateDir = join(runDir, 'vscode');
  const artifacts = join(runDir, 'artifacts');
  // The workspace is no git repository; without the git extensions the window starts sooner.
  writeUserSettings(join(stateDir, 'user-data'), { ...QUIET_USER_SETTINGS, 'git.enabled': false });

  const packed = vsix ? resolve(vsix) : (await packageExtension({ out: join(runDir, 'portchain.vsix') })).path;
  installExtension({ stateDir, vsix: packed });
  say(`installed ${packed} into a fresh VS Code server state (${seconds()})`);

  const files = readdirSync(UI_SOURCE_DIR).filter((name) => name.endsWith('.test.ts'));
  rmSync(UI_OUT_DIR, { recursive: true, force: true });
  await esbuild.build({
    entryPoints: files.map((name) => join(UI_SOURCE_DIR, name)),
    outdir: UI_OUT_DIR,
    bundle: true,
    platform: 'node',
    target: 'node20',
    // ESM, since scripts/vscode/*.mjs find the repository through import.meta.url.
    format: 'esm',
    outExtension: { '.js': '.mjs' },
    sourcemap: 'inline',
    logLevel: 'warning',
    // playwright-core loads its own files at run time; it stays in node_modules.
    external: ['playwright-core'],
  });

  let server;
  let tests;
  const cleanUp = async () => {
    if (tests && tests.exitCode === null) signalGroup(tests.pid, 'SIGKILL');
    await server?.stop();
  };
  const unregister = onInterrupt(async () => {
    console.error(`[ui] the UI run's files stay in ${runDir}`);
    await cleanUp();
  });

  let code;
  try {
    // Without the smoke test driver and without extensionDevelopmentPath: only the installed .vsix.
    server = await startServer({ stateDir });
    say(`VS Code server on ${server.origin} (${seconds()})`);
    // The tests run in a process group of their own, so that the browser they start goes with them.
    tests = spawn(process.execPath, ['--enable-source-maps', '--test', '--test-reporter=spec', ...files.map((name) => join(UI_OUT_DIR, name.replace(/\.ts$/, '.mjs')))], {
      cwd: REPO_ROOT,
      detached: true,
      stdio: ['ignore', 'inherit', 'inherit'],
      env: {
        ...process.env,
        // The browser's profile goes into the run's folder, so that even a test process killed
        // on the timeout leaves nothing behind in /tmp but that folder.
        TMPDIR: mkdirTmp(runDir),
        CHROMIUM,
        PORTCHAIN_UI_ORIGIN: server.origin,
        PORTCHAIN_UI_WORKSPACE: workspace,
        PORTCHAIN_UI_LOGS: join(stateDir, 'user-data', 'logs'),
        PORTCHAIN_UI_ARTIFACTS: artifacts,
        ...(process.env.PORTCHAIN_UI_SCREENSHOTS ? { PORTCHAIN_UI_SCREENSHOTS: resolve(process.env.PORTCHAIN_UI_SCREENSHOTS) } : {}),
      },
    });
    code = await new Promise((resolveCode) => {
      const timer = setTimeout(() => {
        console.error(`[ui] the tests did not finish within ${timeoutMs / 1000} s (PORTCHAIN_UI_TIMEOUT)`);
        signalGroup(tests.pid, 'SIGKILL');
      }, timeoutMs);
      tests.once('exit', (exitCode, signal) => {
        clearTimeout(timer);
        resolveCode(exitCode ?? (signal ? 1 : 0));
      });
    });
    // Whatever the tests left running (a browser whose close was cut short) goes with their group.
    signalGroup(tests.pid, 'SIGKILL');
  } catch (error) {
    console.error(`[ui] ${error?.stack ?? error}`);
    code = 1;
  }
  await cleanUp();
  unregister();

  const timingsPath = join(artifacts, 'timings.json');
  const timings = existsSync(timingsPath) ? JSON.parse(readFileSync(timingsPath, 'utf8')) : undefined;
  if (code === 0) {
    rmSync(runDir, { recursive: true, force: true });
    say(`passed (${seconds()})`);
    return { ok: true, timings };
  }
  const screenshots = existsSync(artifacts) ? readdirSync(artifacts).filter((name) => name.endsWith('.png')).map((name) => join(artifacts, name)) : [];
  const last = screenshots.sort((a, b) => statSync(a).mtimeMs - statSync(b).mtimeMs).pop();
  console.error(`[ui] failed (exit ${code}); the run's files are kept in ${runDir}:`);
  console.error(`[ui]   server log:       ${server?.logPath ?? join(stateDir, 'server.log')}`);
  console.error(`[ui]   extension host:   ${join(stateDir, 'user-data', 'logs')} (exthost*/remoteexthost.log, exthost*/portchain.portchain/)`);
  console.error(`[ui]   last screenshot:  ${last ?? '(none)'}`);
  console.error(`[ui]   workspace copy:   ${workspace}`);
  return { ok: false, timings };
}

function mkdirTmp(runDir) {
  const dir = join(runDir, 'tmp');
  mkdirSync(dir, { recursive: true });
  return dir;
}

function signalGroup(group, signal) {
  try {
    process.kill(-group, signal);
  } catch (error) {
    if (error.code !== 'ESRCH') throw error;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { vsix: { type: 'string' } } });
  process.exit((await runUiTests({ vsix: values.vsix })).ok ? 0 : 1);
}
