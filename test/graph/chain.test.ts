import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DEFAULT_BIND_PORT_ENV_NAMES } from '../../server/src/graph/bindPorts';
import { chainsThrough, portForwardCommand, type Chain } from '../../server/src/graph/chain';
import { nodeAt } from '../../server/src/graph/nodes';
import { graphOf, parseFixture, relativePath } from '../support/fixture';

const options = { bindPortEnvNames: DEFAULT_BIND_PORT_ENV_NAMES };

/** The chains through the node at `$0`, one line per hop: `label | value | file | mark`. */
function chainsAt(source: string): { chains: string[][]; raw: Chain[] } {
  const fixture = parseFixture(source);
  const graph = graphOf(fixture);
  const node = nodeAt(graph, fixture.cursor!.uri, fixture.cursor!.offset);
  assert.ok(node, 'no chain node at $0');
  const raw = chainsThrough(graph, node, options);
  const mark = { ok: '✓', broken: '✗', unknown: '?' } as const;
  return { raw, chains: raw.map((chain) => chain.hops.map((hop) => `${hop.label} | ${hop.value} | ${hop.uri ? relativePath(hop.uri) : '-'} | ${mark[hop.state]}`)) };
}

const audiobookshelf = (cursorInIngress: string, cursorInConfig = 'PORT') => `
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
                name: audiobookshelf-svc
                port: {number: ${cursorInIngress}}
# --- service.yaml
apiVersion: v1
kind: Service
metadata: {name: audiobookshelf-svc}
spec:
  selector: {app: audiobookshelf}
  ports: [{port: 8080, targetPort: 3005}]
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
          env: [{name: PORT, valueFrom: {configMapKeyRef: {name: audiobookshelf-config, key: PORT}}}]
          ports: [{containerPort: 3005}]
# --- config.yaml
apiVersion: v1
kind: ConfigMap
metadata: {name: audiobookshelf-config}
data:
  ${cursorInConfig}: "3005"
`;

describe('chains', () => {
  test('from an Ingress backend port to the port the process binds', () => {
    const { chains, raw } = chainsAt(audiobookshelf('80$080'));
    assert.deepEqual(chains, [
      [
        'Ingress audiobookshelf | host audiobookshelf.example.com  path / | ingress.yaml | ✓',
        'Service audiobookshelf-svc | port 8080 | service.yaml | ✓',
        'targetPort | 3005 | service.yaml | ✓',
        'Deployment audiobookshelf / container audiobookshelf | containerPort 3005 | deploy.yaml | ✓',
        'process | binds 3005 (PORT=3005 from ConfigMap audiobookshelf-config) | config.yaml | ✓',
      ],
    ]);
    assert.equal(portForwardCommand(raw[0]), 'kubectl port-forward svc/audiobookshelf-svc 8080:8080');
  });

  test('from the ConfigMap key back through the Service to the Ingress', () => {
    const { chains } = chainsAt(audiobookshelf('8080', 'P$0ORT'));
    assert.equal(chains.length, 1);
    assert.equal(chains[0][0], 'Ingress audiobookshelf | host audiobookshelf.example.com  path / | ingress.yaml | ✓');
  });

  test("a backend port that is the Service's targetPort is broken at the Service hop, and the chain goes on along the port meant", () => {
    const { chains } = chainsAt(audiobookshelf('30$005'));
    assert.equal(chains[0][1], 'Service audiobookshelf-svc | port 3005: did you mean port 8080 | service.yaml | ✗');
    assert.deepEqual(chains[0].slice(2).map((hop) => hop.split(' | ').pop()), ['✓', '✓', '✓']);
  });
});
