import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { LocationLink } from 'vscode-languageserver';
import { definition } from '../../server/src/features/definition';
import type { Mark } from '../support/fixture';
import { featureFixture } from '../support/featureFixture';

function showMark(mark: Mark): string {
  return `${mark.path}:${mark.line + 1}:${mark.startCharacter}-${mark.endCharacter}`;
}

/**
 * Go to definition at `$0`: the targets are exactly the `^^^ def` marks (no marks: no answer),
 * and every link starts at the `^^^ origin` mark where the fixture has one.
 */
function checkDefinition(source: string): LocationLink[] {
  const f = featureFixture(source);
  const marks = f.fixture.marks ?? [];
  const result = definition(f.project, f.uri, f.position) as LocationLink[] | null;
  const expected = marks.filter((mark) => mark.word === 'def').map(showMark);
  if (expected.length === 0) {
    assert.equal(result, null, `expected no definition, got ${JSON.stringify(result)}`);
    return [];
  }
  assert.ok(result, 'no definition at $0');
  assert.deepEqual(result.map((link) => f.show(link.targetUri, link.targetSelectionRange)).sort(), expected.sort());
  const origin = marks.find((mark) => mark.word === 'origin');
  if (origin) for (const link of result) assert.equal(f.show(f.uri, link.originSelectionRange!), showMark(origin));
  return result;
}

const service = `
# --- service.yaml
apiVersion: v1
kind: Service
metadata:
  name: web
#       ^^^ web
spec:
  selector:
    app: web
  ports:
    - name: http
      port: 80
#           ^^ http
      targetPort: http
    - name: metrics
      port: 9102
#           ^^^^ metrics
`;

/** The service fixture with its `^^^ <word>` mark turned into the expected definition. */
function expecting(word: string): string {
  return service.replace(new RegExp(`\\^+ ${word}$`, 'm'), (marker) => marker.replace(word, 'def'));
}

describe('definition: Ingress and route backends', () => {
  test('a v1 backend service name leads to the Service, from the name under the cursor', () => {
    checkDefinition(`
# --- ingress.yaml
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: shop
spec:
  rules:
    - http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: w$0eb
#                     ^^^^^ origin
                port:
                  number: 80
${expecting('web')}`);
  });

  test('a v1 backend port number leads to the `port` of that Service port', () => {
    checkDefinition(`
# --- ingress.yaml
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: shop
spec:
  defaultBackend:
    service:
      name: web
      port:
        number: 9$0102
${expecting('metrics')}`);
  });

  test('a v1 backend port name leads to the `port` of the Service port of that name', () => {
    checkDefinition(`
# --- ingress.yaml
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: shop
spec:
  defaultBackend:
    service:
      name: web
      port:
        name: ht$0tp
${expecting('http')}`);
  });

  test('a legacy backend: serviceName to the Service, servicePort to its port', () => {
    const legacy = (serviceName: string, servicePort: string) => `
# --- legacy/ingress.yaml
apiVersion: extensions/v1beta1
kind: Ingress
metadata:
  name: shop
spec:
  rules:
    - host: shop.example.com
      http:
        paths:
          - path: /
            backend:
              serviceName: ${serviceName}
              servicePort: ${servicePort}
`;
    checkDefinition(`${legacy('w$0eb', 'http')}${expecting('web')}`);
    checkDefinition(`${legacy('web', 'metr$0ics')}${expecting('metrics')}`);
    checkDefinition(`${legacy('web', '91$002')}${expecting('metrics')}`);
  });

  test('a backend port that is no port of the Service leads to the Service, where its ports are', () => {
    checkDefinition(`
# --- ingress.yaml
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: shop
spec:
  defaultBackend:
    service:
      name: web
      port:
        number: 80$080
${expecting('web')}`);
  });

  test('an HTTPRoute backendRef with a namespace leads to the Service in that namespace, not to its namesake beside the route', () => {
    checkDefinition(`
# --- routes/route.yaml
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: shop
  namespace: edge
spec:
  parentRefs: [{name: gateway}]
  rules:
    - backendRefs:
        - name: w$0eb
          namespace: shop
          port: 80
# --- routes/web-edge.yaml
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: edge
spec:
  ports: [{port: 80}]
# --- shop/web.yaml
apiVersion: v1
kind: Service
metadata:
  name: web
#       ^^^ def
  namespace: shop
spec:
  ports: [{port: 80}]
`);
  });

  test('a backend that names no Service in the workspace has no definition', () => {
    checkDefinition(`
# --- ingress.yaml
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: shop
spec:
  defaultBackend:
    service:
      name: w$0ww
      port: {number: 80}
${service}`);
  });
});

