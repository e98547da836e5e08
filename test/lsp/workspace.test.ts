// What the server reads: the scan of every workspace folder, what it skips, its progress, and
// rescans when the excludes or the folders change.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assertDiagnostics, DiskWorkspace } from '../support/diskWorkspace';
import { DEFAULT_CAPABILITIES, LSP_TEST_TIMEOUT_MS, startServer } from '../support/lspClient';
import { BROKEN_CHAIN, joinFixtures } from './chains';

/** A Service whose targetPort the Deployment web of BROKEN_CHAIN does not declare: read, it is a finding. */
function strayService(name: string): string {
  return `apiVersion: v1
kind: Service
metadata: {name: ${name}}
spec:
  selector: {app: web}
  ports:
    - port: 80
      targetPort: 9999
`;
}

describe('workspace scan over LSP', { timeout: LSP_TEST_TIMEOUT_MS }, () => {
  test('files under node_modules, files.exclude and portchain.exclude are not read', async (t) => {
    const skipped = ['node_modules/chart/service.yaml', 'generated/service.yaml', 'legacy/old/service.yaml', 'apps/draft.tmp.yaml'];
    const source = joinFixtures(BROKEN_CHAIN, ...skipped.map((path) => `# --- ${path}\n${strayService('stray')}`));
    const { client, workspace } = await startServer(t, source, {
      settings: { portchain: { exclude: ['legacy/**'] }, files: { exclude: { '**/generated': true, '**/*.tmp.yaml': true, '**/kept': false } } },
    });
    await client.waitForIdle();
    assertDiagnostics(client, workspace);
    await client.waitForStatus({ files: 2, resources: 2 });
    assert.deepEqual(
      client.registrations.find((registration) => registration.method === 'workspace/didChangeWatchedFiles')?.registerOptions,
      { watchers: [{ globPattern: '**/*.{yaml,yml}' }, { globPattern: '**/*', kind: 5 }] },
    );
  });

  test('changing files.exclude rescans: a folder no longer excluded is read', async (t) => {
    const { client, workspace } = await startServer(t, joinFixtures(BROKEN_CHAIN, `# --- generated/service.yaml\n${strayService('generated')}`), {
      settings: { files: { exclude: { '**/generated': true } } },
    });
    await client.waitForIdle();
    await client.waitForStatus({ files: 2 });
    const generated = workspace.uriOf('generated/service.yaml');
    assert.equal(client.diagnostics.has(generated), false);

    client.changeSettings({ files: { exclude: {} } });
    const diagnostics = await client.waitForDiagnostics(generated, (list) => list.length === 1, 'the generated Service read');
    assert.equal(diagnostics[0].code, 'target-port-mismatch');
    await client.waitForStatus({ files: 3, indexing: false });

    client.changeSettings({ files: { exclude: { '**/generated': true } } });
    await client.waitForDiagnostics(generated, (list) => list.length === 0, 'the generated Service dropped again');
    await client.waitForStatus({ files: 2, indexing: false });
  });

  test('a file of more than 256 KB is parsed a document at a time and published like any other', async (t) => {
    // Apps back to back, one of them broken: about 400 KB, so the server parses it in slices.
    const apps = Array.from({ length: 1200 }, (_, i) => {
      const target = i === 777 ? 9999 : 8080;
      return `apiVersion: v1\nkind: Service\nmetadata: {name: app-${i}}\nspec:\n  selector: {app: app-${i}}\n  ports: [{port: 80, targetPort: ${target}}]\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: app-${i}}\nspec:\n  selector: {matchLabels: {app: app-${i}}}\n  template:\n    metadata: {labels: {app: app-${i}}}\n    spec:\n      containers: [{name: web, image: nginx, ports: [{containerPort: 8080}]}]\n`;
    });
    const big = apps.join('---\n');
    assert.ok(big.length > 256 * 1024, `${big.length} characters`);
    const { client, workspace } = await startServer(t, joinFixtures(BROKEN_CHAIN, `# --- big/apps.yaml\n${big}`));
    await client.waitForIdle();
    await client.waitForStatus({ files: 3, resources: 2402, indexing: false });
    const diagnostics = client.diagnostics.get(workspace.uriOf('big/apps.yaml')) ?? [];
    assert.deepEqual(diagnostics.map((diagnostic) => `${diagnostic.code} line ${diagnostic.range.start.line}`), [`target-port-mismatch line ${big.slice(0, big.indexOf('targetPort: 9999')).split('\n').length - 1}`]);
  });

  test('the scan reports progress as N/M files on a token it created', async (t) => {
    const files = Array.from({ length: 40 }, (_, i) => `# --- config/${String(i).padStart(2, '0')}.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c${i}}\n`).join('\n');
    const { client } = await startServer(t, joinFixtures(BROKEN_CHAIN, files));
    await client.waitForIdle();
    await client.waitFor(() => client.progress.some((progress) => progress.value.kind === 'end'), 'the end of the progress');
    const [token] = client.progressTokensCreated;
    assert.ok(token !== undefined, 'a token was created with window/workDoneProgress/create');
    assert.ok(client.progress.every((progress) => progress.token === token));
    const kinds = client.progress.map((progress) => progress.value.kind);
    assert.equal(kinds[0], 'begin');
    assert.equal(kinds.at(-1), 'end');
    assert.match(client.progress[0].value.title ?? '', /portchain/);
    const reports = client.progress.filter((progress) => progress.value.kind === 'report').map((progress) => progress.value.message);
    assert.equal(reports.at(-1), '42/42 files');
    assert.ok(reports.length >= 2, `files are read in batches, reported one by one: ${reports.join(', ')}`);
    assert.ok(reports.every((message) => /^\d+\/42 files$/.test(message ?? '')));
  });

  test('a client without progress support gets none, and the same diagnostics', async (t) => {
    const capabilities = { ...DEFAULT_CAPABILITIES, window: {} };
    const { client, workspace } = await startServer(t, BROKEN_CHAIN, { capabilities });
    await client.waitForIdle();
    assertDiagnostics(client, workspace);
    assert.deepEqual(client.progressTokensCreated, []);
    assert.deepEqual(client.progress, []);
  });

  test('a workspace folder added later is scanned, and its files leave with it', async (t) => {
    const { client, workspace } = await startServer(t, BROKEN_CHAIN);
    const other = DiskWorkspace.create(`# --- other.yaml\n${strayService('other')}`);
    t.after(() => other.dispose());
    await client.waitForIdle();
    const otherUri = other.uriOf('other.yaml');

    client.notify('workspace/didChangeWorkspaceFolders', { event: { added: [{ uri: other.uri, name: 'other' }], removed: [] } });
    await client.waitForDiagnostics(otherUri, (list) => list.length === 1, 'the other folder read');
    await client.waitForStatus({ files: 3, indexing: false });

    client.notify('workspace/didChangeWorkspaceFolders', { event: { added: [], removed: [{ uri: other.uri, name: 'other' }] } });
    await client.waitForDiagnostics(otherUri, (list) => list.length === 0, 'the other folder dropped');
    await client.waitForStatus({ files: 2, indexing: false });
    assertDiagnostics(client, workspace);
  });
});
