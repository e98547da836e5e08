// Diagnostics as an editor sees them: published for every file after the scan, open or not, and
// republished across files as files change in the editor and on disk.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { assertDiagnostics } from '../support/diskWorkspace';
import { DEFAULT_CAPABILITIES, LSP_TEST_TIMEOUT_MS, PUBLISH_SETTLE_MS, startServer } from '../support/lspClient';
import { BROKEN_CHAIN } from './chains';

describe('diagnostics over LSP', { timeout: LSP_TEST_TIMEOUT_MS }, () => {
  test('the initial scan publishes diagnostics for files that are not open', async (t) => {
    const { client, workspace } = await startServer(t, BROKEN_CHAIN);
    await client.waitForIdle();
    assertDiagnostics(client, workspace);
    const [diagnostic] = client.diagnostics.get(workspace.uriOf('apps/service.yaml'))!;
    assert.equal(diagnostic.source, 'portchain');
    assert.equal(diagnostic.codeDescription?.href, 'https://github.com/portchain/portchain/blob/main/docs/rules/target-port-mismatch.md');
    assert.deepEqual(diagnostic.relatedInformation, [
      {
        location: { uri: workspace.uriOf('apps/deploy.yaml'), range: workspace.rangeOf('apps/deploy.yaml', '8080') },
        message: 'containerPort 8080 of container web in Deployment web',
      },
    ]);
    assert.deepEqual(client.statuses.at(-1), { resources: 2, brokenLinks: 1, files: 2, indexing: false, fixturesLeftOut: 0 });
  });

  test('a client without relatedInformation support gets none', async (t) => {
    const capabilities = { ...DEFAULT_CAPABILITIES, textDocument: { publishDiagnostics: { relatedInformation: false } } };
    const { client, workspace } = await startServer(t, BROKEN_CHAIN, { capabilities });
    await client.waitForIdle();
    assertDiagnostics(client, workspace);
    const [diagnostic] = client.diagnostics.get(workspace.uriOf('apps/service.yaml'))!;
    assert.equal(diagnostic.relatedInformation, undefined);
    assert.equal(diagnostic.message.toString().includes('(apps/deploy.yaml)'), true, 'the message alone still names the other file');
  });

  test('editing the Deployment clears and restores the diagnostic in the unopened Service file', async (t) => {
    const { client, workspace } = await startServer(t, BROKEN_CHAIN);
    await client.waitForIdle();
    const deploy = workspace.uriOf('apps/deploy.yaml');
    const service = workspace.uriOf('apps/service.yaml');
    client.open(deploy, workspace.text('apps/deploy.yaml'));
    // An incremental edit: containerPort 8080 → 8081, as a user types it.
    client.change(deploy, [{ range: workspace.rangeOf('apps/deploy.yaml', '8080'), text: '8081' }]);
    await client.waitForDiagnostics(service, (diagnostics) => diagnostics.length === 0, 'no diagnostics');
    assertDiagnostics(client, workspace, []);
    await client.waitForStatus({ brokenLinks: 0, indexing: false });

    client.change(deploy, [{ range: workspace.rangeOf('apps/deploy.yaml', '8080'), text: '8080' }]);
    await client.waitForDiagnostics(service, (diagnostics) => diagnostics.length === 1, 'the diagnostic back');
    assertDiagnostics(client, workspace);
  });

  test("an open file's text wins over the disk until it is closed", async (t) => {
    const { client, workspace } = await startServer(t, BROKEN_CHAIN);
    await client.waitForIdle();
    const service = workspace.uriOf('apps/service.yaml');
    client.open(service, workspace.text('apps/service.yaml'));
    client.change(service, workspace.text('apps/service.yaml').replace('targetPort: 8081', 'targetPort: 8080'));
    await client.waitForDiagnostics(service, (diagnostics) => diagnostics.length === 0, 'no diagnostics');
    // A watched-file event for an open file does not replace the editor's text.
    client.filesChanged([{ uri: service, type: 2 }]);
    await client.roundTrip();
    await delay(PUBLISH_SETTLE_MS);
    assert.deepEqual(client.diagnostics.get(service), []);
    client.close(service);
    await client.waitForDiagnostics(service, (diagnostics) => diagnostics.length === 1, 'the disk version back');
    assertDiagnostics(client, workspace);
  });

  test('a burst of edits is published a few times at most, not once per edit, ending with its last text', async (t) => {
    const { client, workspace } = await startServer(t, BROKEN_CHAIN);
    await client.waitForIdle();
    const deploy = workspace.uriOf('apps/deploy.yaml');
    const service = workspace.uriOf('apps/service.yaml');
    const text = workspace.text('apps/deploy.yaml');
    const publishedBefore = client.published.length;
    client.open(deploy, text);
    // Twenty keystrokes that flip the link between broken and working, ending fixed.
    for (let i = 0; i < 20; i++) client.change(deploy, text.replace('8080', i % 2 === 0 ? '8080' : '8081'));
    await client.waitForDiagnostics(service, (diagnostics) => diagnostics.length === 0, 'no diagnostics');
    await delay(PUBLISH_SETTLE_MS);
    const servicePublishes = client.published.slice(publishedBefore).filter((params) => params.uri === service);
    // One publish when the burst arrives in one piece; a loaded machine may split it, never into twenty.
    assert.ok(servicePublishes.length <= 3, `${servicePublishes.length} publishes for 20 edits`);
  });

  test('an untitled YAML document is analysed with the workspace, and cleared when closed', async (t) => {
    const { client, workspace } = await startServer(t, BROKEN_CHAIN);
    await client.waitForIdle();
    const untitled = 'untitled:Untitled-1';
    client.open(untitled, workspace.text('apps/service.yaml').replace('name: web}', 'name: web-draft}').replace('8081', '8082'));
    const [diagnostic] = await client.waitForDiagnostics(untitled, (diagnostics) => diagnostics.length === 1, 'a diagnostic');
    assert.equal(diagnostic.code, 'target-port-mismatch');
    assert.match(diagnostic.message.toString(), /Service web-draft sends port 80 to targetPort 8082/);
    client.close(untitled);
    await client.waitForDiagnostics(untitled, (diagnostics) => diagnostics.length === 0, 'no diagnostics');
    assertDiagnostics(client, workspace);
  });

  test('deleting the Deployment on disk leaves the Service unknown: no diagnostics', async (t) => {
    const { client, workspace } = await startServer(t, BROKEN_CHAIN);
    await client.waitForIdle();
    const service = workspace.uriOf('apps/service.yaml');
    assert.equal(client.diagnostics.get(service)?.length, 1);
    workspace.remove('apps/deploy.yaml');
    client.filesChanged([{ uri: workspace.uriOf('apps/deploy.yaml'), type: 3 }]);
    await client.waitForDiagnostics(service, (diagnostics) => diagnostics.length === 0, 'no diagnostics');
    assertDiagnostics(client, workspace, []);
    await client.waitForStatus({ resources: 1, brokenLinks: 0, files: 1, indexing: false });
  });

  test('a rename (delete + create) moves the other end of the link', async (t) => {
    const { client, workspace } = await startServer(t, BROKEN_CHAIN);
    await client.waitForIdle();
    const service = workspace.uriOf('apps/service.yaml');
    workspace.write('moved/deploy.yaml', workspace.text('apps/deploy.yaml'));
    workspace.remove('apps/deploy.yaml');
    client.filesChanged([
      { uri: workspace.uriOf('apps/deploy.yaml'), type: 3 },
      { uri: workspace.uriOf('moved/deploy.yaml'), type: 1 },
    ]);
    const [diagnostic] = await client.waitForDiagnostics(
      service,
      (diagnostics) => diagnostics[0]?.relatedInformation?.[0]?.location.uri === workspace.uriOf('moved/deploy.yaml'),
      'related information in moved/deploy.yaml',
    );
    assert.match(diagnostic.message.toString(), /Deployment web \(moved\/deploy\.yaml\)/);
  });

  test('deleting a folder drops every file below it', async (t) => {
    const { client, workspace } = await startServer(t, BROKEN_CHAIN);
    await client.waitForIdle();
    workspace.remove('apps');
    client.filesChanged([{ uri: workspace.uriOf('apps'), type: 3 }]);
    await client.waitForDiagnostics(workspace.uriOf('apps/service.yaml'), (diagnostics) => diagnostics.length === 0, 'no diagnostics');
    await client.waitForStatus({ files: 0, resources: 0 });
  });

  test('# portchain-disable-next-line silences that line only', async (t) => {
    const { client, workspace } = await startServer(
      t,
      `
      # --- apps/service.yaml
      apiVersion: v1
      kind: Service
      metadata: {name: web}
      spec:
        selector: {app: web}
        ports:
          - name: http
            port: 80
            # portchain-disable-next-line target-port-mismatch
            targetPort: 8081
          - name: admin
            port: 81
            targetPort: 8082
      #                 ^^^^ error target-port-mismatch: Service web sends port admin (81) to targetPort 8082
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
      `,
    );
    await client.waitForIdle();
    assertDiagnostics(client, workspace);
  });

  test('a malformed YAML document gets an information diagnostic and hides nothing in the other documents', async (t) => {
    const { client, workspace } = await startServer(
      t,
      `
      # --- apps/all.yaml
      apiVersion: v1
      kind: Service
      metadata: {name: web}
      spec:
        selector: {app: web}
        ports:
          - port: 80
            targetPort: 8081
      #                 ^^^^ error target-port-mismatch: Deployment web (apps/all.yaml) declares no containerPort 8081
      ---
      apiVersion: v1
      kind: ConfigMap
      metadata: {name: settings}
      data:
        PORT: : 8080
      #       ^ info yaml-syntax: YAML document 2 was not read
      ---
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
      `,
    );
    await client.waitForIdle();
    assertDiagnostics(client, workspace);
    const note = client.diagnostics.get(workspace.uriOf('apps/all.yaml'))!.find((diagnostic) => diagnostic.code === 'yaml-syntax')!;
    assert.equal(note.source, 'portchain');
  });
});
