// Re-parsing after an edit copies the documents the edit left alone from the previous version.
// Whatever the edit, the result must be exactly what a fresh parse of the new text gives.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseFile } from '../../server/src/model/parse';
import type { ParsedFile } from '../../server/src/model/types';
import { dedent } from '../support/fixture';

const uri = 'file:///ws/apps/all.yaml';

const SERVICE = dedent(`
  apiVersion: v1
  kind: Service
  metadata:
    name: web
    namespace: shop
    labels: {app: web}
  spec:
    selector:
      app: web
    ports:
      - name: http
        port: 80
        targetPort: 8080
`);

const DEPLOYMENT = dedent(`
  apiVersion: apps/v1
  kind: Deployment
  metadata:
    name: web
    annotations:
      team: shop
  spec:
    replicas: 2
    selector:
      matchLabels: {app: web}
    template:
      metadata:
        labels: {app: web}
      spec:
        containers:
          - name: web
            image: nginx
            args: ["--port", "8080"]
            ports:
              - name: http
                containerPort: 8080
            env:
              - name: PORT
                value: "8080"
              - name: MODE
                valueFrom:
                  configMapKeyRef: {name: web-config, key: mode}
            envFrom:
              - configMapRef: {name: web-config}
            readinessProbe:
              httpGet: {path: /healthz, port: http}
        volumes:
          - name: config
            configMap: {name: web-config}
`);

const CONFIG_MAP = dedent(`
  apiVersion: v1
  kind: ConfigMap
  metadata:
    name: web-config
  data:
    mode: fast
    nginx.conf: |
      server { listen 8080; }
`);

const LIST = dedent(`
  apiVersion: v1
  kind: List
  items:
    - apiVersion: v1
      kind: Service
      metadata: {name: api}
      spec:
        selector: {app: api}
        ports: [{port: 9090, targetPort: metrics}]
    - apiVersion: networking.k8s.io/v1
      kind: Ingress
      metadata: {name: api}
      spec:
        rules:
          - host: api.example.com
            http:
              paths:
                - path: /
                  pathType: Prefix
                  backend:
                    service: {name: api, port: {number: 9090}}
`);

const BROKEN = dedent(`
  apiVersion: v1
  kind: Service
  metadata: {name: broken
  spec: [
`);

const ROLE = dedent(`
  apiVersion: rbac.authorization.k8s.io/v1
  kind: Role
  metadata: {name: reader}
`);

const DOCUMENTS = [SERVICE, DEPLOYMENT, CONFIG_MAP, LIST, BROKEN, ROLE];

function join(documents: readonly string[]): string {
  return `# the shop's manifests\n${documents.map((document) => `---\n${document}`).join('')}...\n# the end\n`;
}

function crlf(text: string): string {
  return text.replace(/\r?\n/g, '\r\n');
}

/** Parses `after` following `before`, asserts it equals a fresh parse, and returns it for the next edit. */
function assertReparse(before: ParsedFile, after: string): ParsedFile {
  const reparsed = parseFile(uri, after, before.version + 1, undefined, before);
  const fresh = parseFile(uri, after, before.version + 1);
  assert.deepEqual(reparsed.resources, fresh.resources);
  assert.deepEqual(reparsed.notes, fresh.notes);
  assert.equal(reparsed.documentCount, fresh.documentCount);
  assert.deepEqual(reparsed, fresh);
  return reparsed;
}

