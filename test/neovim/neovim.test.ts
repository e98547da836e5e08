// portchain's language server in a second real editor: Neovim 0.7 (Debian's), driven headless
// by test/neovim/portchain.lua with the plain vim.lsp client (start_client + buf_attach_client),
// the way the README tells Neovim users to set it up. It opens a fixture with a broken link and
// checks what Neovim holds: the diagnostics, a hover with the chain, a definition across files.
// Without nvim (on the PATH, or PORTCHAIN_NVIM) the test says so and skips; .ci/run installs it
// (apt-get install neovim).

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, test } from 'node:test';
import { DiskWorkspace } from '../support/diskWorkspace';
import { serverPath } from '../support/lspClient';

const SHOP = `
  # --- apps/ingress.yaml
  apiVersion: networking.k8s.io/v1
  kind: Ingress
  metadata: {name: shop}
  spec:
    rules:
      - host: shop.example.com
        http:
          paths:
            - path: /
              pathType: Prefix
              backend:
                service:
                  name: web
                  port: {number: 80}
  # --- apps/service.yaml
  apiVersion: v1
  kind: Service
  metadata: {name: web}
  spec:
    selector: {app: web}
    ports:
      - port: 80
        targetPort: 8081
  #                 ^^^^ error target-port-mismatch: no container of Deployment web (apps/deploy.yaml) listens on 8081
  # --- apps/deploy.yaml
  apiVersion: apps/v1
  kind: Deployment
  metadata: {name: web}
  spec:
    selector: {matchLabels: {app: web}}
    template:
      metadata: {labels: {app: web}}
      spec:
        containers:
          - name: web
            ports:
              - containerPort: 8080
`;

const TIMEOUT_MS = 30_000;

/** The Neovim to run: `nvim` on the PATH, or PORTCHAIN_NVIM. */
const NVIM = process.env.PORTCHAIN_NVIM || 'nvim';

/** What portchain.lua writes: Neovim's own view of the session. */
interface NeovimReport {
  nvim: string;
  error?: string;
  stopped?: boolean;
  diagnostics: Record<string, { lnum: number; col: number; end_col: number; severity: number; source: string; code: string; message: string }[]>;
  results: Record<string, { result?: unknown; error?: string }>;
}

function nvimVersion(): string | undefined {
  const found = spawnSync(NVIM, ['--version'], { encoding: 'utf8' });
  return found.status === 0 ? found.stdout.split('\n')[0] : undefined;
}

/** test/neovim/portchain.lua, found from wherever the test runs (bundled into out/ or not). */
function luaScript(): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const script = join(dir, 'test', 'neovim', 'portchain.lua');
    if (existsSync(script)) return script;
    if (dirname(dir) === dir) throw new Error(`test/neovim/portchain.lua not found above ${__dirname}`);
  }
}

/** Runs portchain.lua in headless Neovim on `workspace` and returns its report. */
async function runNeovim(workspace: DiskWorkspace, open: string[], requests: { name: string; method: string; file: string; at: string }[]): Promise<NeovimReport> {
  const home = join(workspace.dir, '.nvim');
  mkdirSync(home, { recursive: true });
  const output = join(home, 'report.json');
  const config = join(home, 'config.json');
  writeFileSync(config, JSON.stringify({
    node: process.execPath,
    server: serverPath(),
    root: workspace.dir,
    output,
    timeoutMs: TIMEOUT_MS,
    open,
    requests: requests.map(({ name, method, file, at }) => ({ name, method, file, ...workspace.rangeOf(file, at).start })),
  }));
  // Neovim's state (its LSP log among it) stays in the fixture's folder, out of the user's home.
  const env = { ...process.env, PORTCHAIN_NVIM_CONFIG: config, XDG_CONFIG_HOME: join(home, 'config'), XDG_DATA_HOME: join(home, 'data'), XDG_STATE_HOME: join(home, 'state'), XDG_CACHE_HOME: join(home, 'cache') };
  // A group of its own, so that a hung Neovim goes together with the server it started.
  const nvim = spawn(NVIM, ['--headless', '--clean', '-u', 'NONE', '-c', `luafile ${luaScript()}`], { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let printed = '';
  nvim.stdout.on('data', (chunk) => (printed += chunk));
  nvim.stderr.on('data', (chunk) => (printed += chunk));
  const exit = await new Promise<number | string>((resolve) => {
    const timer = setTimeout(() => process.kill(-nvim.pid!, 'SIGKILL'), 3 * TIMEOUT_MS);
    nvim.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve(code ?? signal ?? 'unknown');
    });
  });
  try {
    process.kill(-nvim.pid!, 'SIGKILL');
  } catch {
    // The group is gone already: Neovim stopped the server before it quit.
  }
  assert.ok(existsSync(output), `Neovim exited (${exit}) without a report; it printed:\n${printed}`);
  const report = JSON.parse(readFileSync(output, 'utf8')) as NeovimReport;
  assert.equal(report.error, undefined, `portchain.lua failed in Neovim ${report.nvim}: ${report.error}\n${printed}`);
  assert.equal(exit, 0, `Neovim exited with ${exit}; it printed:\n${printed}`);
  return report;
}

const version = nvimVersion();

describe('Neovim (vim.lsp.start_client) with portchain-language-server --stdio', { timeout: 4 * TIMEOUT_MS }, () => {
  test('a fixture with a broken targetPort: the diagnostic, the hover chain from the Ingress, definition across files', async (t) => {
    if (!version) {
      t.skip(`${NVIM} is not installed (apt-get install neovim; .ci/run installs it)`);
      return;
    }
    const workspace = DiskWorkspace.create(SHOP);
    t.after(() => workspace.dispose());
    const report = await runNeovim(workspace, ['apps/service.yaml', 'apps/ingress.yaml'], [
      { name: 'hover', method: 'textDocument/hover', file: 'apps/ingress.yaml', at: '80}' },
      { name: 'definition', method: 'textDocument/definition', file: 'apps/ingress.yaml', at: 'web\n' },
    ]);
    t.diagnostic(`${version}`);

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

    // The hover on the Ingress backend port draws the chain hop by hop, ✗ at the container.
    const hover = report.results.hover.result as { contents: { kind: string; value: string } };
    assert.equal(hover.contents.kind, 'markdown');
    const card = hover.contents.value;
    assert.match(card, /\*\*Ingress shop\*\* backend: Service web port 80/);
    assert.match(card, /✓ → \*\*Service web\*\* port 80 · \[apps\/service\.yaml:\d+\]/);
    assert.match(card, /✓ → \*\*targetPort\*\* 8081/);
    assert.match(card, /✗ → \*\*Deployment web \/ container web\*\* containerPorts 8080/);
    assert.match(card, /kubectl port-forward svc\/web 8080:80/);

    // Definition from the backend's Service name lands on the Service, in the other file.
    const definition = report.results.definition.result as ({ uri: string } | { targetUri: string })[];
    assert.deepEqual(definition.map((target) => ('targetUri' in target ? target.targetUri : target.uri)), [pathToFileURL(workspace.pathOf('apps/service.yaml')).href]);

    assert.equal(report.stopped, true, 'the server did not stop when Neovim asked');
  });
});
