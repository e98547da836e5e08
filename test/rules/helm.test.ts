import { describe, test } from 'node:test';
import { check } from '../support/checkRules';

// A chart the way `helm create` writes one: names and labels from _helpers.tpl includes, the
// Service's ports from values.yaml. Each test gives its own values and port lines.

const chartYaml = `
# --- web/Chart.yaml
apiVersion: v2
name: web
version: 0.1.0
`;

function values(text: string): string {
  return `
# --- web/values.yaml
${text.trim()}
`;
}

function service(ports: string): string {
  return `
# --- web/templates/service.yaml
apiVersion: v1
kind: Service
metadata:
  name: {{ include "web.fullname" . }}
  labels:
    {{- include "web.labels" . | nindent 4 }}
spec:
  type: {{ .Values.service.type }}
  selector:
    {{- include "web.selectorLabels" . | nindent 4 }}
  ports:
${ports}`;
}

function deployment(ports: string, containerExtra = ''): string {
  return `
# --- web/templates/deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "web.fullname" . }}
  labels:
    {{- include "web.labels" . | nindent 4 }}
spec:
  replicas: {{ .Values.replicaCount }}
  selector:
    matchLabels:
      {{- include "web.selectorLabels" . | nindent 6 }}
  template:
    metadata:
      {{- with .Values.podAnnotations }}
      annotations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      labels:
        {{- include "web.labels" . | nindent 8 }}
        {{- with .Values.podLabels }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
    spec:
      containers:
        - name: web
          image: "{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}"
          ports:
${ports}${containerExtra}
          resources:
            {{- toYaml .Values.resources | nindent 12 }}
`;
}

const httpPort = `            - name: http
              containerPort: 8080
              protocol: TCP`;

