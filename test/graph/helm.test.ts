import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Project } from '../../server/src/analysis/project';
import { chartOf, resolveTemplateValue, type Chart } from '../../server/src/graph/helm';
import { PortGraph } from '../../server/src/graph/portGraph';
import { parseFile } from '../../server/src/model/parse';
import { scanTemplate, type ValuesLookup } from '../../server/src/model/template';
import { runRules } from '../../server/src/rules';

const ROOT = 'file:///ws/';

const CHART = 'apiVersion: v2\nname: web\nversion: 0.1.0\n';

const SERVICE = `apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    {{- include "web.selectorLabels" . | nindent 4 }}
  ports:
    - port: 80
      targetPort: {{ .Values.service.targetPort }}
`;

const DEPLOYMENT = `apiVersion: apps/v1
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
            - containerPort: 8080
`;

/** Each finding as `path:rule: the message's first clause`, for comparing runs. */
function summary(project: Project): string[] {
  return [...project.findingsByUri().values()].flat().map((finding) => `${finding.uri.slice(ROOT.length)}:${finding.rule}: ${finding.message.split(', but')[0]}`);
}

/** A chart in a Project: Chart.yaml, values.yaml and two templates, set in the order given. */
function chartProject(order: string[], valuesText: string): Project {
  const texts: Record<string, string> = {
    'web/Chart.yaml': CHART,
    'web/values.yaml': valuesText,
    'web/templates/service.yaml': SERVICE,
    'web/templates/deployment.yaml': DEPLOYMENT,
  };
  const project = new Project((uri) => uri.slice(ROOT.length));
  for (const path of order) project.setText(ROOT + path, texts[path]);
  return project;
}

describe('helm: values.yaml is a dependency of its chart templates', () => {
  const mismatch = 'web/templates/service.yaml:target-port-mismatch: Service web sends port 80 to targetPort 8081 (service.targetPort in web/values.yaml)';

  test('the order files arrive in does not matter', () => {
    const orders = [
      ['web/Chart.yaml', 'web/values.yaml', 'web/templates/service.yaml', 'web/templates/deployment.yaml'],
      ['web/templates/service.yaml', 'web/templates/deployment.yaml', 'web/values.yaml', 'web/Chart.yaml'],
      ['web/templates/deployment.yaml', 'web/Chart.yaml', 'web/templates/service.yaml', 'web/values.yaml'],
    ];
    for (const order of orders) assert.deepEqual(summary(chartProject(order, 'service:\n  targetPort: 8081\n')), [mismatch], order.join(', '));
  });

  test('editing values.yaml changes the findings of the templates', () => {
    const project = chartProject(['web/Chart.yaml', 'web/values.yaml', 'web/templates/service.yaml', 'web/templates/deployment.yaml'], 'service:\n  targetPort: 8081\n');
    assert.deepEqual(summary(project), [mismatch]);
    assert.deepEqual(project.takeChangedUris(), undefined, 'the first run may change every file');

    project.setText(`${ROOT}web/values.yaml`, 'service:\n  targetPort: 8080\n', 1);
    assert.deepEqual(summary(project), []);
    assert.ok(project.takeChangedUris()?.has(`${ROOT}web/templates/service.yaml`), 'the template whose finding went away is republished');

    project.setText(`${ROOT}web/values.yaml`, 'service:\n  targetPort: 9090\n', 2);
    assert.deepEqual(summary(project), [mismatch.replace('8081', '9090')]);
  });

  test('without values.yaml or Chart.yaml the lookup is unknown again', () => {
    const project = chartProject(['web/Chart.yaml', 'web/values.yaml', 'web/templates/service.yaml', 'web/templates/deployment.yaml'], 'service:\n  targetPort: 8081\n');
    assert.deepEqual(summary(project), [mismatch]);
    project.remove(`${ROOT}web/values.yaml`);
    assert.deepEqual(summary(project), []);
    project.setText(`${ROOT}web/values.yaml`, 'service:\n  targetPort: 8081\n');
    assert.deepEqual(summary(project), [mismatch]);
    project.remove(`${ROOT}web/Chart.yaml`);
    assert.deepEqual(summary(project), []);
  });

  test('an incremental run after a values edit finds what a full run finds', () => {
    const project = chartProject(['web/Chart.yaml', 'web/values.yaml', 'web/templates/service.yaml', 'web/templates/deployment.yaml'], 'service:\n  targetPort: 8080\n');
    assert.deepEqual(summary(project), []);
    project.setText(`${ROOT}web/values.yaml`, 'service:\n  targetPort: 8081\n', 1);
    const incremental = [...project.findingsByUri().values()].flat().map((finding) => finding.message);
    const full = runRules(project.graph, undefined, (uri) => uri.slice(ROOT.length)).map((finding) => finding.message);
    assert.deepEqual(incremental, full);
    assert.equal(full.length, 1);
  });
});

