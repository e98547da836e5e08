import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { check } from '../support/checkRules';

const app = `
# --- app/service.yaml
apiVersion: v1
kind: Service
metadata: {name: api, namespace: shop, labels: {app: api}}
spec:
  selector: {app: api}
  ports:
    - {name: http, port: 80, targetPort: 8080}
    - {name: metrics, port: 9102, targetPort: 9102}
# --- app/deploy.yaml
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers:
        - name: api
          image: api:1
          ports: [{name: http, containerPort: 8080}, {name: metrics, containerPort: 9102}]
`;

describe('service-monitor-port (ServiceMonitor)', () => {
  test('an endpoint port name that the selected Service does not have', () => {
    const findings = check(`${app}
# --- monitoring/api.yaml
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata: {name: api, namespace: shop}
spec:
  selector: {matchLabels: {app: api}}
  endpoints:
    - port: metric
#           ^^^^^^ warning service-monitor-port: ServiceMonitor api scrapes the Service port named metric of the Services with app=api in namespace shop, but the Service it selects has no port of that name: Service api (app/service.yaml) has ports 80 (http), 9102 (metrics); Prometheus gets no target from this endpoint
    - port: http
`);
    assert.deepEqual(
      findings[0].fixes.map((fix) => [fix.title, fix.edits[0].newText]),
      [['Set port to metrics', 'metrics']],
    );
  });

  test('the Service port name, not the container port name, is what a ServiceMonitor names', () => {
    check(`
# --- service.yaml
apiVersion: v1
kind: Service
metadata: {name: api, labels: {app: api}}
spec:
  selector: {app: api}
  ports: [{name: web, port: 80, targetPort: http}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers: [{name: api, image: api:1, ports: [{name: http, containerPort: 8080}]}]
---
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata: {name: api}
spec:
  selector: {matchLabels: {app: api}}
  endpoints:
    - port: http
#           ^^^^ warning service-monitor-port: Service api (service.yaml) has port 80 (web)
`);
  });

  test('selecting no Service of the workspace is quiet: the Services come from elsewhere', () => {
    check(`${app}
# --- monitoring/kubelet.yaml
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata: {name: kubelet, namespace: shop}
spec:
  selector: {matchLabels: {app.kubernetes.io/name: kubelet}}
  endpoints: [{port: https-metrics}]
`);
  });

  test('namespaceSelector: matchNames looks in those namespaces, any looks everywhere and is not judged', () => {
    check(`${app}
# --- monitoring/monitors.yaml
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata: {name: api, namespace: monitoring}
spec:
  namespaceSelector: {matchNames: [shop]}
  selector: {matchLabels: {app: api}}
  endpoints: [{port: metrics}, {port: prom}]
#                                     ^^^^ warning service-monitor-port: the Services with app=api in namespace shop
---
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata: {name: api-own-namespace, namespace: monitoring}
spec:
  selector: {matchLabels: {app: api}}
  endpoints: [{port: prom}]
---
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata: {name: everything, namespace: monitoring}
spec:
  namespaceSelector: {any: true}
  selector: {}
  endpoints: [{port: prom}]
`);
  });

  test('targetPort without port names a container port of the pods behind the Services', () => {
    check(`${app}
# --- monitoring/api.yaml
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata: {name: api, namespace: shop}
spec:
  selector: {matchLabels: {app: api}}
  endpoints:
    - targetPort: 9102
    - targetPort: 9103
#                 ^^^^ warning service-monitor-port: ServiceMonitor api scrapes container port 9103 (targetPort) of the pods behind the Services with app=api in namespace shop, but no container there has it: Deployment api (app/deploy.yaml) declares 8080 (http), 9102 (metrics)
    - targetPort: metrics
`);
  });

  test('templates are not judged', () => {
    check(`${app}
# --- chart/templates/monitor.yaml
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata: {name: {{ .Release.Name }}, namespace: shop}
spec:
  selector: {matchLabels: {app: api}}
  endpoints: [{port: prom}]
`);
  });
});

describe('service-monitor-port (PodMonitor)', () => {
  test('a podMetricsEndpoints port that no selected container names', () => {
    const findings = check(`${app}
# --- monitoring/pods.yaml
apiVersion: monitoring.coreos.com/v1
kind: PodMonitor
metadata: {name: api, namespace: shop}
spec:
  selector: {matchLabels: {app: api}}
  podMetricsEndpoints:
    - port: metrcs
#           ^^^^^^ warning service-monitor-port: PodMonitor api scrapes the container port named metrcs (port) of the pods with app=api in namespace shop, but no container there has it: Deployment api (app/deploy.yaml) declares 8080 (http), 9102 (metrics)
    - port: metrics
    - portNumber: 9102
`);
    assert.deepEqual(
      findings[0].fixes.map((fix) => fix.title),
      ['Set port to metrics'],
    );
  });

  test('a port the process binds by flag counts, and pods that declare no ports are not judged', () => {
    check(`
# --- exporter.yaml
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: exporter}
spec:
  selector: {matchLabels: {app: exporter}}
  template:
    metadata: {labels: {app: exporter}}
    spec:
      containers:
        - {name: exporter, image: exporter:1, args: [--web.listen-address=:9100], ports: [{name: admin, containerPort: 8080}]}
        - {name: sidecar, image: sidecar:1}
---
apiVersion: monitoring.coreos.com/v1
kind: PodMonitor
metadata: {name: exporter}
spec:
  selector: {matchLabels: {app: exporter}}
  podMetricsEndpoints: [{portNumber: 9100}]
`);
  });
});
