// The demo workspace in a real VS Code shows exactly the findings examples/README.md promises
// (the same list as test/examples.test.ts, seen here through the client): on the right line, on
// the right text, with the right severity and rule, and nothing on the clean chain, the chart or
// the Compose file. Files need not be open: the server reads the whole workspace.

import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { EXAMPLES_FINDINGS, eventually, portchainDiagnostics, summary, workspaceFile } from './helpers';
import { suite, test } from './mocha';

suite('diagnostics of examples/', () => {
  test('every broken link is shown where examples/README.md says, and nothing else', async () => {
    await eventually(async () => assert.deepEqual((await portchainDiagnostics()).map(summary), EXAMPLES_FINDINGS.map(summary)));
  });

  test('messages name both ends of the link, with a did-you-mean for a misspelt Service', async () => {
    const diagnostics = await eventually(async () => {
      const all = await portchainDiagnostics();
      assert.equal(all.length, EXAMPLES_FINDINGS.length);
      return all;
    });
    const message = (file: string, rule: string) => diagnostics.find((item) => item.file === file && item.rule === rule)?.message ?? '';
    assert.match(message('shop/service.yaml', 'target-port-mismatch'), /Service storefront .* Deployment storefront \(shop\/deployment\.yaml\) .*its containerPorts are 8080 \(http\), 9102 \(metrics\)/);
    assert.match(message('legacy/guestbook.yaml', 'ingress-service-missing'), /did you mean guestbook-frontend/);
  });

  test('each rule id links to its documentation page', async () => {
    const uri = workspaceFile('shop/service.yaml');
    const [diagnostic] = await eventually(() => {
      const found = vscode.languages.getDiagnostics(uri).filter((item) => item.source === 'portchain');
      assert.equal(found.length, 1);
      return found;
    });
    assert.equal(typeof diagnostic.code, 'object');
    const code = diagnostic.code as { value: string | number; target: vscode.Uri };
    assert.equal(code.value, 'target-port-mismatch');
    assert.match(code.target.toString(), /\/docs\/rules\/target-port-mismatch\.md$/);
  });
});
