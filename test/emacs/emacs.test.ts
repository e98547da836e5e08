// portchain's language server in Emacs with eglot (Debian's Emacs 28, elpa-eglot 1.9 and
// elpa-yaml-mode), set up with the README's Emacs Lisp snippet, verbatim (read out of README.md),
// and driven in batch mode by test/emacs/portchain.el. Three YAML files of one project share one
// eglot server; the test checks what Emacs holds: flymake's diagnostic (once), a hover with the
// chain, a definition across files. Without portchain-language-server on the PATH the snippet says
// so in one message and nothing breaks. `npm test` installs Emacs, eglot and yaml-mode where they
// are missing (scripts/test-tools.mjs).

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { DiskWorkspace } from '../support/diskWorkspace';
import { BROKEN_SHOP, EDITOR_TIMEOUT_MS, SHOP_REQUESTS, assertShopDefinition, assertShopHover, editorVersion, runEditorSession, testFile, type EditorSetup } from '../support/editorSession';
import { readmeBlock } from '../support/readme';

const EMACS = process.env.PORTCHAIN_EMACS || 'emacs';

/** What portchain.el writes: Emacs's own view of the session. */
interface EmacsReport {
  emacs: string;
  error?: string;
  stopped?: boolean;
  /** What `message' showed that starts with "portchain". */
  messages: string[];
  /** eglot's servers: each one's project root and the files it manages. */
  servers: { project: string; managed: string[] }[];
  /** How many processes Emacs had started (the servers). */
  processes: number;
  /** Per file, what flymake-diagnostics returns for its buffer (zero-based line, columns). */
  diagnostics: Record<string, { line: number; from: number; to: number; type: string; text: string }[]>;
  results: Record<string, { result?: unknown }>;
}

function eglotMissing(): string | undefined {
  const version = editorVersion(EMACS);
  if (!version) return `${EMACS} is not installed`;
  const eglot = spawnSync(EMACS, ['--batch', '--eval', "(progn (require 'eglot) (require 'yaml-mode))"], { encoding: 'utf8' });
  return eglot.status === 0 ? undefined : `${version} has no eglot or no yaml-mode`;
}

const missing = eglotMissing();
const snippet = readmeBlock('test/emacs/emacs.test.ts');

function emacs(serverOnPath: boolean): EditorSetup {
  // The editor is a prerequisite of the suite, as node is: `npm test` installs it (scripts/test-tools.mjs).
  assert.equal(missing, undefined, `${missing}: apt-get install emacs-nox elpa-eglot elpa-yaml-mode (npm test installs them)`);
  assert.equal(snippet.language, 'elisp');
  return {
    command: EMACS,
    args: ['--batch', '-l', testFile('emacs/portchain.el')],
    configVariable: 'PORTCHAIN_EMACS_CONFIG',
    snippet: { code: snippet.code, fileName: 'init.el' },
    serverOnPath,
  };
}

describe("Emacs (eglot) with the README's snippet", { timeout: 4 * EDITOR_TIMEOUT_MS }, () => {
  test('three files of one project: one server, the flymake diagnostic once, the hover chain, definition across files', async (t) => {
    const setup = emacs(true);
    const workspace = DiskWorkspace.create(BROKEN_SHOP);
    t.after(() => workspace.dispose());
    const report = await runEditorSession<EmacsReport>(workspace, setup, ['apps/service.yaml', 'apps/ingress.yaml', 'apps/deploy.yaml'], SHOP_REQUESTS);
    t.diagnostic(`Emacs ${report.emacs}`);

    assert.deepEqual(report.messages, []);
    assert.deepEqual(report.servers, [{ project: `${workspace.dir}/`, managed: ['apps/deploy.yaml', 'apps/ingress.yaml', 'apps/service.yaml'] }]);
    assert.equal(report.processes, 1, 'one language server process for the three files');

    // The squiggle: what flymake holds for the Service's buffer, once, and nothing elsewhere.
    const [expected] = workspace.fixture.expectations;
    assert.deepEqual(report.diagnostics['apps/ingress.yaml'], []);
    assert.deepEqual(report.diagnostics['apps/deploy.yaml'], []);
    const shown = report.diagnostics['apps/service.yaml'];
    assert.equal(shown.length, 1, `diagnostics of apps/service.yaml: ${JSON.stringify(shown)}`);
    const [diagnostic] = shown;
    assert.deepEqual(
      { line: diagnostic.line, from: diagnostic.from, to: diagnostic.to, type: diagnostic.type },
      { line: expected.line, from: expected.startCharacter, to: expected.endCharacter, type: 'eglot-error' },
    );
    // eglot shows `source [code]: message`.
    assert.ok(diagnostic.text.startsWith('portchain [target-port-mismatch]: '), diagnostic.text);
    assert.ok(diagnostic.text.includes(expected.message!), diagnostic.text);

    assertShopHover(report.results.hover.result);
    assertShopDefinition(report.results.definition.result, workspace);
    assert.equal(report.stopped, true, 'the server did not stop when eglot shut it down');
  });

  test('portchain-language-server not on the PATH: a message that says so for each file, no server, no error', async (t) => {
    const setup = emacs(false);
    const workspace = DiskWorkspace.create(BROKEN_SHOP);
    t.after(() => workspace.dispose());
    const report = await runEditorSession<EmacsReport>(workspace, setup, ['apps/service.yaml', 'apps/ingress.yaml'], []);

    const message = 'portchain: portchain-language-server is not on the PATH; install portchain (npm install --global portchain-<version>.tgz)';
    assert.deepEqual(report.messages, [message, message]);
    assert.deepEqual(report.servers, []);
    assert.equal(report.processes, 0);
  });
});
