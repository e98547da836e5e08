// `npm start`: build the extension and open a folder (examples/ unless one is given) in VS Code
// with it loaded from this folder. With a desktop `code` on the PATH that is
// `code --extensionDevelopmentPath=<repo> <folder>`; without one (a container, a remote box) it
// provisions the offline VS Code server (see scripts/vscode/provision.mjs), starts it on 127.0.0.1
// and prints the URL to open in a browser. Ctrl-C stops the server and everything it started.
//
// Usage: see USAGE below (npm start -- --help prints it).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { workbenchUrl } from './vscode/browser.mjs';
import { QUIET_USER_SETTINGS, writeUserSettings } from './vscode/e2e.mjs';
import { EXAMPLES_DIR, REPO_ROOT, START_STATE_DIR } from './vscode/paths.mjs';
import { ProvisionError, provision } from './vscode/provision.mjs';
import { startServer } from './vscode/server.mjs';

/** How long the extension host of a closed browser window waits for it before it stops. */
const RECONNECTION_GRACE_SECONDS = 10;

const USAGE = `Usage: npm start [-- [FOLDER] [--server] [--port N] [--help]]

Builds portchain and opens FOLDER in VS Code with the extension loaded from this checkout.

  FOLDER      the folder to open (default: examples/, the demo workspace); relative to
              where npm was started
  --server    use the VS Code server and a browser even where a desktop \`code\` is installed
  --port N    the port the VS Code server listens on (default: a free one)
  -h, --help  print this and exit

Without a desktop \`code\` on the PATH it provisions the VS Code server (npm's code-server on
Node 24 from npm, and Debian's chromium) into ~/.cache/portchain-vscode/ once per machine
(about 800 MB and two to three minutes), serves it on 127.0.0.1 and prints the URL to open.
Each browser window gets an extension host of its own, which stops ${RECONNECTION_GRACE_SECONDS} s after the window
is closed. Ctrl-C stops everything it started.`;

const options = parseOptions(process.argv.slice(2));

const build = spawnSync(process.execPath, [join(REPO_ROOT, 'scripts', 'build.mjs')], { stdio: 'inherit', cwd: REPO_ROOT });
if (build.status !== 0) {
  console.error('[start] the build failed; see above');
  process.exit(1);
}

if (!options.server && hasCommand('code')) {
  console.log(`[start] code --extensionDevelopmentPath=${REPO_ROOT} ${options.folder}`);
  const code = spawn('code', [`--extensionDevelopmentPath=${REPO_ROOT}`, options.folder], { stdio: 'inherit' });
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
  // A window closed or reloaded leaves its extension host behind until this grace time is over
  // (three hours by default): a second browser tab would keep a second one running until Ctrl-C.
  const server = await startServer({ stateDir, port: options.port, smokeTestDriver: true, reconnectionGraceSeconds: RECONNECTION_GRACE_SECONDS }).catch((error) => {
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

  const url = workbenchUrl(server.origin, { folder: options.folder, extensionDevelopmentPath: REPO_ROOT });
  console.log(`
[start] VS Code is running on ${options.folder} with portchain loaded from ${REPO_ROOT}
[start] open this URL in a browser on this machine (forward port ${new URL(server.origin).port} to reach it from elsewhere):

  ${url}

[start] server log: ${server.logPath} (process group ${server.pid})
[start] each browser window runs an extension host of its own; a window closed gives its host ${RECONNECTION_GRACE_SECONDS} s to reconnect, then stops it
[start] Ctrl-C stops it.`);
}

/**
 * The options of the command line; a wrong one ends the run with one line saying what is wrong
 * (exit 2), --help with the usage (exit 0).
 */
function parseOptions(args) {
  const usageError = (message) => {
    console.error(`[start] ${message} (npm start -- --help lists the options)`);
    process.exit(2);
  };
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: { server: { type: 'boolean', default: false }, port: { type: 'string', default: '0' }, help: { type: 'boolean', short: 'h', default: false } },
    });
  } catch (error) {
    // parseArgs explains itself in several lines meant for programmers; say it in one.
    if (error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') usageError(`unknown option ${/'([^']+)'/.exec(error.message)?.[1] ?? error.message}`);
    if (error.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') usageError(error.message.replace(/\.$/, '').replace(/^Option '([^']+)'.*argument missing.*$/s, '$1 needs a value'));
    usageError(error.message.split('\n')[0]);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  if (positionals.length > 1) usageError(`one folder at most, not ${positionals.length} (${positionals.join(', ')})`);
  if (!/^\d+$/.test(values.port) || Number(values.port) > 65535) usageError(`--port takes a port number from 0 to 65535, not ${JSON.stringify(values.port)}`);
  // npm runs scripts in the package's folder and says where it was started in INIT_CWD.
  const folder = positionals.length > 0 ? resolve(process.env.INIT_CWD || process.cwd(), positionals[0]) : EXAMPLES_DIR;
  if (!existsSync(folder)) usageError(`${positionals[0]} does not exist (${folder})`);
  if (!statSync(folder).isDirectory()) usageError(`${positionals[0]} is not a folder; open the folder that holds it`);
  return { server: values.server, port: Number(values.port), folder };
}

function hasCommand(name) {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}
