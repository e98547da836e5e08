import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { references } from '../../server/src/features/references';
import type { Mark } from '../support/fixture';
import { featureFixture } from '../support/featureFixture';

function showMark(mark: Mark): string {
  return `${mark.path}:${mark.line + 1}:${mark.startCharacter}-${mark.endCharacter}`;
}

/**
 * Find references at `$0`, asked both ways: without the declaration the answer is exactly the
 * `^^^ ref` marks; with it, the `^^^ ref` and `^^^ decl` marks.
 */
function checkReferences(source: string): void {
  const f = featureFixture(source);
  const marks = f.fixture.marks ?? [];
  const of = (...words: string[]) => marks.filter((mark) => words.includes(mark.word)).map(showMark).sort();
  const found = (includeDeclaration: boolean) => references(f.project, f.uri, f.position, { includeDeclaration }).map((location) => f.showLocation(location)).sort();
  assert.deepEqual(found(false), of('ref'), 'references without the declaration');
  assert.deepEqual(found(true), of('ref', 'decl'), 'references with the declaration');
}

const backends = (cursorInService: string) => `
# --- shop/service.yaml
apiVersion: v1
kind: Service
metadata:
  name: ${cursorInService}
#       ^^^^^ decl
  namespace: shop
spec:
  selector: {app: web}
  ports:
    - name: http
      port: 80
    - name: metrics
      port: 9102
# --- shop/ingress.yaml
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: shop
  namespace: shop
spec:
  rules:
    - http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: web
#                     ^^^ ref
                port: {name: http}
# --- shop/legacy.yaml
apiVersion: extensions/v1beta1
kind: Ingress
metadata:
  name: shop-legacy
  namespace: shop
spec:
  backend:
    serviceName: web
#                ^^^ ref
    servicePort: 9102
# --- edge/route.yaml
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: shop
  namespace: edge
spec:
  rules:
    - backendRefs:
        - name: web
#               ^^^ ref
          namespace: shop
          port: 80
# --- other/ingress.yaml
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: other
  namespace: other
spec:
  defaultBackend:
    service: {name: web, port: {number: 80}}
# --- other/service.yaml
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: other
spec:
  ports: [{port: 80}]
`;

describe('references: Services', () => {
  test('a Service name: every v1, legacy and route backend that reaches it, not the namesake in another namespace', () => {
    checkReferences(backends('w$0eb'));
  });

  test('from a backend, the same references and the Service as the declaration', () => {
    checkReferences(
      backends('web')
        .replace('serviceName: web\n#                ^^^ ref', 'serviceName: w$0eb\n#                ^^^^^ ref')
        .replace('  name: web\n#       ^^^^^ decl', '  name: web\n#       ^^^ decl'),
    );
  });

  test('a Service port: the backends that resolve to it by number or by name, not those of the other port', () => {
    checkReferences(`
# --- service.yaml
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports:
    - name: http
      port: 8$00
#           ^^^^ decl
    - name: metrics
      port: 9102
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
              service:
                name: web
                port: {name: http}
#                            ^^^^ ref
          - path: /api
            pathType: Prefix
            backend:
              service:
                name: web
                port: {number: 80}
#                              ^^ ref
          - path: /metrics
            pathType: Prefix
            backend:
              service:
                name: web
                port: {number: 9102}
`);
  });
});

const web = (containerPort: string, portName = 'http') => `
# --- apps/web.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          ports:
            - name: ${portName}
              containerPort: ${containerPort}
            - name: metrics
              containerPort: 9102
          livenessProbe:
            tcpSocket: {port: 8080}
#                             ^^^^ ref
          readinessProbe:
            httpGet: {path: /ready, port: http}
#                                         ^^^^ ref
        - name: proxy
          readinessProbe:
            httpGet: {path: /ready, port: 8080}
# --- apps/service.yaml
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports:
    - name: http
      port: 80
      targetPort: http
#                 ^^^^ ref
    - name: direct
      port: 8080
#           ^^^^ ref
    - name: metrics
      port: 9102
      targetPort: metrics
# --- apps/policy.yaml
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: web
spec:
  podSelector: {matchLabels: {app: web}}
  ingress:
    - ports:
        - port: http
#               ^^^^ ref
        - port: 8000
#               ^^^^ ref
          endPort: 8999
        - port: 9102
  egress:
    - ports:
        - port: 8080
`;

