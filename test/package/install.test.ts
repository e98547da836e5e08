// portchain installed the way users install it: the README's recipe run as written (clone, npm ci,
// npm pack, npm install --global, portchain check), with a local release in place of GitHub; then
// what the tarball holds, and the tarball installed into a scratch project, where `npx portchain
// check` and `portchain-language-server --stdio` must work with nothing else installed.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import type { InitializeResult } from 'vscode-languageserver';
import { readmeBlock } from '../support/readme';
import { BROKEN_FINDING, BROKEN_MANIFESTS, CLEAN_MANIFESTS, REPOSITORY_URL, TARBALL, run, runOk, scratchDir, stageRepository, userEnv } from './release';

/** What a user runs, and nothing else: the bundles, the extension's manifest, grammar and icon, the docs. */
const PACKAGE_FILES = [
  'CHANGELOG.md',
  'LICENSE',
  'README.md',
  'dist/cli.js',
  'dist/client.js',
  'dist/parseWorker.js',
  'dist/server.js',
  'images/icon.png',
  'package.json',
  'syntaxes/portchain-yaml.injection.tmLanguage.json',
];

/** The tarball the README's recipe packed, for the tests after it. */
let packed: string | undefined;

describe('portchain installed as users install it', { timeout: 600_000 }, () => {
  test("the README's install recipe, as written: portchain check runs from the PATH", () => {
    const { url } = stageRepository();
    const work = scratchDir('install');
    const global = join(work, 'global');
    const recipe = readmeBlock('test/package/install.test.ts');
    assert.equal(recipe.language, 'sh');
    // `npm install --global` installs into npm's prefix: here a folder of the test's, on the PATH.
    const result = run('bash', ['-c', recipe.code.replaceAll(REPOSITORY_URL, url)], { cwd: work, env: userEnv({ npm_config_prefix: global }, [join(global, 'bin')]) });
    const output = `${result.stdout}\n${result.stderr}`;
    assert.equal(result.status, 1, `the recipe ends with portchain check examples, which finds the demo's broken links:\n${output}`);
    assert.match(result.stdout, /examples\/shop\/service\.yaml:15:19 error target-port-mismatch/);
    assert.match(result.stdout, /\d+ errors?, \d+ warnings? in \d+ files/);
    assert.ok(existsSync(join(global, 'bin', 'portchain-language-server')), 'npm install --global put portchain-language-server on the PATH');
    packed = join(work, 'portchain', TARBALL);
    assert.ok(existsSync(packed), `npm pack made no ${TARBALL}:\n${output}`);
  });

  test('the tarball holds only what a user runs', (t) => {
    assert.ok(packed, 'the install recipe made no tarball');
    const listed = runOk('tar', ['-tzf', packed], { cwd: scratchDir('list') });
    const files = listed.stdout.split('\n').filter(Boolean).map((path) => path.replace(/^package\//, '')).sort();
    assert.deepEqual(files, PACKAGE_FILES);
    const bytes = statSync(packed).size;
    t.diagnostic(`${TARBALL}: ${(bytes / 1024).toFixed(0)} KiB, ${files.length} files`);
    assert.ok(bytes < 1024 * 1024, `${TARBALL} is ${(bytes / 1024).toFixed(0)} KiB`);
  });

  test('installed into a scratch project: npx portchain check fails on a broken link and passes a mended one; the language server answers initialize', async (t) => {
    assert.ok(packed, 'the install recipe made no tarball');
    const project = scratchDir('project');
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'scratch', private: true }));
    // The package depends on nothing: the install needs no registry.
    runOk('npm', ['install', '--offline', '--no-audit', '--no-fund', packed], { cwd: project });
    for (const [name, manifests] of Object.entries({ broken: BROKEN_MANIFESTS, clean: CLEAN_MANIFESTS })) {
      mkdirSync(join(project, name));
      for (const [file, text] of Object.entries(manifests)) writeFileSync(join(project, name, file), text);
    }
    const broken = run('npx', ['portchain', 'check', 'broken'], { cwd: project });
    assert.equal(broken.status, 1, `${broken.stdout}\n${broken.stderr}`);
    assert.match(broken.stdout, BROKEN_FINDING);
    const clean = run('npx', ['portchain', 'check', 'clean'], { cwd: project });
    assert.equal(clean.status, 0, `${clean.stdout}\n${clean.stderr}`);
    assert.match(clean.stdout, /no problems in 2 files \(2 resources\)/);

    const server = spawn(join(project, 'node_modules', '.bin', 'portchain-language-server'), ['--stdio'], { cwd: project, stdio: 'pipe' });
    t.after(() => server.kill());
    const connection = createMessageConnection(new StreamMessageReader(server.stdout), new StreamMessageWriter(server.stdin));
    connection.listen();
    const initialized = await connection.sendRequest<InitializeResult>('initialize', {
      processId: process.pid,
      rootUri: null,
      capabilities: {},
      workspaceFolders: [{ uri: `file://${join(project, 'broken')}`, name: 'broken' }],
    });
    assert.equal(initialized.serverInfo?.name, 'portchain');
    assert.equal(initialized.capabilities.hoverProvider, true);
    await connection.sendRequest('shutdown');
    const exited = new Promise<number | null>((resolve) => server.once('exit', resolve));
    await connection.sendNotification('exit');
    assert.equal(await exited, 0, 'the server exits with 0 after shutdown and exit');
    connection.dispose();
  });
});
