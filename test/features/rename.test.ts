import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Position, TextEdit } from 'vscode-languageserver';
import { prepareRename, rename } from '../../server/src/features/rename';
import { parseFixture } from '../support/fixture';
import { featureFixture } from '../support/featureFixture';

/** The offset of an LSP position, counted here on its own (`\r\n`, `\n` and `\r` end a line) so a wrong range cannot cancel out. */
function offsetIn(text: string, position: Position): number {
  let offset = 0;
  for (let line = 0; line < position.line; line++) {
    const rest = text.slice(offset);
    const end = rest.search(/\r\n|\n|\r/);
    assert.ok(end >= 0, `line ${position.line} is past the end of the text`);
    offset += end + (rest.startsWith('\r\n', end) ? 2 : 1);
  }
  return offset + position.character;
}

function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const placed = edits.map((edit) => ({ start: offsetIn(text, edit.range.start), end: offsetIn(text, edit.range.end), newText: edit.newText })).sort((a, b) => b.start - a.start);
  for (let i = 1; i < placed.length; i++) assert.ok(placed[i].end <= placed[i - 1].start, 'overlapping edits');
  return placed.reduce((result, edit) => result.slice(0, edit.start) + edit.newText + result.slice(edit.end), text);
}

/**
 * Renames at `$0` in `before` to `newName`, applies the WorkspaceEdit to every file, and compares
 * each file byte for byte with `after`; a file that `after` leaves out must not change at all.
 */
function checkRename(before: string, newName: string, after: string, options: { crlf?: boolean } = {}): void {
  const f = featureFixture(before, options);
  const outcome = rename(f.project, f.uri, f.position, newName);
  assert.ok(outcome, 'nothing to rename at $0');
  assert.ok('edit' in outcome, `the rename was refused: ${'error' in outcome ? outcome.error : ''}`);
  const expected = new Map(parseFixture(after, options).files.map((file) => [file.path, file.text]));
  const changes = outcome.edit.changes ?? {};
  for (const uri of Object.keys(changes)) assert.ok(f.fixture.files.some((file) => file.uri === uri), `an edit for a file not in the workspace: ${uri}`);
  for (const file of f.fixture.files) {
    const renamed = applyEdits(file.text, changes[file.uri] ?? []);
    assert.equal(renamed, expected.get(file.path) ?? file.text, `${file.path} after the rename`);
  }
  for (const path of expected.keys()) assert.ok(f.fixture.files.some((file) => file.path === path), `the expectation names a file that is not in the fixture: ${path}`);
}

/** A refused rename: the error names the reason. */
function checkRefused(source: string, newName: string, reason: string): void {
  const f = featureFixture(source);
  const outcome = rename(f.project, f.uri, f.position, newName);
  assert.ok(outcome && 'error' in outcome, `expected the rename to ${newName} to be refused, got ${JSON.stringify(outcome)}`);
  assert.ok(outcome.error.includes(reason), `the error:\n  ${outcome.error}\ndoes not contain:\n  ${reason}`);
}

/** prepareRename at `$0`: the `^^^ name` mark and its text as the placeholder, or null (and rename null) where the fixture has no mark. */
function checkPrepare(source: string): void {
  const f = featureFixture(source);
  const prepared = prepareRename(f.project, f.uri, f.position);
  const mark = f.fixture.marks?.find((candidate) => candidate.word === 'name');
  if (!mark) {
    assert.equal(prepared, null, `expected nothing to rename, got ${JSON.stringify(prepared)}`);
    assert.equal(rename(f.project, f.uri, f.position, 'renamed'), null);
    return;
  }
  assert.ok(prepared, 'nothing to rename at $0');
  assert.equal(f.show(f.uri, prepared.range), `${mark.path}:${mark.line + 1}:${mark.startCharacter}-${mark.endCharacter}`);
  assert.equal(prepared.placeholder, f.textOf(f.uri, prepared.range));
}

