// What both e2e runners (run-e2e.mjs in the offline VS Code server, run-e2e-electron.mjs in a
// downloaded desktop VS Code) do before VS Code starts: bundle the extension and the suite, and
// copy examples/ into a folder of the run's own, since the tests edit the files they open.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { EXAMPLES_DIR, REPO_ROOT } from './paths.mjs';

export const E2E_SOURCE_DIR = join(REPO_ROOT, 'test', 'e2e', 'suite');
export const E2E_OUT_DIR = join(REPO_ROOT, 'out', 'e2e');
/** The module VS Code loads as extensionTestsPath. */
export const E2E_TESTS_PATH = join(E2E_OUT_DIR, 'index.js');

/** What the suite prefixes its report lines with (test/e2e/suite/index.ts). */
export const REPORT_PREFIX = '[e2e]';

/** Bundles the extension (scripts/build.mjs) and the suite (test/e2e/suite → out/e2e). */
export async function buildExtensionAndSuite() {
  const build = spawnSync(process.execPath, [join(REPO_ROOT, 'scripts', 'build.mjs')], { stdio: 'inherit', cwd: REPO_ROOT });
  if (build.status !== 0) throw new Error('the extension build (scripts/build.mjs) failed; see above');
  rmSync(E2E_OUT_DIR, { recursive: true, force: true });
  await esbuild.build({
    // index.ts, and each test file as a module of its own for mocha to load.
    entryPoints: readdirSync(E2E_SOURCE_DIR).filter((name) => name === 'index.ts' || name.endsWith('.test.ts')).map((name) => join(E2E_SOURCE_DIR, name)),
    outdir: E2E_OUT_DIR,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: 'inline',
    logLevel: 'warning',
    // vscode is the extension host's own; mocha is loaded once from node_modules so that the
    // test files and index.js share its state.
    external: ['vscode', 'mocha'],
  });
}

/** Copies examples/ to `<runDir>/examples` and returns that folder. */
export function copyExamples(runDir) {
  const workspace = join(runDir, 'examples');
  cpSync(EXAMPLES_DIR, workspace, { recursive: true });
  return workspace;
}

/** User settings for a quiet, reproducible window: no welcome page, no AI panel, nothing calling home (offline, it would only log errors). */
export const QUIET_USER_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'chat.disableAIFeatures': true,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
};

/** Writes `settings` as the user settings file of a VS Code user data folder. */
export function writeUserSettings(userDataDir, settings) {
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  writeFileSync(join(userDataDir, 'User', 'settings.json'), `${JSON.stringify(settings, null, 2)}\n`);
}
