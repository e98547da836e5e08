// Restricted Mode: portchain reads files and runs nothing, so it declares
// `capabilities.untrustedWorkspaces.supported: true` and works in a folder the user has not
// trusted. The runner opens the workspace untrusted for this suite alone (scripts/vscode/run-e2e.mjs,
// `restricted`), and runs only this suite there; the other runs leave it out.
//
// VS Code enables an extension under development whatever the trust, so this run shows what the
// extension does untrusted; that the installed extension is enabled there at all is the manifest's
// declaration, which test/manifest.test.ts checks and VS Code reads as the run below asserts.

import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { EXAMPLES_FINDINGS, RESTRICTED_SUITE, eventually, hoverText, openFile, portchainDiagnostics, portchainExtension, positionOf, summary } from './helpers';
import { suite, test } from './mocha';

suite(RESTRICTED_SUITE, () => {
  test('the folder is untrusted, the extension declares it works there, and every broken link of examples/ is shown', async () => {
    assert.equal(vscode.workspace.isTrusted, false, 'the runner opens this suite in an untrusted folder');
    const extension = portchainExtension();
    assert.deepEqual(extension.packageJSON.capabilities?.untrustedWorkspaces, { supported: true });
    await eventually(async () => assert.deepEqual((await portchainDiagnostics()).map(summary), EXAMPLES_FINDINGS.map(summary)));
    assert.equal(extension.isActive, true);
  });

  test('the hover chain answers, untrusted', async () => {
    const ingress = await openFile('shop/ingress.yaml');
    await eventually(async () => assert.match(await hoverText(ingress, positionOf(ingress, 21, '8080')), /backend: Service storefront port 8080/));
  });
});