describe('references: container ports', () => {
  test('a containerPort: every targetPort (named or implicit), probe and NetworkPolicy ingress port that resolves to it', () => {
    checkReferences(web('80$080\n#                            ^^^^^^ decl'));
  });

  test('a container port name: the same references, with the name as the declaration', () => {
    checkReferences(web('8080', 'ht$0tp\n#                   ^^^^^^ decl'));
  });

  test('from a named targetPort: the references of the ports it resolves to in every selected Deployment', () => {
    checkReferences(`
# --- apps/service.yaml
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports:
    - port: 80
      targetPort: ht$0tp
#                 ^^^^^^ ref
# --- apps/other.yaml
apiVersion: v1
kind: Service
metadata: {name: web-direct}
spec:
  selector: {track: canary}
  ports:
    - port: 8080
#           ^^^^ ref
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
            - name: http
#                   ^^^^ decl
              containerPort: 8080
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
            - name: http
#                   ^^^^ decl
              containerPort: 8080
`);
  });
});

describe('references: ConfigMaps, Secrets and labels', () => {
  const readers = (key: string) => `
# --- config.yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: web-config
data:
  ${key}: "8080"
# ^^^^^^ decl
  LOG_LEVEL: info
# --- web.yaml
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: web
          env:
            - name: PORT
              valueFrom:
                configMapKeyRef: {name: web-config, key: PORT}
#                                                        ^^^^ ref
            - name: LEVEL
              valueFrom:
                configMapKeyRef: {name: web-config, key: LOG_LEVEL}
            - name: OTHER
              valueFrom:
                secretKeyRef: {name: web-config, key: PORT}
          envFrom:
            - configMapRef: {name: web-config}
#                                  ^^^^^^^^^^ ref
`;

  test('a ConfigMap key: every configMapKeyRef of that key and every envFrom of the ConfigMap, not a Secret of the same name', () => {
    checkReferences(readers('PO$0RT'));
  });

  test('pod labels: the Services and NetworkPolicies that select the workload, not those that select others', () => {
    checkReferences(`
# --- web.yaml
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata:
      labels: {app: w$0eb, tier: front}
#             ^^^^^^^^^^^^^^^^^^^^^^^^^ decl
    spec:
      containers: [{name: web, ports: [{containerPort: 8080}]}]
# --- service.yaml
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
#           ^^^^^^^^^^ ref
  ports: [{port: 80, targetPort: 8080}]
---
apiVersion: v1
kind: Service
metadata: {name: api}
spec:
  selector: {app: api}
  ports: [{port: 80}]
# --- policy.yaml
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: front}
spec:
  podSelector:
    matchLabels: {tier: front}
#   ^^^^^^^^^^^^^^^^^^^^^^^^^^ ref
  ingress: [{ports: [{port: 8080}]}]
`);
  });
});

describe('references: answers for any input', () => {
  test('nothing under the cursor, or an unknown file: no references', () => {
    checkReferences(`
# --- service.yaml
apiVersion: v1
kind: Ser$0vice
metadata: {name: web}
spec:
  ports: [{port: 80}]
`);
    const f = featureFixture('kind: Service\n');
    assert.deepEqual(references(f.project, 'file:///nowhere.yaml', { line: 0, character: 1 }, { includeDeclaration: true }), []);
  });

  test('a Service that nothing reaches: only its declaration', () => {
    checkReferences(`
# --- service.yaml
apiVersion: v1
kind: Service
metadata:
  name: lon$0ely
#       ^^^^^^^^ decl
spec:
  ports: [{port: 80}]
`);
  });
});
