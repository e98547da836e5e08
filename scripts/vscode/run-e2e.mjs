// Runs the e2e suite (test/e2e/suite) inside the real extension host of the offline VS Code
// server: the server starts with the smoke test driver, headless chromium opens a copy of
// examples/ with a payload naming this repository as extensionDevelopmentPath and out/e2e as
// extensionTestsPath, and the workbench reports the suite's exit code through
// `codeAutomationExit`, the hook VS Code's own browser integration tests use.
//
// Usage: node scripts/vscode/run-e2e.mjs [--restricted]   (npm run test:e2e provisions first, and runs both windows and the UI tests)
//   --restricted                  open the folder untrusted and run only the Restricted Mode suite
//   PORTCHAIN_E2E_GREP=<text>     run only the tests whose title contains it
//   PORTCHAIN_E2E_TIMEOUT=<secs>  give up on the whole run after this long (default 180)
//
// On failure it keeps the run's folder (server log, extension host logs, workbench console,
// a screenshot) and prints where it is; on success it removes it.
import { createWriteStream, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchBrowser, workbenchUrl } from './browser.mjs';
import { E2E_TESTS_PATH, REPORT_PREFIX, QUIET_USER_SETTINGS, buildExtensionAndSuite, copyExamples, writeUserSettings } from './e2e.mjs';
import { onInterrupt } from './interrupt.mjs';
import { REPO_ROOT, SERVER_MAIN, STAMP } from './paths.mjs';
import { startServer } from './server.mjs';

/**
 * Builds and runs the extension-host suite; resolves with `true` when it passed (a failure prints
 * where its files are). With `restricted` the folder opens untrusted (workspace trust on, no
 * prompt: Restricted Mode) and only the suite `Restricted Mode` runs; without it every other suite.
 */
export async function runExtensionHostSuite({ restricted = false, timeoutMs = Number(process.env.PORTCHAIN_E2E_TIMEOUT || 180) * 1000 } = {}) {
  const started = Date.now();
  const seconds = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
  const say = (line) => console.log(`[e2e] ${line}`);

  if (!existsSync(STAMP) || !existsSync(SERVER_MAIN)) {
    console.error('[e2e] the VS Code server is not provisioned: run `node scripts/vscode/provision.mjs` first (or `npm run test:e2e`, which does both)');
    return false;
  }

  await buildExtensionAndSuite();
  say(`built the extension and the suite (${seconds()})`);

  const runDir = mkdtempSync(join(tmpdir(), 'portchain-e2e-'));
  const workspace = copyExamples(runDir);
  const stateDir = join(runDir, 'vscode');
  // Untrusted without a prompt: the window opens in Restricted Mode, as after choosing "No, I don't trust the authors".
  const trustSettings = restricted ? { 'security.workspace.trust.enabled': true, 'security.workspace.trust.startupPrompt': 'never' } : {};
  writeUserSettings(join(stateDir, 'user-data'), { ...QUIET_USER_SETTINGS, ...trustSettings });
  const workbenchLogPath = join(runDir, 'workbench.log');
  const screenshotPath = join(runDir, 'failure.png');

  let server;
  let browser;
  const cleanUp = async () => {
    await browser?.close();
    await server?.stop();
  };
  const unregister = onInterrupt(async () => {
    console.error(`[e2e] the extension-host run's files stay in ${runDir}`);
    await cleanUp();
  });

  let outcome;
  try {
    // The extension host inherits the server's environment, PORTCHAIN_E2E_GREP included.
    server = await startServer({ stateDir, smokeTestDriver: true, workspaceTrust: restricted, env: { PORTCHAIN_E2E_RESTRICTED: restricted ? '1' : '0' } });
    say(`VS Code server on ${server.origin} (${seconds()})`);
    browser = await launchBrowser();
    outcome = await runSuite(browser.page, server.origin, { workspace, workbenchLogPath, timeoutMs, say, seconds });
  } catch (error) {
    outcome = { code: 1, reason: error?.stack ?? String(error) };
  }

  if (outcome.code !== 0) {
    await browser?.page.screenshot({ path: screenshotPath }).catch(() => {});
  }
  await cleanUp();
  unregister();

  if (outcome.code === 0) {
    rmSync(runDir, { recursive: true, force: true });
    say(`passed (${seconds()})`);
    return true;
  }
  console.error(`[e2e] failed: ${outcome.reason}`);
  console.error(`[e2e] the run's files are kept in ${runDir}:`);
  console.error(`[e2e]   server log:        ${server?.logPath ?? join(stateDir, 'server.log')}`);
  console.error(`[e2e]   extension host:    ${join(stateDir, 'user-data', 'logs')} (exthost*/remoteexthost.log, exthost*/portchain*.log)`);
  console.error(`[e2e]   workbench console: ${workbenchLogPath}`);
  console.error(`[e2e]   screenshot:        ${existsSync(screenshotPath) ? screenshotPath : '(none: the browser had not started)'}`);
  console.error(`[e2e]   workspace copy:    ${workspace}`);
  return false;
}

/** Opens the test payload and resolves with the suite's exit code, printing its report as it comes. */
async function runSuite(page, origin, { workspace, workbenchLogPath, timeoutMs, say, seconds }) {
  const log = createWriteStream(workbenchLogPath);
  let exit;
  const exited = new Promise((resolve) => (exit = resolve));
  // The workbench forwards the extension host's console here, among much else (offline gallery
  // and telemetry errors are expected): all of it goes to the log file, the suite's report to stdout.
  await page.exposeFunction('codeAutomationLog', (type, args) => {
    const line = (args ?? []).map((arg) => (typeof arg === 'string' ? arg : JSON.stringify(arg))).join(' ');
    log.write(`${type} ${line}\n`);
    const report = line.indexOf(`${REPORT_PREFIX} `);
    if (report >= 0) console.log(line.slice(report + REPORT_PREFIX.length + 1));
  });
  await page.exposeFunction('codeAutomationExit', (code) => exit({ code, reason: `the suite exited with ${code}` }));
  const url = workbenchUrl(origin, { folder: workspace, extensionDevelopmentPath: REPO_ROOT, extensionTestsPath: E2E_TESTS_PATH });
  await page.goto(url);
  say(`workbench opened with the suite (${seconds()})`);
  let timer;
  const timedOut = new Promise((resolve) => {
    timer = setTimeout(() => resolve({ code: 1, reason: `no exit code after ${timeoutMs / 1000} s (PORTCHAIN_E2E_TIMEOUT)` }), timeoutMs);
  });
  const result = await Promise.race([exited, timedOut]);
  clearTimeout(timer);
  say(`suite finished (${seconds()})`);
  await new Promise((resolve) => log.end(resolve));
  return result;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.exit((await runExtensionHostSuite({ restricted: process.argv.includes('--restricted') })) ? 0 : 1);
}
