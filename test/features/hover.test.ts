import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { hover } from '../../server/src/features/hover';
import { featureFixture } from '../support/featureFixture';
import { dedent, ROOT } from '../support/fixture';

/**
 * Hover at `$0`: the card as a user reads it, under a first line `hovered: <text>` naming what the
 * hover highlights. Links read `[service.yaml:7]` (the helper checks that each one opens that file
 * at that line) and the closing ```sh block reads `$ kubectl …`. `null`: no hover at all.
 */
function checkHover(source: string, expected: string | null, options: { crlf?: boolean } = {}): void {
  const f = featureFixture(source, options);
  const result = hover(f.project, f.uri, f.position);
  if (expected === null) {
    assert.equal(result, null, `expected no hover, got:\n${JSON.stringify(result?.contents)}`);
    return;
  }
  assert.ok(result, 'no hover at $0');
  assert.ok(result.range, 'the hover has no range');
  const markdown = (result.contents as { kind: string; value: string }).value;
  assert.equal((result.contents as { kind: string }).kind, 'markdown');
  const card = markdown.replace(/\[([^\]]+)\]\(([^)]+)\)/g, (_, text: string, target: string) => {
    const [, path, line] = /^(.*):(\d+)$/.exec(text.replace(/\\(.)/g, '$1'))!;
    assert.equal(target, `${ROOT}${path}#L${line}`, `link ${text} opens ${target}`);
    return `[${text}]`;
  }).replace(/\n```sh\n(.*)\n```$/, '\n$ $1');
  assert.equal(`hovered: ${f.textOf(f.uri, result.range)}\n${card}`, dedent(expected).trimEnd());
}

// An Ingress, a Service, a Deployment whose process reads PORT from a ConfigMap: one clean chain.
const shelf = (cursor: { backendPort?: string; backendName?: string; servicePort?: string; targetPort?: string; containerPort?: string; env?: string; key?: string } = {}) => `
# --- ingress.yaml
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: audiobookshelf}
spec:
  rules:
    - host: audiobookshelf.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: ${cursor.backendName ?? 'audiobookshelf-svc'}
                port: {number: ${cursor.backendPort ?? '8080'}}
# --- service.yaml
apiVersion: v1
kind: Service
metadata: {name: audiobookshelf-svc}
spec:
  selector: {app: audiobookshelf}
  ports: [{port: ${cursor.servicePort ?? '8080'}, targetPort: ${cursor.targetPort ?? '3005'}}]
# --- deploy.yaml
apiVersion: apps/v1
kind: Deployment
metadata: {name: audiobookshelf}
spec:
  template:
    metadata: {labels: {app: audiobookshelf}}
    spec:
      containers:
        - name: audiobookshelf
          env:
            - name: ${cursor.env ?? 'PORT'}
              valueFrom: {configMapKeyRef: {name: audiobookshelf-config, key: PORT}}
          ports: [{containerPort: ${cursor.containerPort ?? '3005'}}]
# --- config.yaml
apiVersion: v1
kind: ConfigMap
metadata: {name: audiobookshelf-config}
data:
  ${cursor.key ?? 'PORT'}: "3005"
`;

