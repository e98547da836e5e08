import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { check } from '../support/checkRules';

// A small shop: a Deployment, its Service and an Ingress, kustomized. Data written for these tests.
const shopBase = `
# --- base/kustomization.yaml
resources:
  - deployment.yaml
  - service.yaml
# --- base/deployment.yaml
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
          ports:
            - {name: http, containerPort: 8080}
`;

describe('kustomize: namespace, name prefix and the references they rename', () => {
  test('an Ingress backend follows the prefixed Service into the overlay namespace', () => {
    check(`${shopBase}
# --- base/service.yaml
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports:
    - {name: http, port: 80, targetPort: http}
# --- overlays/prod/kustomization.yaml
namespace: prod
namePrefix: prod-
resources:
  - ../../base
  - ingress.yaml
# --- overlays/prod/ingress.yaml
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web}
spec:
  rules:
    - http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: web
                port: {number: 8080}
#                              ^^^^ error ingress-port-mismatch: Ingress prod-web sends to Service prod-web port 8080, but Service prod-web (base/service.yaml) has port 80 (http)
# --- other/service.yaml
apiVersion: v1
kind: Service
metadata: {name: api, namespace: prod}
spec:
  ports: [{port: 80}]
`);
  });

  test('a Service outside the build keeps its name, so a reference to it is not prefixed', () => {
    check(`${shopBase}
# --- base/service.yaml
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports:
    - {name: http, port: 80, targetPort: http}
# --- overlays/prod/kustomization.yaml
namespace: prod
namePrefix: prod-
resources: [../../base, ingress.yaml]
# --- overlays/prod/ingress.yaml
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web}
spec:
  defaultBackend:
    service:
      name: shared-api
      port: {number: 80}
# --- shared/api.yaml
apiVersion: v1
kind: Service
metadata: {name: shared-api, namespace: prod}
spec:
  ports: [{port: 80}]
`);
  });

  test('a generated ConfigMap is renamed with its envFrom reference, so its PORT still counts', () => {
    check(`
# --- app/kustomization.yaml
namePrefix: shop-
resources: [deployment.yaml, service.yaml]
configMapGenerator:
  - name: web-env
    literals:
      - PORT=9000
# --- app/deployment.yaml
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
          envFrom:
            - configMapRef: {name: web-env}
# --- app/service.yaml
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports:
    - port: 80
      targetPort: 8000
#                 ^^^^ warning process-port-mismatch: Service shop-web sends port 80 to targetPort 8000, but container web of Deployment shop-web (app/deployment.yaml) declares no containerPorts and its process listens on 9000 (PORT=9000 from ConfigMap shop-web-env)
`);
  });
});

// kubebuilder's layout: the manager declares only its webhook port; the auth proxy patch adds a
// kube-rbac-proxy container with the named port `https` that the metrics Service targets.
const kubebuilder = `
# --- config/manager/kustomization.yaml
resources: [manager.yaml]
# --- config/manager/manager.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: controller-manager
  namespace: system
  labels: {control-plane: controller-manager}
spec:
  selector:
    matchLabels: {control-plane: controller-manager}
  template:
    metadata:
      labels: {control-plane: controller-manager}
    spec:
      containers:
        - name: manager
          command: [/manager]
          args: [--leader-elect]
          ports:
            - {name: webhook-server, containerPort: 9443}
# --- config/rbac/kustomization.yaml
resources: [auth_proxy_service.yaml]
# --- config/rbac/auth_proxy_service.yaml
apiVersion: v1
kind: Service
metadata:
  name: controller-manager-metrics-service
  namespace: system
spec:
  selector: {control-plane: controller-manager}
  ports:
    - name: https
      port: 8443
      targetPort: https
# --- config/default/manager_auth_proxy_patch.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: controller-manager
  namespace: system
spec:
  template:
    spec:
      containers:
        - name: kube-rbac-proxy
          image: gcr.io/kubebuilder/kube-rbac-proxy:v0.13.0
          args:
            - --secure-listen-address=0.0.0.0:8443
            - --upstream=http://127.0.0.1:8080/
          ports:
            - containerPort: 8443
              protocol: TCP
              name: https
        - name: manager
          args:
            - --health-probe-bind-address=:8081
            - --metrics-bind-address=127.0.0.1:8080
            - --leader-elect
`;

