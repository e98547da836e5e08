// portchain's language server in a second real editor: Neovim 0.7 (Debian's), driven headless
// by test/neovim/portchain.lua with the plain vim.lsp client (start_client + buf_attach_client),
// the way the README tells Neovim users to set it up. It opens a fixture with a broken link and
// checks what Neovim holds: the diagnostics, a hover with the chain, a definition across files.
// Without nvim (on the PATH, or PORTCHAIN_NVIM) the test says so and skips; .ci/run installs it
// (apt-get install neovim).

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DiskWorkspace } from '../support/diskWorkspace';
import { BROKEN_SHOP, EDITOR_TIMEOUT_MS, SHOP_REQUESTS, assertShopDefinition, assertShopHover, editorVersion, runEditorSession, testFile } from '../support/editorSession';

const NVIM = process.env.PORTCHAIN_NVIM || 'nvim';

/** What portchain.lua writes: Neovim's own view of the session. */
interface NeovimReport {
  nvim: string;
  error?: string;
  stopped?: boolean;
  /** Per file, what vim.diagnostic.get returns for its buffer. */
  diagnostics: Record<string, { lnum: number; col: number; end_col: number; severity: number; source: string; code: string; message: string }[]>;
  results: Record<string, { result?: unknown; error?: string }>;
}

const version = editorVersion(NVIM);

describe('Neovim (vim.lsp.start_client) with portchain-language-server --stdio', { timeout: 4 * EDITOR_TIMEOUT_MS }, () => {
  test('a fixture with a broken targetPort: the diagnostic, the hover chain from the Ingress, definition across files', async (t) => {
    // The editor is a prerequisite of the suite, as node is: .ci/run installs it on a new machine.
    assert.ok(version, `${NVIM} is not installed: apt-get install neovim (.ci/run installs it)`);
    const workspace = DiskWorkspace.create(BROKEN_SHOP);
    t.after(() => workspace.dispose());
    const report = await runEditorSession<NeovimReport>(
      workspace,
      { command: NVIM, args: ['--headless', '--clean', '-u', 'NONE', '-c', `luafile ${testFile('neovim/portchain.lua')}`], configVariable: 'PORTCHAIN_NVIM_CONFIG' },
      ['apps/service.yaml', 'apps/ingress.yaml'],
      SHOP_REQUESTS,
    );
    t.diagnostic(version);

    // The squiggle: what vim.diagnostic.get holds for the Service's buffer, and nothing on the Ingress.
    const [expected] = workspace.fixture.expectations;
    assert.deepEqual(report.diagnostics['apps/ingress.yaml'], []);
    const shown = report.diagnostics['apps/service.yaml'];
    assert.equal(shown.length, 1, `diagnostics of apps/service.yaml: ${JSON.stringify(shown)}`);
    const [diagnostic] = shown;
    assert.deepEqual(
      { line: diagnostic.lnum, from: diagnostic.col, to: diagnostic.end_col, severity: diagnostic.severity, source: diagnostic.source, code: diagnostic.code },
      { line: expected.line, from: expected.startCharacter, to: expected.endCharacter, severity: 1 /* vim.diagnostic.severity.ERROR */, source: 'portchain', code: 'target-port-mismatch' },
    );
    assert.ok(diagnostic.message.includes(expected.message!), diagnostic.message);

    assertShopHover(report.results.hover.result);
    assertShopDefinition(report.results.definition.result, workspace);
    assert.equal(report.stopped, true, 'the server did not stop when Neovim asked');
  });
});
