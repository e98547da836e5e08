// Provisions the offline VS Code into its cache folder (CACHE_DIR in paths.mjs: shared by every
// checkout on the machine): Debian's chromium and libkrb5-dev where missing, Node 24 from the npm
// package `node`, and the VS Code server inside the npm package code-server, built with that Node.
// Idempotent: a stamp file written last makes a second run instant, and a run that finds no stamp
// redoes the code-server build from scratch. Two runs at once (two checkouts) take turns through a
// lock folder beside the cache.
//
// Usage: node scripts/vscode/provision.mjs   (also imported by scripts/start.mjs)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  APT_PACKAGES, CACHE_DIR, CHROMIUM, CODE_SERVER_VERSION, NODE24, NODE24_HOME, NODE_VERSION, SERVER_MAIN, STAMP,
} from './paths.mjs';

/** Thrown for a step that cannot be done here; its message says what to do instead. */
export class ProvisionError extends Error {}

/** Makes sure chromium, Node 24 and the VS Code server are in place; returns the seconds it took. */
export function provision({ log = (line) => console.log(`[provision] ${line}`) } = {}) {
  const started = Date.now();
  const elapsed = () => ((Date.now() - started) / 1000).toFixed(1);

  if (isProvisioned()) {
    // The browser is outside the cache, so it is checked even when the stamp says all is done.
    if (!existsSync(CHROMIUM)) installAptPackages(['chromium'], log);
    log(`VS Code server ${CODE_SERVER_VERSION} on Node ${NODE_VERSION} already in ${relativeToCwd(CACHE_DIR)} (${elapsed()} s)`);
    return Number(elapsed());
  }

  const release = lockCache(log);
  try {
    // Another run may have provisioned while this one waited for the lock.
    if (isProvisioned()) {
      log(`VS Code server ${CODE_SERVER_VERSION} on Node ${NODE_VERSION} provisioned meanwhile in ${relativeToCwd(CACHE_DIR)} (${elapsed()} s)`);
      return Number(elapsed());
    }
    provisionUnlocked(log);
  } finally {
    release();
  }
  log(`done in ${elapsed()} s`);
  return Number(elapsed());
}

function provisionUnlocked(log) {
  log(`provisioning the VS Code server (code-server ${CODE_SERVER_VERSION}, Node ${NODE_VERSION}) into ${relativeToCwd(CACHE_DIR)}`);
  mkdirSync(CACHE_DIR, { recursive: true });
  installAptPackages(missingAptPackages(), log);

  if (nodeVersion() === `v${NODE_VERSION}`) {
    log(`Node ${NODE_VERSION} already installed`);
  } else {
    step(log, `installing Node ${NODE_VERSION} (npm package node@${NODE_VERSION})`, () => {
      allowInstallScripts(join(CACHE_DIR, 'node24'), ['node']);
      npm(['install', '--prefix', join(CACHE_DIR, 'node24'), '--no-audit', '--no-fund', `node@${NODE_VERSION}`], withoutNpmRunVariables(process.env));
      if (nodeVersion() !== `v${NODE_VERSION}`) throw new ProvisionError(`npm installed node@${NODE_VERSION}, but ${NODE24} does not run`);
    });
  }

  const codeServerDir = join(CACHE_DIR, 'code-server');
  step(log, `installing and building code-server ${CODE_SERVER_VERSION} with Node ${NODE_VERSION} (about two minutes)`, () => {
    // npm runs under Node 24 and builds the native modules against its headers, not the system Node's.
    const env = { ...withoutNpmRunVariables(process.env), PATH: `${join(NODE24_HOME, 'bin')}:${process.env.PATH}`, npm_config_nodedir: NODE24_HOME };
    // Without the stamp an earlier run did not finish (Ctrl-C, a failed build), and npm would take
    // its half-built package for installed and skip the build scripts: start from nothing.
    rmSync(codeServerDir, { recursive: true, force: true });
    allowInstallScripts(codeServerDir, ['code-server', 'argon2']);
    npm(['install', '--prefix', codeServerDir, '--no-audit', '--no-fund', `code-server@${CODE_SERVER_VERSION}`], env);
    if (!existsSync(SERVER_MAIN)) throw new ProvisionError(`code-server installed, but ${SERVER_MAIN} is missing`);
  });

  writeFileSync(STAMP, `${JSON.stringify({ node: NODE_VERSION, codeServer: CODE_SERVER_VERSION, provisionedAt: new Date().toISOString() }, null, 2)}\n`);
}

/**
 * Takes the lock folder beside the cache (mkdir is atomic), waiting while a live process holds
 * it; a lock whose process is gone is taken over. Returns the function that releases it.
 */
function lockCache(log, timeoutMs = 20 * 60_000) {
  const lock = `${CACHE_DIR}.lock`;
  const owner = join(lock, 'pid');
  mkdirSync(dirname(lock), { recursive: true });
  const started = Date.now();
  let told = false;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(owner, String(process.pid));
      return () => rmSync(lock, { recursive: true, force: true });
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
    }
    const holder = lockHolder(owner);
    if (!holder || !isAlive(holder)) {
      // A run that died while provisioning (or one between mkdir and writing its pid, which a second look settles).
      sleep(500);
      const again = lockHolder(owner);
      if (!again || !isAlive(again)) rmSync(lock, { recursive: true, force: true });
      continue;
    }
    if (Date.now() - started > timeoutMs) throw new ProvisionError(`process ${holder} has been provisioning ${CACHE_DIR} for ${timeoutMs / 60_000} min; stop it or remove ${lock}`);
    if (!told) log(`waiting for process ${holder}, which is provisioning ${relativeToCwd(CACHE_DIR)}`);
    told = true;
    sleep(2000);
  }
}

