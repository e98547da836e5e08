// The demo workspace in a real VS Code shows exactly the findings examples/README.md promises
// (the same list as test/examples.test.ts, seen here through the client): on the right line, on
// the right text, with the right severity and rule, and nothing on the clean chain, the chart or
// the Compose file. Files need not be open: the server reads the whole workspace.

import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { eventually, portchainDiagnostics, summary, workspaceFile, type ShownDiagnostic } from './helpers';
import { suite, test } from './mocha';

const EXPECTED: Omit<ShownDiagnostic, 'message'>[] = [
  { file: 'api/api.yaml', line: 30, severity: 'warning', rule: 'process-port-mismatch', text: '"9000"' },
  { file: 'api/api.yaml', line: 56, severity: 'error', rule: 'target-port-name-missing', text: 'grpc' },
  { file: 'gateway/docs.yaml', line: 35, severity: 'error', rule: 'route-port-missing', text: 'docs' },
  { file: 'legacy/guestbook.yaml', line: 24, severity: 'error', rule: 'ingress-service-missing', text: 'guestbook-fronted' },
  { file: 'legacy/guestbook.yaml', line: 44, severity: 'error', rule: 'node-port-range', text: '8080' },
  { file: 'shop/ingress.yaml', line: 21, severity: 'error', rule: 'ingress-port-mismatch', text: '8080' },
  { file: 'shop/service.yaml', line: 15, severity: 'error', rule: 'target-port-mismatch', text: '8081' },
];

suite('diagnostics of examples/', () => {
  test('every broken link is shown where examples/README.md says, and nothing else', async () => {
    await eventually(async () => assert.deepEqual((await portchainDiagnostics()).map(summary), EXPECTED.map(summary)));
  });

  test('messages name both ends of the link, with a did-you-mean for a misspelt Service', async () => {
    const diagnostics = await eventually(async () => {
      const all = await portchainDiagnostics();
      assert.equal(all.length, EXPECTED.length);
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