const storefront = (inService: string, inRoute: string) => `
# --- shop/service.yaml
apiVersion: v1
kind: Service
metadata:
  name: "${inService}"   # the storefront
  namespace: shop
spec:
  selector: {app: web}
  ports:
    - name: http
      port: 80
      targetPort: http
# --- shop/ingress.yaml
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: shop
  namespace: shop
spec:
  rules:
    - host: shop.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: 'web'
                port: {name: http}
---
apiVersion: extensions/v1beta1
kind: Ingress
metadata: {name: shop-legacy, namespace: shop}
spec:
  backend: {serviceName: web, servicePort: 80}
# --- edge/route.yaml
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: shop
  namespace: edge
spec:
  rules:
    - backendRefs:
        - name: ${inRoute}
          namespace: shop
          port: 80
        - name: web        # edge's own web Service
          port: 80
# --- edge/service.yaml
apiVersion: v1
kind: Service
metadata: {name: web, namespace: edge}
spec:
  ports: [{port: 80}]
`;

const storefrontRenamed = `
# --- shop/service.yaml
apiVersion: v1
kind: Service
metadata:
  name: "storefront"   # the storefront
  namespace: shop
spec:
  selector: {app: web}
  ports:
    - name: http
      port: 80
      targetPort: http
# --- shop/ingress.yaml
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: shop
  namespace: shop
spec:
  rules:
    - host: shop.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: 'storefront'
                port: {name: http}
---
apiVersion: extensions/v1beta1
kind: Ingress
metadata: {name: shop-legacy, namespace: shop}
spec:
  backend: {serviceName: storefront, servicePort: 80}
# --- edge/route.yaml
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: shop
  namespace: edge
spec:
  rules:
    - backendRefs:
        - name: storefront
          namespace: shop
          port: 80
        - name: web        # edge's own web Service
          port: 80
`;

describe('rename a Service', () => {
  test('on its name: the Service and every backend that reaches it, across three files, CRLF and quotes kept; the namesake in another namespace stays', () => {
    checkRename(storefront('w$0eb', 'web'), 'storefront', storefrontRenamed, { crlf: true });
  });

  test('on a backend that names it: the same edit', () => {
    checkRename(storefront('web', 'w$0eb'), 'storefront', storefrontRenamed, { crlf: true });
  });

  test("a StatefulSet's serviceName follows its headless Service", () => {
    checkRename(
      `
# --- db.yaml
apiVersion: v1
kind: Service
metadata: {name: d$0b}
spec:
  clusterIP: None
  selector: {app: db}
  ports: [{port: 5432}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  serviceName: db
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      containers: [{name: db, ports: [{containerPort: 5432}]}]
`,
      'postgres',
      `
# --- db.yaml
apiVersion: v1
kind: Service
metadata: {name: postgres}
spec:
  clusterIP: None
  selector: {app: db}
  ports: [{port: 5432}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  serviceName: postgres
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      containers: [{name: db, ports: [{containerPort: 5432}]}]
`,
    );
  });

  test('a name that is no DNS-1035 label, or that another Service of the namespace has, is refused', () => {
    checkRefused(storefront('w$0eb', 'web'), 'Storefront', 'is not a valid Service name (a DNS-1035 label): it has uppercase letters');
    checkRefused(storefront('w$0eb', 'web'), '1shop', 'it must start with a letter');
    checkRefused(storefront('w$0eb', 'web'), 'shop.front', 'it contains "."');
    checkRefused(
      `${storefront('w$0eb', 'web')}---
apiVersion: v1
kind: Service
metadata: {name: api, namespace: shop}
spec:
  ports: [{port: 80}]
`,
      'api',
      'Service api already exists (edge/service.yaml)',
    );
  });
});

const namedPorts = (inWeb: string, inProbe = 'http') => `
# --- apps/web.yaml
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: web
          ports:
            - name: ${inWeb}
              containerPort: 8080
            - name: metrics
              containerPort: 9102
          readinessProbe:
            httpGet: {path: /ready, port: ${inProbe}}
# --- apps/canary.yaml
apiVersion: apps/v1
kind: Deployment
metadata: {name: web-canary}
spec:
  selector: {matchLabels: {app: web, track: canary}}
  template:
    metadata: {labels: {app: web, track: canary}}
    spec:
      containers:
        - name: web
          ports:
            - {name: "http", containerPort: 8080}
# --- apps/service.yaml
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports:
    - name: http
      port: 80
      targetPort: http
    - name: metrics
      port: 9102
      targetPort: metrics
# --- apps/policy.yaml
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: canary}
spec:
  podSelector: {matchLabels: {track: canary}}
  ingress:
    - ports:
        - port: http
        - port: 8080
  egress:
    - ports:
        - port: http
# --- other/api.yaml
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: other}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: api, ports: [{name: http, containerPort: 8080}]}]
---
apiVersion: v1
kind: Service
metadata: {name: api, namespace: other}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: http}]
`;

