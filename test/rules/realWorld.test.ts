// What real manifests taught the engine (docs/real-world.md): each case is a shape found in public
// repositories, written here as a small fixture of our own.

import { describe, test } from 'node:test';
import { check } from '../support/checkRules';

describe('a process that listens where its config file says', () => {
  const collector = (listen: string) => `
# --- otel.yaml
apiVersion: v1
kind: ConfigMap
metadata: {name: collector-conf}
data:
  config.yaml: |
    receivers:
      otlp/auth:
        protocols:
          grpc:
            endpoint: ${listen}
    exporters:
      zipkin:
        endpoint: http://zipkin.tracing.svc:5317/api/v2/spans
---
apiVersion: v1
kind: Service
metadata: {name: collector}
spec:
  selector: {app: collector}
  ports:
    - {name: grpc-otlp, port: 4317, targetPort: 4317}
    - {name: grpc-otlp-auth, port: 5317, targetPort: 5317}
#                                                    ^^^^ error target-port-mismatch
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: collector}
spec:
  selector: {matchLabels: {app: collector}}
  template:
    metadata: {labels: {app: collector}}
    spec:
      containers:
        - name: collector
          image: otel/opentelemetry-collector-contrib:0.123.0
          args: [--config=/conf/config.yaml]
          ports: [{containerPort: 4317}, {containerPort: 5318}]
          volumeMounts: [{name: conf, mountPath: /conf}]
      volumes:
        - name: conf
          configMap: {name: collector-conf}
`;

  test('a listen address on every interface in a mounted ConfigMap explains the targetPort', () => {
    check(collector('0.0.0.0:5317').replace(/\n#\s+\^+ error target-port-mismatch\n/, '\n'));
  });

  test('a loopback address does not: nothing outside the pod reaches it', () => {
    check(collector('127.0.0.1:5317'));
  });
});

describe('alternatives side by side', () => {
  const variant = (port: number) => `
apiVersion: apps/v1
kind: Deployment
metadata: {name: failing}
spec:
  selector: {matchLabels: {app: failing}}
  template:
    metadata: {labels: {app: failing}}
    spec:
      containers: [{name: failing, image: bb:1, ports: [{containerPort: ${port}}]}]
---
apiVersion: v1
kind: Service
metadata: {name: failing-svc}
spec:
  selector: {app: failing}
  ports: [{name: http, port: ${port}, targetPort: ${port}}]
`;

  test('one workload defined in two files of a folder: each Service reaches the definition in its own file', () => {
    check(`
# --- testdata/application.yaml
${variant(8080)}
# --- testdata/applications-at-diff-ports.yaml
${variant(8081)}`);
  });
});

describe('pods made elsewhere', () => {
  test('a selector in a vocabulary no pod template of the namespace speaks selects pods made elsewhere', () => {
    check(`
# --- monitoring/prometheus-service.yaml
apiVersion: v1
kind: Service
metadata: {name: prometheus-k8s, namespace: monitoring}
spec:
  selector: {app.kubernetes.io/managed-by: prometheus-operator, prometheus: k8s}
  ports: [{name: web, port: 9090, targetPort: web}]
# --- monitoring/grafana.yaml
apiVersion: apps/v1
kind: Deployment
metadata: {name: grafana, namespace: monitoring}
spec:
  selector: {matchLabels: {app: grafana}}
  template:
    metadata: {labels: {app: grafana}}
    spec:
      containers: [{name: grafana, image: grafana:11, ports: [{name: http, containerPort: 3000}]}]
`);
  });

  test('a renamed label key still shares its value, so the Service is reported', () => {
    check(`
# --- web.yaml
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app.kubernetes.io/name: web}
#           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning service-selects-nothing
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
      containers: [{name: web, image: web:1, ports: [{containerPort: 8080}]}]
`);
  });
});

describe('ports a control plane configures', () => {
  test('an Istio gateway listens on the ports of the Istio Gateway resources that select it', () => {
    check(`
# --- istio-system/ingressgateway.yaml
apiVersion: apps/v1
kind: Deployment
metadata: {name: istio-ingressgateway, namespace: istio-system}
spec:
  selector: {matchLabels: {istio: ingressgateway}}
  template:
    metadata: {labels: {istio: ingressgateway}}
    spec:
      containers:
        - name: istio-proxy
          image: gcr.io/istio-release/proxyv2:1.29.1
          args: [proxy, router, --domain, $(POD_NAMESPACE).svc.cluster.local]
          ports: [{containerPort: 15021}, {containerPort: 8080}, {containerPort: 8443}]
# --- knative/local-gateway.yaml
apiVersion: v1
kind: Service
metadata: {name: knative-local-gateway, namespace: istio-system}
spec:
  selector: {istio: ingressgateway}
  ports: [{name: http2, port: 80, targetPort: 8081}]
`);
  });
});

describe('the API server and kubectl', () => {
  test('a networking.k8s.io/v1 Ingress written with serviceName and servicePort', () => {
    check(`
# --- ingress.yaml
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: app}
spec:
  rules:
    - http:
        paths:
          - backend:
              serviceName: app
#                          ^^^ error ingress-service-missing: Ingress app is networking.k8s.io/v1 but names Service app with serviceName and servicePort, fields only the older extensions/v1beta1 and networking.k8s.io/v1beta1 Ingress had
              servicePort: http
---
apiVersion: v1
kind: Service
metadata: {name: app}
spec:
  selector: {app: app}
  ports: [{name: http, port: 80}]
`);
  });

  test('a port entry without containerPort', () => {
    check(`
# --- pod.yaml
apiVersion: v1
kind: Pod
metadata: {name: mail}
spec:
  containers:
    - name: mail
      image: mail:1
      ports:
        - {name: http, containerPort: 80}
        - name: smtp
#               ^^^^ error port-range: container mail of Pod mail declares a port named smtp without a containerPort
          containerPort:
`);
  });

  test('hostPort on a hostNetwork pod repeats containerPort: no host-port advice', () => {
    check(`
# --- node-exporter.yaml
apiVersion: v1
kind: Pod
metadata: {name: node-exporter}
spec:
  hostNetwork: true
  containers:
    - name: exporter
      image: node-exporter:1
      ports: [{name: metrics, containerPort: 9100, hostPort: 9100}]
`);
  });
});

describe('references meant to fail', () => {
  test('a conformance test that routes to a missing Service on purpose still has a broken link: names say nothing', () => {
    check(`
# --- conformance/base.yaml
apiVersion: v1
kind: Service
metadata: {name: infra-backend, namespace: infra}
spec:
  selector: {app: infra}
  ports: [{port: 8080}]
# --- conformance/tests/httproute-invalid-backendref.yaml
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: backend-ref, namespace: infra}
spec:
  rules:
    - backendRefs: [{name: nonexistent, port: 8080}]
#                          ^^^^^^^^^^^ error ingress-service-missing: HTTPRoute backend-ref sends to Service nonexistent
`, { only: ['ingress-service-missing'] });
  });
});
