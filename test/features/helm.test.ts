// Editing features inside Helm templates: positions are the template's own offsets, values
// resolved from values.yaml say so, and fixes write to values.yaml rather than over an action.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { CodeAction, LocationLink } from 'vscode-languageserver';
import { codeActions } from '../../server/src/features/codeActions';
import { definition } from '../../server/src/features/definition';
import { diagnosticsOf } from '../../server/src/features/diagnostics';
import { hover } from '../../server/src/features/hover';
import { applyWorkspaceEdit } from '../support/applyEdits';
import { featureFixture } from '../support/featureFixture';
import { relativePath } from '../support/fixture';

function chart(targetPort: string, valuesText = 'service:\n  port: 80\n  targetPort: 8081'): string {
  return `
# --- web/Chart.yaml
apiVersion: v2
name: web
version: 0.1.0
# --- web/values.yaml
${valuesText}
# --- web/templates/service.yaml
apiVersion: v1
kind: Service
metadata:
  name: {{ include "web.fullname" . }}
spec:
  selector:
    {{- include "web.selectorLabels" . | nindent 4 }}
  ports:
    - name: http
      port: {{ .Values.service.port }}
      targetPort: ${targetPort}
# --- web/templates/deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels:
      {{- include "web.selectorLabels" . | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include "web.selectorLabels" . | nindent 8 }}
    spec:
      containers:
        - name: web
          ports:
            - name: http
              containerPort: 8080
`;
}

/** The hover card's text with links shown as `[path:line]`. */
function hoverText(source: string): string {
  const f = featureFixture(source);
  const result = hover(f.project, f.uri, f.position);
  assert.ok(result, 'no hover at $0');
  return `hovered: ${f.textOf(f.uri, result.range!)}\n${(result.contents as { value: string }).value.replace(/\]\([^)]*\)/g, ']')}`;
}

describe('helm: hover', () => {
  test('a value from values.yaml says so, in the heading and on its hop', () => {
    const card = hoverText(chart('{{ .Values.service.$0targetPort }}'));
    assert.match(card, /^hovered: \{\{ \.Values\.service\.targetPort \}\}\n/);
    assert.match(card, /\*\*Service \{\{ include "web\.fullname" \. \}\}\*\* targetPort 8081 of port 80 \(http\)\n\nIts value is from values\.yaml: service\.targetPort \[web\/values\.yaml:3\]/);
    assert.match(card, /- ✓ \*\*Service \{\{ include "web\.fullname" \. \}\}\*\* port 80 \(http\) · \[web\/templates\/service\.yaml:10\] · from values\.yaml: service\.port \[web\/values\.yaml:2\]/);
    assert.match(card, /- ✓ → \*\*targetPort\*\* 8081 · \[web\/templates\/service\.yaml:11\] · from values\.yaml: service\.targetPort \[web\/values\.yaml:3\]/);
    assert.match(card, /- ✗ → \*\*Deployment web \/ container web\*\* containerPorts 8080 \(http\)/);
  });

  test("a `default` that values.yaml leaves in force points at the action's default", () => {
    const card = hoverText(chart('{{ .Values.service.other$0Port | default 8080 }}'));
    assert.match(card, /targetPort 8080 of port 80 \(http\)\n\nIts value is the template's default, as values\.yaml leaves service\.otherPort unset \[web\/templates\/service\.yaml:11\]/);
    assert.match(card, /✓ every link holds/);
  });

  test('an unresolved lookup reads as the action itself', () => {
    const card = hoverText(chart('{{ .Values.service.unset$0Port }}'));
    assert.match(card, /targetPort \{\{ \.Values\.service\.unsetPort \}\} of port 80 \(http\)\n/);
    assert.match(card, /_Unknown: the target port is computed by a template or placeholder\._/);
  });
});

describe('helm: navigation and diagnostics', () => {
  test('go to definition from a resolved targetPort reaches the container port', () => {
    const f = featureFixture(chart('{{ .Values.service.$0targetPort }}', 'service:\n  port: 80\n  targetPort: http'));
    const links = definition(f.project, f.uri, f.position) as LocationLink[];
    assert.deepEqual(links.map((link) => f.show(link.targetUri, link.targetSelectionRange)), ['web/templates/deployment.yaml:17:20-24']);
    assert.equal(f.show(f.uri, links[0].originSelectionRange!), 'web/templates/service.yaml:11:18-50');
  });

  test("the diagnostic sits on the template's action, with values.yaml as related information", () => {
    const f = featureFixture(chart('{{ .Values.service.targetPort }}'));
    const uri = f.fixture.files.find((file) => file.path === 'web/templates/service.yaml')!.uri;
    const diagnostics = diagnosticsOf(f.project, uri, { relatedInformation: true }).filter((diagnostic) => diagnostic.source === 'portchain' && diagnostic.code === 'target-port-mismatch');
    assert.equal(diagnostics.length, 1);
    assert.equal(f.show(uri, diagnostics[0].range), 'web/templates/service.yaml:11:18-50');
    assert.equal(f.textOf(uri, diagnostics[0].range), '{{ .Values.service.targetPort }}');
    const related = diagnostics[0].relatedInformation!.map((info) => `${f.showLocation(info.location)} ${info.message}`);
    assert.deepEqual(related[0], 'web/values.yaml:3:14-18 service.targetPort: 8081, the targetPort of Service {{ include "web.fullname" . }}');
  });

  test('the quick fix writes to values.yaml and leaves the template alone', () => {
    const f = featureFixture(chart('{{ .Values.service.targetPort }}'));
    const uri = f.fixture.files.find((file) => file.path === 'web/templates/service.yaml')!.uri;
    const diagnostics = diagnosticsOf(f.project, uri, { relatedInformation: true }).filter((diagnostic) => diagnostic.code === 'target-port-mismatch');
    const actions = codeActions(f.project, uri, diagnostics[0].range, diagnostics) as CodeAction[];
    assert.deepEqual(actions.map((action) => action.title), ['Set service.targetPort in values.yaml to 8080', 'Set containerPort of web to 8081']);
    const texts = new Map(f.fixture.files.map((file) => [file.uri, file.text]));
    const after = applyWorkspaceEdit(texts, actions[0].edit!);
    const changed = [...after].filter(([changedUri, text]) => texts.get(changedUri) !== text);
    assert.deepEqual(changed.map(([changedUri, text]) => `${relativePath(changedUri)}: ${JSON.stringify(text)}`), ['web/values.yaml: "service:\\n  port: 80\\n  targetPort: 8080\\n"']);
    for (const [changedUri, text] of changed) f.project.setText(changedUri, text, 1);
    assert.deepEqual(f.project.findings(uri), []);
  });
});
