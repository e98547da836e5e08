// `npm run test:e2e`: portchain in a real VS Code, end to end, offline, in one command.
//
//   1. provision  Debian's chromium and libkrb5-dev (apt-get, where missing), Node 24 and the VS Code
//                 server from npm, into the shared cache (paths.mjs; about 3 min the first time on a
//                 machine, nothing after that)
//   2. package    the .vsix, as `npm run package` makes it (scripts/package.mjs), into out/e2e-vsix/
//   3. host       the extension-host suite (test/e2e/suite, mocha) with the extension loaded from
//                 this checkout (extensionDevelopmentPath): run-e2e.mjs; then its Restricted Mode
//                 suite in a second window whose folder is untrusted
//   4. ui         the UI tests (test/e2e/ui, node:test + playwright-core) against the .vsix of step 2
//                 installed into a fresh server: run-ui.mjs
//
// Usage: npm run test:e2e [-- --only host|ui]
//   PORTCHAIN_E2E_GREP, PORTCHAIN_E2E_TIMEOUT   see run-e2e.mjs
//   PORTCHAIN_UI_SCREENSHOTS, PORTCHAIN_UI_TIMEOUT   see run-ui.mjs
//
// Every process a step starts (the server's process group, chromium, the test process) is stopped
// when the step ends, on Ctrl-C too; a failed step prints where its logs and last screenshot are.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { packageExtension } from '../package.mjs';
import { REPO_ROOT } from './paths.mjs';
import { ProvisionError, provision } from './provision.mjs';
import { runExtensionHostSuite } from './run-e2e.mjs';
import { runUiTests } from './run-ui.mjs';

const { values: options } = parseArgs({ options: { only: { type: 'string' } } });
if (options.only && !['host', 'ui'].includes(options.only)) {
  console.error(`[e2e] --only takes host or ui, not ${options.only}`);
  process.exit(2);
}
const runs = (step) => !options.only || options.only === step;

const started = Date.now();
const timings = [];
const timed = async (title, action) => {
  const stepStarted = Date.now();
  const result = await action();
  timings.push(`${title} ${((Date.now() - stepStarted) / 1000).toFixed(1)} s`);
  return result;
};

try {
  await timed('provision', () => provision());
} catch (error) {
  console.error(`[provision] ${error instanceof ProvisionError ? error.message : error?.stack ?? error}`);
  process.exit(1);
}

const failed = [];
let vsix;
let ui;
if (runs('ui')) {
  const outDir = join(REPO_ROOT, 'out', 'e2e-vsix');
  mkdirSync(outDir, { recursive: true });
  try {
    vsix = await timed('package', () => packageExtension({ out: join(outDir, 'portchain.vsix') }));
  } catch (error) {
    console.error(`[package] ${error?.message ?? error}`);
    failed.push('package');
  }
}
// A real editor on a shared 2-core machine sometimes loses a keypress or a frame. A suite that
// fails runs once more on a fresh server, and the log says so; failing twice fails the run.
const retried = [];
if (runs('host')) {
  let ok = await timed('extension host', () => runExtensionHostSuite());
  if (!ok) {
    retried.push('extension host');
    console.error('[e2e] the extension host suite failed; running it once more on a fresh server');
    ok = await timed('extension host (second run)', () => runExtensionHostSuite());
  }
  if (!ok) failed.push('extension host');
  let restrictedOk = await timed('extension host, Restricted Mode', () => runExtensionHostSuite({ restricted: true }));
  if (!restrictedOk) {
    retried.push('extension host, Restricted Mode');
    console.error('[e2e] the Restricted Mode suite failed; running it once more on a fresh server');
    restrictedOk = await timed('extension host, Restricted Mode (second run)', () => runExtensionHostSuite({ restricted: true }));
  }
  if (!restrictedOk) failed.push('extension host, Restricted Mode');
}
if (vsix) {
  ui = await timed('ui', () => runUiTests({ vsix: vsix.path }));
  if (!ui.ok) {
    retried.push('ui');
    console.error('[e2e] the UI suite failed; running it once more on a fresh server');
    ui = await timed('ui (second run)', () => runUiTests({ vsix: vsix.path }));
  }
  if (!ui.ok) failed.push('ui');
}
if (retried.length > 0) console.error(`[e2e] passed only on a second run: ${retried.filter((suite) => !failed.includes(suite)).join(', ') || 'none'}`);

console.log(`\n[e2e] ${timings.join(', ')}; ${((Date.now() - started) / 1000).toFixed(1)} s in all`);
if (vsix) console.log(`[e2e] .vsix: ${(vsix.bytes / 1024).toFixed(0)} KiB, ${vsix.files.length} files`);
if (ui?.timings) {
  const t = ui.timings;
  console.log(`[e2e] window opened → portchain activated ${t.portchainActivatedMs} ms → problems shown ${t.problemsShownMs} ms (extension host up at ${t.extensionHostStartedMs} ms)`);
}
if (failed.length > 0) {
  console.error(`[e2e] failed: ${failed.join(', ')} (see above for the logs and screenshots)`);
  process.exit(1);
}
console.log('[e2e] passed');
