import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { CompletionItem } from 'vscode-languageserver';
import { completion, resolveCompletion } from '../../server/src/features/completion';
import { offsetOf } from '../../server/src/features/convert';
import { featureFixture } from '../support/featureFixture';

/**
 * Completion at `$0`: the list as a user sees it, one `label  detail` line per item in its order.
 * `picked` is the cursor's line after choosing the first item (the edit applied to the text).
 */
function checkCompletion(source: string, expected: string[], picked?: string): CompletionItem[] {
  const f = featureFixture(source);
  const list = completion(f.project, f.uri, f.position);
  const shown = list.items.map((item) => `${item.label}${item.detail ? `  ${item.detail}` : ''}`);
  assert.deepEqual(shown, expected);
  if (picked !== undefined) {
    const file = f.project.graph.file(f.uri)!;
    const edit = list.items[0].textEdit as { range: { start: { line: number; character: number }; end: { line: number; character: number } }; newText: string };
    const start = offsetOf(file, edit.range.start);
    const end = offsetOf(file, edit.range.end);
    const text = file.text.slice(0, start) + edit.newText + file.text.slice(end);
    const line = text.split('\n')[f.position.line];
    assert.equal(line, picked);
  }
  return list.items;
}

// An app whose process reads PORT from a ConfigMap, and a second Service whose pods are elsewhere.
const app = (ingress: string) => `
# --- ingress.yaml
${ingress}
# --- service.yaml
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports:
    - {name: http, port: 80, targetPort: 8080}
---
apiVersion: v1
kind: Service
metadata: {name: api}
spec:
  selector: {app: api}
  ports:
    - {name: grpc, port: 9090, targetPort: 9091}
# --- deploy.yaml
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web, tier: front}}
    spec:
      containers:
        - name: web
          image: web:1
          ports: [{name: http, containerPort: 8080}, {name: metrics, containerPort: 9102}]
          env:
            - name: PORT
              valueFrom: {configMapKeyRef: {name: web-config, key: PORT}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers:
        - name: api
          image: api:1
          ports: [{containerPort: 9000}]
# --- config.yaml
apiVersion: v1
kind: ConfigMap
metadata: {name: web-config}
data: {PORT: "8080", MODE: prod}
`;

const ingressWith = (service: string) => `apiVersion: networking.k8s.io/v1
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
${service}`;

