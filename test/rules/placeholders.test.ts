// Placeholders of other template syntaxes in plain YAML files: Python and shell format fields
// (`{self.path.k8s}`), envsubst (`${VAR}`), Jinja (`{{ name }}`). A generator fills them in before
// anything is applied, so they are not values: nothing is reported on them.
import { describe, test } from 'node:test';
import { check } from '../support/checkRules';

describe('placeholders of other template syntaxes', () => {
  test('a Python format field as a selector value selects nothing that can be known', () => {
    // Unquoted, `{self.path.k8s}` is a YAML flow map; both Services would otherwise select the
    // Deployment of the other test.
    check(`
# --- tests/backend.yaml
apiVersion: v1
kind: Service
metadata:
  name: {self.path.k8s}
spec:
  selector:
    backend: {self.path.k8s}
  ports:
    - {name: http, port: 80, targetPort: 8080}
# --- tests/httpbin.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {self.path.k8s}
spec:
  selector:
    matchLabels:
      backend: {self.path.k8s}
  template:
    metadata:
      labels:
        backend: {self.path.k8s}
    spec:
      containers:
        - name: httpbin
          image: kennethreitz/httpbin
          ports: [{name: http, containerPort: 80}]
`);
  });

  test('a format field or an envsubst variable as a targetPort is unknown', () => {
    check(`
# --- service.yaml
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports:
    - {name: a, port: 80, targetPort: {port}}
    - {name: b, port: 81, targetPort: "\${TARGET_PORT}"}
    - {name: d, port: 83, targetPort: "{self.target_port}"}
# --- deploy.yaml
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: web, ports: [{containerPort: 8080}]}]
`);
  });

  test('pods whose labels an envsubst variable fills in leave a plain selector unknown, not broken', () => {
    check(`
# --- service.yaml
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
# --- deploy.yaml
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: "\${APP}"}}
  template:
    metadata: {labels: {app: "\${APP}"}}
    spec:
      containers: [{name: web, image: web, ports: [{containerPort: 8080}]}]
`);
  });

  test('a plain string is still a name', () => {
    check(`
# --- service.yaml
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports:
    - port: 80
      targetPort: http
#                 ^^^^ error target-port-name-missing
# --- deploy.yaml
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: web, ports: [{name: web, containerPort: 8080}]}]
`);
  });
});