describe('kustomize: patches', () => {
  test("kubebuilder's auth proxy patch adds the named port https that the metrics Service targets", () => {
    check(`${kubebuilder}
# --- config/default/kustomization.yaml
namespace: project-system
namePrefix: project-
resources: [../manager, ../rbac]
patchesStrategicMerge:
  - manager_auth_proxy_patch.yaml
`);
  });

  test('without the patch, the name is missing, and the message names the built resources', () => {
    check(`${kubebuilder.replace(/# --- config\/rbac\/auth_proxy_service.yaml[\s\S]*?targetPort: https\n/, '')}
# --- config/rbac/auth_proxy_service.yaml
apiVersion: v1
kind: Service
metadata:
  name: controller-manager-metrics-service
  namespace: system
spec:
  selector: {control-plane: controller-manager}
  ports:
    - name: https
      port: 8443
      targetPort: https
#                 ^^^^^ error target-port-name-missing: Service project-controller-manager-metrics-service sends port https (8443) to targetPort https, but Deployment project-controller-manager (config/manager/manager.yaml) declares no port named https (its containerPorts are 9443 (webhook-server)
# --- config/default/kustomization.yaml
namespace: project-system
namePrefix: project-
resources: [../manager, ../rbac]
`);
  });

  test('an inline strategic-merge patch changes a Service targetPort; a JSON6902 patch adds the container port', () => {
    check(`${shopBase}
# --- base/service.yaml
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports:
    - {name: http, port: 80, targetPort: http}
# --- overlays/metrics/kustomization.yaml
resources: [../../base]
patches:
  - patch: |-
      apiVersion: v1
      kind: Service
      metadata:
        name: web
      spec:
        ports:
          - name: metrics
            port: 9090
            targetPort: metrics
  - target: {kind: Deployment, name: web}
    patch: |-
      - op: add
        path: /spec/template/spec/containers/0/ports/-
        value: {name: metrics, containerPort: 9090}
`);
  });

  test('a patch that renames the container port breaks the targetPort, and the finding offers no edit', () => {
    const findings = check(`${shopBase}
# --- base/service.yaml
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports:
    - {name: http, port: 80, targetPort: http}
#                                        ^^^^ error target-port-name-missing: Deployment web (base/deployment.yaml) declares no port named http (its containerPorts are 8080 (web-http)
# --- overlays/prod/kustomization.yaml
resources: [../../base]
patches:
  - path: rename-port.yaml
# --- overlays/prod/rename-port.yaml
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      containers:
        - name: web
          ports:
            - {containerPort: 8080, name: web-http}
`);
    // The build renames the port in another file: an edit to this file's text could not be trusted.
    assert.deepEqual(findings.map((finding) => finding.fixes), [[]]);
  });

  test('a patch that deletes a resource takes it out of the build', () => {
    check(`${shopBase}
# --- base/service.yaml
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports:
    - {name: http, port: 80, targetPort: http}
---
apiVersion: v1
kind: Service
metadata: {name: web-external}
spec:
  type: LoadBalancer
  selector: {app: web}
  ports:
    - {port: 80, targetPort: 9999}
# --- overlays/private/kustomization.yaml
resources: [../../base]
patches:
  - patch: |-
      apiVersion: v1
      kind: Service
      metadata:
        name: web-external
      $patch: delete
`);
  });
});

describe('kustomize: generators', () => {
  const service = `
# --- app/service.yaml
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports:
    - port: 80
      targetPort: 3005
# --- app/deployment.yaml
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
          ports:
            - {name: metrics, containerPort: 9102}
          env:
            - name: PORT
              valueFrom:
                configMapKeyRef: {name: web-config, key: PORT}
`;

  test('a generator literal PORT explains a targetPort that no containerPort declares', () => {
    check(`${service.trimEnd()}
#                                                        ^^^^ warning process-port-mismatch: declares containerPort 9102 (metrics), but PORT=3005 from ConfigMap web-config makes its process listen on 3005
# --- app/kustomization.yaml
resources: [deployment.yaml, service.yaml]
configMapGenerator:
  - name: web-config
    literals:
      - PORT=3005
`);
  });

  test('a generator env file beside the kustomization counts the same way', () => {
    check(`${service.trimEnd()}
#                                                        ^^^^ warning process-port-mismatch: PORT=3005 from ConfigMap web-config
# --- app/kustomization.yaml
resources: [deployment.yaml, service.yaml]
configMapGenerator:
  - name: web-config
    envs: [web.env]
# --- app/web.env
# The port the server binds.
PORT=3005
LOG_LEVEL=info
`);
  });

  test('a generator that sets another PORT explains nothing: the targetPort is broken', () => {
    check(`${service.replace('targetPort: 3005', 'targetPort: 3005\n#                 ^^^^ error target-port-mismatch: Deployment web (app/deployment.yaml) declares no containerPort 3005 (its containerPorts are 9102 (metrics)').trimEnd()}
#                                                        ^^^^ warning process-port-mismatch: PORT=3000 from ConfigMap web-config
# --- app/kustomization.yaml
resources: [deployment.yaml, service.yaml]
configMapGenerator:
  - name: web-config
    literals: [PORT=3000]
`);
  });
});

