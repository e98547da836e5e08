import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Project } from '../../server/src/analysis/project';
import { DEFAULT_BIND_PORT_ENV_NAMES } from '../../server/src/graph/bindPorts';
import { filterPortMap, PortMapModel, type MapNode, type PortMap, type PortMapData, type PortMapFilter } from '../../server/src/graph/portMap';
import { DEFAULT_RULE_OPTIONS, runRules } from '../../server/src/rules';
import { graphOf, parseFixture, relativePath, ROOT } from '../support/fixture';

const options = () => ({ bindPortEnvNames: DEFAULT_BIND_PORT_ENV_NAMES });

/** The map of a fixture with the rules' findings attached. */
function mapOf(source: string): PortMap {
  const fixture = parseFixture(source);
  const graph = graphOf(fixture);
  const findings = runRules(graph, DEFAULT_RULE_OPTIONS, relativePath);
  return new PortMapModel(graph, options).data((uri) => findings.filter((finding) => finding.uri === uri));
}

/** Each edge on one line as a reader of the map sees it: `from → to ✓`, `from → to ✗ rule`, `from → to ?`. */
function edgeLines(map: PortMapData): string[] {
  const byId = new Map(map.nodes.map((node) => [node.id, node]));
  const label = (node: MapNode) => (node.parent ? `${byId.get(node.parent)!.kind === 'service' ? 'Service ' : ''}${byId.get(node.parent)!.name} ${node.name}` : node.kind === 'service' ? `Service ${node.name}` : node.name);
  const mark = { ok: '✓', broken: '✗', unknown: '?' } as const;
  return map.edges.map((edge) => `${label(byId.get(edge.from)!)} → ${label(byId.get(edge.to)!)} ${mark[edge.state]}${edge.rule ? ` ${edge.rule}` : ''}`);
}

/** Asserts that the map of the fixture has exactly these edges. */
function check(source: string, expected: string[]): PortMap {
  const map = mapOf(source);
  assert.deepEqual(edgeLines(map), expected);
  return map;
}

const deployment = (containerPorts: string, extra = '') => `
# --- deploy.yaml
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
          ports: ${containerPorts}${extra}
`;

const ingress = (service: string, port: string) => `
# --- ingress.yaml
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: shop}
spec:
  rules:
    - host: shop.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service: {name: ${service}, port: ${port}}
`;

const service = (ports: string, selector = '{app: web}') => `
# --- service.yaml
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: ${selector}
  ports: ${ports}
`;

