// Quick fixes in a real VS Code: the fix the lightbulb offers for the shop Service's broken
// targetPort, applied through workspace.applyEdit and saved, clears the diagnostic and changes
// the file on disk in exactly one place: every other byte (comments, layout, line endings) stays.
// Fixes that create what is missing (a Service for the Deployment a backend names, a containerPort
// the process binds) are saved byte for byte too.

import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { eventually, openFile, portchainDiagnostics, summary, workspaceFile } from './helpers';
import { suite, suiteSetup, suiteTeardown, test } from './mocha';

const SERVICE = 'shop/service.yaml';
const SERVICE_FINDING = 'shop/service.yaml:15 error target-port-mismatch "8081"';

suite('code actions', () => {
  let original: Uint8Array;

  suiteSetup(async () => {
    original = await vscode.workspace.fs.readFile(workspaceFile(SERVICE));
  });

  suiteTeardown(async () => {
    // Put the file back as it was for the suites after this one, and wait for its finding to return.
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.workspace.fs.writeFile(workspaceFile(SERVICE), original);
    await eventually(async () => assert.ok((await portchainDiagnostics()).map(summary).includes(SERVICE_FINDING)));
  });

  test('the quick fixes for target-port-mismatch offer the container ports that exist', async () => {
    const service = await openFile(SERVICE);
    const diagnostic = await serviceDiagnostic(service);
    const actions = await codeActionsFor(service, diagnostic);
    assert.deepEqual(actions.map((action) => action.title), ['Set targetPort to 8080', 'Set targetPort to 9102']);
    assert.ok(actions.every((action) => action.kind?.value === vscode.CodeActionKind.QuickFix.value));
  });

  test('applying "Set targetPort to 8080" and saving clears the diagnostic and changes only that scalar on disk', async () => {
    const service = await openFile(SERVICE);
    const diagnostic = await serviceDiagnostic(service);
    const fix = (await codeActionsFor(service, diagnostic)).find((action) => action.title === 'Set targetPort to 8080');
    assert.ok(fix?.edit, 'no "Set targetPort to 8080" fix with an edit');

    assert.ok(await vscode.workspace.applyEdit(fix.edit), 'the fix was not applied');
    assert.ok(await service.save(), 'the file was not saved');

    const expected = Buffer.from(original).toString('utf8').replace('      targetPort: 8081\n', '      targetPort: 8080\n');
    assert.notEqual(expected, Buffer.from(original).toString('utf8'), 'the fixture has no "targetPort: 8081" line to fix');
    const saved = await vscode.workspace.fs.readFile(workspaceFile(SERVICE));
    assert.equal(Buffer.from(saved).toString('utf8'), expected);
    assert.ok(Buffer.from(saved).equals(Buffer.from(expected, 'utf8')), 'the saved bytes differ from the expected text (encoding, BOM or line endings)');

    await eventually(async () => {
      const shop = (await portchainDiagnostics()).map(summary).filter((line) => line.startsWith('shop/'));
      assert.deepEqual(shop, ['shop/ingress.yaml:21 error ingress-port-mismatch "8080"']);
    });
  });
});

async function serviceDiagnostic(document: vscode.TextDocument): Promise<vscode.Diagnostic> {
  return eventually(() => {
    const found = vscode.languages.getDiagnostics(document.uri).filter((item) => item.source === 'portchain');
    assert.equal(found.length, 1, `expected the one target-port-mismatch on ${SERVICE}`);
    return found[0];
  });
}

/** The code actions the lightbulb offers at a diagnostic, as VS Code asks for them. */
async function codeActionsFor(document: vscode.TextDocument, diagnostic: vscode.Diagnostic): Promise<vscode.CodeAction[]> {
  const found = await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>('vscode.executeCodeActionProvider', document.uri, diagnostic.range, vscode.CodeActionKind.QuickFix.value);
  return found.filter((item): item is vscode.CodeAction => 'title' in item && !('command' in item && typeof item.command === 'string'));
}

// A fix that creates what is missing: an Ingress names a Service that does not exist yet, and the
// Deployment it means is in the same file. The fix writes the Service after the Deployment.
const CREATED = 'scratch/app.yaml';
const APP = [
  'apiVersion: networking.k8s.io/v1',
  'kind: Ingress',
  'metadata: {name: web, namespace: scratch}',
  'spec:',
  '  defaultBackend:',
  '    service: {name: web, port: {number: 80}}',
  '---',
  'apiVersion: v1',
  'kind: Service',
  'metadata: {name: database, namespace: scratch}',
  'spec:',
  '  ports: [{port: 5432}]',
  '---',
  'apiVersion: apps/v1',
  'kind: Deployment',
  'metadata: {name: web, namespace: scratch}',
  'spec:',
  '  selector:',
  '    matchLabels: {app: web}',
  '  template:',
  '    metadata:',
  '      labels: {app: web}',
  '    spec:',
  '      containers:',
  '        - name: web',
  '          image: web:1',
  '          ports:',
  '            - containerPort: 8080',
  '',
].join('\n');