describe('hover: the chain', () => {
  test('on an Ingress backend port', () => {
    checkHover(shelf({ backendPort: '80$080' }), `
      hovered: 8080
      **Ingress audiobookshelf** backend: Service audiobookshelf-svc port 8080

      ✓ every link holds

      - ✓ **Ingress audiobookshelf** host audiobookshelf.example.com  path / · [ingress.yaml:13]
      - ✓ → **Service audiobookshelf-svc** port 8080 · [service.yaml:6]
      - ✓ → **targetPort** 3005 · [service.yaml:6]
      - ✓ → **Deployment audiobookshelf / container audiobookshelf** containerPort 3005 · [deploy.yaml:13]
      - ✓ → **process** binds 3005 (PORT=3005 from ConfigMap audiobookshelf-config) · [config.yaml:5]

      $ kubectl port-forward svc/audiobookshelf-svc 8080:8080
    `);
  });
  test('on an Ingress backend service name', () => {
    checkHover(shelf({ backendName: 'audiobookshelf$0-svc' }), `
      hovered: audiobookshelf-svc
      **Ingress audiobookshelf** backend: Service audiobookshelf-svc port 8080

      ✓ every link holds

      - ✓ **Ingress audiobookshelf** host audiobookshelf.example.com  path / · [ingress.yaml:13]
      - ✓ → **Service audiobookshelf-svc** port 8080 · [service.yaml:6]
      - ✓ → **targetPort** 3005 · [service.yaml:6]
      - ✓ → **Deployment audiobookshelf / container audiobookshelf** containerPort 3005 · [deploy.yaml:13]
      - ✓ → **process** binds 3005 (PORT=3005 from ConfigMap audiobookshelf-config) · [config.yaml:5]

      $ kubectl port-forward svc/audiobookshelf-svc 8080:8080
    `);
  });
  test('on a Service port', () => {
    checkHover(shelf({ servicePort: '8$0080' }), `
      hovered: 8080
      **Service audiobookshelf-svc** port 8080

      ✓ every link holds

      - ✓ **Ingress audiobookshelf** host audiobookshelf.example.com  path / · [ingress.yaml:13]
      - ✓ → **Service audiobookshelf-svc** port 8080 · [service.yaml:6]
      - ✓ → **targetPort** 3005 · [service.yaml:6]
      - ✓ → **Deployment audiobookshelf / container audiobookshelf** containerPort 3005 · [deploy.yaml:13]
      - ✓ → **process** binds 3005 (PORT=3005 from ConfigMap audiobookshelf-config) · [config.yaml:5]

      $ kubectl port-forward svc/audiobookshelf-svc 8080:8080
    `);
  });
  test('on a targetPort', () => {
    checkHover(shelf({ targetPort: '$03005' }), `
      hovered: 3005
      **Service audiobookshelf-svc** targetPort 3005 of port 8080

      ✓ every link holds

      - ✓ **Ingress audiobookshelf** host audiobookshelf.example.com  path / · [ingress.yaml:13]
      - ✓ → **Service audiobookshelf-svc** port 8080 · [service.yaml:6]
      - ✓ → **targetPort** 3005 · [service.yaml:6]
      - ✓ → **Deployment audiobookshelf / container audiobookshelf** containerPort 3005 · [deploy.yaml:13]
      - ✓ → **process** binds 3005 (PORT=3005 from ConfigMap audiobookshelf-config) · [config.yaml:5]

      $ kubectl port-forward svc/audiobookshelf-svc 8080:8080
    `);
  });
  test('on a containerPort', () => {
    checkHover(shelf({ containerPort: '300$05' }), `
      hovered: 3005
      **Deployment audiobookshelf / container audiobookshelf** containerPort 3005

      ✓ every link holds

      - ✓ **Ingress audiobookshelf** host audiobookshelf.example.com  path / · [ingress.yaml:13]
      - ✓ → **Service audiobookshelf-svc** port 8080 · [service.yaml:6]
      - ✓ → **targetPort** 3005 · [service.yaml:6]
      - ✓ → **Deployment audiobookshelf / container audiobookshelf** containerPort 3005 · [deploy.yaml:13]
      - ✓ → **process** binds 3005 (PORT=3005 from ConfigMap audiobookshelf-config) · [config.yaml:5]

      $ kubectl port-forward deploy/audiobookshelf 3005:3005
    `);
  });
  test('on the env var that sets the port the process binds', () => {
    checkHover(shelf({ env: 'PO$0RT' }), `
      hovered: name: PORT
                    valueFrom: {configMapKeyRef: {name: audiobookshelf-config, key: PORT}}

      **Deployment audiobookshelf / container audiobookshelf** env PORT: the port its process binds

      Its value comes from key PORT of ConfigMap audiobookshelf-config: 3005 · [config.yaml:5]

      ✓ every link holds

      - ✓ **Ingress audiobookshelf** host audiobookshelf.example.com  path / · [ingress.yaml:13]
      - ✓ → **Service audiobookshelf-svc** port 8080 · [service.yaml:6]
      - ✓ → **targetPort** 3005 · [service.yaml:6]
      - ✓ → **Deployment audiobookshelf / container audiobookshelf** containerPort 3005 · [deploy.yaml:13]
      - ✓ → **process** binds 3005 (PORT=3005 from ConfigMap audiobookshelf-config) · [config.yaml:5]

      $ kubectl port-forward deploy/audiobookshelf 3005:3005
    `);
  });
  test('on the ConfigMap key that feeds it', () => {
    checkHover(shelf({ key: 'PO$0RT' }), `
      hovered: PORT: "3005"
      **ConfigMap audiobookshelf-config** key PORT = 3005

      - read as PORT by Deployment audiobookshelf / container audiobookshelf · [deploy.yaml:11]

      ✓ every link holds

      - ✓ **Ingress audiobookshelf** host audiobookshelf.example.com  path / · [ingress.yaml:13]
      - ✓ → **Service audiobookshelf-svc** port 8080 · [service.yaml:6]
      - ✓ → **targetPort** 3005 · [service.yaml:6]
      - ✓ → **Deployment audiobookshelf / container audiobookshelf** containerPort 3005 · [deploy.yaml:13]
      - ✓ → **process** binds 3005 (PORT=3005 from ConfigMap audiobookshelf-config) · [config.yaml:5]

      $ kubectl port-forward deploy/audiobookshelf 3005:3005
    `);
  });
});

