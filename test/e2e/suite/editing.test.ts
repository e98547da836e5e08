// The graph spans files: typing in one manifest changes the diagnostics of another, before
// anything is saved.

import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { eventually, openFile, portchainDiagnostics, replaceOnLine, summary } from './helpers';
import { suite, teardown, test } from './mocha';

const SERVICE_FINDING = 'shop/service.yaml:15 error target-port-mismatch "8081"';
const INGRESS_FINDING = 'shop/ingress.yaml:21 error ingress-port-mismatch "8080"';

suite('editing', () => {
  teardown(async () => {
    // Leave the copy as it was for the next test: nothing dirty, nothing open.
    await vscode.commands.executeCommand('workbench.action.files.revert');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test("changing the Deployment's containerPort to the Service's targetPort clears the Service's target-port-mismatch", async () => {
    await eventually(async () => assert.ok((await portchainDiagnostics()).map(summary).includes(SERVICE_FINDING)));
    const deployment = await openFile('shop/deployment.yaml');

    await replaceOnLine(deployment, 23, 'containerPort: 8080', 'containerPort: 8081');
    assert.ok(deployment.isDirty, 'the edit is not saved: the server reads the open buffer');
    await eventually(async () => {
      const shop = (await portchainDiagnostics()).map(summary).filter((line) => line.startsWith('shop/'));
      // The Ingress still names port 8080 of the Service, which is still not a Service port.
      assert.deepEqual(shop, [INGRESS_FINDING]);
    });

    await replaceOnLine(deployment, 23, 'containerPort: 8081', 'containerPort: 8080');
    await eventually(async () => {
      const shop = (await portchainDiagnostics()).map(summary).filter((line) => line.startsWith('shop/'));
      assert.deepEqual(shop, [INGRESS_FINDING, SERVICE_FINDING]);
    });
  });
});
