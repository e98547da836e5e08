// The editing features through the real bundled server over stdio: hover, definition, references,
// rename, quick fixes (applied, with the republished diagnostics watched), inlay hints, code lens
// and symbols. Feature details are tested without a server in test/features/; these prove the wiring.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { CodeAction, CodeLens, CompletionItem, CompletionList, DocumentSymbol, Hover, InlayHint, Location, LocationLink, SymbolInformation, TextEdit, WorkspaceEdit } from 'vscode-languageserver';
import { computeLineStarts, offsetAt } from '../../server/src/model/text';
import type { DiskWorkspace } from '../support/diskWorkspace';
import { LSP_TEST_TIMEOUT_MS, startServer } from '../support/lspClient';

const SHOP = (cursor: string) => `
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
                  name: ${cursor.includes('name') ? 'w$0eb' : 'web'}
                  port: {number: ${cursor.includes('port') ? '8$00' : '80'}}
  # --- apps/service.yaml
  apiVersion: v1
  kind: Service
  metadata: {name: web}
  spec:
    selector: {app: web}
    ports:
      - port: 80
        targetPort: 8081
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

/** Applies a WorkspaceEdit's `changes` to the files on disk, as an editor would, and returns the new texts. */
function applyToDisk(workspace: DiskWorkspace, edit: WorkspaceEdit): Map<string, string> {
  const texts = new Map<string, string>();
  for (const [uri, edits] of Object.entries(edit.changes ?? {})) {
    const path = new URL(uri).pathname.slice(workspace.dir.length + 1);
    let text = workspace.text(path);
    const lineStarts = computeLineStarts(text);
    const located = (edits as TextEdit[]).map((e) => ({ start: offsetAt(lineStarts, text.length, e.range.start), end: offsetAt(lineStarts, text.length, e.range.end), newText: e.newText }));
    for (const e of located.sort((a, b) => b.start - a.start)) text = text.slice(0, e.start) + e.newText + text.slice(e.end);
    workspace.write(path, text);
    texts.set(path, text);
  }
  return texts;
}

describe('editing features over LSP', { timeout: LSP_TEST_TIMEOUT_MS }, () => {
  test('the server advertises every feature', async (t) => {
    const { client } = await startServer(t, SHOP(''));
    const capabilities = client.initializeResult!.capabilities;
    assert.deepEqual(capabilities.completionProvider, { triggerCharacters: [':', ' ', '"', "'"], resolveProvider: true });
    for (const provider of ['hoverProvider', 'completionProvider', 'definitionProvider', 'referencesProvider', 'renameProvider', 'codeActionProvider', 'inlayHintProvider', 'codeLensProvider', 'documentSymbolProvider', 'workspaceSymbolProvider'] as const) {
      assert.ok(capabilities[provider], `${provider} is advertised`);
    }
  });

  test('hover on an Ingress backend port draws the chain to the broken hop', async (t) => {
    const { client, workspace } = await startServer(t, SHOP('port'));
    await client.waitForIdle();
    const hover = await client.requestAt<Hover>('textDocument/hover', workspace.cursor());
    const markdown = typeof hover.contents === 'object' && 'value' in hover.contents ? hover.contents.value : '';
    assert.match(markdown, /Ingress shop/);
    assert.match(markdown, /Service web/);
    assert.match(markdown, /8081/);
    assert.match(markdown, /✗/);
    assert.match(markdown, /kubectl port-forward svc\/web 8080:80/);
  });

  test('completion at a backend offers the Service with the chain it completes, and resolve documents it', async (t) => {
    const { client, workspace } = await startServer(t, SHOP('name'));
    await client.waitForIdle();
    const list = await client.requestAt<CompletionList>('textDocument/completion', workspace.cursor(), { context: { triggerKind: 1 } });
    assert.deepEqual(list.items.map((item) => [item.label, item.detail]), [['web', 'port 80 → web:containerPorts 8080 ✗']]);
    assert.deepEqual(list.items[0].textEdit, { range: workspace.rangeOf('apps/ingress.yaml', 'web'), newText: 'web' });
    const resolved = await client.request<CompletionItem>('completionItem/resolve', list.items[0]);
    assert.match(typeof resolved.documentation === 'object' ? resolved.documentation.value : '', /\*\*Service web\*\*[\s\S]*✗ Deployment web \/ container web containerPorts 8080/);
  });

  test('definition jumps from the backend name to the Service in another file; references come back', async (t) => {
    const { client, workspace } = await startServer(t, SHOP('name'));
    await client.waitForIdle();
    const targets = await client.requestAt<(Location | LocationLink)[]>('textDocument/definition', workspace.cursor());
    const uris = targets.map((target) => ('targetUri' in target ? target.targetUri : target.uri));
    assert.deepEqual(uris, [workspace.uriOf('apps/service.yaml')]);
    const references = await client.requestAt<Location[]>('textDocument/references', { uri: workspace.uriOf('apps/service.yaml'), position: workspace.rangeOf('apps/service.yaml', 'web}').start }, { context: { includeDeclaration: false } });
    assert.deepEqual(references.map((location) => location.uri), [workspace.uriOf('apps/ingress.yaml')]);
  });

  test('rename of the Service updates the backend in the other file; an invalid name is refused', async (t) => {
    const { client, workspace } = await startServer(t, SHOP('name'));
    await client.waitForIdle();
    const edit = await client.requestAt<WorkspaceEdit>('textDocument/rename', workspace.cursor(), { newName: 'storefront' });
    const texts = applyToDisk(workspace, edit);
    assert.match(texts.get('apps/ingress.yaml')!, /name: storefront\n/);
    assert.match(texts.get('apps/service.yaml')!, /metadata: \{name: storefront\}/);
    await assert.rejects(client.requestAt('textDocument/rename', workspace.cursor(), { newName: 'Not_A_Name' }), /DNS/);
  });

  test('a quick fix applied through its WorkspaceEdit clears the diagnostic', async (t) => {
    const { client, workspace } = await startServer(t, SHOP(''));
    await client.waitForIdle();
    const service = workspace.uriOf('apps/service.yaml');
    const [diagnostic] = client.diagnostics.get(service)!;
    assert.equal(diagnostic.code, 'target-port-mismatch');
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri: service }, range: diagnostic.range, context: { diagnostics: [diagnostic] } });
    const preferred = actions.find((action) => action.isPreferred)!;
    assert.equal(preferred.title, 'Set targetPort to 8080');
    const before = workspace.text('apps/service.yaml');
    const texts = applyToDisk(workspace, preferred.edit!);
    assert.equal(texts.get('apps/service.yaml'), before.replace('targetPort: 8081', 'targetPort: 8080'), 'only the scalar changed');
    client.filesChanged([{ uri: service, type: 2 }]);
    await client.waitForDiagnostics(service, (diagnostics) => diagnostics.length === 0, 'the diagnostic cleared');
  });

  test('inlay hints, code lens and symbols answer for the Service file', async (t) => {
    const { client, workspace } = await startServer(t, SHOP(''));
    await client.waitForIdle();
    const uri = workspace.uriOf('apps/service.yaml');
    const hints = await client.request<InlayHint[]>('textDocument/inlayHint', { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 100, character: 0 } } });
    const labels = hints.map((hint) => (typeof hint.label === 'string' ? hint.label : hint.label.map((part) => part.value).join('')));
    assert.ok(labels.some((label) => label.includes('web:') && label.includes('✗')), `hints: ${labels.join(' | ')}`);
    const lenses = await client.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri } });
    assert.ok(lenses.some((lens) => lens.command?.command === 'portchain.copyPortForward'));
    const symbols = await client.request<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri } });
    assert.deepEqual(symbols.map((symbol) => symbol.name), ['Service/web']);
    const found = await client.request<SymbolInformation[]>('workspace/symbol', { query: 'depweb' });
    assert.deepEqual(found.map((symbol) => symbol.name), ['Deployment/web']);
  });
});