// A Service with two ports over two Deployments, one of which lacks the metrics port.
const fanOut = (cursor: { name?: string; selector?: string; http?: string } = {}) => `
# --- service.yaml
apiVersion: v1
kind: Service
metadata: {name: ${cursor.name ?? 'web'}}
spec:
  type: NodePort
  selector: {${cursor.selector ?? 'app: web'}}
  ports:
    - {name: ${cursor.http ?? 'http'}, port: 80, targetPort: http, nodePort: 30080}
    - {name: metrics, port: 9102, targetPort: 9102}
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
          ports: [{name: http, containerPort: 8080}, {name: metrics, containerPort: 9102}]
# --- canary.yaml
apiVersion: apps/v1
kind: Deployment
metadata: {name: web-canary}
spec:
  template:
    metadata: {labels: {app: web, track: canary}}
    spec:
      containers:
        - name: web
          ports: [{name: http, containerPort: 8081}]
# --- ingress.yaml
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: shop}
spec:
  rules:
    - host: "*.shop.example.com"
      http:
        paths:
          - {path: /, pathType: Prefix, backend: {service: {name: web, port: {name: http}}}}
          - {path: /api, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}
`;

describe('hover: fan-out', () => {
  test('on a Service name: every port, every selected workload, the entries once per port', () => {
    checkHover(fanOut({ name: 'w$0eb' }), `
      hovered: web
      **Service web** (NodePort) selects Deployment web-canary, Deployment web

      8 chains · ✗ 1 broken link

      - ✓ **Ingress shop** host \\*.shop.example.com  path / · [ingress.yaml:9]
      - ✓ **Ingress shop** host \\*.shop.example.com  path /api · [ingress.yaml:10]
      - ✓ **NodePort** node port 30080 · [service.yaml:8]
      - ✓ → **Service web** port 80 (http) · [service.yaml:8]
      - ✓ → **targetPort** http · [service.yaml:8]
        - ✓ → **Deployment web-canary / container web** containerPort 8081 (http) · [canary.yaml:10]
          - ✓ → **process** binds 8081 (as declared; no PORT or flag says otherwise)
        - ✓ → **Deployment web / container web** containerPort 8080 (http) · [web.yaml:10]
          - ✓ → **process** binds 8080 (as declared; no PORT or flag says otherwise)

      ---

      - ✓ **NodePort** node port allocated by the cluster · [service.yaml:5]
      - ✓ → **Service web** port 9102 (metrics) · [service.yaml:9]
      - ✓ → **targetPort** 9102 · [service.yaml:9]
        - ✗ → **Deployment web-canary / container web** containerPorts 8081 (http) · [canary.yaml:9]
          - _No container declares 9102: its containerPorts are 8081 (http). Set targetPort to one of them, or change the containerPort._
        - ✓ → **Deployment web / container web** containerPort 9102 (metrics) · [web.yaml:10]
          - ✓ → **process** binds 9102 (as declared; no PORT or flag says otherwise)

      $ kubectl port-forward svc/web 8080:80 9102:9102
    `);
  });
  test('on a Service selector that matches no pods', () => {
    checkHover(`
# --- service.yaml
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: $0wbe}
  ports: [{port: 80, targetPort: 8080}]
# --- deploy.yaml
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: web
          ports: [{containerPort: 8080}]
`, `
      hovered: {app: wbe}
      **Service web** (ClusterIP) selects no pod template in this namespace

      ✗ 1 broken link

      - ✓ **Service web** port 80 · [service.yaml:6]
      - ✗ → **targetPort** 8080 · [service.yaml:6]
        - _The selector matches no pod template in this namespace: fix the selector or the pod labels._

      $ kubectl port-forward svc/web 8080:80
    `);
  });
  test('on a Service port name', () => {
    checkHover(fanOut({ http: 'ht$0tp' }), `
      hovered: http
      **Service web** port name http of port 80 (http)

      6 chains · ✓ every link holds

      - ✓ **Ingress shop** host \\*.shop.example.com  path / · [ingress.yaml:9]
      - ✓ **Ingress shop** host \\*.shop.example.com  path /api · [ingress.yaml:10]
      - ✓ **NodePort** node port 30080 · [service.yaml:8]
      - ✓ → **Service web** port 80 (http) · [service.yaml:8]
      - ✓ → **targetPort** http · [service.yaml:8]
        - ✓ → **Deployment web-canary / container web** containerPort 8081 (http) · [canary.yaml:10]
          - ✓ → **process** binds 8081 (as declared; no PORT or flag says otherwise)
        - ✓ → **Deployment web / container web** containerPort 8080 (http) · [web.yaml:10]
          - ✓ → **process** binds 8080 (as declared; no PORT or flag says otherwise)

      $ kubectl port-forward svc/web 8080:80
    `);
  });
  test('at most four chains are drawn, broken ones first', () => {
    const deployments = ['a', 'b', 'c', 'd', 'e', 'f'].map((name, index) => `
# --- ${name}.yaml
apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}}
spec:
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: app
          ports: [{containerPort: ${index === 4 ? 9090 : 8080}}]`).join('\n');
    checkHover(`
# --- service.yaml
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 80$080}]
${deployments}`, `
      hovered: 8080
      **Service web** targetPort 8080 of port 80

      6 chains · ✗ 1 broken link

      - ✓ **Service web** port 80 · [service.yaml:6]
      - ✓ → **targetPort** 8080 · [service.yaml:6]
        - ✓ → **Deployment a / container app** containerPort 8080 · [a.yaml:10]
          - ✓ → **process** binds 8080 (as declared; no PORT or flag says otherwise)
        - ✓ → **Deployment b / container app** containerPort 8080 · [b.yaml:10]
          - ✓ → **process** binds 8080 (as declared; no PORT or flag says otherwise)
        - ✓ → **Deployment c / container app** containerPort 8080 · [c.yaml:10]
          - ✓ → **process** binds 8080 (as declared; no PORT or flag says otherwise)
        - ✗ → **Deployment e / container app** containerPorts 9090 · [e.yaml:9]
          - _No container declares 8080: its containerPorts are 9090. Set targetPort to one of them, or change the containerPort._

      …and 2 more chains

      $ kubectl port-forward svc/web 8080:80
    `);
  });
});

