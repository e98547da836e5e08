// Test fixtures over LSP: left out of the workspace scan and counted in the status, checked on
// their own when opened, and checked each as a unit of its own when settings include them.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LSP_TEST_TIMEOUT_MS, startServer } from '../support/lspClient';
import { BROKEN_CHAIN, joinFixtures } from './chains';

// A test-data folder holds two cases of one Service, each with its Deployment at another port;
// each file is right on its own, and crossing them would be wrong.
const FIXTURES = `
  # --- pkg/testdata/case-a.yaml
  apiVersion: v1
  kind: Service
  metadata: {name: api}
  spec:
    selector: {app: api}
    ports: [{port: 80, targetPort: 9000}]
  ---
  apiVersion: apps/v1
  kind: Deployment
  metadata: {name: api}
  spec:
    selector: {matchLabels: {app: api}}
    template:
      metadata: {labels: {app: api}}
      spec:
        containers: [{name: api, ports: [{containerPort: 9000}]}]
  # --- pkg/testdata/case-b.yaml
  apiVersion: v1
  kind: Service
  metadata: {name: api}
  spec:
    selector: {app: api}
    ports: [{port: 80, targetPort: 7000}]
  ---
  apiVersion: apps/v1
  kind: Deployment
  metadata: {name: api}
  spec:
    selector: {matchLabels: {app: api}}
    template:
      metadata: {labels: {app: api}}
      spec:
        containers: [{name: api, ports: [{containerPort: 7001}]}]
`;

describe('fixtures over LSP', { timeout: LSP_TEST_TIMEOUT_MS }, () => {
  test('fixtures are left out of the scan, and the status counts them', async (t) => {
    const { client, workspace } = await startServer(t, joinFixtures(BROKEN_CHAIN, FIXTURES));
    await client.waitForIdle();
    assert.deepEqual(client.statuses.at(-1), { resources: 2, brokenLinks: 1, files: 2, indexing: false, fixturesLeftOut: 2 });
    assert.equal(client.diagnostics.get(workspace.uriOf('pkg/testdata/case-b.yaml')), undefined);
  });

  test('a fixture opened in the editor is checked on its own', async (t) => {
    const { client, workspace } = await startServer(t, joinFixtures(BROKEN_CHAIN, FIXTURES));
    await client.waitForIdle();
    const caseB = workspace.uriOf('pkg/testdata/case-b.yaml');
    client.open(caseB, workspace.text('pkg/testdata/case-b.yaml'));
    const diagnostics = await client.waitForDiagnostics(caseB, (list) => list.length === 1, 'the fixture’s own finding');
    assert.match(String(diagnostics[0].message), /^Service api sends port 80 to targetPort 7000, but Deployment api \(pkg\/testdata\/case-b\.yaml\) declares no containerPort 7000/);
    // Hover answers from the fixture's own unit too.
    const hover = await client.request<{ contents: { value: string } } | null>('textDocument/hover', { textDocument: { uri: caseB }, position: workspace.rangeOf('pkg/testdata/case-b.yaml', '7000').start });
    assert.match(hover?.contents.value ?? '', /7001/, 'the hover card shows the fixture’s own container port');
    client.close(caseB);
    await client.waitForDiagnostics(caseB, (list) => list.length === 0, 'the fixture’s diagnostics cleared on close');
  });

  test('included by settings, each fixture is a unit of its own', async (t) => {
    const { client, workspace } = await startServer(t, joinFixtures(BROKEN_CHAIN, FIXTURES), { settings: { portchain: { includeFixtures: true } } });
    await client.waitForIdle();
    assert.equal(client.statuses.at(-1)?.fixturesLeftOut, 0);
    // case-a is right within its file; case-b's Deployment, not case-a's, is the one its Service meets.
    assert.equal(client.diagnostics.get(workspace.uriOf('pkg/testdata/case-a.yaml'))?.length ?? 0, 0);
    const caseB = client.diagnostics.get(workspace.uriOf('pkg/testdata/case-b.yaml')) ?? [];
    assert.equal(caseB.length, 1);
    assert.match(String(caseB[0].message), /Deployment api \(pkg\/testdata\/case-b\.yaml\)/);
  });

  test('turning includeFixtures on reads them without a restart, and off leaves them out again', async (t) => {
    const { client, workspace } = await startServer(t, joinFixtures(BROKEN_CHAIN, FIXTURES));
    await client.waitForIdle();
    const caseB = workspace.uriOf('pkg/testdata/case-b.yaml');
    client.changeSettings({ portchain: { includeFixtures: true } });
    await client.waitForDiagnostics(caseB, (list) => list.length === 1, 'the fixture’s finding once fixtures are included');
    await client.waitForStatus({ fixturesLeftOut: 0, indexing: false });
    client.changeSettings({ portchain: { includeFixtures: false } });
    await client.waitForDiagnostics(caseB, (list) => list.length === 0, 'the fixture’s finding gone once fixtures are left out');
    await client.waitForStatus({ fixturesLeftOut: 2, indexing: false });
  });
});
