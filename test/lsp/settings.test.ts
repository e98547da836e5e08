// Settings as editors hand them over: pulled with workspace/configuration (VS Code), pushed in
// initializationOptions and didChangeConfiguration (clients that cannot answer the pull).

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Expectation } from '../support/fixture';
import { assertDiagnostics } from '../support/diskWorkspace';
import { DEFAULT_CAPABILITIES, LSP_TEST_TIMEOUT_MS, startServer } from '../support/lspClient';
import { BROKEN_CHAIN } from './chains';

const withSeverity = (expectations: Expectation[], severity: string) => expectations.map((expectation) => ({ ...expectation, severity }));

describe('settings over LSP', { timeout: LSP_TEST_TIMEOUT_MS }, () => {
  test('a severity change through didChangeConfiguration takes effect without a restart', async (t) => {
    const { client, workspace } = await startServer(t, BROKEN_CHAIN);
    await client.waitForIdle();
    assertDiagnostics(client, workspace);
    const service = workspace.uriOf('apps/service.yaml');

    // VS Code's shape: dotted keys arrive as nested objects.
    client.changeSettings({ portchain: { rules: { 'target-port-mismatch': 'warning' } } });
    await client.waitForDiagnostics(service, (diagnostics) => diagnostics[0]?.severity === 2, 'a warning');
    assertDiagnostics(client, workspace, withSeverity(workspace.fixture.expectations, 'warning'));
    await client.waitForStatus({ brokenLinks: 0 });

    // Other editors often keep the dotted key as it is written.
    client.changeSettings({ portchain: { 'rules.target-port-mismatch': 'off' } });
    await client.waitForDiagnostics(service, (diagnostics) => diagnostics.length === 0, 'no diagnostics');

    client.changeSettings({ portchain: { rules: { 'target-port-mismatch': 'info' } } });
    await client.waitForDiagnostics(service, (diagnostics) => diagnostics[0]?.severity === 3, 'an information');
    assertDiagnostics(client, workspace, withSeverity(workspace.fixture.expectations, 'info'));
    assert.ok(client.configurationRequests.every((request) => request.items.some((item) => item.section === 'portchain')));
  });

  test('a setting the server cannot read is logged and its default stands', async (t) => {
    const { client, workspace } = await startServer(t, BROKEN_CHAIN, {
      settings: { portchain: { rules: { 'target-port-mismatch': 'loud', 'no-such-rule': 'off' }, nodePortRange: { min: 40000, max: 3 } } },
    });
    await client.waitForIdle();
    assertDiagnostics(client, workspace);
    const log = client.logs.join('\n');
    assert.match(log, /rule "target-port-mismatch": "loud" is not one of error, warning, info, off/);
    assert.match(log, /unknown rule "no-such-rule"/);
    assert.match(log, /"nodePortRange" must be/);
  });

  test('a client without workspace/configuration: initializationOptions, then pushed settings', async (t) => {
    const capabilities = { ...DEFAULT_CAPABILITIES, workspace: { ...DEFAULT_CAPABILITIES.workspace, configuration: false } };
    const { client, workspace } = await startServer(t, BROKEN_CHAIN, {
      capabilities,
      initializationOptions: { portchain: { rules: { 'target-port-mismatch': 'warning' } } },
    });
    await client.waitForIdle();
    assertDiagnostics(client, workspace, withSeverity(workspace.fixture.expectations, 'warning'));
    assert.equal(client.configurationRequests.length, 0);

    client.notify('workspace/didChangeConfiguration', { settings: { 'portchain.rules.target-port-mismatch': 'info' } });
    await client.waitForDiagnostics(workspace.uriOf('apps/service.yaml'), (diagnostics) => diagnostics[0]?.severity === 3, 'an information');
    assertDiagnostics(client, workspace, withSeverity(workspace.fixture.expectations, 'info'));
  });
});
