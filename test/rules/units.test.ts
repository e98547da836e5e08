// A workspace is not one cluster: units, alternatives and one finding per place. Each fixture
// holds things a repository keeps side by side that are never applied together.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { check } from '../support/checkRules';

const service = (path: string, targetPort: string) => `
# --- ${path}
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports:
    - port: 80
      targetPort: ${targetPort}`;

const deployment = (path: string, port: number, name = 'web') => `
# --- ${path}
apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: web
          ports: [{containerPort: ${port}}]`;

describe('units: nearest first', () => {
  test('a Service is judged against the workload in its own file, not a namesake in an unrelated example', () => {
    check(`
# --- examples/one/app.yaml
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
      containers: [{name: web, ports: [{containerPort: 8080}]}]
${deployment('examples/two/deploy.yaml', 9000, 'other')}
`);
  });

  test('a workload beside the Service in its folder wins over one in a sibling folder', () => {
    check(`${service('apps/web/service.yaml', '8080')}
${deployment('apps/web/deploy.yaml', 8080)}
${deployment('apps/legacy/deploy.yaml', 3000, 'web-legacy')}
`);
  });

  test('the nearest unit still breaks: the workload in its own file is the one it sends to', () => {
    check(`
# --- examples/one/app.yaml
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 8081}]
#                                ^^^^ error target-port-mismatch: Deployment web (examples/one/app.yaml) declares no containerPort 8081 (its containerPorts are 8080)
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, ports: [{containerPort: 8080}]}]
${deployment('examples/two/deploy.yaml', 8081, 'other')}
`);
  });
});

describe('units: alternatives', () => {
  test('one definition of the workload that serves the port makes the link work', () => {
    // Two files of a folder define Deployment web at other ports; only one is applied at a time.
    check(`${service('app/service.yaml', '8080')}
${deployment('app/deploy.yaml', 8080)}
${deployment('app/deploy-other-ports.yaml', 9090)}
`);
  });

  test('where every definition breaks the link, one finding names the others', () => {
    check(`${service('app/service.yaml', '8081')}
#                 ^^^^ error target-port-mismatch: Deployment web (app/deploy-other-ports.yaml) declares no containerPort 8081 (its containerPorts are 9090); its other definition (app/deploy.yaml) does not either
${deployment('app/deploy.yaml', 8080)}
${deployment('app/deploy-other-ports.yaml', 9090)}
`);
  });

  test('different workloads are each checked, and one finding names every one that breaks the link', () => {
    check(`${service('app/service.yaml', '8081')}
#                 ^^^^ error target-port-mismatch: Deployment web (app/deploy.yaml) declares no containerPort 8081 (its containerPorts are 8080); nor does Deployment web-canary (app/deploy.yaml), whose containerPorts are 9090
${deployment('app/deploy.yaml', 8080)}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web-canary}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, ports: [{containerPort: 9090}]}]
`);
  });

  test('a definition without a namespace and one in default are alternatives of one identity', () => {
    check(`${service('app/service.yaml', '8080')}
${deployment('app/deploy.yaml', 8080)}
# --- app/deploy-default.yaml
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: default}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, ports: [{containerPort: 7000}]}]
`);
  });

  test('a backend port that no definition of the Service has is one finding, naming the others', () => {
    const findings = check(`
# --- routes/ingress.yaml
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web}
spec:
  rules:
    - http:
        paths:
          - path: /
            pathType: Prefix
            backend: {service: {name: web, port: {number: 9000}}}
#                                                         ^^^^ error ingress-port-mismatch: but Service web (routes/service-a.yaml) has port 80 (its other definition lack it too: routes/service-b.yaml: 8080)
# --- routes/service-a.yaml
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  ports: [{port: 80}]
# --- routes/service-b.yaml
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  ports: [{port: 8080}]
`);
    assert.equal(findings.length, 1);
  });

  test('a backend port that one definition of the Service has is fine', () => {
    check(`
# --- routes/ingress.yaml
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web}
spec:
  defaultBackend: {service: {name: web, port: {number: 8080}}}
# --- routes/service-a.yaml
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  ports: [{port: 80}]
# --- routes/service-b.yaml
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  ports: [{port: 8080}]
`);
  });
});