describe('hover: entries', () => {
  test('an HTTPRoute backendRef port', () => {
    checkHover(`
# --- route.yaml
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: store, namespace: shop}
spec:
  hostnames: [store.example.com]
  rules:
    - matches: [{path: {type: PathPrefix, value: /cart}}]
      backendRefs: [{name: cart, port: 8$00}]
# --- service.yaml
apiVersion: v1
kind: Service
metadata: {name: cart, namespace: shop}
spec:
  selector: {app: cart}
  ports: [{name: http, port: 80, targetPort: http}]
# --- deploy.yaml
apiVersion: apps/v1
kind: Deployment
metadata: {name: cart, namespace: shop}
spec:
  template:
    metadata: {labels: {app: cart}}
    spec:
      containers:
        - name: cart
          args: ["--listen=:7070"]
          ports: [{name: http, containerPort: 7070}]
`, `
      hovered: 80
      **HTTPRoute store** backend: Service cart port 80

      ✓ every link holds

      - ✓ **HTTPRoute store** host store.example.com  path /cart · [route.yaml:8]
      - ✓ → **Service cart** port 80 (http) · [service.yaml:6]
      - ✓ → **targetPort** http · [service.yaml:6]
      - ✓ → **Deployment cart / container cart** containerPort 7070 (http) · [deploy.yaml:11]
      - ✓ → **process** binds 7070 (--listen=:7070) · [deploy.yaml:10]

      $ kubectl port-forward -n shop svc/cart 8080:80
    `);
  });
  test('a nodePort of a LoadBalancer Service', () => {
    checkHover(`
# --- service.yaml
apiVersion: v1
kind: Service
metadata: {name: edge}
spec:
  type: LoadBalancer
  selector: {app: edge}
  ports: [{port: 443, targetPort: 8443, nodePort: 3144$03}]
# --- deploy.yaml
apiVersion: apps/v1
kind: Deployment
metadata: {name: edge}
spec:
  template:
    metadata: {labels: {app: edge}}
    spec:
      containers:
        - name: envoy
          ports: [{containerPort: 8443}]
`, `
      hovered: 31443
      **Service edge** nodePort 31443 of port 443

      ✓ every link holds

      - ✓ **LoadBalancer** node port 31443 · [service.yaml:7]
      - ✓ → **Service edge** port 443 · [service.yaml:7]
      - ✓ → **targetPort** 8443 · [service.yaml:7]
      - ✓ → **Deployment edge / container envoy** containerPort 8443 · [deploy.yaml:10]
      - ✓ → **process** binds 8443 (as declared; no PORT or flag says otherwise)

      $ kubectl port-forward svc/edge 8443:443
    `);
  });
  test('an Ingress backend port name', () => {
    checkHover(`
# --- ingress.yaml
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: docs}
spec:
  defaultBackend: {service: {name: docs, port: {name: we$0b}}}
# --- service.yaml
apiVersion: v1
kind: Service
metadata: {name: docs}
spec:
  selector: {app: docs}
  ports: [{name: web, port: 80, targetPort: 8080}]
# --- deploy.yaml
apiVersion: apps/v1
kind: Deployment
metadata: {name: docs}
spec:
  template:
    metadata: {labels: {app: docs}}
    spec:
      containers:
        - name: docs
          envFrom: [{secretRef: {name: docs-env}}]
          ports: [{containerPort: 8080}]
# --- secret.yaml
apiVersion: v1
kind: Secret
metadata: {name: docs-env}
stringData: {PORT: "8080", API_TOKEN: hunter2}
`, `
      hovered: web
      **Ingress docs** backend: Service docs port web

      ✓ every link holds

      - ✓ **Ingress docs** default backend · [ingress.yaml:5]
      - ✓ → **Service docs** port 80 (web) · [service.yaml:6]
      - ✓ → **targetPort** 8080 · [service.yaml:6]
      - ✓ → **Deployment docs / container docs** containerPort 8080 · [deploy.yaml:11]
      - ✓ → **process** binds 8080 (PORT=8080 from Secret docs-env) · [secret.yaml:4]

      $ kubectl port-forward svc/docs 8080:80
    `);
  });
});

