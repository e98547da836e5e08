import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseFile } from '../../server/src/model/parse';
import { scanTemplate } from '../../server/src/model/template';
import type { ParsedFile, PortValue, TemplateSubstitution } from '../../server/src/model/types';
import { dedent } from '../support/fixture';

const uri = 'file:///ws/chart/templates/file.yaml';

/** Parses a template with the given actions rendered, as the graph would from values.yaml. */
function parse(text: string, rendered: Record<string, string> = {}): ParsedFile {
  const source = dedent(text);
  const substitutions: TemplateSubstitution[] = [];
  for (const action of scanTemplate(source)?.actions ?? []) {
    const written = source.slice(action.span.start, action.span.end);
    if (written in rendered) substitutions.push({ span: action.span, text: rendered[written], origin: { path: written, uri: 'file:///ws/chart/values.yaml', span: { start: 0, end: 1 }, fallback: false } });
  }
  return parseFile(uri, source, 0, { substitutions });
}

function written(file: ParsedFile, value: { span: { start: number; end: number } } | undefined): string | undefined {
  return value && file.text.slice(value.span.start, value.span.end);
}

function describePort(port: PortValue | undefined): string {
  if (!port) return 'none';
  return port.kind === 'number' ? `${port.number}${port.origin ? ' (resolved)' : ''}` : port.kind === 'name' ? `name ${port.name}${port.origin ? ' (resolved)' : ''}` : `unknown ${port.text}`;
}

const workload = (ports: string, extra = '') => `
  apiVersion: apps/v1
  kind: Deployment
  metadata:
    name: web
  spec:
    template:
      metadata:
        labels:
          app: web
      spec:
        containers:
          - name: web
            image: "{{ .Values.image }}"
            ports:
${ports}${extra}
            resources:
              {{- toYaml .Values.resources | nindent 14 }}
`;

describe('model: template values', () => {
  test('a resolved action reads as its value, spans the action, and keeps its origin', () => {
    const file = parse(
      `
      apiVersion: v1
      kind: Service
      metadata:
        name: {{ .Values.name }}-external
      spec:
        ports:
          - port: {{ .Values.port }}
            targetPort: {{ .Values.targetPort | quote }}
            nodePort: {{ .Values.nodePort }}
      `,
      { '{{ .Values.name }}': 'web', '{{ .Values.port }}': '80', '{{ .Values.targetPort | quote }}': '"http"' },
    );
    const service = file.resources[0];
    assert.equal(service.name?.value, 'web-external');
    assert.equal(written(file, service.name), '{{ .Values.name }}-external');
    const port = service.service!.ports[0];
    assert.equal(describePort(port.port), '80 (resolved)');
    assert.equal(written(file, port.port), '{{ .Values.port }}');
    assert.equal(describePort(port.targetPort), 'name http (resolved)');
    assert.equal(written(file, port.targetPort), '{{ .Values.targetPort | quote }}');
    assert.equal(describePort(port.nodePort), 'unknown {{ .Values.nodePort }}', 'an unresolved action keeps its own text');
    assert.equal(file.notes.filter((note) => note.kind === 'yaml-syntax').length, 0);
  });

  test('offsets after a value longer or shorter than its action still point into the template', () => {
    const file = parse(
      `
      apiVersion: v1
      kind: Service
      metadata: {name: {{ .Values.n }}}
      spec:
        ports:
          - {port: {{ .Values.port }}, targetPort: 8080, name: http}
      `,
      { '{{ .Values.n }}': 'a-much-longer-name-than-the-action', '{{ .Values.port }}': '1' },
    );
    const port = file.resources[0].service!.ports[0];
    assert.equal(written(file, port.targetPort), '8080');
    assert.equal(written(file, port.name), 'http');
    assert.equal(written(file, port.port), '{{ .Values.port }}');
  });
});

describe('model: what an unresolved action may change', () => {
  test('output that lands in another key leaves the ports complete', () => {
    const file = parse(workload('              - containerPort: 8080'));
    assert.equal(file.resources[0].workload!.portsIncomplete, false);
  });

  test('an env var whose value a template computes is an unknown value, not a missing port', () => {
    const file = parse(workload('              - containerPort: 8080', '\n            env:\n              - name: PORT\n                value: {{ .Values.port | quote }}\n              - name: HOST\n                valueFrom: {configMapKeyRef: {name: {{ include "chart.fullname" . }}, key: host}}'));
    const spec = file.resources[0].workload!;
    assert.equal(spec.portsIncomplete, false);
    assert.deepEqual(spec.containers[0].env.map((env) => `${env.name.value}=${env.value?.value ?? ''} unknown=${env.valueUnknown}`), ['PORT={{ .Values.port | quote }} unknown=true', 'HOST= unknown=true']);
  });

  test('output among the ports, an unresolved port, or an env entry a template adds makes them incomplete', () => {
    const cases = [
      workload('              - containerPort: 8080\n              {{- toYaml .Values.extraPorts | nindent 14 }}'),
      workload('              - containerPort: {{ .Values.port }}'),
      workload('              - containerPort: 8080', '\n            env:\n              - name: {{ .Values.portVariable }}\n                value: "8080"'),
      workload('              - containerPort: 8080', '\n            env:\n              {{- toYaml .Values.env | nindent 14 }}'),
      workload('              - containerPort: 8080', '\n            {{- include "chart.containerExtras" . | nindent 12 }}'),
      workload('              - containerPort: 8080\n          {{- include "chart.sidecar" . | nindent 10 }}'),
    ];
    for (const text of cases) assert.equal(parse(text).resources[0].workload!.portsIncomplete, true, text);
  });

  test('both branches of an if/else are read, and a key written by both is unknown', () => {
    const file = parse(workload(`              - name: http
                {{- if .Values.tls }}
                containerPort: 8443
                {{- else }}
                containerPort: 8080
                {{- end }}`));
    const port = file.resources[0].workload!.containers[0].ports[0];
    assert.equal(port.name?.value, 'http');
    assert.equal(port.containerPort?.kind, 'unknown');
    assert.equal(file.resources[0].workload!.portsIncomplete, true);
  });

  test('a label map records the includes that write it', () => {
    const file = parse(`
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: web
      spec:
        selector:
          matchLabels:
            {{- include "chart.selectorLabels" . | nindent 6 }}
        template:
          metadata:
            labels:
              {{- include "chart.labels" . | nindent 8 }}
              tier: {{ include "chart.tier" . }}
          spec:
            containers: []
    `);
    const spec = file.resources[0].workload!;
    assert.deepEqual(spec.podLabelIncludes, ['include "chart.labels" .', 'include "chart.selectorLabels" .']);
    assert.deepEqual([...spec.podLabels], [['tier', '{{ include "chart.tier" . }}']]);
    assert.equal(spec.podLabelsOpen, true);
    assert.deepEqual(spec.selector?.includes, ['include "chart.selectorLabels" .']);
    assert.equal(spec.selector?.incomplete, true, 'an include is no proof of what the selector does not select');
    assert.equal(spec.selector?.unreadable, undefined, 'but it is all of the selector');
  });

  test('a values.yaml keeps its data and where each scalar is written', () => {
    const file = parseFile('file:///ws/chart/values.yaml', 'service:\n  port: 80\n  names: [a, b]\n');
    assert.deepEqual(file.helmValues?.data, { service: { port: 80, names: ['a', 'b'] } });
    assert.deepEqual(file.helmValues?.spans.get('service.port'), { start: 17, end: 19 });
    assert.equal(parseFile('file:///ws/chart/other.yaml', 'a: 1\n').helmValues, undefined);
  });
});