function lockHolder(owner) {
  try {
    return Number(readFileSync(owner, 'utf8')) || 0;
  } catch {
    return 0;
  }
}

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

function sleep(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function isProvisioned() {
  try {
    const stamp = JSON.parse(readFileSync(STAMP, 'utf8'));
    return stamp.node === NODE_VERSION && stamp.codeServer === CODE_SERVER_VERSION && existsSync(NODE24) && existsSync(SERVER_MAIN);
  } catch {
    return false;
  }
}

function nodeVersion() {
  if (!existsSync(NODE24)) return undefined;
  const result = spawnSync(NODE24, ['--version'], { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

function missingAptPackages() {
  if (!hasCommand('dpkg-query')) {
    // Not Debian: only say what is missing that we can see.
    if (!existsSync(CHROMIUM)) return ['chromium'];
    return [];
  }
  return APT_PACKAGES.filter((name) => {
    const result = spawnSync('dpkg-query', ['-W', '-f=${Status}', name], { encoding: 'utf8' });
    return !(result.status === 0 && result.stdout.includes('install ok installed'));
  });
}

/**
 * Installs Debian packages with apt-get (as root, or through password-less sudo), printing one
 * line; throws a ProvisionError naming the command to run where it cannot.
 */
export function installAptPackages(packages, log, why = '') {
  if (packages.length === 0) return;
  const elsewhere = { chromium: 'chromium (set CHROMIUM if it is not /usr/bin/chromium)', 'libkrb5-dev': 'the Kerberos development headers (e.g. krb5-devel)' };
  const manual = `install them yourself (Debian: apt-get install -y ${packages.join(' ')}; elsewhere ${packages.map((name) => elsewhere[name] ?? name).join(' and ')}) and run this again`;
  if (!hasCommand('apt-get')) throw new ProvisionError(`${packages.join(', ')} missing and there is no apt-get here: ${manual}`);
  const root = process.getuid?.() === 0;
  const sudo = !root && spawnSync('sudo', ['-n', 'true']).status === 0;
  if (!root && !sudo) throw new ProvisionError(`${packages.join(', ')} missing, and apt-get needs root (there is no password-less sudo either): ${manual}`);
  const asRoot = (args) => (root ? ['apt-get', args] : ['sudo', ['apt-get', ...args]]);
  step(log, `installing Debian packages ${packages.join(', ')} (apt-get${root ? '' : ' through sudo'})${why}`, () => {
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    for (const args of [['update'], ['install', '-y', ...packages]]) {
      const [command, commandArgs] = asRoot(args);
      const result = spawnSync(command, commandArgs, { stdio: ['ignore', 'ignore', 'pipe'], env, encoding: 'utf8' });
      // debconf says it delays configuring where apt-utils is absent, which changes nothing here.
      const warnings = result.stderr.split('\n').filter((line) => line.trim() && !/^debconf: delaying package configuration/.test(line));
      if (warnings.length > 0) process.stderr.write(`${warnings.join('\n')}\n`);
      if (result.status !== 0) throw new ProvisionError(`apt-get ${args[0]} failed (exit ${result.status ?? result.signal}): ${manual}`);
    }
  });
}

/**
 * Writes the package.json of an npm prefix folder with the packages whose install scripts the
 * install needs (node unpacks its binary, code-server and argon2 build native modules): npm 11
 * runs them either way, but lists every unapproved one in an alarming warning.
 */
function allowInstallScripts(prefix, names) {
  mkdirSync(prefix, { recursive: true });
  writeFileSync(join(prefix, 'package.json'), `${JSON.stringify({ private: true, allowScripts: Object.fromEntries(names.map((name) => [name, true])) }, null, 2)}\n`);
}

function npm(args, env) {
  const result = spawnSync('npm', args, { stdio: ['ignore', 'inherit', 'inherit'], env });
  if (result.status !== 0) throw new ProvisionError(`npm ${args.join(' ')} failed (exit ${result.status ?? result.signal}); see its output above`);
}

/**
 * The environment without what `npm run` exports to its script: the npm started here would read
 * those as its own settings, and code-server's install script takes the Node version from
 * npm_config_user_agent, which would name the outer npm's Node 20.
 */
function withoutNpmRunVariables(env) {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !/^npm_/i.test(name)));
}

function step(log, title, action) {
  const started = Date.now();
  log(`${title} ...`);
  action();
  log(`  ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

function hasCommand(name) {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

function relativeToCwd(path) {
  return path.startsWith(`${process.cwd()}/`) ? path.slice(process.cwd().length + 1) : path;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    provision();
  } catch (error) {
    console.error(`[provision] ${error instanceof ProvisionError ? error.message : error?.stack ?? error}`);
    process.exit(1);
  }
}
