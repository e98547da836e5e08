// Runs the same e2e suite (test/e2e/suite) in a desktop VS Code downloaded by @vscode/test-electron,
// for machines that can reach VS Code's update server (this one cannot: there, use run-e2e.mjs).
// On Linux without a display, run it under xvfb-run.
//
// Usage: node scripts/vscode/run-e2e-electron.mjs
//   VSCODE_VERSION=<version|stable|insiders>  which VS Code to download (default: stable)
//   PORTCHAIN_E2E_GREP=<text>                 run only the tests whose title contains it
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestRunFailedError, runTests } from '@vscode/test-electron';
import { E2E_TESTS_PATH, QUIET_USER_SETTINGS, buildExtensionAndSuite, copyExamples, writeUserSettings } from './e2e.mjs';
import { REPO_ROOT } from './paths.mjs';

await buildExtensionAndSuite();

const runDir = mkdtempSync(join(tmpdir(), 'portchain-e2e-electron-'));
const workspace = copyExamples(runDir);
const userDataDir = join(runDir, 'user-data');
writeUserSettings(userDataDir, QUIET_USER_SETTINGS);

try {
  // runTests resolves with 0 or rejects with the exit code (TestRunFailedError).
  await runTests({
    version: process.env.VSCODE_VERSION || 'stable',
    extensionDevelopmentPath: REPO_ROOT,
    extensionTestsPath: E2E_TESTS_PATH,
    extensionTestsEnv: process.env.PORTCHAIN_E2E_GREP ? { PORTCHAIN_E2E_GREP: process.env.PORTCHAIN_E2E_GREP } : {},
    launchArgs: [
      workspace,
      // Only the extension under test runs; a trust prompt would stop it from activating.
      '--disable-extensions',
      '--disable-workspace-trust',
      '--skip-welcome',
      '--skip-release-notes',
      '--user-data-dir', userDataDir,
      '--extensions-dir', join(runDir, 'extensions'),
    ],
  });
  rmSync(runDir, { recursive: true, force: true });
  console.log('[e2e] passed');
} catch (error) {
  if (!(error instanceof TestRunFailedError)) {
    // Nothing ran: VS Code could not be downloaded or started.
    rmSync(runDir, { recursive: true, force: true });
    console.error(`[e2e] VS Code did not start: ${error?.message ?? error}`);
    console.error('[e2e] without a route to update.code.visualstudio.com, run the suite in the offline VS Code server: npm run test:e2e');
    process.exit(1);
  }
  console.error(`[e2e] failed: ${error.message}`);
  console.error(`[e2e] the run's files (user data and logs, workspace copy) are kept in ${runDir}`);
  process.exit(error.code || 1);
}