describe('kustomize: a base in two overlays', () => {
  const base = `${shopBase}
# --- base/service.yaml
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports:
    - {name: http, port: 80, targetPort: 8080}
`;

  test('each overlay is checked on its own, and a finding names the overlay that breaks', () => {
    // Both overlays use one namespace: each Service copy still selects only its own overlay's pods.
    check(`${base.replace('targetPort: 8080}', 'targetPort: 8080}\n#                                        ^^^^ error target-port-mismatch: Service web sends port http (80) to targetPort 8080, but Deployment web (base/deployment.yaml) declares no containerPort 8080 (its containerPorts are 8443 (https)) (in overlay overlays/prod)')}
# --- overlays/dev/kustomization.yaml
namespace: shop
resources: [../../base]
# --- overlays/prod/kustomization.yaml
namespace: shop
resources: [../../base]
patches:
  - target: {kind: Deployment, name: web}
    patch: |-
      - op: replace
        path: /spec/template/spec/containers/0/ports/0
        value: {name: https, containerPort: 8443}
`);
  });

  test('where both overlays break the same way, one finding names both', () => {
    const findings = check(`${base.replace('targetPort: 8080}', 'targetPort: 8081}\n#                                        ^^^^ error target-port-mismatch')}
# --- overlays/dev/kustomization.yaml
namespace: dev
resources: [../../base]
# --- overlays/prod/kustomization.yaml
namespace: prod
resources: [../../base]
`);
    assert.deepEqual(
      findings.map((finding) => finding.message.slice(finding.message.indexOf(' (in overlay'))),
      [' (in overlays overlays/dev and overlays/prod)'],
    );
  });
});

describe('kustomize: files no build includes', () => {
  test('a file no kustomization includes is checked as itself, in its own namespace', () => {
    check(`${shopBase}
# --- base/service.yaml
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports:
    - {name: http, port: 80, targetPort: http}
# --- overlays/prod/kustomization.yaml
namespace: prod
resources: [../../base]
# --- tools/debug.yaml
apiVersion: v1
kind: Service
metadata: {name: web-debug}
spec:
  selector: {app: debug}
  ports:
    - {port: 80, targetPort: 5005}
#                            ^^^^ error target-port-mismatch: Service web-debug sends port 80 to targetPort 5005, but Pod debug (tools/debug.yaml) declares no containerPort 5005 (its containerPorts are 5000
---
apiVersion: v1
kind: Pod
metadata: {name: debug, labels: {app: debug}}
spec:
  containers:
    - name: debug
      ports: [{containerPort: 5000}]
`);
  });

  test('a build that names a base the workspace does not hold leaves missing names unknown', () => {
    check(`
# --- overlays/prod/kustomization.yaml
namespace: prod
resources:
  - github.com/example/shop//base?ref=v1.2.0
  - ingress.yaml
  - service.yaml
# --- overlays/prod/ingress.yaml
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web}
spec:
  defaultBackend:
    service: {name: web, port: {number: 80}}
# --- overlays/prod/service.yaml
apiVersion: v1
kind: Service
metadata: {name: admin}
spec:
  ports: [{port: 80}]
`);
  });

  test('a Flux Kustomization that happens to be called kustomization.yaml is a resource, not a build', () => {
    check(`
# --- clusters/prod/kustomization.yaml
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: apps, namespace: flux-system}
spec:
  path: ./apps
# --- clusters/prod/web.yaml
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 81}]
#                                ^^ error target-port-mismatch: Pod web (clusters/prod/web.yaml) declares no containerPort 81
---
apiVersion: v1
kind: Pod
metadata: {name: web, labels: {app: web}}
spec:
  containers: [{name: web, ports: [{containerPort: 80}]}]
`);
  });
});