describe('hover: broken and unknown hops', () => {
  test("a backend port that is the Service's targetPort: the broken hop, then the path the user meant", () => {
    checkHover(shelf({ backendPort: '30$005' }), `
      hovered: 3005
      **Ingress audiobookshelf** backend: Service audiobookshelf-svc port 3005

      ✗ 1 broken link

      - ✓ **Ingress audiobookshelf** host audiobookshelf.example.com  path / · [ingress.yaml:13]
      - ✗ → **Service audiobookshelf-svc** port 3005: did you mean port 8080 · [service.yaml:6]
        - _Service audiobookshelf-svc has no port 3005: 3005 is the targetPort of its port 8080. Did you mean port 8080?_
      - ✓ → **targetPort** 3005 · [service.yaml:6]
      - ✓ → **Deployment audiobookshelf / container audiobookshelf** containerPort 3005 · [deploy.yaml:13]
      - ✓ → **process** binds 3005 (PORT=3005 from ConfigMap audiobookshelf-config) · [config.yaml:5]

      $ kubectl port-forward svc/audiobookshelf-svc 8080:8080
    `);
  });
  test('a backend that names no Service', () => {
    checkHover(`
# --- ingress.yaml
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: shop}
spec:
  defaultBackend: {service: {name: we$0bb, port: {number: 80}}}
# --- service.yaml
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80}]
`, `
      hovered: webb
      **Ingress shop** backend: Service webb port 80

      ✗ 1 broken link

      - ✓ **Ingress shop** default backend · [ingress.yaml:5]
      - ✗ → **Service webb** port 80
        - _No Service webb in this namespace: create it or fix the name._
    `);
  });
  test('a Service whose pods are not in the workspace', () => {
    checkHover(`
# --- service.yaml
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 80$080}]
`, `
      hovered: 8080
      **Service web** targetPort 8080 of port 80

      ? 1 unknown link

      - ✓ **Service web** port 80 · [service.yaml:6]
      - ? → **targetPort** 8080 · [service.yaml:6]
        - _The pods it selects are not in the workspace._

      $ kubectl port-forward svc/web 8080:80
    `);
  });
  test('a process that binds another port than the containerPort', () => {
    checkHover(`
# --- service.yaml
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
# --- deploy.yaml
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: web
          env: [{name: PORT, value: "3000"}]
          ports: [{containerPort: 80$080}]
`, `
      hovered: 8080
      **Deployment web / container web** containerPort 8080

      ✗ 1 broken link

      - ✓ **Service web** port 80 · [service.yaml:6]
      - ✓ → **targetPort** 8080 · [service.yaml:6]
      - ✓ → **Deployment web / container web** containerPort 8080 · [deploy.yaml:11]
      - ✗ → **process** binds 3000 (PORT=3000) · [deploy.yaml:10]
        - _The process listens on 3000, not on containerPort 8080: align PORT and the containerPort._

      $ kubectl port-forward deploy/web 8080:8080
    `);
  });
  test('a named targetPort that no container names', () => {
    checkHover(`
# --- service.yaml
apiVersion: v1
kind: Service
metadata: {name: api}
spec:
  selector: {app: api}
  ports: [{port: 80, targetPort: grp$0c}]
# --- deploy.yaml
apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  template:
    metadata: {labels: {app: api}}
    spec:
      containers:
        - name: api
          ports: [{name: http, containerPort: 8080}]
`, `
      hovered: grpc
      **Service api** targetPort grpc of port 80

      ✗ 1 broken link

      - ✓ **Service api** port 80 · [service.yaml:6]
      - ✓ → **targetPort** grpc · [service.yaml:6]
      - ✗ → **Deployment api / container api** containerPorts 8080 (http) · [deploy.yaml:9]
        - _No container declares grpc: its containerPorts are 8080 (http). Set targetPort to one of them, or change the containerPort._

      $ kubectl port-forward svc/api 8080:80
    `);
  });
  test('an env var whose ConfigMap is not in the workspace', () => {
    checkHover(`
# --- deploy.yaml
apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  template:
    metadata: {labels: {app: api}}
    spec:
      containers:
        - name: api
          env: [{name: SERVER_P$0ORT, valueFrom: {configMapKeyRef: {name: api-config, key: port}}}]
          ports: [{containerPort: 8080}]
`, `
      hovered: {name: SERVER_PORT, valueFrom: {configMapKeyRef: {name: api-config, key: port}}}
      **Deployment api / container api** env SERVER\\_PORT: the port its process binds

      Its value comes from key port of ConfigMap api-config, which is not in the workspace.

      ? 1 unknown link

      - ✓ **Deployment api / container api** containerPorts 8080 · [deploy.yaml:9]
        - _No Service in the workspace selects these pods._
      - ? → **process** binds ? (SERVER\\_PORT from ConfigMap api-config (not in the workspace)) · [deploy.yaml:10]
        - _The value is not in the workspace._
    `);
  });
  test('a Helm template: computed values are unknown, never broken', () => {
    checkHover(`
# --- chart/templates/service.yaml
apiVersion: v1
kind: Service
metadata:
  name: {{ include "web.fullname" . }}
spec:
  selector: {app: web}
  ports:
    - port: 80
      targetPort: {{ .Values.service.$0targetPort }}
# --- chart/templates/deploy.yaml
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: web
          ports: [{containerPort: 8080}]
`, `
      hovered: {{ .Values.service.targetPort }}
      **Service {{ include "web.fullname" . }}** targetPort {{ .Values.service.targetPort }} of port 80

      ? 1 unknown link

      - ✓ **Service {{ include "web.fullname" . }}** port 80 · [chart/templates/service.yaml:8]
      - ✓ → **targetPort** {{ .Values.service.targetPort }} · [chart/templates/service.yaml:9]
      - ? → **Deployment web / container web** containerPorts 8080 · [chart/templates/deploy.yaml:9]
        - _Unknown: the target port is computed by a template or placeholder._
    `);
  });
});

