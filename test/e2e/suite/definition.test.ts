// Go to definition across files in a real VS Code: from an Ingress backend to the Service it
// names, and from a Service's targetPort to the container port it reaches.

import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { eventually, openFile, positionOf } from './helpers';
import { suite, teardown, test } from './mocha';

/** Where definition leads from a position: `file:line "text"` per target, as the peek view lists them. */
async function definitionsAt(document: vscode.TextDocument, position: vscode.Position): Promise<string[]> {
  const targets = await vscode.commands.executeCommand<(vscode.Location | vscode.LocationLink)[]>('vscode.executeDefinitionProvider', document.uri, position);
  const shown: string[] = [];
  for (const target of targets) {
    const uri = 'targetUri' in target ? target.targetUri : target.uri;
    const range = 'targetUri' in target ? (target.targetSelectionRange ?? target.targetRange) : target.range;
    const file = await vscode.workspace.openTextDocument(uri);
    shown.push(`${vscode.workspace.asRelativePath(uri)}:${range.start.line + 1} ${JSON.stringify(file.getText(range))}`);
  }
  return shown;
}

suite('definition', () => {
  teardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('from the Ingress backend name in shop/ingress.yaml to the Service in shop/service.yaml', async () => {
    const ingress = await openFile('shop/ingress.yaml');
    const definitions = await eventually(async () => {
      const found = await definitionsAt(ingress, positionOf(ingress, 19, 'storefront'));
      assert.notEqual(found.length, 0, 'no definition yet');
      return found;
    });
    assert.deepEqual(definitions, ['shop/service.yaml:7 "storefront"']);
  });

  test("from the Service's named targetPort to the container port of that name in shop/deployment.yaml", async () => {
    const service = await openFile('shop/service.yaml');
    const definitions = await eventually(async () => {
      const found = await definitionsAt(service, positionOf(service, 18, 'metrics'));
      assert.notEqual(found.length, 0, 'no definition yet');
      return found;
    });
    assert.deepEqual(definitions, ['shop/deployment.yaml:24 "metrics"']);
  });
});