describe('port map: the chain of each broken case', () => {
  test('a whole chain is ok from the Ingress to the process', () => {
    const map = check(ingress('web', '{number: 80}') + service('[{port: 80, targetPort: 8080}]') + deployment('[{containerPort: 8080}]'), [
      'Ingress shop shop.example.com / → Service web 80 → 8080 ✓',
      'Service web 80 → 8080 → Deployment web web:8080 ✓',
      'Deployment web web:8080 → Deployment web web process :8080 ✓',
    ]);
    const kinds = map.nodes.map((node) => `${node.kind} ${node.namespace} ${node.uri ? relativePath(node.uri) : '-'}`);
    assert.deepEqual(kinds, [
      'ingress default ingress.yaml',
      'service default service.yaml',
      'service-port default service.yaml',
      'workload default deploy.yaml',
      'process default deploy.yaml',
      'container-port default deploy.yaml',
    ]);
  });

  test('target-port-mismatch: the Service port to the workload is broken, with the rule and its message', () => {
    const map = check(service('[{port: 80, targetPort: 8081}]') + deployment('[{containerPort: 8080}]'), [
      'Service web 80 → 8081 → Deployment web ✗ target-port-mismatch',
      'Deployment web web:8080 → Deployment web web process :8080 ✓',
    ]);
    assert.match(map.edges[0].message!, /8081/);
  });

  test('target-port-name-missing', () => {
    check(service('[{port: 80, targetPort: http}]') + deployment('[{containerPort: 8080, name: web}]'), [
      'Service web 80 → http → Deployment web ✗ target-port-name-missing',
      'Deployment web web:8080 (web) → Deployment web web process :8080 ✓',
    ]);
  });

  test('implicit-target-port', () => {
    check(service('[{port: 80}]') + deployment('[{containerPort: 8080}]'), [
      'Service web 80 → Deployment web ✗ implicit-target-port',
      'Deployment web web:8080 → Deployment web web process :8080 ✓',
    ]);
  });

  test('protocol-mismatch', () => {
    check(service('[{port: 53, targetPort: 53, protocol: UDP}]') + deployment('[{containerPort: 53, protocol: TCP}]'), [
      'Service web 53/UDP → 53 → Deployment web ✗ protocol-mismatch',
      'Deployment web web:53 → Deployment web web process :53 ✓',
    ]);
  });

  test('service-selects-nothing', () => {
    check(service('[{port: 80, targetPort: 8080}]', '{app: wbe}') + deployment('[{containerPort: 8080}]'), [
      'Service web 80 → 8080 → no pods match the selector ✗ service-selects-nothing',
      'Deployment web web:8080 → Deployment web web process :8080 ✓',
    ]);
  });

  test('process-port-mismatch: the container port to the process is broken', () => {
    check(service('[{port: 80, targetPort: 8080}]') + deployment('[{containerPort: 8080}]', '\n          env: [{name: PORT, value: "3000"}]'), [
      'Service web 80 → 8080 → Deployment web web:8080 ✓',
      'Deployment web web:8080 → Deployment web web process :3000 ✗ process-port-mismatch',
    ]);
  });

  test('ingress-port-mismatch: the entry to the Service is broken', () => {
    check(ingress('web', '{number: 8080}') + service('[{port: 80, targetPort: 8080}]') + deployment('[{containerPort: 8080}]'), [
      'Ingress shop shop.example.com / → Service web ✗ ingress-port-mismatch',
      'Service web 80 → 8080 → Deployment web web:8080 ✓',
      'Deployment web web:8080 → Deployment web web process :8080 ✓',
    ]);
  });

  test('ingress-service-missing: the entry leads to a Service the namespace lacks', () => {
    check(ingress('wbe', '{number: 80}') + service('[{port: 80, targetPort: 8080}]') + deployment('[{containerPort: 8080}]'), [
      'Ingress shop shop.example.com / → Service wbe ✗ ingress-service-missing',
      'Service web 80 → 8080 → Deployment web web:8080 ✓',
      'Deployment web web:8080 → Deployment web web process :8080 ✓',
    ]);
  });

  test('route-port-missing: a backendRef without a port', () => {
    check(
      `
# --- route.yaml
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: shop}
spec:
  parentRefs: [{name: gw}]
  rules:
    - backendRefs: [{name: web}]
` +
        service('[{port: 80, targetPort: 8080}]') +
        deployment('[{containerPort: 8080}]'),
      ['HTTPRoute shop → Service web ✗ route-port-missing', 'Gateway gw → HTTPRoute shop ?', 'Service web 80 → 8080 → Deployment web web:8080 ✓', 'Deployment web web:8080 → Deployment web web process :8080 ✓'],
    );
  });

  test('a Service whose pods are not in the workspace is unknown, never broken', () => {
    check(service('[{port: 80, targetPort: 8080}]'), ['Service web 80 → 8080 → pods not in the workspace ?']);
  });

  test('a NodePort enters at the Service port', () => {
    check(
      `
# --- service.yaml
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  type: NodePort
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080, nodePort: 30080}]
# --- deploy.yaml
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: web, ports: [{containerPort: 8080}]}]
`,
      ['NodePort :30080 → Service web 80 → 8080 ✓', 'Service web 80 → 8080 → Deployment web web:8080 ✓', 'Deployment web web:8080 → Deployment web web process :8080 ✓'],
    );
  });
});

