import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseFile } from '../../server/src/model/parse';
import { positionAt } from '../../server/src/model/text';
import { dedent } from '../support/fixture';

const uri = 'file:///ws/file.yaml';

function parse(text: string) {
  return parseFile(uri, dedent(text));
}

function textAt(file: ReturnType<typeof parse>, span: { start: number; end: number }): string {
  return file.text.slice(span.start, span.end);
}

describe('model: documents', () => {
  test('multi-document files give one resource per Kubernetes document and skip the rest', () => {
    const file = parse(`
      apiVersion: v1
      kind: Service
      metadata: {name: a}
      ---
      # a comment-only document
      ---
      services:            # a Compose file's shape: no apiVersion/kind
        web: {image: nginx}
      ---
      apiVersion: v1
      kind: ConfigMap
      metadata: {name: b}
      data: {PORT: "3005"}
    `);
    assert.deepEqual(file.resources.map((r) => `${r.kind}/${r.name?.value}`), ['Service/a', 'ConfigMap/b']);
    assert.equal(file.resources[1].config?.entries.get('PORT')?.value, '3005');
  });

  test('List and *List kinds give their items', () => {
    const file = parse(`
      apiVersion: v1
      kind: List
      items:
        - apiVersion: v1
          kind: Service
          metadata: {name: a}
        - apiVersion: apps/v1
          kind: Deployment
          metadata: {name: b}
      ---
      apiVersion: v1
      kind: ServiceList
      items:
        - apiVersion: v1
          kind: Service
          metadata: {name: c}
    `);
    assert.deepEqual(file.resources.map((r) => r.name?.value), ['a', 'b', 'c']);
    assert.equal(new Set(file.resources.map((r) => r.id)).size, 3);
  });

  test('a malformed document is noted and does not hide its neighbours', () => {
    const file = parse(`
      apiVersion: v1
      kind: Service
      metadata: {name: before}
      ---
      apiVersion: v1
      kind: Service
      metadata: {name: [broken}
      ---
      apiVersion: v1
      kind: Service
      metadata: {name: after}
    `);
    assert.deepEqual(file.resources.map((r) => r.name?.value), ['before', 'after']);
    assert.equal(file.notes.length, 1);
    assert.equal(file.notes[0].kind, 'yaml-syntax');
    assert.match(file.notes[0].message, /YAML document 2 was not read/);
  });

  test('CRLF files keep exact offsets', () => {
    const file = parseFile(uri, 'apiVersion: v1\r\nkind: Service\r\nmetadata:\r\n  name: web\r\nspec:\r\n  ports:\r\n    - port: 80\r\n');
    const port = file.resources[0].service!.ports[0].port!;
    assert.equal(textAt(file, port.span), '80');
    assert.deepEqual(positionAt(file.lineStarts, port.span.start), { line: 6, character: 12 });
  });

  test('unicode before a value keeps UTF-16 offsets', () => {
    const file = parse(`
      apiVersion: v1
      kind: Service
      metadata: {name: web, annotations: {note: "🚀 café"}}
      spec: {ports: [{port: 80}]}
    `);
    const port = file.resources[0].service!.ports[0].port!;
    assert.equal(textAt(file, port.span), '80');
  });

  test('binary and oversized files are noted, not parsed', () => {
    assert.equal(parseFile(uri, 'apiVersion: v1\u0000\u0001').notes[0].kind, 'binary');
    assert.equal(parseFile(uri, 'a'.repeat(9 * 1024 * 1024)).notes[0].kind, 'too-large');
  });

  test('an alias bomb is read without blowing up', () => {
    const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 12; i++) lines.push(`a${i}: &a${i} [${Array(9).fill(`*a${i - 1}`).join(', ')}]`);
    const text = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bomb}\ndata:\n${lines.map((l) => `  ${l}`).join('\n')}\n`;
    const started = Date.now();
    const file = parseFile(uri, text);
    assert.ok(Date.now() - started < 2000);
    assert.equal(file.resources[0].name?.value, 'bomb');
  });

  test('non-Kubernetes YAML (Compose, Chart.yaml, values.yaml, workflows, OpenAPI) gives no resources', () => {
    for (const text of [
      'services:\n  web:\n    ports: ["8080:80"]\n',
      'apiVersion: v2\nname: chart\nversion: 1.0.0\n',
      'service:\n  port: 80\n',
      'on: push\njobs:\n  build: {runs-on: ubuntu-latest}\n',
      'openapi: 3.0.0\ninfo: {title: x}\n',
    ]) {
      assert.deepEqual(parseFile(uri, text).resources, [], text);
    }
  });
});

describe('model: ports', () => {
  test('an integer is a number, a quoted number is a name, a placeholder is unknown', () => {
    const file = parse(`
      apiVersion: v1
      kind: Service
      metadata: {name: web}
      spec:
        ports:
          - {port: 80, targetPort: 8080}
          - {port: 81, targetPort: "8080"}
          - {port: 82, targetPort: http}
          - port: 83
            targetPort: \${TARGET}
          - port: PORT
            targetPort: <port>
    `);
    const ports = file.resources[0].service!.ports;
    assert.deepEqual(ports.map((p) => p.targetPort?.kind), ['number', 'name', 'name', 'unknown', 'unknown']);
    assert.equal(ports[1].targetPort?.kind === 'name' && ports[1].targetPort.name, '8080');
    assert.equal(ports[4].port?.kind, 'unknown');
  });

  test('every workload kind gives its pod template', () => {
    const kinds = ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Job'];
    for (const kind of kinds) {
      const file = parse(`
        apiVersion: apps/v1
        kind: ${kind}
        metadata: {name: w}
        spec:
          template:
            metadata: {labels: {app: w}}
            spec:
              containers: [{name: c, ports: [{containerPort: 80}]}]
      `);
      const workload = file.resources[0].workload!;
      assert.equal(workload.podLabels.get('app'), 'w', kind);
      assert.equal(workload.containers[0].ports[0].containerPort?.kind, 'number', kind);
    }
    const cron = parse(`
      apiVersion: batch/v1
      kind: CronJob
      metadata: {name: c}
      spec:
        jobTemplate:
          spec:
            template:
              metadata: {labels: {app: c}}
              spec:
                containers: [{name: c, ports: [{containerPort: 9000}]}]
    `);
    assert.equal(cron.resources[0].workload!.podLabels.get('app'), 'c');
    const pod = parse(`
      apiVersion: v1
      kind: Pod
      metadata: {name: p, labels: {app: p}}
      spec:
        containers: [{name: c}]
    `);
    assert.equal(pod.resources[0].workload!.podLabels.get('app'), 'p');
  });

  test('native sidecars serve, plain init containers do not', () => {
    const file = parse(`
      apiVersion: v1
      kind: Pod
      metadata: {name: p}
      spec:
        initContainers:
          - {name: migrate, image: m}
          - {name: proxy, image: p, restartPolicy: Always, ports: [{containerPort: 15001}]}
        containers: [{name: app}]
    `);
    assert.deepEqual(file.resources[0].workload!.containers.map((c) => `${c.name?.value}:${c.role}`), ['app:container', 'migrate:init', 'proxy:sidecar']);
  });

  test('Secret data is base64-decoded; stringData wins', () => {
    const file = parse(`
      apiVersion: v1
      kind: Secret
      metadata: {name: s}
      data: {PORT: ODA4MA==, BIN: //79/A==, SAME: MQ==}
      stringData: {SAME: "2"}
    `);
    const entries = file.resources[0].config!.entries;
    assert.equal(entries.get('PORT')?.value, '8080');
    assert.equal(entries.get('BIN')?.value, undefined);
    assert.equal(entries.get('SAME')?.value, '2');
  });

  test('both Ingress shapes and default backends are read', () => {
    const file = parse(`
      apiVersion: networking.k8s.io/v1
      kind: Ingress
      metadata: {name: new}
      spec:
        defaultBackend: {service: {name: fallback, port: {name: http}}}
        rules:
          - host: a.example.com
            http:
              paths:
                - path: /
                  pathType: Prefix
                  backend: {service: {name: web, port: {number: 80}}}
      ---
      apiVersion: extensions/v1beta1
      kind: Ingress
      metadata: {name: old}
      spec:
        backend: {serviceName: fallback, servicePort: 8080}
        rules:
          - http:
              paths:
                - backend: {serviceName: web, servicePort: http}
    `);
    const describeBackend = (b: { serviceName: { value: string }; port?: { kind: string }; portField: string; host?: string }) => `${b.serviceName.value}:${b.port?.kind}:${b.portField}:${b.host ?? ''}`;
    assert.deepEqual(file.resources[0].ingress!.backends.map(describeBackend), ['fallback:name:port.name:', 'web:number:port.number:a.example.com']);
    assert.deepEqual(file.resources[1].ingress!.backends.map(describeBackend), ['fallback:number:servicePort:', 'web:name:servicePort:']);
  });
});

describe('model: templates', () => {
  test('Helm template actions become unknown values with offsets kept', () => {
    const file = parse(`
      apiVersion: v1
      kind: Service
      metadata:
        name: {{ include "chart.fullname" . }}
        labels:
          {{- include "chart.labels" . | nindent 4 }}
      spec:
        type: {{ .Values.service.type }}
        ports:
          - port: {{ .Values.service.port }}
            targetPort: http
        {{- if .Values.extra }}
          - port: 9090
        {{- end }}
    `);
    assert.equal(file.notes.filter((n) => n.kind === 'yaml-syntax').length, 0);
    const service = file.resources[0];
    assert.equal(service.templated, true);
    assert.equal(service.name, undefined);
    assert.equal(service.service!.ports[0].port?.kind, 'unknown');
    assert.equal(textAt(file, service.service!.ports[0].targetPort!.span), 'http');
  });
});
