// Rule severities come from settings, and a change applies at once, without restarting anything.

import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { eventually, portchainDiagnostics, summary, workspaceRoot } from './helpers';
import { suite, teardown, test } from './mocha';

const SETTING = 'rules.target-port-mismatch';
const SERVICE_FINDING = 'shop/service.yaml:15 error target-port-mismatch "8081"';

function portchainSettings(): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration('portchain', workspaceRoot());
}

async function shopFindings(): Promise<string[]> {
  return (await portchainDiagnostics()).map(summary).filter((line) => line.startsWith('shop/'));
}

suite('settings', () => {
  teardown(async () => {
    await portchainSettings().update(SETTING, undefined, vscode.ConfigurationTarget.Workspace);
  });

  test('portchain.rules.target-port-mismatch: off removes the finding, and removing the setting brings it back', async () => {
    await eventually(async () => assert.ok((await shopFindings()).includes(SERVICE_FINDING)));

    await portchainSettings().update(SETTING, 'off', vscode.ConfigurationTarget.Workspace);
    await eventually(async () => assert.ok(!(await shopFindings()).some((line) => line.includes('target-port-mismatch')), 'the finding is still shown'));
    // Only that rule is off.
    assert.ok((await shopFindings()).some((line) => line.includes('ingress-port-mismatch')));

    await portchainSettings().update(SETTING, undefined, vscode.ConfigurationTarget.Workspace);
    await eventually(async () => assert.ok((await shopFindings()).includes(SERVICE_FINDING)));
  });

  test('portchain.rules.target-port-mismatch: warning shows it as a warning', async () => {
    await portchainSettings().update(SETTING, 'warning', vscode.ConfigurationTarget.Workspace);
    await eventually(async () => assert.ok((await shopFindings()).includes(SERVICE_FINDING.replace(' error ', ' warning '))));
  });
});