describe('completion along the chain', () => {
  test('an Ingress backend: the Services in reach, working chains first, each with the chain it completes', () => {
    checkCompletion(
      app(ingressWith(`                name: w$0
                port: {number: 80}`)),
      ['web  port 80 (http) → web:8080 → PORT=8080 ✓', 'api  port 9090 (grpc) → api:containerPorts 9000 ✗'],
      '                name: web',
    );
  });

  test("then that Service's ports, numbers under number and names under name", () => {
    checkCompletion(
      app(ingressWith(`                name: web
                port: {number: $0}`)),
      ['80  → web:8080 → PORT=8080 ✓'],
      '                port: {number: 80}',
    );
    checkCompletion(
      app(ingressWith(`                name: web
                port:
                  name: "$0"`)),
      ['http  → web:8080 → PORT=8080 ✓'],
      '                  name: "http"',
    );
  });

  test("a Service's targetPort: the container ports of the pods it selects, names and numbers", () => {
    checkCompletion(
      app(ingressWith(`                name: web
                port: {number: 80}`)).replace('- {name: http, port: 80, targetPort: 8080}', '- name: http\n      port: 80\n      targetPort:$0'),
      ['http  → web:8080 → PORT=8080 ✓', '8080  → web:8080 → PORT=8080 ✓', 'metrics  → web:9102 → PORT=8080 ✗', '9102  → web:9102 → PORT=8080 ✗'],
      '      targetPort: http',
    );
  });

  test('a selector: the labels the pod templates in reach carry, written as key: value', () => {
    checkCompletion(
      app(ingressWith(`                name: web
                port: {number: 80}`)).replace('  selector: {app: web}\n  ports:\n    - {name: http', '  selector:\n    $0\n  ports:\n    - {name: http'),
      ['app: api  → Deployment api', 'app: web  → Deployment web', 'tier: front  → Deployment web'],
      '    app: api',
    );
  });

  test("a workload's matchLabels offer its own template's labels first", () => {
    checkCompletion(
      app(ingressWith(`                name: web
                port: {number: 80}`)).replace('  selector: {matchLabels: {app: api}}', '  selector:\n    matchLabels:\n      app: $0'),
      ['api  → Deployment api', 'web  → Deployment web'],
      '      app: api',
    );
  });

  test('a key that already has its value is not offered pairs; a podSelector takes matchLabels first', () => {
    const source = app(ingressWith(`                name: web
                port: {number: 80}`));
    checkCompletion(source.replace('  selector: {app: web}\n  ports:\n    - {name: http', '  selector:\n    a$0pp: web\n  ports:\n    - {name: http'), []);
    checkCompletion(source + `# --- policy.yaml
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web}
spec:
  podSelector:
    $0
`, []);
  });

  test('a NetworkPolicy podSelector', () => {
    checkCompletion(
      app(ingressWith(`                name: web
                port: {number: 80}`)) + `# --- policy.yaml
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web}
spec:
  podSelector:
    matchLabels:
      ti$0
`,
      ['app: api  → Deployment api', 'app: web  → Deployment web', 'tier: front  → Deployment web'],
    );
  });

  test('configMapKeyRef: names, then the keys of the named ConfigMap', () => {
    const source = app(ingressWith(`                name: web
                port: {number: 80}`));
    checkCompletion(source.replace('{configMapKeyRef: {name: web-config, key: PORT}}', '{configMapKeyRef: {name: $0}}'), ['web-config  ConfigMap with PORT, MODE'], '              valueFrom: {configMapKeyRef: {name: web-config}}');
    checkCompletion(source.replace('{configMapKeyRef: {name: web-config, key: PORT}}', '{configMapKeyRef: {name: web-config, key: $0}}'), ['MODE  MODE=prod', 'PORT  PORT=8080'], '              valueFrom: {configMapKeyRef: {name: web-config, key: MODE}}');
  });

  test('envFrom and secretKeyRef: names of the ConfigMaps and Secrets in reach', () => {
    const source = app(ingressWith(`                name: web
                port: {number: 80}`)) + `---
apiVersion: v1
kind: Secret
metadata: {name: web-secrets}
stringData: {TOKEN: abc}
`;
    checkCompletion(source.replace("          env:\n            - name: PORT", "          envFrom:\n            - configMapRef:\n                name: $0\n          env:\n            - name: PORT"), ['web-config  ConfigMap with PORT, MODE']);
    checkCompletion(source.replace('{configMapKeyRef: {name: web-config, key: PORT}}', "{secretKeyRef: {name: web-secrets, key: '$0'}}"), ['TOKEN  TOKEN'], "              valueFrom: {secretKeyRef: {name: web-secrets, key: 'TOKEN'}}");
  });

  test('ConfigMap and Secret volumes: the names of those in reach', () => {
    const source = app(ingressWith(`                name: web
                port: {number: 80}`)) + `---
apiVersion: v1
kind: Secret
metadata: {name: web-tls}
stringData: {tls.crt: x}
`;
    const withVolume = (volume: string) => source.replace("    spec:\n      containers:\n        - name: web\n", `    spec:\n      volumes:\n${volume}\n      containers:\n        - name: web\n`);
    checkCompletion(withVolume('        - name: conf\n          configMap:\n            name: w$0'), ['web-config  ConfigMap with PORT, MODE'], '            name: web-config');
    checkCompletion(withVolume('        - name: tls\n          secret: {secretName: $0}'), ['web-tls  Secret with tls.crt'], '          secret: {secretName: web-tls}');
  });

  test('the older Ingress shape: serviceName, then servicePort offers numbers and names', () => {
    const old = (backend: string) => app(`apiVersion: networking.k8s.io/v1beta1
kind: Ingress
metadata: {name: shop}
spec:
  backend:
${backend}`);
    checkCompletion(old('    serviceName: $0\n    servicePort: 80'), ['web  port 80 (http) → web:8080 → PORT=8080 ✓', 'api  port 9090 (grpc) → api:containerPorts 9000 ✗']);
    checkCompletion(old('    serviceName: web\n    servicePort: $0'), ['80  → web:8080 → PORT=8080 ✓', 'http  → web:8080 → PORT=8080 ✓']);
  });

  test("a probe's port: the container's port names", () => {
    checkCompletion(
      app(ingressWith(`                name: web
                port: {number: 80}`)).replace("          env:\n            - name: PORT", "          readinessProbe:\n            httpGet: {path: /ready, port: $0}\n          env:\n            - name: PORT"),
      ['http  → containerPort 8080 ✓', 'metrics  → containerPort 9102 ✓'],
    );
  });

  test("a ServiceMonitor's endpoint port: the port names of the Services it selects", () => {
    checkCompletion(
      app(ingressWith(`                name: web
                port: {number: 80}`)).replace('metadata: {name: web}\nspec:\n  selector: {app: web}', 'metadata: {name: web, labels: {app: web}}\nspec:\n  selector: {app: web}') + `# --- monitor.yaml
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  endpoints:
    - port: $0
`,
      ['http  → Service web port 80 (http) ✓'],
    );
  });

  test("a PodMonitor's endpoint port: the selected pods' port names", () => {
    checkCompletion(
      app(ingressWith(`                name: web
                port: {number: 80}`)) + `# --- monitor.yaml
apiVersion: monitoring.coreos.com/v1
kind: PodMonitor
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  podMetricsEndpoints:
    - port: m$0
`,
      ['http  → Deployment web containerPort 8080 ✓', 'metrics  → Deployment web containerPort 9102 ✓'],
    );
  });

  test('Gateway API: backendRefs name Services and ports; parentRefs name Gateways and their listeners', () => {
    const route = (refs: string) => `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: shop}
spec:
${refs}
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: edge}
spec:
  gatewayClassName: example
  listeners:
    - {name: https, port: 443, protocol: HTTPS}
    - {name: http, port: 80, protocol: HTTP}`;
    checkCompletion(app(route('  rules:\n    - backendRefs:\n        - name: $0')), ['web  port 80 (http) → web:8080 → PORT=8080 ✓', 'api  port 9090 (grpc) → api:containerPorts 9000 ✗']);
    checkCompletion(app(route('  rules:\n    - backendRefs:\n        - name: web\n          port: $0')), ['80  → web:8080 → PORT=8080 ✓'], '          port: 80');
    checkCompletion(app(route('  parentRefs:\n    - name: $0')), ['edge  Gateway, listeners https:443, http:80']);
    checkCompletion(app(route('  parentRefs:\n    - {name: edge, sectionName: $0}')), ['http  HTTP 80', 'https  HTTPS 443']);
  });

  test('resolve gives the chain hop by hop; elsewhere there is nothing to complete', () => {
    const items = checkCompletion(
      app(ingressWith(`                name: web
                port: {number: $0}`)),
      ['80  → web:8080 → PORT=8080 ✓'],
    );
    const resolved = resolveCompletion(items[0]);
    const documentation = (resolved.documentation as { value: string }).value;
    assert.match(documentation, /^\*\*Service web port 80 \(http\)\*\*/);
    assert.match(documentation, /- ✓ process binds 8080 \(PORT=8080 from ConfigMap web-config\)/);
    checkCompletion(app(ingressWith(`                name: web
                port: {number: 80}`)).replace('metadata: {name: shop}', 'metadata: {name: $0}'), []);
  });
});
