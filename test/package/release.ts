// What the package tests share: a release of this checkout as a git repository of its own (what
// GitHub would serve: the files git would commit, uncommitted edits included), scratch folders,
// and commands run the way a user's shell runs them.

import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { after } from 'node:test';
import { repositoryRoot } from '../support/readme';

/** The address the README's recipes name; the tests put a local release in its place (no network here). */
export const REPOSITORY_URL = 'https://github.com/portchain/portchain';

/** The tarball `npm pack` makes of this version. */
export const TARBALL = `portchain-${require(join(repositoryRoot(), 'package.json')).version}.tgz`;

const made: string[] = [];
after(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** A new empty folder, removed when the test file ends. */
export function scratchDir(name: string): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), `portchain-${name}-`)));
  made.push(dir);
  return dir;
}

/**
 * This checkout as a git repository on branch main, one commit holding what git would commit (so
 * an edit not committed yet is tested too); `url` is its file:// address.
 */
export function stageRepository(): { dir: string; url: string } {
  const root = repositoryRoot();
  const dir = join(scratchDir('release'), 'portchain');
  const listed = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  assert.equal(listed.status, 0, listed.stderr);
  for (const file of listed.stdout.split('\0').filter(Boolean)) {
    // A file deleted in the work tree but not yet in git.
    if (!existsSync(join(root, file))) continue;
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    cpSync(join(root, file), join(dir, file));
  }
  for (const args of [['init', '-q', '-b', 'main'], ['add', '-A'], ['commit', '-q', '-m', 'A release of portchain']]) runOk('git', args, { cwd: dir });
  return { dir, url: `file://${dir}` };
}

/**
 * The environment of a user's shell: without what `npm test` exported for its own scripts
 * (npm_config_* would steer the npm the test starts), with a git identity, with `extra` on top.
 */
export function userEnv(extra: Record<string, string> = {}, prependPath: string[] = []): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name)));
  Object.assign(env, {
    GIT_AUTHOR_NAME: 'A User', GIT_AUTHOR_EMAIL: 'user@example.com', GIT_COMMITTER_NAME: 'A User', GIT_COMMITTER_EMAIL: 'user@example.com',
    NO_COLOR: '1',
    ...extra,
  });
  env.PATH = [...prependPath, env.PATH ?? ''].join(delimiter);
  return env;
}

/** Runs a command to its end; stdout and stderr as text. */
export function run(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number }): SpawnSyncReturns<string> {
  return spawnSync(command, args, { cwd: options.cwd, env: options.env ?? userEnv(), input: options.input, encoding: 'utf8', timeout: options.timeoutMs ?? 240_000, maxBuffer: 64 * 1024 * 1024 });
}

/** Runs a command that must succeed. */
export function runOk(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): SpawnSyncReturns<string> {
  const result = run(command, args, options);
  assert.equal(result.status, 0, `${command} ${args.join(' ')} exited ${result.status ?? result.signal}:\n${result.stdout}\n${result.stderr}`);
  return result;
}

/** One Service whose targetPort no container declares, and the Deployment it selects. */
export const BROKEN_MANIFESTS = {
  'service.yaml': 'apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  selector: {app: web}\n  ports:\n    - port: 80\n      targetPort: 8081\n',
  'deploy.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers:\n        - name: web\n          ports: [{containerPort: 8080}]\n',
};

/** The same, mended: the targetPort is the containerPort. */
export const CLEAN_MANIFESTS = { ...BROKEN_MANIFESTS, 'service.yaml': BROKEN_MANIFESTS['service.yaml'].replace('8081', '8080') };

/** The message `portchain check` prints for BROKEN_MANIFESTS, in text. */
export const BROKEN_FINDING = /service\.yaml:8:19 error target-port-mismatch Service web sends port 80 to targetPort 8081, but Deployment web \((?:\S+\/)?deploy\.yaml\) declares no containerPort 8081/;
