// Labels the controllers add to the pods they create: a StatefulSet's pods carry their name and
// ordinal, so a Service per pod may select `statefulset.kubernetes.io/pod-name: web-0`.
import { describe, test } from 'node:test';
import { check } from '../support/checkRules';

function statefulSet(replicas: string): string {
  return `
# --- web/statefulset.yaml
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: web, namespace: shop}
spec:${replicas}
  serviceName: web
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: nginx, ports: [{name: http, containerPort: 8080}]}]
# --- web/service.yaml
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  clusterIP: None
  selector: {app: web}
  ports: [{port: 8080}]
`;
}

function podService(selector: string, marker = '', targetPort = '8080'): string {
  return `
# --- web/pod-service.yaml
apiVersion: v1
kind: Service
metadata: {name: web-pod, namespace: shop}
spec:
  type: LoadBalancer
  selector: ${selector}
${marker ? `${marker}\n` : ''}  ports: [{port: 80, targetPort: ${targetPort}}]
`;
}

describe('labels the StatefulSet controller adds', () => {
  test('a Service that selects one pod by its name reaches it', () => {
    check(`${podService('{statefulset.kubernetes.io/pod-name: web-2}')}${statefulSet('\n  replicas: 3')}`);
  });

  test('and its ports are checked against that pod', () => {
    check(`${podService('{statefulset.kubernetes.io/pod-name: web-0}', '', '9090\n#                                      ^^^^ error target-port-mismatch')}${statefulSet('')}`);
  });

  test('by its ordinal (apps.kubernetes.io/pod-index), with the template labels', () => {
    check(`${podService('{app: web, apps.kubernetes.io/pod-index: "1"}')}${statefulSet('\n  replicas: 2')}`);
  });

  test('an ordinal at or beyond replicas names a pod that does not exist', () => {
    check(`${podService('{statefulset.kubernetes.io/pod-name: web-1}', '#           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning service-selects-nothing: Service web-pod selects pods with statefulset.kubernetes.io/pod-name=web-1, but StatefulSet web runs 1 pod (web-0), so no pod has these labels: the Service has no endpoints')}${statefulSet('')}`);
  });

  test('ordinals start at ordinals.start', () => {
    check(`${podService('{statefulset.kubernetes.io/pod-name: web-5}')}${statefulSet('\n  replicas: 1\n  ordinals: {start: 5}')}`);
  });

  test('replicas a placeholder computes: any ordinal may exist', () => {
    check(`${podService('{statefulset.kubernetes.io/pod-name: web-7}')}${statefulSet('\n  replicas: ${REPLICAS}')}`);
  });

  test('the pod name of another StatefulSet is no pod of this one', () => {
    check(`${podService('{app: web, statefulset.kubernetes.io/pod-name: db-0}', '#           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning service-selects-nothing')}${statefulSet('')}`);
  });

  test('a Deployment has no pod names of this kind', () => {
    check(`
# --- service.yaml
apiVersion: v1
kind: Service
metadata: {name: api-0}
spec:
  selector: {app: api, statefulset.kubernetes.io/pod-name: api-0}
#           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning service-selects-nothing
  ports: [{port: 80}]
# --- deploy.yaml
apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers: [{name: api, image: api, ports: [{containerPort: 80}]}]
`);
  });
});

describe('template hashes the controllers add', () => {
  test('a selector on pod-template-hash or controller-revision-hash is unknown, not broken', () => {
    check(`
# --- service.yaml
apiVersion: v1
kind: Service
metadata: {name: api-canary}
spec:
  selector: {app: api, pod-template-hash: 7d9f8c6b5}
  ports: [{port: 80, targetPort: 8080}]
# --- other.yaml
apiVersion: v1
kind: Service
metadata: {name: worker-revision}
spec:
  selector: {app: worker, controller-revision-hash: worker-5c7d}
  ports: [{port: 80}]
# --- deploy.yaml
apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers: [{name: api, image: api, ports: [{containerPort: 8080}]}]
`);
  });
});