describe('port map: grouping and filters', () => {
  const twoNamespaces = `
# --- shop/app.yaml
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 8081}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: web, ports: [{containerPort: 8080}]}]
# --- blog/app.yaml
apiVersion: v1
kind: Service
metadata: {name: blog, namespace: blog}
spec:
  selector: {app: blog}
  ports: [{port: 80, targetPort: 2368}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: blog, namespace: blog}
spec:
  selector: {matchLabels: {app: blog}}
  template:
    metadata: {labels: {app: blog}}
    spec:
      containers: [{name: blog, image: ghost, ports: [{containerPort: 2368}]}]
`;

  test('a kustomize build is a unit: each overlay draws its own copy, in its namespace, with its renamed Service', () => {
    const map = mapOf(`
# --- base/kustomization.yaml
resources: [all.yaml]
# --- base/all.yaml
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: web, ports: [{containerPort: 8080}]}]
# --- overlays/prod/kustomization.yaml
namespace: prod
namePrefix: prod-
resources: [../../base]
# --- overlays/dev/kustomization.yaml
namespace: dev
resources: [../../base]
`);
    const services = map.nodes.filter((node) => node.kind === 'service').map((node) => `${node.namespace} ${node.name} ${node.unit.replace(ROOT, '')} ${relativePath(node.uri!)}`);
    assert.deepEqual(services, ['dev web build:overlays/dev/kustomization.yaml base/all.yaml', 'prod prod-web build:overlays/prod/kustomization.yaml base/all.yaml']);
    assert.deepEqual(edgeLines(filterPortMap(map, { namespace: 'prod' })), ['Service prod-web 80 → 8080 → Deployment prod-web web:8080 ✓', 'Deployment prod-web web:8080 → Deployment prod-web web process :8080 ✓']);
  });

  const filtered = (filter: PortMapFilter) => edgeLines(filterPortMap(mapOf(twoNamespaces), filter, relativePath));

  test('nodes carry their namespace and unit (the folder they are written in)', () => {
    const map = mapOf(twoNamespaces);
    const service = map.nodes.find((node) => node.kind === 'service' && node.name === 'web')!;
    assert.equal(service.namespace, 'shop');
    assert.equal(service.unit, `folder:${ROOT}shop/`);
  });

  test('by namespace', () => {
    assert.deepEqual(filtered({ namespace: 'blog' }), ['Service blog 80 → 2368 → Deployment blog blog:2368 ✓', 'Deployment blog blog:2368 → Deployment blog blog process :2368 ✓']);
  });

  test('broken only', () => {
    assert.deepEqual(filtered({ brokenOnly: true }), ['Service web 80 → 8081 → Deployment web ✗ target-port-mismatch']);
  });

  test('by text: the whole chains through what it names', () => {
    assert.deepEqual(filtered({ text: 'ghost' }), []);
    assert.deepEqual(filtered({ text: 'blog:2368' }), ['Service blog 80 → 2368 → Deployment blog blog:2368 ✓', 'Deployment blog blog:2368 → Deployment blog blog process :2368 ✓']);
  });

  test('by text: case aside, in the file name too, and the text taken literally', () => {
    const blog = ['Service blog 80 → 2368 → Deployment blog blog:2368 ✓', 'Deployment blog blog:2368 → Deployment blog blog process :2368 ✓'];
    assert.deepEqual(filtered({ text: 'BLOG:2368' }), blog);
    assert.deepEqual(filtered({ text: 'blog/app.y' }), blog);
    assert.deepEqual(filtered({ text: 'blog.app' }), []);
    assert.deepEqual(filtered({ text: '2368 (' }), []);
  });

  test('by text: a chain is followed upstream from a process to its Service', () => {
    assert.deepEqual(filtered({ text: 'blog process' }), ['Service blog 80 → 2368 → Deployment blog blog:2368 ✓', 'Deployment blog blog:2368 → Deployment blog blog process :2368 ✓']);
  });

  test('filters combine: a namespace, text and broken only', () => {
    assert.deepEqual(filtered({ namespace: 'shop', text: 'web', brokenOnly: true }), ['Service web 80 → 8081 → Deployment web ✗ target-port-mismatch']);
    assert.deepEqual(filtered({ namespace: 'blog', text: 'web' }), []);
    assert.deepEqual(filtered({ namespace: 'blog', brokenOnly: true }), []);
  });

  test('centred on a resource', () => {
    const map = mapOf(twoNamespaces);
    assert.deepEqual(edgeLines(filterPortMap(map, { resources: [`${ROOT}shop/app.yaml#0`] })), ['Service web 80 → 8081 → Deployment web ✗ target-port-mismatch']);
  });
});

