// What operators create: a backend or ServiceMonitor that names a Service an operator makes from a
// custom resource beside it links to that resource; a Service no operator in reach makes is
// missing; an operator portchain has no description of leaves the name unknown.

import { describe, test } from 'node:test';
import { check } from '../support/checkRules';

const ingress = (path: string, service: string, port: string, namespace = 'apps') => `
# --- ${path}
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: front, namespace: ${namespace}}
spec:
  defaultBackend:
    service: {name: ${service}, port: ${port}}`;

/** A `^^^` marker line under columns [column, column + length) of the line above. */
const marker = (column: number, length: number, expectation: string) => `#${' '.repeat(column - 1)}${'^'.repeat(length)} ${expectation}`;
/** Where the Service name starts on the Ingress's backend line. */
const NAME_COLUMN = '    service: {name: '.length;

/** Each known operator: a custom resource, a Service it creates with a port, and a name it does not create. */
const OPERATORS: { title: string; resource: string; service: string; port: string; badPort?: string; badPortMessage?: string; openPort?: string; missing: string }[] = [
  {
    title: 'Prometheus operator: prometheus-operated for every Prometheus',
    resource: 'apiVersion: monitoring.coreos.com/v1\nkind: Prometheus\nmetadata: {name: k8s, namespace: apps}\nspec: {replicas: 2}',
    service: 'prometheus-operated',
    port: '{name: web}',
    openPort: '{name: grpc}',
    missing: 'prometheus-k8s',
  },
  {
    title: 'Alertmanager: alertmanager-operated with web and mesh ports',
    resource: 'apiVersion: monitoring.coreos.com/v1\nkind: Alertmanager\nmetadata: {name: main, namespace: apps}\nspec: {replicas: 3}',
    service: 'alertmanager-operated',
    port: '{number: 9093}',
    badPort: '{number: 9095}',
    badPortMessage: 'Ingress front sends to Service alertmanager-operated port 9095, but Service alertmanager-operated (created by Alertmanager main) (app/resource.yaml) has ports 9093 (web), 9094 (tcp-mesh), 9094 (udp-mesh)',
    missing: 'alertmanager-main',
  },
  {
    title: 'ThanosRuler: thanos-ruler-operated',
    resource: 'apiVersion: monitoring.coreos.com/v1\nkind: ThanosRuler\nmetadata: {name: rules, namespace: apps}\nspec: {}',
    service: 'thanos-ruler-operated',
    port: '{name: web}',
    badPort: '{name: http}',
    badPortMessage: 'Ingress front sends to Service thanos-ruler-operated port http, but Service thanos-ruler-operated (created by ThanosRuler rules) (app/resource.yaml) has ports 10901 (grpc), 10902 (web)',
    missing: 'thanos-ruler-rules',
  },
  {
    title: 'Strimzi: <name>-kafka-bootstrap, listener ports left open',
    resource: 'apiVersion: kafka.strimzi.io/v1beta2\nkind: Kafka\nmetadata: {name: events, namespace: apps}\nspec: {kafka: {replicas: 3}}',
    service: 'events-kafka-bootstrap',
    port: '{number: 9092}',
    openPort: '{name: tcp-tls}',
    missing: 'events-kafka',
  },
  {
    title: 'CloudNativePG: <name>-rw, -ro and -r on 5432',
    resource: 'apiVersion: postgresql.cnpg.io/v1\nkind: Cluster\nmetadata: {name: pg, namespace: apps}\nspec: {instances: 3}',
    service: 'pg-ro',
    port: '{number: 5432}',
    badPort: '{number: 5433}',
    badPortMessage: 'Ingress front sends to Service pg-ro port 5433, but Service pg-ro (created by Cluster pg) (app/resource.yaml) has port 5432 (postgres)',
    missing: 'pg-primary',
  },
  {
    title: 'Elastic: <name>-es-http on 9200',
    resource: 'apiVersion: elasticsearch.k8s.elastic.co/v1\nkind: Elasticsearch\nmetadata: {name: logs, namespace: apps}\nspec: {version: 8.13.0}',
    service: 'logs-es-http',
    port: '{number: 9200}',
    openPort: '{name: https}',
    missing: 'logs-http',
  },
  {
    title: 'Elastic: Kibana <name>-kb-http on 5601',
    resource: 'apiVersion: kibana.k8s.elastic.co/v1\nkind: Kibana\nmetadata: {name: ui, namespace: apps}\nspec: {count: 1}',
    service: 'ui-kb-http',
    port: '{number: 5601}',
    openPort: '{name: http}',
    missing: 'kibana',
  },
  {
    title: 'Rook: the manager dashboard Service of a CephCluster',
    resource: 'apiVersion: ceph.rook.io/v1\nkind: CephCluster\nmetadata: {name: rook-ceph, namespace: apps}\nspec: {dashboard: {enabled: true, ssl: true}}',
    service: 'rook-ceph-mgr-dashboard',
    port: '{name: https-dashboard}',
    badPort: '{number: 8080}',
    badPortMessage: 'Ingress front sends to Service rook-ceph-mgr-dashboard port 8080, but Service rook-ceph-mgr-dashboard (created by CephCluster rook-ceph) (app/resource.yaml) has ports 8443 (https-dashboard), 7000 (http-dashboard)',
    missing: 'rook-ceph-dashboard',
  },
  {
    title: "Flagger: the target's primary Service on the Canary's port",
    resource: 'apiVersion: flagger.app/v1beta1\nkind: Canary\nmetadata: {name: podinfo, namespace: apps}\nspec:\n  targetRef: {apiVersion: apps/v1, kind: Deployment, name: podinfo}\n  service: {port: 9898}',
    service: 'podinfo-primary',
    port: '{name: http}',
    badPort: '{number: 80}',
    badPortMessage: 'Ingress front sends to Service podinfo-primary port 80, but Service podinfo-primary (created by Canary podinfo) (app/resource.yaml) has port 9898 (http)',
    missing: 'podinfo-stable',
  },
  {
    title: 'Knative Serving: a Service named after the Knative Service',
    resource: 'apiVersion: serving.knative.dev/v1\nkind: Service\nmetadata: {name: hello, namespace: apps}\nspec:\n  template:\n    spec:\n      containers: [{image: hello}]',
    service: 'hello',
    port: '{number: 80}',
    openPort: '{name: http2}',
    missing: 'hello-svc',
  },
];