const namedPortsRenamed = `
# --- apps/web.yaml
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: web
          ports:
            - name: web-http
              containerPort: 8080
            - name: metrics
              containerPort: 9102
          readinessProbe:
            httpGet: {path: /ready, port: web-http}
# --- apps/canary.yaml
apiVersion: apps/v1
kind: Deployment
metadata: {name: web-canary}
spec:
  selector: {matchLabels: {app: web, track: canary}}
  template:
    metadata: {labels: {app: web, track: canary}}
    spec:
      containers:
        - name: web
          ports:
            - {name: "web-http", containerPort: 8080}
# --- apps/service.yaml
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports:
    - name: http
      port: 80
      targetPort: web-http
    - name: metrics
      port: 9102
      targetPort: metrics
# --- apps/policy.yaml
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: canary}
spec:
  podSelector: {matchLabels: {track: canary}}
  ingress:
    - ports:
        - port: web-http
        - port: 8080
  egress:
    - ports:
        - port: http
`;

describe('rename a container port name', () => {
  test('the name, its probe, the targetPort that names it, and the same port in every workload that targetPort reaches, with their NetworkPolicy ports', () => {
    checkRename(namedPorts('ht$0tp'), 'web-http', namedPortsRenamed);
  });

  test('from a probe, a targetPort or a NetworkPolicy port that names it: the same edit', () => {
    checkRename(namedPorts('http', 'ht$0tp'), 'web-http', namedPortsRenamed);
    checkRename(namedPorts('http').replace('targetPort: http', 'targetPort: h$0ttp'), 'web-http', namedPortsRenamed);
    checkRename(namedPorts('http').replace('        - port: http\n        - port: 8080', '        - port: htt$0p\n        - port: 8080'), 'web-http', namedPortsRenamed);
  });

  test('a name that is no IANA_SVC_NAME, or that the pod already uses, is refused', () => {
    checkRefused(namedPorts('ht$0tp'), 'storefront-https', 'is not a valid container port name (an IANA_SVC_NAME): it is 16 characters long, and the limit is 15');
    checkRefused(namedPorts('ht$0tp'), '8080', 'it needs at least one letter');
    checkRefused(namedPorts('ht$0tp'), 'web--http', 'it must not contain "--"');
    checkRefused(namedPorts('ht$0tp'), 'metrics', 'Deployment web (apps/web.yaml) already has a port named metrics');
  });
});

const servicePortNames = (inService: string, inIngress = 'http') => `
# --- service.yaml
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports:
    - name: ${inService}
      port: 80
      targetPort: http
    - name: admin
      port: 9000
# --- ingress.yaml
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: shop}
spec:
  rules:
    - http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service: {name: web, port: {name: ${inIngress}}}
          - path: /v2
            pathType: Prefix
            backend:
              service: {name: web, port: {number: 80}}
---
apiVersion: networking.k8s.io/v1beta1
kind: Ingress
metadata: {name: shop-legacy}
spec:
  backend:
    serviceName: web
    servicePort: 'http'
`;

describe('rename a Service port name', () => {
  const renamed = (name: string) =>
    servicePortNames('http')
      .replace('    - name: http', `    - name: ${name}`)
      .replace('port: {name: http}', `port: {name: ${name}}`)
      .replace("servicePort: 'http'", `servicePort: '${name}'`);

  test('the name and every Ingress backend that names it; numeric backends and the targetPort of the same text stay', () => {
    checkRename(servicePortNames('ht$0tp'), 'web', renamed('web'));
  });

  test('from an Ingress port.name: the same edit', () => {
    checkRename(servicePortNames('http', 'ht$0tp'), 'web', renamed('web'));
  });

  test('a new name that plain YAML would read as a number is written quoted where the old one was plain', () => {
    checkRename(servicePortNames('ht$0tp'), '1e3', servicePortNames('"1e3"', '"1e3"').replace("servicePort: 'http'", "servicePort: '1e3'"));
  });

  test('a name that is no DNS-1123 label, or that the Service already has, is refused', () => {
    checkRefused(servicePortNames('ht$0tp'), 'web_http', 'is not a valid Service port name (a DNS-1123 label): it contains "_"');
    checkRefused(servicePortNames('ht$0tp'), 'admin', 'Service web (service.yaml) already has a port named admin');
  });

  test('the same name again changes nothing', () => {
    const f = featureFixture(servicePortNames('ht$0tp'));
    assert.deepEqual(rename(f.project, f.uri, f.position, 'http'), { edit: { changes: {} } });
  });
});

