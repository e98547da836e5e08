// portchain's language server in Emacs with eglot (Debian's Emacs 28 and elpa-eglot 1.9), driven
// in batch mode by test/emacs/portchain.el with the eglot-server-programs entry the README gives.
// It opens a fixture with a broken link and checks what Emacs holds: flymake's diagnostic, a hover
// with the chain, a definition across files. Without emacs or eglot (or PORTCHAIN_EMACS) the test
// says so and skips; .ci/run installs both (apt-get install emacs-nox elpa-eglot).

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { DiskWorkspace } from '../support/diskWorkspace';
import { BROKEN_SHOP, EDITOR_TIMEOUT_MS, SHOP_REQUESTS, assertShopDefinition, assertShopHover, editorVersion, runEditorSession, testFile } from '../support/editorSession';

const EMACS = process.env.PORTCHAIN_EMACS || 'emacs';

/** What portchain.el writes: Emacs's own view of the session. */
interface EmacsReport {
  emacs: string;
  error?: string;
  stopped?: boolean;
  /** Per file, what flymake-diagnostics returns for its buffer (zero-based line, columns). */
  diagnostics: Record<string, { line: number; from: number; to: number; type: string; text: string }[]>;
  results: Record<string, { result?: unknown }>;
}

function eglotMissing(): string | undefined {
  const version = editorVersion(EMACS);
  if (!version) return `${EMACS} is not installed`;
  const eglot = spawnSync(EMACS, ['--batch', '--eval', "(require 'eglot)"], { encoding: 'utf8' });
  return eglot.status === 0 ? undefined : `${version} has no eglot`;
}

const missing = eglotMissing();

describe('Emacs (eglot) with portchain-language-server --stdio', { timeout: 4 * EDITOR_TIMEOUT_MS }, () => {
  test('a fixture with a broken targetPort: the flymake diagnostic, the hover chain from the Ingress, definition across files', async (t) => {
    // The editor is a prerequisite of the suite, as node is: .ci/run installs it on a new machine.
    assert.equal(missing, undefined, `${missing}: apt-get install emacs-nox elpa-eglot (.ci/run installs them)`);
    const workspace = DiskWorkspace.create(BROKEN_SHOP);
    t.after(() => workspace.dispose());
    const report = await runEditorSession<EmacsReport>(
      workspace,
      { command: EMACS, args: ['--batch', '-l', testFile('emacs/portchain.el')], configVariable: 'PORTCHAIN_EMACS_CONFIG' },
      ['apps/service.yaml', 'apps/ingress.yaml'],
      SHOP_REQUESTS,
    );
    t.diagnostic(`Emacs ${report.emacs}`);

    // The squiggle: what flymake holds for the Service's buffer, and nothing on the Ingress.
    const [expected] = workspace.fixture.expectations;
    assert.deepEqual(report.diagnostics['apps/ingress.yaml'], []);
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
});