/** The edits a user makes to one document of a multi-document file. */
const EDITS: { name: string; edit: (documents: string[]) => string[] }[] = [
  { name: 'change a port in place', edit: (d) => d.map((text) => text.replace('targetPort: 8080', 'targetPort: 8081')) },
  { name: 'change a port to a longer one', edit: (d) => d.map((text) => text.replace('targetPort: 8080', 'targetPort: 18080')) },
  { name: 'change a port to a name', edit: (d) => d.map((text) => text.replace('containerPort: 8080', 'containerPort: http-alt')) },
  { name: 'insert a line that shifts everything after', edit: (d) => [d[0].replace('  name: web\n', '  name: web\n  # the front door\n'), ...d.slice(1)] },
  { name: 'delete a line', edit: (d) => [d[0], d[1].replace('    replicas: 2\n', ''), ...d.slice(2)] },
  { name: 'delete a document', edit: (d) => [d[0], ...d.slice(2)] },
  { name: 'delete the first document', edit: (d) => d.slice(1) },
  { name: 'add a document in the middle', edit: (d) => [...d.slice(0, 2), SERVICE.replace(/web/g, 'api'), ...d.slice(2)] },
  { name: 'add a document at the start', edit: (d) => [ROLE, ...d] },
  { name: 'add a document at the end', edit: (d) => [...d, CONFIG_MAP.replace('web-config', 'api-config')] },
  { name: 'swap two documents', edit: (d) => [d[1], d[0], ...d.slice(2)] },
  { name: 'duplicate a document', edit: (d) => [d[0], d[0], ...d.slice(1)] },
  { name: 'fix the broken document', edit: (d) => d.map((text) => (text === BROKEN ? SERVICE.replace(/web/g, 'fixed') : text)) },
  { name: 'break a document', edit: (d) => d.map((text) => (text === CONFIG_MAP ? text.replace('data:', 'data: [') : text)) },
  { name: 'change an item of a List', edit: (d) => d.map((text) => text.replace('number: 9090', 'number: 9091')) },
  { name: 'change the kind to one without ports', edit: (d) => d.map((text) => (text === SERVICE ? text.replace('kind: Service', 'kind: Role') : text)) },
];

describe('model: re-parsing after an edit', () => {
  for (const { name, edit } of EDITS) {
    test(`${name}: the same resources and notes as a fresh parse`, () => {
      const before = parseFile(uri, join(DOCUMENTS));
      assertReparse(before, join(edit([...DOCUMENTS])));
    });

    test(`${name}, with CRLF line ends: the same resources and notes as a fresh parse`, () => {
      const before = parseFile(uri, crlf(join(DOCUMENTS)));
      assertReparse(before, crlf(join(edit([...DOCUMENTS]))));
    });
  }

  test('a chain of edits, each following the one before, stays equal to fresh parses', () => {
    let file = parseFile(uri, join(DOCUMENTS));
    let documents = [...DOCUMENTS];
    for (const { edit } of EDITS) {
      documents = edit(documents);
      file = assertReparse(file, join(documents));
    }
    for (const { edit } of [...EDITS].reverse()) {
      file = assertReparse(file, crlf(join(edit([...DOCUMENTS]))));
    }
  });

  test('text typed before the first document, where no `---` opens it', () => {
    const text = DOCUMENTS.join('---\n');
    let file = parseFile(uri, text);
    file = assertReparse(file, `# a header\n${text}`);
    file = assertReparse(file, text);
    file = assertReparse(file, `${SERVICE}---\n${text}`);
    assertReparse(file, `\n\n${text}`);
  });

  test('a document that turns into a template, and back, parses as a fresh parse does', () => {
    let file = parseFile(uri, join(DOCUMENTS));
    file = assertReparse(file, join([SERVICE.replace('targetPort: 8080', 'targetPort: {{ .Values.port }}'), ...DOCUMENTS.slice(1)]));
    assert.equal(file.resources[0].templated, true);
    file = assertReparse(file, join(DOCUMENTS));
    assert.equal(file.resources[0].templated, false);
  });

  test('a previous version of another file is not reused', () => {
    const other = parseFile('file:///ws/apps/other.yaml', join(DOCUMENTS));
    const reparsed = parseFile(uri, join(DOCUMENTS), 1, undefined, other);
    assert.deepEqual(reparsed, parseFile(uri, join(DOCUMENTS), 1));
    assert.ok(reparsed.resources.every((resource) => resource.uri === uri && resource.id.startsWith(`${uri}#`)));
  });

  test('documents the edit left alone are copied from the previous version, not parsed again', () => {
    const before = parseFile(uri, join(DOCUMENTS));
    // A mark that no parse of the text can give shows which documents were copied.
    for (const resource of before.resources) resource.labels = new Map([...resource.labels, ['copied', 'yes']]);
    const after = parseFile(uri, join([DOCUMENTS[0].replace('targetPort: 8080', 'targetPort: 8081'), ...DOCUMENTS.slice(1)]), 1, undefined, before);
    const copied = after.resources.map((resource) => `${resource.kind} ${resource.name?.value}: ${resource.labels.get('copied') ?? 'parsed'}`);
    assert.deepEqual(copied, ['Service web: parsed', 'Deployment web: yes', 'ConfigMap web-config: yes', 'Service api: yes', 'Ingress api: yes']);
    // Copies, not the same objects: the previous version stays as it was.
    assert.notEqual(after.resources[1], before.resources[1]);
    assert.notEqual(after.resources[1].labels, before.resources[1].labels);
  });
});
