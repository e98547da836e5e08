import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SymbolKind, type DocumentSymbol, type Range } from 'vscode-languageserver';
import { documentSymbols, fuzzyScore, MAX_WORKSPACE_SYMBOLS, workspaceSymbols } from '../../server/src/features/symbols';
import { Project } from '../../server/src/analysis/project';
import { featureFixture, type FeatureFixture } from '../support/featureFixture';
import { dedent, relativePath, ROOT } from '../support/fixture';

const KIND_NAMES = new Map(Object.entries(SymbolKind).map(([name, value]) => [value as number, name]));

function contains(outer: Range, inner: Range): boolean {
  const before = (a: Range['start'], b: Range['start']) => a.line < b.line || (a.line === b.line && a.character <= b.character);
  return before(outer.start, inner.start) && before(inner.end, outer.end);
}

/** The outline as an editor shows it, one symbol a line, indented under its parent: `Kind name · detail [selected text]`. */
function showOutline(f: FeatureFixture, uri: string, symbols: DocumentSymbol[], parent?: Range, depth = 0): string[] {
  return symbols.flatMap((symbol) => {
    // Clients reject a symbol whose selection is outside its range, or whose range is outside its parent's.
    assert.ok(contains(symbol.range, symbol.selectionRange), `${symbol.name}: selectionRange outside range`);
    if (parent) assert.ok(contains(parent, symbol.range), `${symbol.name}: range outside its parent`);
    const line = `${'  '.repeat(depth)}${KIND_NAMES.get(symbol.kind)} ${symbol.name}${symbol.detail ? ` · ${symbol.detail}` : ''} [${f.textOf(uri, symbol.selectionRange)}]`;
    return [line, ...showOutline(f, uri, symbol.children ?? [], symbol.range, depth + 1)];
  });
}

function checkDocumentSymbols(source: string, path: string, expected: string, options: { crlf?: boolean } = {}): void {
  const f = featureFixture(source, options);
  const outline = showOutline(f, ROOT + path, documentSymbols(f.project, ROOT + path)).join('\n');
  assert.equal(outline, dedent(expected).trim());
}

/** Workspace symbols for `query`, one a line: `Kind name (container) path:line`. */
function checkWorkspaceSymbols(source: string, query: string, expected: string): void {
  const f = featureFixture(source);
  const shown = workspaceSymbols(f.project, query).map((symbol) => {
    const place = `${relativePath(symbol.location.uri)}:${symbol.location.range.start.line + 1}`;
    return `${KIND_NAMES.get(symbol.kind)} ${symbol.name}${symbol.containerName ? ` (${symbol.containerName})` : ''} ${place}`;
  });
  assert.equal(shown.join('\n'), dedent(expected).trim());
}

const shop = `
# --- shop.yaml
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  selector: {app: web}
  ports:
    - {name: http, port: 80, targetPort: 8080}
    - {name: metrics, port: 9102}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  template:
    metadata: {labels: {app: web}}
    spec:
      initContainers:
        - name: migrate
      containers:
        - name: web
          ports:
            - {name: http, containerPort: 8080}
            - {containerPort: 9102, hostPort: 9102}
        - name: envoy
          ports: [{containerPort: 15001, protocol: UDP}]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: shop, namespace: shop}
spec:
  rules:
    - host: shop.example.com
      http:
        paths:
          - {path: /, pathType: Prefix, backend: {service: {name: web, port: {name: http}}}}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: front, namespace: shop}
spec:
  podSelector: {matchLabels: {app: web}}
  ingress: [{ports: [{port: 8080}, {port: 30000, endPort: 30100}]}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: web-config, namespace: shop}
data: {PORT: "8080"}
---
apiVersion: v1
kind: Namespace
metadata: {name: shop}
`;

