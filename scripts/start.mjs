// `npm start`: build the extension and open examples/ in VS Code with it loaded from this folder.
// With a desktop `code` on the PATH that is `code --extensionDevelopmentPath=<repo> examples`;
// without one (a container, a remote box) it provisions the offline VS Code server (see
// scripts/vscode/provision.mjs), starts it on 127.0.0.1 and prints the URL to open in a browser.
// Ctrl-C stops the server and everything it started.
//
// Usage: npm start [-- --server] [-- --port <n>]
//   --server    use the VS Code server even where a desktop `code` is installed
//   --port <n>  listen on this port (default: a free one)
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { workbenchUrl } from './vscode/browser.mjs';
import { QUIET_USER_SETTINGS, writeUserSettings } from './vscode/e2e.mjs';
import { EXAMPLES_DIR, REPO_ROOT, START_STATE_DIR } from './vscode/paths.mjs';
import { ProvisionError, provision } from './vscode/provision.mjs';
import { startServer } from './vscode/server.mjs';

const { values: options } = parseArgs({ options: { server: { type: 'boolean', default: false }, port: { type: 'string', default: '0' } } });

const build = spawnSync(process.execPath, [join(REPO_ROOT, 'scripts', 'build.mjs')], { stdio: 'inherit', cwd: REPO_ROOT });
if (build.status !== 0) {
  console.error('[start] the build failed; see above');
  process.exit(1);
}

if (!options.server && hasCommand('code')) {
  console.log(`[start] code --extensionDevelopmentPath=${REPO_ROOT} ${EXAMPLES_DIR}`);
  const code = spawn('code', [`--extensionDevelopmentPath=${REPO_ROOT}`, EXAMPLES_DIR], { stdio: 'inherit' });
  code.on('exit', (status) => process.exit(status ?? 1));
} else {
  await startServerAndWait();
}

async function startServerAndWait() {
  try {
    provision({ log: (line) => console.log(`[start] ${line}`) });
  } catch (error) {
    console.error(`[start] ${error instanceof ProvisionError ? error.message : error?.stack ?? error}`);
    process.exit(1);
  }
  // One state folder across runs, like .vscode-test/user-data: settings and opened editors stay.
  const stateDir = START_STATE_DIR;
  const userDataDir = join(stateDir, 'user-data');
  if (!existsSync(join(userDataDir, 'User', 'settings.json'))) writeUserSettings(userDataDir, QUIET_USER_SETTINGS);
  // A built VS Code reads extensionDevelopmentPath from the URL's payload only with the smoke test
  // driver on; it changes nothing else a person sees.
  const server = await startServer({ stateDir, port: Number(options.port), smokeTestDriver: true }).catch((error) => {
    console.error(`[start] ${error.message}`);
    process.exit(1);
  });

  let stopping = false;
  const stop = async (why) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n[start] ${why}: stopping the VS Code server (process group ${server.pid})`);
    await server.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('interrupted'));
  process.on('SIGTERM', () => void stop('terminated'));
  server.exited.then(({ code, signal }) => {
    if (stopping) return;
    console.error(`[start] the VS Code server exited (${signal ?? `exit ${code}`}); its log is ${server.logPath}`);
    void server.stop().then(() => process.exit(1));
  });

  const url = workbenchUrl(server.origin, { folder: EXAMPLES_DIR, extensionDevelopmentPath: REPO_ROOT });
  console.log(`
[start] VS Code is running with portchain loaded from ${REPO_ROOT}
[start] open this URL in a browser on this machine (forward port ${new URL(server.origin).port} to reach it from elsewhere):

  ${url}

[start] server log: ${server.logPath}
[start] Ctrl-C stops it.`);
}

function hasCommand(name) {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}
