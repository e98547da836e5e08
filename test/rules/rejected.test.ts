// What the API server rejects outright, one mechanism at a time (Kubernetes' own validation).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { check } from '../support/checkRules';

const web = `
# --- web.yaml
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: 8080}]
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
`;

describe('an Ingress backend service without a port', () => {
  test('networking.k8s.io/v1: service.port is required', () => {
    const findings = check(`
# --- ingress.yaml
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: shop, namespace: shop}
spec:
  rules:
    - http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: web
#                     ^^^ error route-port-missing: Ingress shop sends to Service web without a port: an Ingress backend must name the Service port (service.port.number or service.port.name), so the API server rejects the Ingress
${web}`);
    assert.deepEqual(findings[0].fixes.map((fix) => [fix.title, fix.edits[0].newText]), [['Add port: {number: 80}', '\n                port: {number: 80}']]);
  });

  test('the older Ingress: servicePort is required', () => {
    check(`
# --- ingress.yaml
apiVersion: networking.k8s.io/v1beta1
kind: Ingress
metadata: {name: shop, namespace: shop}
spec:
  backend:
    serviceName: web
#                ^^^ error route-port-missing: an Ingress backend must name the Service port (servicePort)
${web}`);
  });

  test('a port by number or by name is enough', () => {
    check(`
# --- ingress.yaml
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: shop, namespace: shop}
spec:
  defaultBackend: {service: {name: web, port: {name: http}}}
  rules:
    - http:
        paths:
          - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}
${web}`);
  });
});

describe('a mesh route attached to a Service (GAMMA parentRef of kind Service)', () => {
  const route = (parent: string, marker = '') => `
# --- route.yaml
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: web-retries, namespace: shop}
spec:
  parentRefs:
    - group: ""
      kind: Service
      name: ${parent}${marker ? `\n${marker}` : ''}
      port: 80
  rules:
    - backendRefs: [{name: web, port: 80}]
`;

  test('naming no Service of the namespace', () => {
    check(`${route('wbe', '#           ^^^ error ingress-service-missing: HTTPRoute web-retries is attached to Service wbe (a parentRef of kind Service: a mesh route for requests to that Service), but namespace shop has no Service wbe, so the route applies to nothing: did you mean web (web.yaml)?')}${web}`);
  });

  test('naming a Service that exists', () => {
    check(`${route('web')}${web}`);
  });

  test('a Gateway parentRef is not a Service', () => {
    check(`
# --- route.yaml
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: web, namespace: shop}
spec:
  parentRefs: [{name: wbe}]
  rules:
    - backendRefs: [{name: web, port: 80}]
${web}`);
  });

  test('a namespace without Services in the workspace: unknown, as for backends', () => {
    check(`
# --- route.yaml
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: web-retries, namespace: elsewhere}
spec:
  parentRefs: [{kind: Service, name: web}]
`);
  });
});

describe('an apps/v1 workload without a selector', () => {
  test('is rejected', () => {
    check(`
# --- deploy.yaml
apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
#                ^^^ error selector-mismatch: Deployment api has no spec.selector: apps/v1 requires one (only the older API versions took it from the template's labels), so the API server rejects the Deployment (spec.selector: Required value); add selector: {matchLabels: {app: api}}
spec:
  template:
    metadata: {labels: {app: api}}
    spec:
      containers: [{name: api, image: api}]
`);
  });

  test('but not a partial object another definition completes, nor an older API version, nor a Pod', () => {
    check(`
# --- base/deploy.yaml
apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers: [{name: api, image: api}]
# --- overlay/patch.yaml
apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  template:
    spec:
      containers: [{name: api, image: api:2.0}]
# --- old.yaml
apiVersion: extensions/v1beta1
kind: Deployment
metadata: {name: legacy}
spec:
  template:
    metadata: {labels: {app: legacy}}
    spec:
      containers: [{name: legacy, image: legacy}]
# --- assert.yaml
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
status: {readyReplicas: 1}
# --- pod.yaml
apiVersion: v1
kind: Pod
metadata: {name: debug}
spec:
  containers: [{name: debug, image: busybox}]
`);
  });
});

describe('an apps/v1 workload without a selector, in a kustomize build', () => {
  test("kustomize's commonLabels creates the selector", () => {
    check(`
# --- app/kustomization.yaml
resources: [deploy.yaml]
commonLabels: {app: api}
# --- app/deploy.yaml
apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  template:
    metadata: {labels: {tier: backend}}
    spec:
      containers: [{name: api, image: api}]
`);
  });

  test('a build without labels leaves it missing', () => {
    check(`
# --- app/kustomization.yaml
resources: [deploy.yaml]
namePrefix: shop-
# --- app/deploy.yaml
apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
#                ^^^ error selector-mismatch: Deployment shop-api has no spec.selector
spec:
  template:
    metadata: {labels: {tier: backend}}
    spec:
      containers: [{name: api, image: api}]
`);
  });

  test('a template without labels is an input whose labels and selector come from elsewhere', () => {
    check(`
# --- deploy.yaml
apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  template:
    spec:
      containers: [{name: api, image: api}]
`);
  });
});