// A targetPort the process binds (a listening flag) that no container declares: a working link,
// so no diagnostic, and a fix at the targetPort that declares it.
const DECLARED = 'scratch/declare.yaml';
const BOUND = [
  'apiVersion: v1',
  'kind: Service',
  'metadata: {name: api, namespace: scratch}',
  'spec:',
  '  selector: {app: api}',
  '  ports:',
  '    - name: http',
  '      port: 80',
  '      targetPort: 8080',
  '---',
  'apiVersion: v1',
  'kind: Pod',
  'metadata: {name: api, namespace: scratch, labels: {app: api}}',
  'spec:',
  '  containers:',
  '    - name: api',
  '      image: api:1',
  '      args: [--port=8080]',
  '      ports: [{containerPort: 9102, name: metrics}]',
  '',
].join('\n');

suite('code actions that create what is missing', () => {
  suiteSetup(async () => {
    await vscode.workspace.fs.writeFile(workspaceFile(CREATED), Buffer.from(APP, 'utf8'));
    await vscode.workspace.fs.writeFile(workspaceFile(DECLARED), Buffer.from(BOUND, 'utf8'));
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.workspace.fs.delete(workspaceFile('scratch'), { recursive: true });
    await eventually(async () => assert.deepEqual((await portchainDiagnostics()).filter((shown) => shown.file.startsWith('scratch/')), []));
  });

  test('"Create Service web for Deployment web (port 80 → 8080)" writes the Service after the Deployment, byte for byte, and clears the diagnostic', async () => {
    const document = await openFile(CREATED);
    const diagnostic = await eventually(() => {
      const found = vscode.languages.getDiagnostics(document.uri).filter((item) => item.source === 'portchain');
      assert.deepEqual(found.map((item) => item.code && typeof item.code === 'object' ? item.code.value : item.code), ['ingress-service-missing']);
      return found[0];
    });
    const actions = await codeActionsFor(document, diagnostic);
    const fix = actions.find((action) => action.title === 'Create Service web for Deployment web (port 80 → 8080)');
    assert.ok(fix?.edit, `no create fix; the actions are ${actions.map((action) => action.title).join(', ')}`);
    assert.equal(fix.isPreferred, true);
    assert.ok(await vscode.workspace.applyEdit(fix.edit), 'the fix was not applied');
    assert.ok(await document.save(), 'the file was not saved');

    const expected = `${APP}---\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: scratch\nspec:\n  selector:\n    app: web\n  ports:\n    - port: 80\n      targetPort: 8080\n`;
    const saved = Buffer.from(await vscode.workspace.fs.readFile(workspaceFile(CREATED))).toString('utf8');
    assert.equal(saved, expected);
    await eventually(async () => assert.deepEqual((await portchainDiagnostics()).filter((shown) => shown.file.startsWith('scratch/')).map(summary), []));
  });

  test('"Declare containerPort 8080 (http) in Pod api" at a targetPort the process binds undeclared, saved byte for byte', async () => {
    const document = await openFile(DECLARED);
    const at = new vscode.Range(new vscode.Position(8, 18), new vscode.Position(8, 18));
    const fix = await eventually(async () => {
      const found = await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>('vscode.executeCodeActionProvider', document.uri, at, vscode.CodeActionKind.QuickFix.value);
      const action = found.find((item): item is vscode.CodeAction => item.title === 'Declare containerPort 8080 (http) in Pod api');
      assert.ok(action?.edit, `no declare fix; the actions are ${found.map((item) => item.title).join(', ') || '(none)'}`);
      return action;
    });
    assert.ok(await vscode.workspace.applyEdit(fix.edit!), 'the fix was not applied');
    assert.ok(await document.save(), 'the file was not saved');
    const saved = Buffer.from(await vscode.workspace.fs.readFile(workspaceFile(DECLARED))).toString('utf8');
    assert.equal(saved, BOUND.replace('[{containerPort: 9102, name: metrics}]', '[{containerPort: 9102, name: metrics}, {containerPort: 8080, name: http}]'));
  });
});