/** A Service of the namespace beside the Ingress: the namespace deploys Services of its own, so a missing name is evidence. */
const ownService = `
# --- app/own.yaml
apiVersion: v1
kind: Service
metadata: {name: own, namespace: apps}
spec:
  ports: [{port: 80}]`;

describe('operators: Services a known operator creates', () => {
  for (const operator of OPERATORS) {
    test(`${operator.title}: a backend to it links`, () => {
      check(`${ingress('app/ingress.yaml', operator.service, operator.port)}
${ownService}
# --- app/resource.yaml
${operator.resource}
`);
    });

    test(`${operator.title}: a name the operator does not create is missing`, () => {
      check(`${ingress('app/ingress.yaml', operator.missing, operator.port)}
${marker(NAME_COLUMN, operator.missing.length, `error ingress-service-missing: Ingress front sends to Service ${operator.missing}, but namespace apps has no Service ${operator.missing}`)}
${ownService}
# --- app/resource.yaml
${operator.resource}
`);
    });

    if (operator.badPort) {
      test(`${operator.title}: a port the operator's Service does not have breaks`, () => {
        const value = operator.badPort!.replace(/^\{(number|name): (.*)\}$/, '$2');
        const column = NAME_COLUMN + operator.service.length + ', port: '.length + operator.badPort!.indexOf(value);
        check(`${ingress('app/ingress.yaml', operator.service, operator.badPort!)}
${marker(column, value.length, `error ingress-port-mismatch: ${operator.badPortMessage}`)}
${ownService}
# --- app/resource.yaml
${operator.resource}
`);
      });
    }

    test(`${operator.title}: a port the workspace cannot read stays unknown`, () => {
      check(`${ingress('app/ingress.yaml', operator.service, '{number: ${SERVICE_PORT}}')}
${ownService}
# --- app/resource.yaml
${operator.resource}
`);
    });

    if (operator.openPort) {
      test(`${operator.title}: a port the operator may add from the custom resource stays unknown`, () => {
        check(`${ingress('app/ingress.yaml', operator.service, operator.openPort!)}
${ownService}
# --- app/resource.yaml
${operator.resource}
`);
      });
    }

    test(`${operator.title}: in another namespace it is out of reach`, () => {
      check(`${ingress('app/ingress.yaml', operator.service, operator.port, 'web')}
${marker(NAME_COLUMN, operator.service.length, `error ingress-service-missing: Ingress front sends to Service ${operator.service}, but namespace web has no Service ${operator.service}`)}
# --- app/own-web.yaml
apiVersion: v1
kind: Service
metadata: {name: own, namespace: web}
spec:
  ports: [{port: 80}]
# --- app/resource.yaml
${operator.resource}
`);
    });
  }
});

describe('operators: what they do not create', () => {
  test("Rook creates the dashboard's Service only where the CephCluster enables the dashboard", () => {
    check(`${ingress('app/ingress.yaml', 'rook-ceph-mgr-dashboard', '{number: 8443}')}
${marker(NAME_COLUMN, 'rook-ceph-mgr-dashboard'.length, 'error ingress-service-missing: Ingress front sends to Service rook-ceph-mgr-dashboard, but namespace apps has no Service rook-ceph-mgr-dashboard')}
${ownService}
# --- app/cluster.yaml
apiVersion: ceph.rook.io/v1
kind: CephCluster
metadata: {name: rook-ceph, namespace: apps}
spec: {dashboard: {enabled: false}}
`);
  });

  test("Traefik's routing resources configure the proxy and create no Service: a missing one stays missing", () => {
    check(`${ingress('app/ingress.yaml', 'whoamitcp', '{number: 8080}')}
${marker(NAME_COLUMN, 'whoamitcp'.length, 'error ingress-service-missing: Ingress front sends to Service whoamitcp, but namespace apps has no Service whoamitcp')}
${ownService}
# --- app/routes.yaml
apiVersion: traefik.io/v1alpha1
kind: IngressRoute
metadata: {name: web, namespace: apps}
spec:
  routes:
    - match: Host(example.com)
      kind: Rule
      services: [{name: whoami, port: 80}]
`);
  });
});