describe('rename across kustomize builds', () => {
  // Two overlays include one base; the NetworkPolicy is in the second only. The builds' copies of
  // the Deployment share their ports with the file's, and the rename must still follow each build.
  const overlays = (port: string, policyPort: string) => `
# --- base/kustomization.yaml
resources: [deploy.yaml]
# --- base/deploy.yaml
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: web
          image: nginx
          ports: [{name: ${port}, containerPort: 8080}]
# --- a/kustomization.yaml
resources: [../base]
# --- b/kustomization.yaml
resources: [../base, policy.yaml]
# --- b/policy.yaml
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web}
spec:
  podSelector: {matchLabels: {app: web}}
  ingress:
    - ports: [{port: ${policyPort}}]
`;

  test('from a NetworkPolicy port in the second build: the container port in the base and the policy', () => {
    checkRename(overlays('web', 'w$0eb'), 'http', overlays('http', 'http'));
  });
});

describe('prepareRename', () => {
  test('on a name: its range inside any quotes, and the name as the placeholder', () => {
    checkPrepare(`
# --- service.yaml
apiVersion: v1
kind: Service
metadata:
  name: "w$0eb"
#        ^^^^^ name
spec:
  ports: [{name: http, port: 80}]
`);
    checkPrepare(`
# --- service.yaml
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  ports: [{name: 'ht$0tp', port: 80}]
#                 ^^^^^^ name
`);
  });

  test('numbers, keys, comments, ConfigMap keys and unresolved backends cannot be renamed', () => {
    const source = (cursor: { port?: string; kind?: string; comment?: string; key?: string; backend?: string; target?: string }) => `
# --- all.yaml
apiVersion: v1
kind: ${cursor.kind ?? 'Service'}
metadata: {name: web}  # ${cursor.comment ?? 'a comment'}
spec:
  selector: {app: web}
  ports: [{port: ${cursor.port ?? '80'}, targetPort: ${cursor.target ?? '8080'}}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: web-config}
data:
  ${cursor.key ?? 'PORT'}: "8080"
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: shop}
spec:
  defaultBackend:
    service: {name: ${cursor.backend ?? 'nowhere'}, port: {number: 80}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, ports: [{containerPort: 8080}]}]
`;
    checkPrepare(source({ port: '8$00' }));
    checkPrepare(source({ target: '80$080' }));
    checkPrepare(source({ kind: 'Ser$0vice' }));
    checkPrepare(source({ comment: 'a com$0ment' }));
    checkPrepare(source({ key: 'PO$0RT' }));
    checkPrepare(source({ backend: 'nowh$0ere' }));
  });

  test('a named targetPort that no container port has cannot be renamed: nothing declares it', () => {
    checkPrepare(namedPorts('http').replace('targetPort: metrics', 'targetPort: metr$0ix'));
  });

  test('a value a template computes cannot be renamed', () => {
    checkPrepare(`
# --- chart/templates/service.yaml
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports:
    - name: http
      port: 80
      targetPort: {{ .Values.target$0Port }}
# --- chart/templates/deploy.yaml
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, ports: [{name: http, containerPort: 8080}]}]
`);
  });

  test('an unknown file cannot be renamed', () => {
    const f = featureFixture(servicePortNames('http'));
    assert.equal(prepareRename(f.project, 'file:///nowhere.yaml', { line: 0, character: 0 }), null);
    assert.equal(rename(f.project, 'file:///nowhere.yaml', { line: 0, character: 0 }, 'x'), null);
  });
});
