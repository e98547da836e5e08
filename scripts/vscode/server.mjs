// Starts and stops the VS Code server (server-main.js inside code-server, on Node 24) for
// scripts/start.mjs and the e2e runner.
//
// The server runs in a process group of its own (spawn's `detached` is setsid): it starts a file
// watcher, extension hosts and a pty host, and killing only its pid would leave those running.
// Stopping it always signals the whole group, and a process `exit` hook does the same if the
// caller dies first.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NODE24, SERVER_MAIN } from './paths.mjs';

/** The folders of a server's state under `stateDir`, and the environment that keeps it there. */
function stateOf(stateDir) {
  const dirs = {
    userData: join(stateDir, 'user-data'),
    serverData: join(stateDir, 'server-data'),
    extensions: join(stateDir, 'extensions'),
    xdg: join(stateDir, 'xdg'),
  };
  for (const dir of Object.values(dirs)) mkdirSync(dir, { recursive: true });
  const dirArgs = ['--user-data-dir', dirs.userData, '--server-data-dir', dirs.serverData, '--extensions-dir', dirs.extensions];
  // Without these the server and its extensions write under ~/.config and ~/.local.
  const env = {
    ...process.env,
    XDG_CONFIG_HOME: join(dirs.xdg, 'config'),
    XDG_DATA_HOME: join(dirs.xdg, 'data'),
    XDG_CACHE_HOME: join(dirs.xdg, 'cache'),
    XDG_STATE_HOME: join(dirs.xdg, 'state'),
  };
  return { dirs, dirArgs, env };
}

/**
 * Installs a .vsix into the extensions folder of the server state in `stateDir`, the way
 * `code --install-extension` does (server-main.js runs its CLI and exits); a server started
 * afterwards on that state runs the installed extension.
 */
export function installExtension({ stateDir, vsix }) {
  const { dirArgs, env } = stateOf(stateDir);
  const result = spawnSync(NODE24, [SERVER_MAIN, '--accept-server-license-terms', ...dirArgs, '--install-extension', vsix, '--force'], { env, encoding: 'utf8' });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim();
  if (result.status !== 0 || !/successfully installed/.test(output)) {
    throw new Error(`installing ${vsix} into the VS Code server failed (exit ${result.status ?? result.signal}):\n${output}`);
  }
  return output;
}

/**
 * Starts the server with its state in `stateDir` (user data, extensions, XDG folders, server.log)
 * and resolves once it listens: `{ origin, logPath, pid, stop }`. With `workspaceTrust` a folder
 * is untrusted until the user trusts it (Restricted Mode); without it every folder is trusted.
 * `reconnectionGraceSeconds`: how long a closed or reloaded window's extension host lingers.
 */
export async function startServer({ stateDir, host = '127.0.0.1', port = 0, smokeTestDriver = false, workspaceTrust = false, reconnectionGraceSeconds, env = {}, readyTimeoutMs = 60_000 }) {
  const { dirArgs, env: stateEnv } = stateOf(stateDir);
  const logPath = join(stateDir, 'server.log');
  const logFd = openSync(logPath, 'w');

  const args = [
    SERVER_MAIN,
    '--host', host,
    '--port', String(port),
    // Only this machine can reach 127.0.0.1, so the connection token would only make the URL longer.
    '--without-connection-token',
    '--accept-server-license-terms',
    '--disable-telemetry',
    '--disable-experiments',
    // A trust prompt on the demo folder would only stand between the user (or a test) and the
    // extension; the Restricted Mode run (workspaceTrust) keeps trust on.
    ...(workspaceTrust ? [] : ['--disable-workspace-trust']),
    ...dirArgs,
    ...(smokeTestDriver ? ['--enable-smoke-test-driver'] : []),
    // How long the extension host of a window that went away waits for it to come back (the
    // server's default is three hours).
    ...(reconnectionGraceSeconds !== undefined ? ['--reconnection-grace-time', String(reconnectionGraceSeconds)] : []),
  ];
  const child = spawn(NODE24, args, {
    detached: true,
    stdio: ['ignore', logFd, logFd],
    env: { ...stateEnv, ...env },
  });
  closeSync(logFd);

  const group = child.pid;
  let exited = false;
  const exitedPromise = new Promise((resolve) => child.once('exit', (code, signal) => { exited = true; resolve({ code, signal }); }));
  const killOnExit = () => signalGroup(group, 'SIGKILL');
  process.once('exit', killOnExit);

  const stop = async () => {
    process.removeListener('exit', killOnExit);
    signalGroup(group, 'SIGTERM');
    // The server exits on SIGTERM at once, but its children may take a moment; then they are killed.
    for (let waited = 0; waited < 5000 && groupAlive(group); waited += 100) await delay(100);
    if (groupAlive(group)) signalGroup(group, 'SIGKILL');
    for (let waited = 0; waited < 2000 && groupAlive(group); waited += 100) await delay(100);
  };

  const started = Date.now();
  for (;;) {
    const log = readFileSync(logPath, 'utf8');
    const ready = /Web UI available at (https?:\/\/\S+)/.exec(log);
    if (ready) {
      // The server prints localhost whatever it listens on; 127.0.0.1 is what it bound.
      const listening = new URL(ready[1]);
      const origin = `http://${host}:${listening.port}`;
      return { origin, logPath, pid: group, stop, exited: exitedPromise };
    }
    if (exited || Date.now() - started > readyTimeoutMs) {
      await stop();
      throw new Error(`the VS Code server ${exited ? 'exited' : `did not listen within ${readyTimeoutMs / 1000} s`}; its log (${logPath}) ends:\n${tail(log, 20)}`);
    }
    await delay(100);
  }
}

function signalGroup(group, signal) {
  try {
    process.kill(-group, signal);
  } catch (error) {
    if (error.code !== 'ESRCH') throw error;
  }
}

function groupAlive(group) {
  try {
    process.kill(-group, 0);
    return true;
  } catch {
    return false;
  }
}

function delay(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function tail(text, lines) {
  return text.trimEnd().split('\n').slice(-lines).map((line) => `  ${line}`).join('\n');
}