describe('operators: what portchain does not know stays unknown', () => {
  const database = `
# --- app/database.yaml
apiVersion: db.example.com/v1
kind: MyDatabase
metadata: {name: orders, namespace: apps}
spec: {replicas: 2}`;

  test("a custom resource of an operator portchain does not know, in the backend's unit, leaves a missing Service unknown", () => {
    check(`${ingress('app/ingress.yaml', 'orders-primary', '{number: 5432}')}
${ownService}
${database}
`);
  });

  test('one in an unrelated folder says nothing about the backend', () => {
    check(`${ingress('app/ingress.yaml', 'orders-primary', '{number: 5432}')}
${marker(NAME_COLUMN, 14, 'error ingress-service-missing: Ingress front sends to Service orders-primary, but namespace apps has no Service orders-primary')}
${ownService}
${database.replace('app/database.yaml', 'other/database.yaml')}
`);
  });

  test("a StatefulSet's serviceName beside such a custom resource is unknown too", () => {
    const statefulSet = (marker = '') => `
# --- app/statefulset.yaml
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: cache, namespace: apps}
spec:
  serviceName: orders-headless${marker}
  selector: {matchLabels: {app: cache}}
  template:
    metadata: {labels: {app: cache}}
    spec:
      containers: [{name: cache, image: cache}]`;
    check(`${statefulSet()}
${ownService}
${database}
`);
    check(`${statefulSet('\n#              ^^^^^^^^^^^^^^^ warning statefulset-service-name: StatefulSet cache names serviceName orders-headless, but namespace apps has no Service orders-headless')}
${ownService}
`);
  });

  test('an operator port the table leaves open is unknown, not broken', () => {
    check(`${ingress('app/ingress.yaml', 'events-kafka-bootstrap', '{number: 9094}')}
${ownService}
# --- app/kafka.yaml
apiVersion: kafka.strimzi.io/v1beta2
kind: Kafka
metadata: {name: events, namespace: apps}
spec: {kafka: {replicas: 3}}
`);
  });

  test('described with portchain.operators, the Services it creates link and others are missing', () => {
    const operators = [{ kind: 'MyDatabase', group: 'db.example.com', services: [{ name: '{name}-primary', ports: [{ name: 'pg', port: 5432 }] }] }];
    check(`${ingress('app/ingress.yaml', 'orders-primary', '{name: pg}')}
${ownService}
${database}
`, { operators });
    check(`${ingress('app/ingress.yaml', 'orders-replica', '{name: pg}')}
${marker(NAME_COLUMN, 14, 'error ingress-service-missing: Ingress front sends to Service orders-replica, but namespace apps has no Service orders-replica')}
${ownService}
${database}
`, { operators });
  });
});

describe('operators: ServiceMonitors select what operators create', () => {
  test("a ServiceMonitor that selects the Rook manager's metrics Service by its labels finds its port", () => {
    check(`
# --- monitoring/service-monitor.yaml
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata: {name: rook-ceph-mgr, namespace: rook-ceph}
spec:
  selector:
    matchLabels: {app: rook-ceph-mgr, rook_cluster: rook-ceph}
  endpoints: [{port: http-metrics}]
# --- cluster.yaml
apiVersion: ceph.rook.io/v1
kind: CephCluster
metadata: {name: my-cluster, namespace: rook-ceph}
spec: {}
`);
  });

  test('a port name the operator does not give its Services is reported', () => {
    check(`
# --- monitoring/service-monitor.yaml
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata: {name: rook-ceph-mgr, namespace: rook-ceph}
spec:
  selector:
    matchLabels: {app: rook-ceph-mgr, rook_cluster: rook-ceph}
  endpoints: [{port: metrics}]
#                    ^^^^^^^ warning service-monitor-port: ServiceMonitor rook-ceph-mgr scrapes the Service port named metrics
# --- cluster.yaml
apiVersion: ceph.rook.io/v1
kind: CephCluster
metadata: {name: my-cluster, namespace: rook-ceph}
spec: {}
`);
  });

  test('a StatefulSet may name the governing Service the Prometheus operator creates', () => {
    check(`
# --- prometheus.yaml
apiVersion: monitoring.coreos.com/v1
kind: Prometheus
metadata: {name: k8s, namespace: monitoring}
spec: {}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: helper, namespace: monitoring}
spec:
  serviceName: prometheus-operated
  selector: {matchLabels: {app: helper}}
  template:
    metadata: {labels: {app: helper}}
    spec:
      containers: [{name: helper, image: helper}]
`);
  });
});