describe('hover: workloads, probes, policies', () => {
  test('a probe named port', () => {
    checkHover(`
# --- deploy.yaml
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: web
          ports: [{name: http, containerPort: 8080}]
          readinessProbe: {httpGet: {path: /healthz, port: ht$0tp}}
`, `
      hovered: http
      **Deployment web / container web** readinessProbe httpGet port http = 8080

      ✓ every link holds

      - ✓ **Deployment web / container web** containerPorts 8080 (http) · [deploy.yaml:9]
        - _No Service in the workspace selects these pods._
      - ✓ → **process** binds 8080 (as declared; no PORT or flag says otherwise)

      $ kubectl port-forward -n shop deploy/web 8080:8080
    `);
  });
  test('a container port name and a hostPort', () => {
    checkHover(`
# --- pod.yaml
apiVersion: v1
kind: Pod
metadata: {name: proxy, labels: {app: proxy}}
spec:
  containers:
    - name: proxy
      ports: [{name: web, containerPort: 80, hostPort: 8$0080}]
`, `
      hovered: 8080
      **Pod proxy / container proxy** hostPort 8080

      _hostPort opens the port on the one node the pod runs on and moves with the pod; a Service is the usual way in._

      ✓ every link holds

      - ✓ **Pod proxy / container proxy** containerPorts 80 (web) · [pod.yaml:6]
        - _No Service in the workspace selects these pods._
      - ✓ → **process** binds 80 (as declared; no PORT or flag says otherwise)

      $ kubectl port-forward pod/proxy 8080:80
    `);
  });
  test('pod labels', () => {
    checkHover(`
# --- service.yaml
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
# --- deploy.yaml
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    metadata: {labels: {app: w$0eb}}
    spec:
      containers:
        - name: web
          ports: [{containerPort: 8080}]
`, `
      hovered: {app: web}
      **Deployment web** pod labels

      ✓ every link holds

      - ✓ **Service web** port 80 · [service.yaml:6]
      - ✓ → **targetPort** 8080 · [service.yaml:6]
      - ✓ → **Deployment web / container web** containerPort 8080 · [deploy.yaml:10]
      - ✓ → **process** binds 8080 (as declared; no PORT or flag says otherwise)

      $ kubectl port-forward svc/web 8080:80
    `);
  });
  test('a NetworkPolicy ingress port: each selected workload, and whether it exposes the port', () => {
    checkHover(`
# --- policy.yaml
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow-web}
spec:
  podSelector: {matchLabels: {tier: front}}
  ingress:
    - ports: [{port: 80$080, protocol: TCP}]
# --- web.yaml
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    metadata: {labels: {tier: front}}
    spec:
      containers:
        - name: web
          ports: [{name: http, containerPort: 8080}]
# --- admin.yaml
apiVersion: apps/v1
kind: Deployment
metadata: {name: admin}
spec:
  template:
    metadata: {labels: {tier: front}}
    spec:
      containers:
        - name: admin
          ports: [{containerPort: 9000}]
# --- sidecar.yaml
apiVersion: apps/v1
kind: Deployment
metadata: {name: worker}
spec:
  template:
    metadata: {labels: {tier: front}}
    spec:
      containers:
        - name: worker
`, `
      hovered: 8080
      **NetworkPolicy allow-web** allows ingress to port 8080/TCP

      1 of 3 selected workloads expose it

      - ✗ **Deployment admin** containerPorts 9000 · [admin.yaml:3]
        - _No container of Deployment admin declares 8080: its containerPorts are 9000._
      - ? **Deployment worker** containerPorts none · [sidecar.yaml:3]
        - _Its containers declare no ports, so only the running process can tell._
      - ✓ **Deployment web** containerPort 8080 (http) · [web.yaml:10]
    `);
  });
  test('a NetworkPolicy egress port', () => {
    checkHover(`
# --- policy.yaml
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db-out}
spec:
  podSelector: {matchLabels: {app: web}}
  egress:
    - ports: [{port: 54$032}]
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
          ports: [{containerPort: 8080}]
`, `
      hovered: 5432
      **NetworkPolicy db-out** allows egress to port 5432/TCP

      Egress ports are ports of whatever the selected pods connect to, so they are not checked against these pods.

      It selects 1 workload:

      - **Deployment web** · [web.yaml:3]
    `);
  });
});

