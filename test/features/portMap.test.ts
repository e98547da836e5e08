import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { portMap } from '../../server/src/features/portMap';
import { featureFixture } from '../support/featureFixture';
import { relativePath, ROOT } from '../support/fixture';

const SHOP = `
# --- shop/service.yaml
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 8081}]
# --- shop/deploy.yaml
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: web, ports: [{containerPort: 8080}]}]
# --- blog/all.yaml
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

describe('portchain/portMap request', () => {
  test('nodes open at their place: file, 0-based line and character; broken edges carry the finding', () => {
    const f = featureFixture(SHOP);
    const map = portMap(f.project, { namespace: 'shop' }, relativePath);
    const places = map.nodes.map((node) => `${node.kind} ${node.name} ${node.uri ? relativePath(node.uri) : '-'}:${node.line}:${node.character} ${node.unit}`);
    assert.deepEqual(places, [
      'service web shop/service.yaml:2:17 folder shop/',
      'service-port 80 → 8081 shop/service.yaml:5:17 folder shop/',
      'workload Deployment web shop/deploy.yaml:2:17 folder shop/',
      'process web process :8080 shop/deploy.yaml:8:19 folder shop/',
      'container-port web:8080 shop/deploy.yaml:8:67 folder shop/',
    ]);
    assert.deepEqual(map.namespaces, ['blog', 'shop']);
    const broken = map.edges.filter((edge) => edge.state === 'broken');
    assert.equal(broken.length, 1);
    assert.equal(broken[0].rule, 'target-port-mismatch');
    assert.match(broken[0].message!, /Service web sends port 80 to targetPort 8081/);
  });

  test('an edge says its ends, state and, where not ok, its rule and message: nothing the server keeps beside it', () => {
    const map = portMap(featureFixture(SHOP).project, {}, relativePath);
    for (const edge of map.edges) {
      const expected = edge.state === 'ok' ? ['from', 'state', 'to'] : ['from', 'state', 'to', ...(edge.rule ? ['rule'] : []), ...(edge.message ? ['message'] : [])].sort();
      assert.deepEqual(Object.keys(JSON.parse(JSON.stringify(edge))).sort(), expected.sort());
    }
    assert.ok(map.edges.some((edge) => edge.state === 'ok'));
  });

  test('centred on the resource at a position: only the chains through it', () => {
    const f = featureFixture(SHOP);
    const map = portMap(f.project, { focus: { uri: `${ROOT}blog/all.yaml`, position: { line: 0, character: 0 } } }, relativePath);
    assert.deepEqual([...new Set(map.nodes.map((node) => node.namespace))], ['blog']);
    assert.deepEqual(map.nodes.map((node) => node.kind), ['service', 'service-port', 'workload', 'process', 'container-port']);
  });

  test('no more nodes than the limit, and the counts say how many the filters matched', () => {
    const f = featureFixture(SHOP);
    const map = portMap(f.project, { limit: 3 }, relativePath);
    assert.equal(map.nodes.length, 3);
    assert.deepEqual(map.matched, { nodes: 10, edges: 4 });
    assert.deepEqual(map.total, map.matched);
    assert.ok(map.edges.every((edge) => map.nodes.some((node) => node.id === edge.from) && map.nodes.some((node) => node.id === edge.to)));
  });
});