describe('Helm charts: values from values.yaml', () => {
  test('a targetPort from values.yaml that no container declares is reported, with where the value comes from', () => {
    check(`${chartYaml}${values(`
service:
  type: ClusterIP
  port: 80
  targetPort: 8081
`)}${service(`
    - name: http
      port: {{ .Values.service.port }}
      targetPort: {{ .Values.service.targetPort }}
#                 ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ error target-port-mismatch: Service {{ include "web.fullname" . }} sends port http (80, service.port in web/values.yaml) to targetPort 8081 (service.targetPort in web/values.yaml), but Deployment {{ include "web.fullname" . }} (web/templates/deployment.yaml) declares no containerPort 8081 (its containerPorts are 8080 (http)`)}${deployment(httpPort)}`);
  });

  test('the same chart with values that agree is quiet', () => {
    check(`${chartYaml}${values(`
service:
  port: 80
  targetPort: 8080
`)}${service(`
    - name: http
      port: {{ .Values.service.port }}
      targetPort: {{ .Values.service.targetPort }}`)}${deployment(httpPort)}`);
  });

  test('a containerPort from values.yaml is compared like a written one', () => {
    check(`${chartYaml}${values(`
service:
  port: 80
containerPort: 9000
`)}${service(`
    - name: http
      port: {{ .Values.service.port }}
      targetPort: 8080
#                 ^^^^ error target-port-mismatch: but Deployment {{ include "web.fullname" . }} (web/templates/deployment.yaml) declares no containerPort 8080 (its containerPorts are 9000 (http)`)}${deployment(`            - name: http
              containerPort: {{ .Values.containerPort }}`)}`);
  });

  test('a value `quote` turns into a string is a port name to Kubernetes', () => {
    check(`${chartYaml}${values(`
service:
  targetPort: 8080
`)}${service(`
    - name: http
      port: 80
      targetPort: {{ .Values.service.targetPort | quote }}
#                 ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ error target-port-name-missing: to targetPort 8080 (service.targetPort in web/values.yaml), but Deployment {{ include "web.fullname" . }} (web/templates/deployment.yaml) declares no port named 8080
#                 ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ error port-name-invalid: is the string "8080"`)}${deployment(httpPort)}`);
  });

  test('an Ingress backend port from values.yaml that the Service does not have', () => {
    check(`${chartYaml}${values(`
ingress:
  servicePort: 8080
`)}
# --- web/templates/ingress.yaml
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: {{ include "web.fullname" . }}
spec:
  rules:
    - http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: web
                port:
                  number: {{ .Values.ingress.servicePort }}
#                         ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ error ingress-port-mismatch: Ingress {{ include "web.fullname" . }} sends to Service web port 8080 (ingress.servicePort in web/values.yaml), but Service web (web/templates/web-service.yaml) has port 80 (http): 8080 is its targetPort
# --- web/templates/web-service.yaml
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    {{- include "web.selectorLabels" . | nindent 4 }}
  ports:
    - name: http
      port: 80
      targetPort: 8080
${deployment(httpPort)}`);
  });

  test('a nodePort from values.yaml outside the node port range', () => {
    check(`${chartYaml}${values(`
service:
  type: NodePort
  nodePort: 8080
`)}${service(`
    - name: http
      port: 80
      targetPort: http
      nodePort: {{ .Values.service.nodePort }}
#               ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ error node-port-range: asks for nodePort 8080 (service.nodePort in web/values.yaml), outside the node port range 30000–32767`)}${deployment(httpPort)}`);
  });

  test('names and labels from values.yaml link like written ones', () => {
    check(`${chartYaml}${values(`
name: shop
port: 8081
`)}
# --- web/templates/shop.yaml
apiVersion: v1
kind: Service
metadata:
  name: {{ .Values.name }}
spec:
  selector:
    app: {{ .Values.name }}
  ports:
    - port: 80
      targetPort: {{ .Values.port }}
#                 ^^^^^^^^^^^^^^^^^^ error target-port-mismatch: Service shop sends port 80 to targetPort 8081 (port in web/values.yaml), but Deployment shop (web/templates/shop.yaml) declares no containerPort 8081 (its containerPorts are 8080
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Values.name }}
spec:
  selector:
    matchLabels:
      app: {{ .Values.name }}
  template:
    metadata:
      labels:
        app: {{ .Values.name }}
    spec:
      containers:
        - name: {{ .Values.name }}
          ports:
            - containerPort: 8080
`);
  });
});

describe('Helm charts: `default` fallbacks', () => {
  test('a `default` that values.yaml leaves in force is the value, and says so', () => {
    check(`${chartYaml}${values(`
service:
  port: 80
`)}${service(`
    - name: http
      port: {{ .Values.service.port | default 80 }}
      targetPort: {{ .Values.service.targetPort | default 8081 }}
#                 ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ error target-port-mismatch: to targetPort 8081 (the default of .Values.service.targetPort, which values.yaml leaves unset)`)}${deployment(httpPort)}`);
  });

  test('`default N .Values.x` falls back the same way, for an empty value too', () => {
    check(`${chartYaml}${values(`
service:
  targetPort: ""
`)}${service(`
    - name: http
      port: {{ default 80 .Values.service.port }}
      targetPort: {{ default 8081 .Values.service.targetPort }}
#                 ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ error target-port-mismatch: Service {{ include "web.fullname" . }} sends port http (80, the default of .Values.service.port, which values.yaml leaves unset) to targetPort 8081 (the default of .Values.service.targetPort, which values.yaml leaves unset)`)}${deployment(httpPort)}`);
  });

  test('a value set in values.yaml wins over the `default`', () => {
    check(`${chartYaml}${values(`
service:
  targetPort: 8080
`)}${service(`
    - name: http
      port: 80
      targetPort: {{ .Values.service.targetPort | default 8081 }}`)}${deployment(httpPort)}`);
  });
});

describe('Helm charts: selectors and labels built from includes', () => {
  test('a Service selector and pod labels from the same include select each other', () => {
    // The pod template writes `web.labels`; its own selector writes `web.selectorLabels`, which
    // the API server requires the template's labels to carry: the Service selects the Deployment.
    check(`${chartYaml}${values(`
service:
  port: 80
`)}${service(`
    - name: http
      port: {{ .Values.service.port }}
      targetPort: http`)}${deployment(httpPort)}`);
  });

  test('an include-built selector that no workload shares stays unknown, not "selects nothing"', () => {
    check(`${chartYaml}${values(`
service:
  port: 80
`)}${service(`
    - name: http
      port: 80
      targetPort: 8081`)}
# --- web/templates/worker.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: worker
spec:
  selector:
    matchLabels:
      {{- include "web.workerLabels" . | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include "web.workerLabels" . | nindent 8 }}
    spec:
      containers:
        - name: worker
          ports:
            - containerPort: 8080
`);
  });

  test('label values written as the same include match', () => {
    check(`${chartYaml}
# --- web/templates/all.yaml
apiVersion: v1
kind: Service
metadata:
  name: {{ include "web.fullname" . }}
spec:
  selector:
    app: {{ include "web.fullname" . }}
  ports:
    - port: 80
      targetPort: 8081
#                 ^^^^ error target-port-mismatch: its containerPorts are 8080
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "web.fullname" . }}
spec:
  selector:
    matchLabels:
      app: {{ include "web.fullname" . }}
  template:
    metadata:
      labels:
        app: {{ include "web.fullname" . }}
        version: v1
    spec:
      containers:
        - name: web
          ports:
            - containerPort: 8080
`);
  });

  test('a selector from values.yaml that no pod template carries selects nothing', () => {
    check(`${chartYaml}${values(`
app: shop
`)}
# --- web/templates/service.yaml
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: {{ .Values.app }}}
#           ^^^^^^^^^^^^^^^^^^^^^^^^ warning service-selects-nothing: Service web selects pods with app=shop, but no pod template in its namespace has these labels
  ports:
    - port: 80
      targetPort: 8080
# --- web/templates/deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
        {{- with .Values.podAnnotations }}
      annotations:
        {{- toYaml . | nindent 8 }}
        {{- end }}
    spec:
      containers:
        - name: web
          image: {{ .Values.image }}
`);
  });

  test("the same include in another chart is another chart's labels", () => {
    check(`${chartYaml}${service(`
    - name: http
      port: 80
      targetPort: 8081`)}
# --- other/Chart.yaml
apiVersion: v2
name: other
version: 0.1.0
${deployment(httpPort).replace('# --- web/', '# --- other/')}`);
  });
});

describe('Helm charts: what values.yaml cannot tell stays quiet', () => {
  test('a lookup values.yaml does not set, without a default, is unknown', () => {
    check(`${chartYaml}${values(`
service:
  port: 80
`)}${service(`
    - name: http
      port: {{ .Values.service.port }}
      targetPort: {{ .Values.service.targetPort }}`)}${deployment(httpPort)}`);
  });

  test('a chart without Chart.yaml is not resolved', () => {
    check(`${values(`
service:
  targetPort: 8081
`)}${service(`
    - name: http
      port: 80
      targetPort: {{ .Values.service.targetPort }}`)}${deployment(httpPort)}`);
  });

  test('ports a template may add (range, toYaml, an include) leave the link unknown', () => {
    for (const extra of [
      `
          {{- range .Values.extraPorts }}
            - name: {{ .name }}
              containerPort: {{ .port }}
          {{- end }}`,
      `
          {{- with .Values.extraPorts }}
            {{- toYaml . | nindent 12 }}
          {{- end }}`,
      `
          env:
            {{- include "web.env" . | nindent 12 }}`,
      `
          args: {{ toYaml .Values.args | nindent 12 }}`,
    ]) {
      check(`${chartYaml}${values(`
service:
  targetPort: 9090
`)}${service(`
    - name: http
      port: 80
      targetPort: {{ .Values.service.targetPort }}`)}${deployment(httpPort, extra)}`);
    }
  });

  test('an env var a template computes matters only where it names the port the process binds', () => {
    const chart = (name: string) => `${chartYaml}${values(`
service:
  targetPort: 9090
`)}${service(`
    - name: http
      port: 80
      targetPort: {{ .Values.service.targetPort }}${name === 'LOG_LEVEL' ? '\n#                 ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ error target-port-mismatch: declares no containerPort 9090 (its containerPorts are 8080 (http))' : ''}`)}${deployment(httpPort, `
          env:
            - name: ${name}
              value: {{ .Values.unset | quote }}`)}`;
    check(chart('PORT'));
    check(chart('LOG_LEVEL'));
  });

  test('a value that is a map, a list, or not one plain scalar stays unknown', () => {
    check(`${chartYaml}${values(`
service:
  targetPort: {http: 8081}
  ports: [8081]
  name: "two words"
`)}${service(`
    - name: {{ .Values.service.name }}
      port: 80
      targetPort: {{ .Values.service.targetPort }}
    - port: 81
      targetPort: {{ .Values.service.ports }}`)}${deployment(httpPort)}`);
  });

  test('inside `with` and `range`, `.Values` is not the chart\'s values', () => {
    check(`${chartYaml}${values(`
service:
  targetPort: 8081
`)}
# --- web/templates/service.yaml
{{- with .Values.service }}
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    {{- include "web.selectorLabels" $ | nindent 4 }}
  ports:
    - port: 80
      targetPort: {{ .Values.service.targetPort }}
{{- end }}
${deployment(httpPort)}`);
  });

  test('both branches of an if/else write the key: either may be rendered', () => {
    check(`${chartYaml}${values(`
tls: true
`)}${service(`
    - name: http
      port: 80
      {{- if .Values.tls }}
      targetPort: 8443
      {{- else }}
      targetPort: 8080
      {{- end }}`)}${deployment(`            - name: http
              containerPort: 8080
            {{- if .Values.tls }}
            - name: https
              containerPort: 8443
            {{- end }}`)}`);
  });

  test('a selector partly written by toYaml matches nothing for certain', () => {
    check(`${chartYaml}${values(`
service:
  targetPort: 8081
`)}
# --- web/templates/service.yaml
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
    {{- with .Values.extraSelector }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  ports:
    - port: 80
      targetPort: {{ .Values.service.targetPort }}
# --- web/templates/deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          ports:
            - containerPort: 8080
`);
  });
});