const twoDeployments = `
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
#             ^^^^^^^^^^ labels
    spec:
      containers:
        - name: web
          ports:
            - name: http
#                   ^^^^ name
              containerPort: 8080
#                            ^^^^ number
            - name: metrics
              containerPort: 9102
# --- apps/web-canary.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web-canary
spec:
  selector:
    matchLabels: {app: web, track: canary}
  template:
    metadata:
      labels: {app: web, track: canary}
#             ^^^^^^^^^^^^^^^^^^^^^^^^^ canary
    spec:
      containers:
        - name: web
          ports:
            - name: http
#                   ^^^^ name
              containerPort: 8080
#                            ^^^^ number
# --- apps/api.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels:
        app: api
    spec:
      containers:
        - name: api
          ports:
            - name: http
              containerPort: 8080
`;

/** The two web Deployments with their marks of these words turned into expected definitions. */
function deploymentsExpecting(...words: string[]): string {
  return twoDeployments.replace(new RegExp(`\\^+ (${words.join('|')})$`, 'gm'), (marker, word: string) => marker.replace(word, 'def'));
}

describe('definition: Service → pods', () => {
  test('a named targetPort leads to the port of that name in every selected Deployment', () => {
    checkDefinition(`
# --- apps/service.yaml
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
    - port: 80
      targetPort: ht$0tp
#                 ^^^^^^ origin
${deploymentsExpecting('name')}`);
  });

  test('a numeric targetPort leads to the containerPort of that number in every selected Deployment', () => {
    checkDefinition(`
# --- apps/service.yaml
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
    - port: 80
      targetPort: 80$080
${deploymentsExpecting('number')}`);
  });

  test('with targetPort omitted, `port` is the target and leads to the containers', () => {
    checkDefinition(`
# --- apps/service.yaml
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
    - port: 80$080
${deploymentsExpecting('number')}`);
  });

  test('a `port` with an explicit targetPort is a declaration: no definition', () => {
    checkDefinition(`
# --- apps/service.yaml
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
    - port: 8$00
      targetPort: 8080
${twoDeployments}`);
  });

  test('a selector leads to the labels of every pod template it selects', () => {
    checkDefinition(`
# --- apps/service.yaml
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    a$0pp: web
  ports: [{port: 80, targetPort: http}]
${deploymentsExpecting('labels', 'canary')}`);
  });

  test('a NetworkPolicy podSelector leads to the pod templates it selects', () => {
    checkDefinition(`
# --- apps/policy.yaml
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: web
spec:
  podSelector:
    matchLabels: {track: can$0ary}
  ingress:
    - ports: [{port: http}]
${deploymentsExpecting('canary')}`);
  });

  test('a NetworkPolicy ingress port name leads to the named ports of the selected pods', () => {
    checkDefinition(`
# --- apps/policy.yaml
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: web
spec:
  podSelector:
    matchLabels: {app: web}
  ingress:
    - ports:
        - port: ht$0tp
${deploymentsExpecting('name')}`);
  });
});

describe('definition: inside the pod', () => {
  const pod = (probePort: string, env = '') => `
# --- pod.yaml
apiVersion: v1
kind: Pod
metadata:
  name: api
  labels: {app: api}
spec:
  containers:
    - name: api
      ports:
        - name: http
#               ^^^^ name
          containerPort: 8080
#                        ^^^^ number
        - name: admin
          containerPort: 9000
      readinessProbe:
        httpGet:
          path: /ready
          port: ${probePort}${env}
    - name: sidecar
      ports:
        - name: http-proxy
          containerPort: 8080
`;

  test("a probe's named port leads to the port of that name in its own container", () => {
    checkDefinition(pod('ht$0tp').replace('^^^^ name', '^^^^ def'));
  });

  test("a probe's numeric port leads to the containerPort of that number in its own container", () => {
    checkDefinition(pod('80$080').replace('^^^^ number', '^^^^ def'));
  });

  test('a probe port that no port of its container has leads nowhere', () => {
    checkDefinition(pod('gr$0pc'));
  });

  const withConfig = (env: string) => `${pod('http', `
      env:${env}`)}
# --- config.yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: api-config
#       ^^^^^^^^^^ resource
data:
  PORT: "8080"
# ^^^^ key
  LOG_LEVEL: info
---
apiVersion: v1
kind: Secret
metadata:
  name: api-secret
#       ^^^^^^^^^^ secret
stringData:
  TOKEN: abc
# ^^^^^ token
`;

  test('a configMapKeyRef key leads to the key in the ConfigMap', () => {
    checkDefinition(
      withConfig(`
        - name: PORT
          valueFrom:
            configMapKeyRef:
              name: api-config
              key: P$0ORT`).replace('^^^^ key', '^^^^ def'),
    );
  });

  test('the env var name of a configMapKeyRef leads to the key too', () => {
    checkDefinition(
      withConfig(`
        - name: PO$0RT
#               ^^^^^^ origin
          valueFrom:
            configMapKeyRef:
              name: api-config
              key: PORT`).replace('^^^^ key', '^^^^ def'),
    );
  });

  test('the name of a configMapKeyRef leads to the ConfigMap', () => {
    checkDefinition(
      withConfig(`
        - name: PORT
          valueFrom:
            configMapKeyRef:
              name: api-$0config
              key: PORT`).replace('^^^^^^^^^^ resource', '^^^^^^^^^^ def'),
    );
  });

  test('a configMapKeyRef to a key the ConfigMap lacks leads to the ConfigMap', () => {
    checkDefinition(
      withConfig(`
        - name: PORT
          valueFrom:
            configMapKeyRef:
              name: api-config
              key: HTTP_$0PORT`).replace('^^^^^^^^^^ resource', '^^^^^^^^^^ def'),
    );
  });

  test('a secretKeyRef key leads to the key in the Secret', () => {
    checkDefinition(
      withConfig(`
        - name: TOKEN
          valueFrom:
            secretKeyRef: {name: api-secret, key: TO$0KEN}`).replace('^^^^^ token', '^^^^^ def'),
    );
  });

  test('envFrom leads to the ConfigMap or Secret it reads', () => {
    const envFrom = (configMap: string, secret: string) =>
      withConfig('').replace(
        '\n      env:',
        `
      envFrom:
        - configMapRef:
            name: ${configMap}
        - secretRef: {name: ${secret}}`,
      );
    checkDefinition(envFrom('api-con$0fig', 'api-secret').replace('^^^^^^^^^^ resource', '^^^^^^^^^^ def'));
    checkDefinition(envFrom('api-config', 'api-se$0cret').replace('^^^^^^^^^^ secret', '^^^^^^^^^^ def'));
  });
});