describe('units: unknowns stay local', () => {
  const selectsNothing = (path: string, marker = '') => `
# --- ${path}
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}${marker}
  ports: [{port: 80}]`;

  const customResource = (path: string) => `
# --- ${path}
apiVersion: example.com/v1
kind: WebApp
metadata: {name: web}
spec: {replicas: 2}`;

  test('a custom resource that may create pods in an unrelated folder does not hide a Service that selects nothing', () => {
    check(`${selectsNothing('examples/one/service.yaml', '\n#           ^^^^^^^^^^ warning service-selects-nothing')}
${deployment('examples/one/deploy.yaml', 80, 'api').replace(/app: web/g, 'app: api')}
${customResource('examples/two/webapp.yaml')}
`);
  });

  test('a custom resource in the Service\'s own folder may create its pods: unknown', () => {
    check(`${selectsNothing('examples/one/service.yaml')}
${deployment('examples/one/deploy.yaml', 80, 'api').replace(/app: web/g, 'app: api')}
${customResource('examples/one/webapp.yaml')}
`);
  });

  test('a custom resource in a folder above the Service is in its unit too', () => {
    check(`${selectsNothing('examples/one/service.yaml')}
${deployment('examples/one/deploy.yaml', 80, 'api').replace(/app: web/g, 'app: api')}
${customResource('examples/webapp.yaml')}
`);
  });

  test('a Service whose unit deploys no workloads gets its pods from elsewhere: unknown', () => {
    // The folder holds only the Service (its Deployment is applied from another repository);
    // an unrelated example elsewhere in the namespace uses the same label key.
    check(`${selectsNothing('docs/proxy/service.yaml')}
${deployment('examples/one/deploy.yaml', 80, 'api').replace(/app: web/g, 'app: api')}
`);
  });

  test('a repository laid out by kind: a Service in services/ is judged against deployments/ beside it', () => {
    check(`${selectsNothing('k8s/services/web.yaml', '\n#           ^^^^^^^^^^ warning service-selects-nothing').replace('app: web', 'app: wbe')}
${deployment('k8s/deployments/web.yaml', 80)}
`);
  });

  test('a folder whose workloads are in another namespace deploys its own: folders beside it are not its unit', () => {
    // The Service has no namespace (a kustomization sets it); its Deployment writes one.
    check(`${selectsNothing('third-party/grafana/service.yaml')}
${deployment('third-party/grafana/deploy.yaml', 80).replace('metadata: {name: web}', 'metadata: {name: web, namespace: monitoring}')}
${deployment('third-party/controller/deploy.yaml', 80, 'controller').replace(/app: web/g, 'app: controller')}
`);
  });

  test('a self-contained example beside the Service (its own Services and workloads) is another unit', () => {
    check(`${selectsNothing('examples/proxy/service.yaml').replace('app: web', 'app: wbe')}
${deployment('examples/web/deploy.yaml', 80)}
${selectsNothing('examples/web/service.yaml')}
`);
  });

  test('a chart whose Service name is templated does not hide a missing Service elsewhere', () => {
    check(`
# --- app/ingress.yaml
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web, namespace: shop}
spec:
  defaultBackend: {service: {name: webb, port: {number: 80}}}
#                                  ^^^^ error ingress-service-missing: did you mean web
# --- app/service.yaml
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  ports: [{port: 80}]
# --- charts/other/Chart.yaml
apiVersion: v2
name: other
version: 1.0.0
# --- charts/other/templates/service.yaml
apiVersion: v1
kind: Service
metadata:
  name: {{ include "other.fullname" . }}
  namespace: shop
spec:
  ports: [{port: 80}]
`);
  });

  test('a Service with a templated name in the same chart leaves a backend name unknown', () => {
    check(`
# --- charts/web/Chart.yaml
apiVersion: v2
name: web
version: 1.0.0
# --- charts/web/templates/ingress.yaml
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web, namespace: shop}
spec:
  defaultBackend: {service: {name: web-api, port: {number: 80}}}
# --- charts/web/templates/service.yaml
apiVersion: v1
kind: Service
metadata:
  name: {{ include "web.fullname" . }}
  namespace: shop
spec:
  ports: [{port: 80}]
`);
  });
});