describe('port map: Gateway listeners', () => {
  const gateway = (listeners: string, namespace = 'shop') => `
# --- gateway.yaml
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: gw, namespace: ${namespace}}
spec:
  gatewayClassName: example
  listeners:
${listeners}
`;
  const route = (parentRef: string, kind = 'HTTPRoute') => `
# --- route.yaml
apiVersion: gateway.networking.k8s.io/v1
kind: ${kind}
metadata: {name: shop, namespace: shop}
spec:
  parentRefs: [${parentRef}]
  rules:
    - backendRefs: [{name: web, port: 80}]
# --- app.yaml
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  ports: [{port: 80}]
`;
  const http = '    - {name: http, port: 80, protocol: HTTP}';
  const tcp = '    - {name: raw, port: 9000, protocol: TCP}';
  const entryEdges = (map: PortMapData) => edgeLines(map).filter((line) => line.includes('→ HTTPRoute') || line.includes('→ TCPRoute'));

  test('a route attaches to the listeners that take its kind, each drawn in its Gateway', () => {
    const map = mapOf(gateway(`${http}\n${tcp}`) + route('{name: gw}'));
    assert.deepEqual(entryEdges(map), ['Gateway gw http :80 HTTP → HTTPRoute shop ✓']);
    const listener = map.nodes.find((node) => node.kind === 'listener' && node.name === 'http :80 HTTP')!;
    assert.equal(map.nodes.find((node) => node.id === listener.parent)!.name, 'Gateway gw');
    assert.equal(relativePath(listener.uri!), 'gateway.yaml');
  });

  test('by sectionName and by port', () => {
    assert.deepEqual(entryEdges(mapOf(gateway(`${http}\n    - {name: admin, port: 8080, protocol: HTTP}`) + route('{name: gw, sectionName: admin}'))), ['Gateway gw admin :8080 HTTP → HTTPRoute shop ✓']);
    assert.deepEqual(entryEdges(mapOf(gateway(`${http}\n    - {name: admin, port: 8080, protocol: HTTP}`) + route('{name: gw, port: 8080}'))), ['Gateway gw admin :8080 HTTP → HTTPRoute shop ✓']);
  });

  test('a sectionName no listener has, a listener of another kind, a namespace not admitted: broken', () => {
    assert.deepEqual(entryEdges(mapOf(gateway(http) + route('{name: gw, sectionName: https}'))), ['Gateway gw → HTTPRoute shop ✗']);
    assert.deepEqual(entryEdges(mapOf(gateway(tcp) + route('{name: gw, sectionName: raw}'))), ['Gateway gw raw :9000 TCP → HTTPRoute shop ✗']);
    assert.deepEqual(entryEdges(mapOf(gateway(tcp) + route('{name: gw}'))), ['Gateway gw → HTTPRoute shop ✗']);
    assert.deepEqual(entryEdges(mapOf(gateway(http, 'infra') + route('{name: gw, namespace: infra}'))), ['Gateway gw → HTTPRoute shop ✗']);
    assert.deepEqual(entryEdges(mapOf(gateway(http, 'infra') + route('{name: gw, namespace: infra, sectionName: http}'))), ['Gateway gw http :80 HTTP → HTTPRoute shop ✗']);
    const map = mapOf(gateway(http, 'infra') + route('{name: gw, namespace: infra}'));
    assert.match(map.edges.find((edge) => edge.state === 'broken')!.message!, /admits routes of namespace infra only/);
  });

  test('routes from every namespace, or from those a selector picks (unknown)', () => {
    const all = '    - {name: http, port: 80, protocol: HTTP, allowedRoutes: {namespaces: {from: All}}}';
    assert.deepEqual(entryEdges(mapOf(gateway(all, 'infra') + route('{name: gw, namespace: infra}'))), ['Gateway gw http :80 HTTP → HTTPRoute shop ✓']);
    const selector = '    - {name: http, port: 80, protocol: HTTP, allowedRoutes: {namespaces: {from: Selector, selector: {matchLabels: {shared: "true"}}}}}';
    assert.deepEqual(entryEdges(mapOf(gateway(selector, 'infra') + route('{name: gw, namespace: infra}'))), ['Gateway gw http :80 HTTP → HTTPRoute shop ?']);
  });

  test('allowedRoutes.kinds and protocols an implementation defines', () => {
    const kinds = '    - {name: raw, port: 9000, protocol: TCP, allowedRoutes: {kinds: [{kind: TCPRoute}]}}';
    assert.deepEqual(entryEdges(mapOf(gateway(kinds) + route('{name: gw}', 'TCPRoute'))), ['Gateway gw raw :9000 TCP → TCPRoute shop ✓']);
    const own = '    - {name: proxy, port: 15008, protocol: istio.io/HBONE}';
    assert.deepEqual(entryEdges(mapOf(gateway(own) + route('{name: gw}'))), ['Gateway gw proxy :15008 istio.io/HBONE → HTTPRoute shop ?']);
  });

  test('a Gateway outside the workspace: missing, its link unknown', () => {
    const map = mapOf(route('{name: shared, namespace: infra}'));
    assert.deepEqual(entryEdges(map), ['Gateway shared → HTTPRoute shop ?']);
    // Drawn, as whatever the workspace lacks, in the namespace of the route that names it.
    assert.equal(map.nodes.find((node) => node.kind === 'missing')!.namespace, 'shop');
  });

  test('a Gateway of that name in another unit: what it says is drawn, what it would break is unknown', () => {
    const map = mapOf(`
# --- tls-example/gateway.yaml
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: gw, namespace: shop}
spec:
  listeners: [{name: tls, port: 443, protocol: TLS}]
# --- http-example/route.yaml
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: shop, namespace: shop}
spec:
  parentRefs: [{name: gw, sectionName: tls}]
  rules: [{backendRefs: [{name: web, port: 80}]}]
`);
    assert.deepEqual(entryEdges(map), ['Gateway gw tls :443 TLS → HTTPRoute shop ?']);
    // A Gateway in a folder above the route's is deployed with it.
    const above = mapOf(`
# --- gateway.yaml
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: gw, namespace: shop}
spec:
  listeners: [{name: tls, port: 443, protocol: TLS}]
# --- apps/shop/route.yaml
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: shop, namespace: shop}
spec:
  parentRefs: [{name: gw, sectionName: tls}]
  rules: [{backendRefs: [{name: web, port: 80}]}]
`);
    assert.deepEqual(entryEdges(above), ['Gateway gw tls :443 TLS → HTTPRoute shop ✗']);
  });

  test("Istio's own Gateway (networking.istio.io) is another API: a route naming gw finds no Gateway of the Gateway API", () => {
    const map = mapOf(`
# --- gateway.yaml
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: gw, namespace: shop}
spec:
  selector: {istio: ingressgateway}
  servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: ['*']}]
` + route('{name: gw}'));
    assert.deepEqual(entryEdges(map), ['Gateway gw → HTTPRoute shop ?']);
    assert.ok(!map.nodes.some((node) => node.kind === 'listener'));
  });

  test('a route that names no namespace, or whose namespace a template writes, is unknown to a listener that admits one namespace', () => {
    const noNamespace = mapOf(gateway(http) + route('{name: gw, namespace: shop}').replace('metadata: {name: shop, namespace: shop}', 'metadata: {name: shop}'));
    assert.deepEqual(entryEdges(noNamespace), ['Gateway gw http :80 HTTP → HTTPRoute shop ?']);
    const templated = mapOf(gateway(http) + route('{name: gw, namespace: shop}').replace('metadata: {name: shop, namespace: shop}', 'metadata: {name: shop, namespace: "{{ .Release.Namespace }}"}'));
    assert.deepEqual(entryEdges(templated), ['Gateway gw http :80 HTTP → HTTPRoute shop ?']);
  });

  test('a missing Gateway named from two namespaces is drawn in each', () => {
    const inNamespace = (namespace: string) => `
# --- ${namespace}/route.yaml
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: r, namespace: ${namespace}}
spec:
  parentRefs: [{name: shared, namespace: infra}]
  rules: [{backendRefs: [{name: web, port: 80}]}]
`;
    const map = mapOf(inNamespace('alpha') + inNamespace('beta'));
    assert.deepEqual(map.nodes.filter((node) => node.kind === 'missing' && node.name === 'Gateway shared').map((node) => node.namespace), ['alpha', 'beta']);
    for (const namespace of ['alpha', 'beta']) assert.deepEqual(edgeLines(filterPortMap(map, { namespace })).filter((line) => line.startsWith('Gateway')), ['Gateway shared → HTTPRoute r ?']);
  });

  test('an edit of the Gateway re-draws the route that attaches to it', () => {
    const project = new Project(relativePath);
    const fixture = parseFixture(gateway(http) + route('{name: gw, sectionName: http}'));
    for (const file of fixture.files) project.setText(file.uri, file.text);
    const model = new PortMapModel(project.graph, options);
    const findingsOf = (uri: string) => project.findings(uri);
    assert.deepEqual(entryEdges(model.data(findingsOf)), ['Gateway gw http :80 HTTP → HTTPRoute shop ✓']);
    const uri = fixture.files.find((file) => file.uri.endsWith('gateway.yaml'))!.uri;
    project.setText(uri, fixture.files.find((file) => file.uri === uri)!.text.replace('name: http,', 'name: web,'), 1);
    assert.deepEqual(entryEdges(model.data(findingsOf)), ['Gateway gw → HTTPRoute shop ✗']);
  });
});