describe('definition: answers for any input', () => {
  test('a declaration, a comment or a plain key has no definition', () => {
    checkDefinition(service.replace('name: web', 'name: w$0eb'));
    checkDefinition(service.replace('kind: Service', 'kind: Ser$0vice'));
    checkDefinition(`# a com$0ment\n${service}`);
  });

  test('an unknown file has no definition', () => {
    const f = featureFixture(service);
    assert.equal(definition(f.project, 'file:///elsewhere.yaml', { line: 0, character: 0 }), null);
  });

  test('a template action has no definition', () => {
    checkDefinition(`
# --- chart/templates/ingress.yaml
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: shop
spec:
  defaultBackend:
    service:
      name: {{ .Values.ser$0vice }}
      port: {number: 80}
${service}`);
  });

  test('a client without link support gets Locations at the target names', () => {
    const f = featureFixture(`
# --- ingress.yaml
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: shop}
spec:
  defaultBackend:
    service: {name: w$0eb, port: {number: 80}}
${service}`);
    assert.deepEqual(definition(f.project, f.uri, f.position, { linkSupport: false }), [
      { uri: 'file:///ws/service.yaml', range: { start: { line: 3, character: 8 }, end: { line: 3, character: 11 } } },
    ]);
  });

  test('a link frames the whole target entry, so a peek shows the port with its fields', () => {
    const f = featureFixture(`
# --- ingress.yaml
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: shop}
spec:
  defaultBackend:
    service: {name: web, port: {number: 9$0102}}
# --- service.yaml
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  ports:
    - name: http
      port: 80
    - name: metrics
      port: 9102
      targetPort: 9102
`);
    const [link] = definition(f.project, f.uri, f.position) as LocationLink[];
    assert.equal(f.textOf(link.targetUri, link.targetSelectionRange), '9102');
    assert.equal(f.textOf(link.targetUri, link.targetRange), 'name: metrics\n      port: 9102\n      targetPort: 9102');
  });
});

describe('definition: embedded workloads and what operators create', () => {
  test('a backend to a Service an operator creates leads to the custom resource', () => {
    checkDefinition(`
# --- ingress.yaml
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: db, namespace: apps}
spec:
  defaultBackend:
    service: {name: pg-$0rw, port: {number: 5432}}
# --- cluster.yaml
apiVersion: postgresql.cnpg.io/v1
kind: Cluster
metadata: {name: pg, namespace: apps}
#                ^^ def
spec: {instances: 3}
`);
  });

  test("a named targetPort leads to the port of a ClusterServiceVersion's Deployment", () => {
    checkDefinition(`
# --- svc.yaml
apiVersion: v1
kind: Service
metadata: {name: metrics}
spec:
  selector: {app: web}
  ports: [{name: https, port: 8443, targetPort: ht$0tps}]
# --- csv.yaml
apiVersion: operators.coreos.com/v1alpha1
kind: ClusterServiceVersion
metadata: {name: web.v1}
spec:
  install:
    spec:
      deployments:
        - name: manager
          spec:
            selector: {matchLabels: {app: web}}
            template:
              metadata: {labels: {app: web}}
              spec:
                containers:
                  - name: manager
                    image: m
                    ports: [{name: https, containerPort: 8443}]
#                                  ^^^^^ def
`);
  });
});