describe('hover: where there is no card', () => {
  test('outside any node', () => {
    checkHover(shelf({ backendName: 'audiobookshelf-svc\n            pathType: Pre$0fix' }), null);
  });
  test('an env var that is no listening port', () => {
    checkHover(shelf({ env: 'DB_$0PORT' }), null);
  });
  test('a ConfigMap key no container reads as its port', () => {
    checkHover(shelf({ key: 'LOG_$0LEVEL' }), null);
  });
  test('a file that is not a manifest', () => {
    checkHover(`
# --- compose.yaml
services:
  web:
    ports: ["80$080:8080"]
`, null);
  });
});

describe('hover: line endings', () => {
  test('a CRLF file gives the same card, with the same lines', () => {
    checkHover(shelf({ targetPort: '$03005' }), `
      hovered: 3005
      **Service audiobookshelf-svc** targetPort 3005 of port 8080

      ✓ every link holds

      - ✓ **Ingress audiobookshelf** host audiobookshelf.example.com  path / · [ingress.yaml:13]
      - ✓ → **Service audiobookshelf-svc** port 8080 · [service.yaml:6]
      - ✓ → **targetPort** 3005 · [service.yaml:6]
      - ✓ → **Deployment audiobookshelf / container audiobookshelf** containerPort 3005 · [deploy.yaml:13]
      - ✓ → **process** binds 3005 (PORT=3005 from ConfigMap audiobookshelf-config) · [config.yaml:5]

      $ kubectl port-forward svc/audiobookshelf-svc 8080:8080
    `, { crlf: true });
  });
});