describe('port map: what a kustomize patch adds', () => {
  test('two container ports a patch adds are two nodes, each the end of its own Service port', () => {
    check(
      `
# --- base/kustomization.yaml
resources: [app.yaml]
# --- base/app.yaml
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: web, ports: [{containerPort: 8080}]}]
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{name: a, port: 80, targetPort: 9090}, {name: b, port: 81, targetPort: 9091}]
# --- overlay/kustomization.yaml
resources: [../base]
patches:
  - target: {kind: Deployment, name: web}
    patch: |-
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: web}
      spec:
        template:
          spec:
            containers:
              - name: web
                ports: [{containerPort: 9090}, {containerPort: 9091}]
`,
      [
        'Service web 80 (a) → 9090 → Deployment web web:9090 ✓',
        'Service web 81 (b) → 9091 → Deployment web web:9091 ✓',
        // The patch merges into the container's ports by number: 8080 stays, the first, whose process edge it is.
        'Deployment web web:8080 → Deployment web web process :8080 ✓',
      ],
    );
  });
});

describe('port map: incremental', () => {
  const files: Record<string, string> = {};
  for (let i = 0; i < 20; i++) {
    files[`app${i}/all.yaml`] = `apiVersion: v1
kind: Service
metadata: {name: web${i}}
spec:
  selector: {app: web${i}}
  ports: [{port: 80, targetPort: 8080}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web${i}}
spec:
  selector: {matchLabels: {app: web${i}}}
  template:
    metadata: {labels: {app: web${i}}}
    spec:
      containers: [{name: web, image: web, ports: [{containerPort: 8080}]}]
`;
  }

  const projectOf = () => {
    const project = new Project(relativePath);
    for (const [path, text] of Object.entries(files)) project.setText(ROOT + path, text);
    return project;
  };
  const findingsOf = (project: Project) => (uri: string) => project.findings(uri);

  test('an edit recomputes what it touches, and the map equals a fresh one', () => {
    const project = projectOf();
    const model = new PortMapModel(project.graph, options);
    model.data(findingsOf(project));
    assert.equal(model.recomputed, 40);
    const uri = `${ROOT}app3/all.yaml`;
    project.setText(uri, files['app3/all.yaml'].replace('targetPort: 8080', 'targetPort: 8081'), 1);
    const edited = model.data(findingsOf(project));
    // The file's Service and Deployment: no other subject read what they provide.
    assert.equal(model.recomputed, 2);
    assert.deepEqual(edgeLines(filterPortMap(edited, { brokenOnly: true })), ['Service web3 80 → 8081 → Deployment web3 ✗ target-port-mismatch']);
    const fresh = new PortMapModel(project.graph, options).data(findingsOf(project));
    assert.deepEqual(edited, fresh);
  });

  test('an edit of a workload re-draws the Service that selects it from another file', () => {
    const project = new Project(relativePath);
    project.setText(`${ROOT}app/service.yaml`, files['app0/all.yaml'].split('---')[0]);
    project.setText(`${ROOT}app/deploy.yaml`, files['app0/all.yaml'].split('---\n')[1]);
    const model = new PortMapModel(project.graph, options);
    assert.deepEqual(edgeLines(filterPortMap(model.data(findingsOf(project)), { brokenOnly: true })), []);
    project.setText(`${ROOT}app/deploy.yaml`, files['app0/all.yaml'].split('---\n')[1].replace('containerPort: 8080', 'containerPort: 9090'), 1);
    const edited = model.data(findingsOf(project));
    assert.equal(model.recomputed, 2);
    assert.deepEqual(edgeLines(filterPortMap(edited, { brokenOnly: true })), ['Service web0 80 → 8080 → Deployment web0 ✗ target-port-mismatch']);
  });

  test('after edits the map is in the order a fresh one has, a missing Service drawn once while anything names it', () => {
    const ingress = (name: string, host: string) => `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: ${name}}
spec:
  rules:
    - host: ${host}
      http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: ghost, port: {number: 80}}}}]}
`;
    const project = projectOf();
    project.setText(`${ROOT}zz/a.yaml`, ingress('a', 'a.example.com'));
    project.setText(`${ROOT}aa/b.yaml`, ingress('b', 'b.example.com'));
    const model = new PortMapModel(project.graph, options);
    const ghosts = (map: PortMapData) => map.nodes.filter((node) => node.kind === 'missing').map((node) => node.name);
    assert.deepEqual(ghosts(model.data(findingsOf(project))), ['Service ghost']);
    const steps: [string, () => void][] = [
      ['one of the two Ingresses goes', () => project.remove(`${ROOT}zz/a.yaml`)],
      ['a Service moves to another port', () => project.setText(`${ROOT}app7/all.yaml`, files['app7/all.yaml'].replace('port: 80,', 'port: 8000,'), 1)],
      ['the Ingress comes back', () => project.setText(`${ROOT}zz/a.yaml`, ingress('a', 'a.example.com'), 2)],
      ['the other goes', () => project.remove(`${ROOT}aa/b.yaml`)],
    ];
    for (const [step, edit] of steps) {
      edit();
      const edited = model.data(findingsOf(project));
      assert.ok(model.recomputed <= 4, `${step}: ${model.recomputed} recomputed`);
      assert.deepEqual(ghosts(edited), ['Service ghost'], step);
      const fresh = new PortMapModel(project.graph, options).data(findingsOf(project));
      assert.deepEqual(edited.nodes.map((node) => `${node.kind} ${node.name} ${node.uri ?? ''}`), fresh.nodes.map((node) => `${node.kind} ${node.name} ${node.uri ?? ''}`), step);
      assert.deepEqual(edgeLines(edited), edgeLines(fresh), step);
    }
    project.remove(`${ROOT}zz/a.yaml`);
    assert.deepEqual(ghosts(model.data(findingsOf(project))), []);
  });

  test('a deleted file takes its nodes with it', () => {
    const project = projectOf();
    const model = new PortMapModel(project.graph, options);
    const before = model.data(findingsOf(project)).nodes.length;
    project.remove(`${ROOT}app0/all.yaml`);
    const after = model.data(findingsOf(project));
    assert.equal(after.nodes.length, before - 5);
    assert.ok(!after.nodes.some((node) => node.uri === `${ROOT}app0/all.yaml`));
  });
});
