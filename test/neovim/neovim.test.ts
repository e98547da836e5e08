// portchain's language server in a second real editor: Neovim 0.7 (Debian's), set up with the
// README's Lua snippet, verbatim (read out of README.md), and driven headless by
// test/neovim/portchain.lua. Three YAML files of one project share one client and one server
// process; the test checks what Neovim holds: the diagnostic (once), a hover with the chain, a
// definition across files. Without portchain-language-server on the PATH the snippet says so in
// one message and nothing breaks. `npm test` installs Neovim where it is missing
// (scripts/test-tools.mjs).

import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { DiskWorkspace } from '../support/diskWorkspace';
import { BROKEN_SHOP, EDITOR_TIMEOUT_MS, SHOP_REQUESTS, assertShopDefinition, assertShopHover, editorVersion, runEditorSession, testFile, type EditorSetup } from '../support/editorSession';
import { readmeBlock } from '../support/readme';

const NVIM = process.env.PORTCHAIN_NVIM || 'nvim';

/** What portchain.lua writes: Neovim's own view of the session. */
interface NeovimReport {
  nvim: string;
  error?: string;
  stopped?: boolean;
  /** What vim.notify was given: the messages a user would see. */
  messages: { message: string; level: number }[];
  /** The clients named portchain, with their root and the files attached to each. */
  clients: { root: string; attached: string[] }[];
  /** How many processes Neovim had started (the servers). */
  children: number;
  /** Per file, what vim.diagnostic.get returns for its buffer. */
  diagnostics: Record<string, { lnum: number; col: number; end_col: number; severity: number; source: string; code: string; message: string }[]>;
  results: Record<string, { result?: unknown; error?: string }>;
}

const version = editorVersion(NVIM);
const snippet = readmeBlock('test/neovim/neovim.test.ts');

function neovim(serverOnPath: boolean): EditorSetup {
  // The editor is a prerequisite of the suite, as node is: `npm test` installs it (scripts/test-tools.mjs).
  assert.ok(version, `${NVIM} is not installed: apt-get install neovim (npm test installs it)`);
  assert.equal(snippet.language, 'lua');
  return {
    command: NVIM,
    args: ['--headless', '--clean', '-u', 'NONE', '-c', `luafile ${testFile('neovim/portchain.lua')}`],
    configVariable: 'PORTCHAIN_NVIM_CONFIG',
    snippet: { code: snippet.code, fileName: 'init.lua' },
    serverOnPath,
  };
}

describe("Neovim (vim.lsp.start_client) with the README's snippet", { timeout: 4 * EDITOR_TIMEOUT_MS }, () => {
  test('three files of one project: one client, one server, the diagnostic once, the hover chain, definition across files', async (t) => {
    const setup = neovim(true);
    const workspace = DiskWorkspace.create(BROKEN_SHOP);
    t.after(() => workspace.dispose());
    // The project's root, as the snippet finds it.
    mkdirSync(join(workspace.dir, '.git'));
    const report = await runEditorSession<NeovimReport>(workspace, setup, ['apps/service.yaml', 'apps/ingress.yaml', 'apps/deploy.yaml'], SHOP_REQUESTS);
    t.diagnostic(version!);

    assert.deepEqual(report.messages, []);
    assert.deepEqual(report.clients, [{ root: workspace.dir, attached: ['apps/deploy.yaml', 'apps/ingress.yaml', 'apps/service.yaml'] }]);
    assert.equal(report.children, 1, 'one language server process for the three files');

    // The squiggle: what vim.diagnostic.get holds for the Service's buffer, once, and nothing elsewhere.
    const [expected] = workspace.fixture.expectations;
    assert.deepEqual(report.diagnostics['apps/ingress.yaml'], []);
    assert.deepEqual(report.diagnostics['apps/deploy.yaml'], []);
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

  test('portchain-language-server not on the PATH: one error message that says so, no client, no crash', async (t) => {
    const setup = neovim(false);
    const workspace = DiskWorkspace.create(BROKEN_SHOP);
    t.after(() => workspace.dispose());
    const report = await runEditorSession<NeovimReport>(workspace, setup, ['apps/service.yaml', 'apps/ingress.yaml'], []);

    assert.deepEqual(report.messages, [{
      message: 'portchain: portchain-language-server is not on the PATH; install portchain (npm install --global portchain-<version>.tgz)',
      level: 4 /* vim.log.levels.ERROR */,
    }]);
    assert.deepEqual(report.clients, []);
    assert.equal(report.children, 0);
  });
});