describe('helm: the chart of a template', () => {
  test('the nearest folder above `templates/` with a Chart.yaml; a subchart is a chart of its own', () => {
    const graph = new PortGraph();
    for (const path of ['app/Chart.yaml', 'app/values.yaml', 'app/charts/db/Chart.yaml', 'app/charts/db/values.yml']) graph.setFile(parseFile(ROOT + path, 'a: 1\n'));
    const rootOf = (path: string) => chartOf(graph, ROOT + path)?.root.slice(ROOT.length);
    assert.equal(rootOf('app/templates/service.yaml'), 'app/');
    assert.equal(rootOf('app/templates/nested/service.yaml'), 'app/');
    assert.equal(rootOf('app/charts/db/templates/service.yaml'), 'app/charts/db/');
    assert.equal(chartOf(graph, `${ROOT}app/charts/db/templates/service.yaml`)?.valuesUri, `${ROOT}app/charts/db/values.yml`);
    assert.equal(rootOf('app/service.yaml'), undefined);
    assert.equal(rootOf('other/templates/service.yaml'), undefined);
  });
});

describe('helm: what a lookup renders to', () => {
  const valuesText = [
    'service:',
    '  port: 80',
    '  name: http',
    '  empty: ""',
    '  zero: 0',
    '  text: "8080"',
    '  spaced: "two words"',
    '  map: {a: 1}',
    '  list: [1]',
    '  missing: null',
  ].join('\n');
  const values = parseFile(`${ROOT}web/values.yaml`, valuesText).helmValues!;
  const chart: Chart = { root: `${ROOT}web/`, valuesUri: `${ROOT}web/values.yaml`, values };

  /** What `{{ <action> }}` renders to, and whether from values.yaml or the default. */
  function render(action: string, before = ' '): string | undefined {
    const text = `x: ${before.trim()}{{ ${action} }}`;
    const lookup = scanTemplate(text)!.actions[0];
    assert.equal(lookup.expression?.kind, 'values', action);
    const substitution = resolveTemplateValue(chart, `${ROOT}web/templates/t.yaml`, lookup.expression as ValuesLookup, lookup.span, text[lookup.span.start - 1]);
    if (!substitution) return undefined;
    const from = substitution.origin.fallback ? 'default' : valuesText.slice(substitution.origin.span.start, substitution.origin.span.end);
    return `${substitution.text} <- ${from}`;
  }

  test('values, defaults and pipes', () => {
    assert.equal(render('.Values.service.port'), '80 <- 80');
    assert.equal(render('$.Values.service.name'), 'http <- http');
    assert.equal(render('.Values.service.port | default 8080'), '80 <- 80');
    assert.equal(render('.Values.service.other | default 8080'), '8080 <- default');
    assert.equal(render('.Values.service.empty | default "web"'), 'web <- default');
    assert.equal(render('.Values.service.zero | default 8080'), '8080 <- default');
    assert.equal(render('default 8080 .Values.service.other'), '8080 <- default');
    assert.equal(render('.Values.service.port | quote'), '"80" <- 80');
    assert.equal(render('quote .Values.service.name'), '"http" <- http');
    assert.equal(render('.Values.service.text'), '8080 <- "8080"', 'a string prints without its quotes, as Helm prints it');
    assert.equal(render('.Values.service.text | int'), '8080 <- "8080"');
    assert.equal(render('.Values.service.other | quote | default "x"'), undefined, '`quote` of an unset value');
  });

  test('what cannot be one plain scalar is not rendered', () => {
    for (const action of ['.Values.service.other', '.Values.service.empty', '.Values.service.missing', '.Values.service.map', '.Values.service.list', '.Values.service.spaced', '.Values.service.port.deeper', '.Values.nothing.at.all']) {
      assert.equal(render(action), undefined, action);
    }
    assert.equal(render('.Values.service.spaced | quote'), '"two words" <- "two words"');
    assert.equal(render('.Values.service.port | quote', '"'), undefined, 'a quoted result inside quotes');
  });

  test('only lookups and includes are followed', () => {
    const expressions = (text: string) => scanTemplate(text)!.actions.map((action) => action.expression?.kind ?? (action.output ? 'output' : 'control'));
    assert.deepEqual(expressions('{{ .Values.a }} {{ include "x" . }} {{ include "x" $ | nindent 4 }} {{ template "x" . }} {{ include "x" (dict "a" 1) }}'), ['values', 'include', 'include', 'include', 'output']);
    assert.deepEqual(expressions('{{ .Values.a | upper }} {{ .Release.Name }} {{ toYaml .Values.a }} {{ $x := .Values.a }} {{/* c */}} {{- if .Values.a }}{{ end }}'), ['output', 'output', 'output', 'control', 'control', 'control', 'control']);
    assert.deepEqual(expressions('{{ with .Values.a }}{{ .Values.b }}{{ $.Values.b }}{{ include "x" . }}{{ end }}{{ .Values.b }}'), ['control', 'output', 'values', 'output', 'control', 'values']);
  });
});