describe('units: one place, one finding', () => {
  const hostPortDeployment = `apiVersion: apps/v1
kind: Deployment
metadata: {name: proxy}
spec:
  selector: {matchLabels: {app: proxy}}
  template:
    metadata: {labels: {app: proxy}}
    spec:
      containers:
        - name: proxy
          ports: [{containerPort: 8080, hostPort: 80}]`;

  test('a rendered bundle that repeats a source file reports at the source, naming the bundle', () => {
    const findings = check(`
# --- examples/proxy/deployment.yaml
# The proxy, one file of the example.
${hostPortDeployment}
#                                                 ^^ warning host-port: (repeated in examples/render/bundle.yaml)
# --- examples/render/bundle.yaml
# Generated: every file of examples/proxy, concatenated.
apiVersion: v1
kind: Namespace
metadata: {name: proxy}
---
${hostPortDeployment}
`);
    assert.deepEqual(findings[0].related.map((related) => related.message), ['the same Deployment proxy, repeated here']);
  });

  test('two examples that share a stock Service file are each judged with their own workloads', () => {
    const stock = `apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]`;
    const deployment = (port: number) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, ports: [{containerPort: ${port}}]}]`;
    check(`
# --- ex/a/svc.yaml
${stock}
# --- ex/a/dep.yaml
${deployment(8080)}
# --- ex/b/svc.yaml
${stock}
#                                ^^^^ error target-port-mismatch: Deployment web (ex/b/dep.yaml) declares no containerPort 8080
# --- ex/b/dep.yaml
${deployment(9090)}
`);
  });

  test('a bundle that repeats a NodePort Service: its nodePort is reported once, at the source', () => {
    const service = `apiVersion: v1
kind: Service
metadata: {name: edge}
spec:
  type: NodePort
  ports: [{port: 80, nodePort: 8080}]`;
    check(`
# --- deploy/service.yaml
${service}
#                              ^^^^ error node-port-range: (repeated in render/all.yaml)
# --- render/all.yaml
apiVersion: v1
kind: Namespace
metadata: {name: edge}
---
${service}
`, { only: ['node-port-range'] });
  });

  test('a changed copy is a definition of its own, and reports for itself', () => {
    check(`
# --- examples/proxy/deployment.yaml
${hostPortDeployment}
#                                                 ^^ warning host-port
# --- examples/render/bundle.yaml
${hostPortDeployment.replace('hostPort: 80', 'hostPort: 81')}
#                                                 ^^ warning host-port
`);
  });

  test('two examples in sibling folders that ask for one nodePort are never applied together', () => {
    const nodePortService = (nodePort: number) => `apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  type: NodePort
  selector: {app: web}
  ports: [{port: 80, nodePort: ${nodePort}}]`;
    check(`
# --- examples/one/service.yaml
${nodePortService(30080).replace('name: web', 'name: one')}
# --- examples/two/service.yaml
${nodePortService(30080).replace('name: web', 'name: two')}
`);
    check(`
# --- deploy/service.yaml
${nodePortService(30080).replace('name: web', 'name: one')}
#                              ^^^^^ error node-port-conflict: which Service two (deploy/service.yaml) also uses
---
${nodePortService(30080).replace('name: web', 'name: two')}
#                              ^^^^^ error node-port-conflict: which Service one (deploy/service.yaml) also uses
`, { only: ['node-port-conflict'] });
  });
});

describe('units: pods in another namespace', () => {
  const files = (otherFolder: string) => `
# --- app/service.yaml
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  selector: {app: web}
#           ^^^^^^^^^^ warning service-selects-nothing
  ports: [{port: 80}]
# --- app/api.yaml
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers: [{name: api, ports: [{containerPort: 80}]}]
# --- ${otherFolder}/web.yaml
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: store}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, ports: [{containerPort: 80}]}]
`;

  test('pods of the Service\'s own unit in another namespace are named', () => {
    const [finding] = check(files('app/store'));
    assert.match(finding.message, /the pods that do are in namespace store \(Deployment web \(app\/store\/web\.yaml\)\)/);
  });

  test('pods of an unrelated example in another namespace are no evidence about the Service', () => {
    const [finding] = check(files('examples/store'));
    assert.doesNotMatch(finding.message, /namespace store/);
  });
});