describe('Job and CronJob selectors the API server generates', () => {
  test('a Job selector written by hand without manualSelector', () => {
    check(`
# --- job.yaml
apiVersion: batch/v1
kind: Job
metadata: {name: migrate}
spec:
  selector: {matchLabels: {app: migrate}}
#           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ error selector-mismatch: Job migrate sets spec.selector without manualSelector: true, but the API server generates a Job's selector (from its uid) and rejects one written by hand
  template:
    metadata: {labels: {app: migrate}}
    spec:
      restartPolicy: Never
      containers: [{name: migrate, image: migrate}]
`);
  });

  test('with manualSelector: true, or as the API server wrote it (a dump of a live Job)', () => {
    check(`
# --- manual.yaml
apiVersion: batch/v1
kind: Job
metadata: {name: migrate}
spec:
  manualSelector: true
  selector: {matchLabels: {app: migrate}}
  template:
    metadata: {labels: {app: migrate}}
    spec:
      restartPolicy: Never
      containers: [{name: migrate, image: migrate}]
# --- dump.yaml
apiVersion: batch/v1
kind: Job
metadata: {name: backup}
spec:
  selector:
    matchLabels: {batch.kubernetes.io/controller-uid: 8a1f0c3e-0c1b-4d5e-9f00-1a2b3c4d5e6f}
  template:
    metadata:
      labels: {batch.kubernetes.io/controller-uid: 8a1f0c3e-0c1b-4d5e-9f00-1a2b3c4d5e6f, batch.kubernetes.io/job-name: backup}
    spec:
      restartPolicy: Never
      containers: [{name: backup, image: backup}]
`);
  });

  test("a CronJob's jobTemplate selector", () => {
    check(`
# --- cron.yaml
apiVersion: batch/v1
kind: CronJob
metadata: {name: report}
spec:
  schedule: "0 * * * *"
  jobTemplate:
    spec:
      selector: {matchLabels: {app: report}}
#               ^^^^^^^^^^^^^^^^^^^^^^^^^^^^ error selector-mismatch: CronJob report sets spec.jobTemplate.spec.selector, but the API server generates the selector of each Job it creates and rejects the CronJob
      template:
        metadata: {labels: {app: report}}
        spec:
          restartPolicy: OnFailure
          containers: [{name: report, image: report}]
`);
  });
});

describe('the same nodePort twice in one Service', () => {
  test('is rejected for one protocol, not across TCP and UDP', () => {
    check(`
# --- dns.yaml
apiVersion: v1
kind: Service
metadata: {name: dns}
spec:
  type: NodePort
  ports:
    - {name: dns-udp, port: 53, protocol: UDP, nodePort: 30053}
    - {name: dns-tcp, port: 53, protocol: TCP, nodePort: 30053}
    - {name: metrics, port: 9153, nodePort: 30053}
#                                           ^^^^^ error port-duplicate: Service dns asks for nodePort 30053/TCP twice (ports[1] and ports[2]): the API server rejects a Service with a duplicate nodePort
`);
  });
});

describe('healthCheckNodePort', () => {
  test('only on a LoadBalancer Service with externalTrafficPolicy: Local', () => {
    check(`
# --- services.yaml
apiVersion: v1
kind: Service
metadata: {name: ok}
spec:
  type: LoadBalancer
  externalTrafficPolicy: Local
  healthCheckNodePort: 32000
  ports: [{port: 80}]
---
apiVersion: v1
kind: Service
metadata: {name: cluster}
spec:
  type: LoadBalancer
  healthCheckNodePort: 32001
#                      ^^^^^ warning traffic-policy: Service cluster sets healthCheckNodePort 32001, but its externalTrafficPolicy is Cluster (the default): the API server accepts healthCheckNodePort only on a LoadBalancer Service with externalTrafficPolicy: Local
  ports: [{port: 80}]
---
apiVersion: v1
kind: Service
metadata: {name: node}
spec:
  type: NodePort
  externalTrafficPolicy: Local
  healthCheckNodePort: 32002
#                      ^^^^^ warning traffic-policy: Service node sets healthCheckNodePort 32002, but its type is NodePort
  ports: [{port: 80}]
`);
  });
});

describe('an upper-case port name', () => {
  test('is a name, not a placeholder, where the field holds only a name', () => {
    check(`
# --- service.yaml
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports:
    - name: INVALID
#           ^^^^^^^ error port-name-invalid: Service web port 80 is named "INVALID", which is not a valid Service port name (a DNS-1123 label): it has uppercase letters
      port: 80
      targetPort: PORT
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
          image: web
          ports:
            - name: HTTP
#                   ^^^^ error port-name-invalid: container web of Deployment web names containerPort 8080 "HTTP", which is not a valid port name (IANA_SVC_NAME): it has uppercase letters
              containerPort: 8080
`);
  });
});

describe('a Service whose only matching pods are in another namespace', () => {
  const pod = `
# --- pod.yaml
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: apps, labels: {app: web}}
spec:
  containers: [{name: web, image: web, ports: [{containerPort: 8080}]}]
`;

  test('selects nothing: a Service selects pods of its own namespace only', () => {
    check(`
# --- service.yaml
apiVersion: v1
kind: Service
metadata: {name: web, namespace: frontend}
spec:
  selector: {app: web}
#           ^^^^^^^^^^ warning service-selects-nothing: Service web selects pods with app=web, but no pod template in namespace frontend has these labels: the pods that do are in namespace apps (Pod web (pod.yaml)), and a Service selects pods of its own namespace only, so it has no endpoints
  ports: [{port: 80, targetPort: 8080}]
${pod}`);
  });

  test('a Service without a namespace may be applied to the pods\' namespace: unknown', () => {
    check(`
# --- service.yaml
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
${pod}`);
  });

  test('pods without a namespace may be applied to the Service\'s: unknown', () => {
    check(`
# --- service.yaml
apiVersion: v1
kind: Service
metadata: {name: web, namespace: frontend}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
${pod.replace('namespace: apps, ', '')}`);
  });

  test('a namespace where an operator may make the pods: unknown', () => {
    check(`
# --- service.yaml
apiVersion: v1
kind: Service
metadata: {name: web, namespace: frontend}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
# --- cr.yaml
apiVersion: apps.example.com/v1
kind: WebApp
metadata: {name: web, namespace: frontend}
${pod}`);
  });
});