describe('document symbols', () => {
  test('each resource with its ports, backends and policy ports', () => {
    checkDocumentSymbols(shop, 'shop.yaml', `
      Interface Service/web · shop [web]
        Field port 80 (http) · targetPort 8080 [80]
        Field port 9102 (metrics) · targetPort = port [9102]
      Class Deployment/web · shop [web]
        Method container web [web]
          Field containerPort 8080 (http) [8080]
          Field containerPort 9102 · hostPort 9102 [9102]
        Method container envoy [envoy]
          Field containerPort 15001/UDP [15001]
        Method init container migrate [migrate]
      Module Ingress/shop · shop [shop]
        Field → web:http · shop.example.com / [web]
      Struct NetworkPolicy/front · shop [front]
        Field ingress 8080/TCP [8080]
        Field ingress 30000–30100/TCP [30000]
      Object ConfigMap/web-config · shop [web-config]
      Namespace Namespace/shop [shop]
    `);
  });
  test('a List, a Helm template, and a name an alias puts elsewhere', () => {
    checkDocumentSymbols(`
# --- list.yaml
apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: Service
    metadata: {name: a}
    spec: {ports: [{port: 80}]}
  - apiVersion: v1
    kind: Secret
    metadata: {name: b}
---
apiVersion: v1
kind: List
items:
  - {apiVersion: v1, kind: ConfigMap, metadata: &shared {name: c}}
  - {apiVersion: v1, kind: Secret, metadata: *shared}
`, 'list.yaml', `
      Interface Service/a [a]
        Field port 80 · targetPort = port [80]
      Object Secret/b [b]
      Object ConfigMap/c [c]
      Object Secret/c [Secret]
    `);
    checkDocumentSymbols(`
# --- chart/templates/service.yaml
apiVersion: v1
kind: Service
metadata:
  name: {{ include "web.fullname" . }}
spec:
  ports:
    - port: {{ .Values.port }}
`, 'chart/templates/service.yaml', `
      Interface Service/{{…}} [Service]
        Field port {{ .Values.port }} · targetPort = port [{{ .Values.port }}]
    `);
  });
  test('a CRLF file gives the same outline', () => {
    checkDocumentSymbols(shop, 'shop.yaml', `
      Interface Service/web · shop [web]
        Field port 80 (http) · targetPort 8080 [80]
        Field port 9102 (metrics) · targetPort = port [9102]
      Class Deployment/web · shop [web]
        Method container web [web]
          Field containerPort 8080 (http) [8080]
          Field containerPort 9102 · hostPort 9102 [9102]
        Method container envoy [envoy]
          Field containerPort 15001/UDP [15001]
        Method init container migrate [migrate]
      Module Ingress/shop · shop [shop]
        Field → web:http · shop.example.com / [web]
      Struct NetworkPolicy/front · shop [front]
        Field ingress 8080/TCP [8080]
        Field ingress 30000–30100/TCP [30000]
      Object ConfigMap/web-config · shop [web-config]
      Namespace Namespace/shop [shop]
    `, { crlf: true });
  });
  test('nothing for a file that is not a manifest, or not in the workspace', () => {
    const f = featureFixture(`
# --- compose.yaml
services:
  web: {ports: ["80:8080"]}
`);
    assert.deepEqual(documentSymbols(f.project, `${ROOT}compose.yaml`), []);
    assert.deepEqual(documentSymbols(f.project, `${ROOT}missing.yaml`), []);
  });
});

describe('workspace symbols', () => {
  test('every resource as Kind/namespace/name, best fuzzy matches first', () => {
    checkWorkspaceSymbols(shop, 'web', `
      Interface Service/shop/web (shop) shop.yaml:3
      Class Deployment/shop/web (shop) shop.yaml:13
      Object ConfigMap/shop/web-config (shop) shop.yaml:48
    `);
    checkWorkspaceSymbols(shop, 'DEPshWeb', `
      Class Deployment/shop/web (shop) shop.yaml:13
    `);
    checkWorkspaceSymbols(shop, 'np front', `
      Struct NetworkPolicy/shop/front (shop) shop.yaml:41
    `);
    checkWorkspaceSymbols(shop, 'zzz', '');
  });
  test('an empty query lists every resource', () => {
    checkWorkspaceSymbols(shop, '', `
      Interface Service/shop/web (shop) shop.yaml:3
      Class Deployment/shop/web (shop) shop.yaml:13
      Module Ingress/shop/shop (shop) shop.yaml:31
      Struct NetworkPolicy/shop/front (shop) shop.yaml:41
      Object ConfigMap/shop/web-config (shop) shop.yaml:48
      Namespace Namespace/shop shop.yaml:53
    `);
  });
  test('at most a thousand answers', () => {
    const project = new Project(relativePath);
    const documents = Array.from({ length: 1500 }, (_, index) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: config-${index}}\n`);
    project.setText(`${ROOT}many.yaml`, documents.join('---\n'));
    assert.equal(workspaceSymbols(project, 'config').length, MAX_WORKSPACE_SYMBOLS);
    assert.equal(workspaceSymbols(project, '').length, MAX_WORKSPACE_SYMBOLS);
    assert.equal(workspaceSymbols(project, 'config-1499').length, 1);
  });
  test('fuzzy scores: gaps between matched characters cost, and so do characters matched outside the name', () => {
    assert.equal(fuzzyScore('web', 'service/shop/web'), 0);
    assert.equal(fuzzyScore('svc', 'service/shop/web'), 6);
    assert.equal(fuzzyScore('bew', 'service/shop/web'), undefined);
    assert.equal(fuzzyScore('web', 'service/w-e-b'), 2);
  });
});
