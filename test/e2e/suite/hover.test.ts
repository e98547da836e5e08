// Hovering a port in a real VS Code shows the chain card: every hop with ✓ or ✗, where each hop
// is (file and line, relative to the workspace), and under the broken hop what to do about it.

import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { eventually, hoverText, openFile, portchainDiagnostics, positionOf, replaceOnLine } from './helpers';
import { suite, teardown, test } from './mocha';

/** The card's hop lines as a person reads them: mark, what the hop is, and the file:line it links to. */
function hopsOf(card: string): string[] {
  return card
    .split('\n')
    .map((line) => /^- ([✓✗?]) (?:→ )?(.*?) · \[([^\]]+)\]\(([^)]+)\)$/.exec(line))
    .filter((match) => match !== null)
    .map(([, mark, hop, label]) => `${mark} ${hop.replace(/\*\*/g, '').replace(/\s+/g, ' ')} (${label})`);
}

suite('hover', () => {
  teardown(async () => {
    await vscode.commands.executeCommand('workbench.action.files.revert');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('the Ingress backend port of shop/ shows the chain with ✗ on the Service hop, naming the ports it has', async () => {
    await eventually(async () => assert.equal((await portchainDiagnostics()).length, 7));
    const ingress = await openFile('shop/ingress.yaml');
    const card = await eventually(async () => {
      const text = await hoverText(ingress, positionOf(ingress, 21, '8080'));
      assert.match(text, /backend: Service storefront port 8080/);
      return text;
    });
    assert.deepEqual(hopsOf(card), [
      '✓ Ingress storefront host shop.example.com path / (shop/ingress.yaml:19)',
      '✗ Service storefront port 8080 (shop/service.yaml:7)',
    ]);
    assert.match(card, /✗ 1 broken link/);
    assert.match(card, /Service storefront has no port .*8080: its ports are .*80 \(http\), .*9102 \(metrics\)/);
  });

  test('with the backend port fixed, the card follows the chain through targetPort to the container, ✗ where 8081 finds no listener', async () => {
    const ingress = await openFile('shop/ingress.yaml');
    await replaceOnLine(ingress, 21, 'number: 8080', 'number: 80');
    await eventually(async () => assert.ok(!(await portchainDiagnostics()).some((item) => item.rule === 'ingress-port-mismatch')));

    const card = await hoverText(ingress, positionOf(ingress, 21, '80'));
    assert.deepEqual(hopsOf(card), [
      '✓ Ingress storefront host shop.example.com path / (shop/ingress.yaml:19)',
      '✓ Service storefront port 80 (http) (shop/service.yaml:14)',
      '✓ targetPort 8081 (shop/service.yaml:15)',
      '✗ Deployment storefront / container storefront containerPorts 8080 (http), 9102 (metrics) (shop/deployment.yaml:19)',
    ]);
    assert.match(card, /No container declares 8081/);
    assert.match(card, /kubectl port-forward -n shop svc\/storefront 8080:80/);
    // The ✗ hop links to the container in the workspace's own copy of the file.
    const link = /\[shop\/deployment\.yaml:19\]\(([^)]+)\)/.exec(card)?.[1] ?? '';
    const target = vscode.Uri.parse(link);
    assert.equal(target.path, (await vscode.workspace.openTextDocument(vscode.Uri.joinPath(ingress.uri, '../deployment.yaml'))).uri.path);
    assert.equal(target.fragment, 'L19');
  });
});
