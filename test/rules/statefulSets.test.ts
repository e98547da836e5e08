import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { check } from '../support/checkRules';

/** A StatefulSet db in namespace shop; `marker` goes under its serviceName line. */
function statefulSet(serviceName: string, replicas = 1, labels = '{app: db}', marker = ''): string {
  return `
# --- db/statefulset.yaml
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: shop}
spec:
  replicas: ${replicas}
  serviceName: ${serviceName}${marker ? `\n${marker}` : ''}
  selector: {matchLabels: ${labels}}
  template:
    metadata: {labels: ${labels}}
    spec:
      containers: [{name: db, image: postgres:16, ports: [{containerPort: 5432}]}]
`;
}

const headless = `
# --- db/service.yaml
apiVersion: v1
kind: Service
metadata: {name: db-headless, namespace: shop}
spec:
  clusterIP: None
  selector: {app: db}
  ports: [{port: 5432}]
`;

describe('statefulset-service-name', () => {
  test('serviceName names no Service of the namespace', () => {
    const findings = check(`${statefulSet('db-headles', 1, '{app: db}', '#              ^^^^^^^^^^ warning statefulset-service-name: StatefulSet db names serviceName db-headles, but namespace shop has no Service db-headles: its pods get no DNS names of their own (db-0.db-headles); the headless Service db-headless (db/service.yaml) selects them')}${headless}`);
    assert.deepEqual(
      findings[0].fixes.map((fix) => [fix.title, fix.edits[0].newText, fix.preferred]),
      [['Set serviceName to db-headless', 'db-headless', true]],
    );
  });

  test('a headless Service of that name that selects the pods', () => {
    check(`${statefulSet('db-headless', 3)}${headless}`);
  });

  test('the namespace holds no Services at all: they come from somewhere else', () => {
    check(statefulSet('db-headless'));
  });

  test('a Service that is not headless, with several replicas', () => {
    check(`${statefulSet('db', 3, '{app: db}', '#              ^^ warning statefulset-service-name: StatefulSet db runs 3 replicas under serviceName db, but Service db (db/service.yaml) is not headless (it has no clusterIP: None): db resolves to one virtual IP rather than to each pod')}
# --- db/service.yaml
apiVersion: v1
kind: Service
metadata: {name: db, namespace: shop}
spec:
  selector: {app: db}
  ports: [{port: 5432}]
`);
  });

  test('a Service that is not headless, with one replica: reached by the Service name, and CoreDNS answers db-0.db', () => {
    check(`${statefulSet('db', 1)}
# --- db/service.yaml
apiVersion: v1
kind: Service
metadata: {name: db, namespace: shop}
spec:
  selector: {app: db}
  ports: [{port: 5432}]
`);
  });

  test('a headless Service that does not select the pods', () => {
    check(`${statefulSet('db-headless', 1, '{app: database}', "#              ^^^^^^^^^^^ warning statefulset-service-name: but the headless Service db-headless (db/service.yaml) selects app=db and the StatefulSet's pods carry app=database: the Service has no endpoints for them")}
# --- db/service.yaml
apiVersion: v1
kind: Service
metadata: {name: db-headless, namespace: shop}
spec:
  clusterIP: None
  selector: {app: db}
#           ^^^^^^^^^ warning service-selects-nothing
  ports: [{port: 5432}]
`);
  });

  test('a Service without a selector keeps its endpoints by hand: not judged', () => {
    check(`${statefulSet('db-headless', 3)}
# --- db/service.yaml
apiVersion: v1
kind: Service
metadata: {name: db-headless, namespace: shop}
spec:
  clusterIP: None
  ports: [{port: 5432}]
`);
  });

  test('in the default namespace, only Services beside the StatefulSet count', () => {
    check(`
# --- examples/redis/statefulset.yaml
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: redis}
spec:
  serviceName: redis-headless
  selector: {matchLabels: {app: redis}}
  template:
    metadata: {labels: {app: redis}}
    spec:
      containers: [{name: redis, image: redis:7}]
# --- examples/web/service.yaml
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  ports: [{port: 80}]
`);
  });

  test('a Service of that name without a namespace may be applied beside the StatefulSet', () => {
    check(`${statefulSet('db-headless')}
# --- db/service.yaml
apiVersion: v1
kind: Service
metadata: {name: db-headless}
spec:
  clusterIP: None
  selector: {app: db}
  ports: [{port: 5432}]
# --- db/other.yaml
apiVersion: v1
kind: Service
metadata: {name: other, namespace: shop}
spec:
  ports: [{port: 80}]
`);
  });

  test("kustomize builds: each overlay's StatefulSet reaches its own prefixed Service, and its monitor the Service's port", () => {
    check(`
# --- base/kustomization.yaml
resources: [statefulset.yaml, service.yaml, monitor.yaml]
# --- base/statefulset.yaml
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  replicas: 3
  serviceName: db-headless
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      containers: [{name: db, image: postgres:16, ports: [{name: metrics, containerPort: 9187}]}]
# --- base/service.yaml
apiVersion: v1
kind: Service
metadata: {name: db-headless, labels: {app: db}}
spec:
  clusterIP: None
  selector: {app: db}
  ports: [{name: metrics, port: 9187}]
# --- base/monitor.yaml
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata: {name: db}
spec:
  selector: {matchLabels: {app: db}}
  endpoints: [{port: metrics}]
# --- overlays/dev/kustomization.yaml
namespace: dev
namePrefix: dev-
commonLabels: {env: dev}
resources: [../../base]
# --- overlays/prod/kustomization.yaml
namespace: prod
namePrefix: prod-
commonLabels: {env: prod}
resources: [../../base]
patches:
  - path: replicas.yaml
# --- overlays/prod/replicas.yaml
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  replicas: 5
  template:
    spec:
      containers: [{name: db, env: [{name: MODE, value: prod}]}]
`);
  });
});