describe('hover: embedded workloads and what operators create', () => {
  const cephCluster = `
# --- app/cluster.yaml
apiVersion: ceph.rook.io/v1
kind: CephCluster
metadata: {name: rook-ceph, namespace: rook-ceph}
spec: {dashboard: {enabled: true}}`;

  test('a backend to a Service an operator creates names the custom resource it comes from', () => {
    checkHover(`
# --- app/ingress.yaml
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: dashboard, namespace: rook-ceph}
spec:
  defaultBackend:
    service: {name: rook-ceph-mgr-$0dashboard, port: {name: https-dashboard}}
${cephCluster}
`, `
      hovered: rook-ceph-mgr-dashboard
      **Ingress dashboard** backend: Service rook-ceph-mgr-dashboard port https-dashboard

      ? 1 unknown link

      - ✓ **Ingress dashboard** default backend · [app/ingress.yaml:6]
      - ✓ → **Service rook-ceph-mgr-dashboard (created by CephCluster rook-ceph, operator-managed)** port 8443 (https-dashboard) · [app/cluster.yaml:3]
      - ? → **CephCluster rook-ceph** operator-managed · [app/cluster.yaml:3]
        - _Created by CephCluster rook-ceph (operator-managed): its operator makes the Service (pods labelled app=rook-ceph-mgr, rook\\_cluster=rook-ceph) and decides where port 8443 goes._
    `);
  });

  test('a name a known operator does not create is missing, and the card says what it does create', () => {
    checkHover(`
# --- app/ingress.yaml
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: dashboard, namespace: rook-ceph}
spec:
  defaultBackend:
    service: {name: rook-ceph-$0dashboard, port: {number: 8443}}
${cephCluster}
`, `
      hovered: rook-ceph-dashboard
      **Ingress dashboard** backend: Service rook-ceph-dashboard port 8443

      ✗ 1 broken link

      - ✓ **Ingress dashboard** default backend · [app/ingress.yaml:6]
      - ✗ → **Service rook-ceph-dashboard** port 8443
        - _No Service rook-ceph-dashboard in this namespace: create it or fix the name. CephCluster rook-ceph beside it creates Service rook-ceph-mgr (http-metrics 9283), Service rook-ceph-mgr-dashboard (https-dashboard 8443, http-dashboard 7000)._
    `);
  });

  test('an operator portchain does not know leaves the Service unknown, and the card says how to describe it', () => {
    checkHover(`
# --- app/ingress.yaml
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: db, namespace: apps}
spec:
  defaultBackend:
    service: {name: orders-$0primary, port: {number: 5432}}
# --- app/own.yaml
apiVersion: v1
kind: Service
metadata: {name: own, namespace: apps}
spec:
  ports: [{port: 80}]
# --- app/database.yaml
apiVersion: db.example.com/v1
kind: MyDatabase
metadata: {name: orders, namespace: apps}
spec: {}
`, `
      hovered: orders-primary
      **Ingress db** backend: Service orders-primary port 5432

      ? 1 unknown link

      - ✓ **Ingress db** default backend · [app/ingress.yaml:6]
      - ? → **Service orders-primary** port 5432 · [app/database.yaml:3]
        - _MyDatabase orders beside it may create Service orders-primary; describe what its operator creates with portchain.operators to follow the chain._
    `);
  });

  test('a Service that selects the pods an operator creates names the custom resource they come from', () => {
    checkHover(`
# --- monitoring/prometheus-service.yaml
apiVersion: v1
kind: Service
metadata: {name: prom$0etheus-k8s, namespace: monitoring}
spec:
  selector: {app.kubernetes.io/name: prometheus, prometheus: k8s}
  ports: [{name: web, port: 9090, targetPort: web}]
# --- monitoring/prometheus.yaml
apiVersion: monitoring.coreos.com/v1
kind: Prometheus
metadata: {name: k8s, namespace: monitoring}
spec: {replicas: 2}
`, `
      hovered: prometheus-k8s
      **Service prometheus-k8s** (ClusterIP) selects pods that are not in the workspace

      ? 1 unknown link

      - ✓ **Service prometheus-k8s** port 9090 (web) · [monitoring/prometheus-service.yaml:6]
      - ? → **targetPort** web · [monitoring/prometheus-service.yaml:6]
        - _The pods are created by Prometheus k8s (operator-managed): its operator labels them app.kubernetes.io/name=prometheus, prometheus=k8s._

      $ kubectl port-forward -n monitoring svc/prometheus-k8s 9090:9090
    `);
  });

  test("a ClusterServiceVersion's container port shows the chain from the bundle's Service", () => {
    checkHover(`
# --- bundle/csv.yaml
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
                containers: [{name: manager, image: m, ports: [{name: https, containerPort: 84$043}]}]
# --- bundle/svc.yaml
apiVersion: v1
kind: Service
metadata: {name: metrics}
spec:
  selector: {app: web}
  ports: [{name: https, port: 8443, targetPort: https}]
`, `
      hovered: 8443
      **Deployment manager (in ClusterServiceVersion web.v1) / container manager** containerPort 8443

      ✓ every link holds

      - ✓ **Service metrics** port 8443 (https) · [bundle/svc.yaml:6]
      - ✓ → **targetPort** https · [bundle/svc.yaml:6]
      - ✓ → **Deployment manager / container manager** containerPort 8443 (https) · [bundle/csv.yaml:14]
      - ✓ → **process** binds 8443 (as declared; no PORT or flag says otherwise)

      $ kubectl port-forward deploy/manager 8443:8443
    `);
  });
});
