import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { check } from '../support/checkRules';

const deployment = `
# --- deploy.yaml
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web, tier: front}}
    spec:
      containers:
        - name: web
          ports:
            - {name: http, containerPort: 8080}
            - {name: metrics, containerPort: 9102}
`;

function service(ports: string, extra = ''): string {
  return `
# --- service.yaml
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}${extra}
  ports:
${ports}`;
}

describe('target-port-mismatch', () => {
  test('a numeric targetPort that no container declares', () => {
    check(`${service(`
    - port: 80
      targetPort: 8081
#                 ^^^^ error target-port-mismatch: Service web sends port 80 to targetPort 8081, but Deployment web (deploy.yaml) declares no containerPort 8081 (its containerPorts are 8080 (http), 9102 (metrics)`)}
${deployment}`);
  });

  test('a numeric targetPort that a container declares', () => {
    check(`${service(`
    - port: 80
      targetPort: 8080`)}
${deployment}`);
  });

  test('every selected workload is checked, not any one', () => {
    check(`${service(`
    - port: 80
      targetPort: 8080
#                 ^^^^ error target-port-mismatch: StatefulSet web-canary (canary.yaml) declares no containerPort 8080`)}
${deployment}
# --- canary.yaml
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: web-canary}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: web
          ports: [{containerPort: 8000}]
`);
  });

  test('the fixes offer the containerPort for the targetPort, and the targetPort for the containerPort', () => {
    const findings = check(`
# --- service.yaml
apiVersion: v1
kind: Service
metadata: {name: api}
spec:
  selector: {app: api}
  ports:
    - port: 80
      targetPort: 8081
#                 ^^^^ error target-port-mismatch
# --- deploy.yaml
apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  template:
    metadata: {labels: {app: api}}
    spec:
      containers: [{name: api, ports: [{containerPort: 8080}]}]
`);
    assert.deepEqual(findings[0].fixes.map((fix) => [fix.title, fix.edits[0].newText, fix.preferred ?? false]), [
      ['Set targetPort to 8080', '8080', true],
      ['Set containerPort of api to 8081', '8081', false],
    ]);
  });

  test('a port the process binds by env or flag explains an undeclared targetPort', () => {
    check(`
# --- service.yaml
apiVersion: v1
kind: Service
metadata: {name: api}
spec:
  selector: {app: api}
  ports:
    - {name: http, port: 80, targetPort: 3000}
    - {name: admin, port: 81, targetPort: 18080}
    - {name: metrics, port: 82, targetPort: 8443}
# --- deploy.yaml
apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  template:
    metadata: {labels: {app: api}}
    spec:
      containers:
        - name: api
          args: ["--admin-port", "18080", "--metrics-bind-address=:8443"]
          env:
            - {name: PORT, value: "3000"}
          ports: [{containerPort: 9999}]
`, { only: ['target-port-mismatch'] });
  });

  test('a client-side port variable explains nothing', () => {
    check(`
# --- service.yaml
apiVersion: v1
kind: Service
metadata: {name: api}
spec:
  selector: {app: api}
  ports:
    - port: 80
      targetPort: 5432
#                 ^^^^ error target-port-mismatch
# --- deploy.yaml
apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  template:
    metadata: {labels: {app: api}}
    spec:
      containers:
        - name: api
          args: ["--db-port=5432", "--redis-address", "redis:6379"]
          env: [{name: DB_PORT, value: "5432"}]
          ports: [{containerPort: 8080}]
`);
  });

  test('containers that declare no ports leave the link unknown', () => {
    check(`${service(`
    - port: 80
      targetPort: 8081`)}
# --- deploy.yaml
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: nginx}]
`);
  });

  test('PORT from a ConfigMap the workspace does not hold leaves the link unknown', () => {
    check(`${service(`
    - port: 80
      targetPort: 8081`)}
# --- deploy.yaml
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: web
          env: [{name: PORT, valueFrom: {configMapKeyRef: {name: elsewhere, key: port}}}]
          ports: [{containerPort: 8080}]
`);
  });

  test('native sidecars serve ports; plain init containers do not', () => {
    check(`
# --- service.yaml
apiVersion: v1
kind: Service
metadata: {name: mesh}
spec:
  selector: {app: mesh}
  ports:
    - {name: proxy, port: 15001, targetPort: 15001}
    - {name: init, port: 80, targetPort: 9000}
#                                        ^^^^ error target-port-mismatch: its containerPorts are 8080, 15001
# --- pod.yaml
apiVersion: v1
kind: Pod
metadata: {name: mesh, labels: {app: mesh}}
spec:
  initContainers:
    - {name: setup, ports: [{containerPort: 9000}]}
    - {name: proxy, restartPolicy: Always, ports: [{containerPort: 15001}]}
  containers:
    - {name: app, ports: [{containerPort: 8080}]}
`);
  });

  test('CronJob, Job and Rollout pod templates are selected too', () => {
    check(`
# --- service.yaml
apiVersion: v1
kind: Service
metadata: {name: batch}
spec:
  selector: {app: batch}
  ports:
    - port: 80
      targetPort: 8081
#                 ^^^^ error target-port-mismatch: CronJob nightly
# --- cron.yaml
apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly}
spec:
  schedule: "0 0 * * *"
  jobTemplate:
    spec:
      template:
        metadata: {labels: {app: batch}}
        spec:
          containers: [{name: job, ports: [{containerPort: 8080}]}]
`);
  });

  test('a Helm template never produces a finding', () => {
    check(`
# --- chart/templates/service.yaml
apiVersion: v1
kind: Service
metadata:
  name: {{ include "web.fullname" . }}
spec:
  selector:
    {{- include "web.selectorLabels" . | nindent 4 }}
  ports:
    - port: 80
      targetPort: 8081
# --- chart/templates/deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "web.fullname" . }}
spec:
  template:
    metadata:
      labels:
        {{- include "web.selectorLabels" . | nindent 8 }}
    spec:
      containers:
        - name: web
          ports:
            - containerPort: {{ .Values.port }}
`);
  });
});

describe('target-port-name-missing', () => {
  test('a named targetPort that no container names', () => {
    check(`${service(`
    - port: 80
      targetPort: web
#                 ^^^ error target-port-name-missing: Service web sends port 80 to targetPort web, but Deployment web (deploy.yaml) declares no port named web (its containerPorts are 8080 (http), 9102 (metrics)`)}
${deployment}`);
  });

  test('a quoted number is a name, as Kubernetes reads it', () => {
    check(`${service(`
    - port: 80
      targetPort: "8080"
#                 ^^^^^^ error target-port-name-missing`)}
${deployment}`, { only: ['target-port-name-missing'] });
  });

  test('a named targetPort that a container names', () => {
    check(`${service(`
    - {name: http, port: 80, targetPort: http}
    - {name: metrics, port: 9102, targetPort: metrics}`)}
${deployment}`);
  });
});

describe('implicit-target-port', () => {
  test('an omitted targetPort equals port, which no container declares', () => {
    const findings = check(`${service(`
    - name: http
      port: 80
#           ^^ warning implicit-target-port: Service web port http (80) has no targetPort, so traffic goes to 80`)}
${deployment}`);
    assert.deepEqual(findings[0].fixes.map((fix) => fix.title), ['Add targetPort: http', 'Add targetPort: metrics']);
    assert.equal(findings[0].fixes[0].edits[0].newText, '\n      targetPort: http');
  });

  test('an omitted targetPort equal to a containerPort', () => {
    check(`${service(`
    - port: 8080`)}
${deployment}`);
  });
});

describe('protocol-mismatch', () => {
  test('a UDP Service port sent to a TCP container port', () => {
    check(`
# --- dns.yaml
apiVersion: v1
kind: Service
metadata: {name: dns}
spec:
  selector: {app: dns}
  ports:
    - name: dns
      port: 53
      protocol: UDP
#               ^^^ error protocol-mismatch: Service dns port dns (53) speaks UDP, but container dns of Deployment dns (dns.yaml) declares 53 as TCP
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: dns}
spec:
  template:
    metadata: {labels: {app: dns}}
    spec:
      containers: [{name: dns, ports: [{containerPort: 53, protocol: TCP}]}]
`);
  });

  test('a container port without protocol says nothing about it: the API only fills in TCP', () => {
    check(`
# --- syslog.yaml
apiVersion: v1
kind: Service
metadata: {name: syslog}
spec:
  selector: {app: syslog}
  ports: [{port: 514, protocol: UDP}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: syslog}
spec:
  template:
    metadata: {labels: {app: syslog}}
    spec:
      containers: [{name: syslog, ports: [{containerPort: 514}, {containerPort: 601}]}]
`);
  });

  test('a container that declares both protocols', () => {
    check(`
# --- dns.yaml
apiVersion: v1
kind: Service
metadata: {name: dns}
spec:
  selector: {app: dns}
  ports:
    - {name: udp, port: 53, protocol: UDP}
    - {name: tcp, port: 53, protocol: TCP}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: dns}
spec:
  template:
    metadata: {labels: {app: dns}}
    spec:
      containers: [{name: dns, ports: [{containerPort: 53, protocol: UDP}, {containerPort: 53}]}]
`);
  });
});

describe('service-selects-nothing', () => {
  test('a selector that no pod template matches', () => {
    check(`
# --- service.yaml
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: wbe}
#           ^^^^^^^^^^ warning service-selects-nothing: Service web selects pods with app=wbe, but no pod template in its namespace has these labels
  ports: [{port: 80}]
${deployment}`);
  });

  test('namespaces: a missing namespace links with default, not with another namespace', () => {
    check(`
# --- service.yaml
apiVersion: v1
kind: Service
metadata: {name: web, namespace: default}
spec:
  selector: {app: web}
  ports: [{port: 8080}]
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  selector: {app: web}
#           ^^^^^^^^^^ warning service-selects-nothing
  ports: [{port: 8080}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: other, namespace: shop}
spec:
  template:
    metadata: {labels: {app: other}}
    spec: {containers: [{name: other}]}
${deployment}`);
  });

  test('unknown where the namespace holds no workloads at all', () => {
    check(`
# --- service.yaml
apiVersion: v1
kind: Service
metadata: {name: web, namespace: elsewhere}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 1234}]
`);
  });

  test('headless Services are checked; ExternalName and selector-less Services are not', () => {
    check(`
# --- services.yaml
apiVersion: v1
kind: Service
metadata: {name: web-headless}
spec:
  clusterIP: None
  selector: {app: web}
  ports:
    - port: 80
      targetPort: 8081
#                 ^^^^ error target-port-mismatch
---
apiVersion: v1
kind: Service
metadata: {name: external}
spec:
  type: ExternalName
  externalName: db.example.com
  selector: {app: web}
  ports: [{port: 5432}]
---
apiVersion: v1
kind: Service
metadata: {name: manual}
spec:
  ports: [{port: 80, targetPort: 9999}]
---
apiVersion: v1
kind: Endpoints
metadata: {name: manual}
subsets: [{addresses: [{ip: 10.0.0.1}], ports: [{port: 9999}]}]
${deployment}`);
  });
});

describe('directives and settings', () => {
  test('portchain-disable-next-line and severity settings apply', () => {
    check(`${service(`
    - port: 80
      # portchain-disable-next-line target-port-mismatch
      targetPort: 8081
    - name: b
      port: 81
      targetPort: 8082
#                 ^^^^ warning target-port-mismatch`)}
${deployment}`, { rules: { severities: { 'target-port-mismatch': 'warning', 'port-name-required': 'off' } } });
  });

  test('portchain-disable-file silences a rule for the whole file', () => {
    check(`${service(`
    - port: 80
      targetPort: 8081
# portchain-disable-file target-port-mismatch`)}
${deployment}`);
  });
});

describe('partial and side-by-side systems', () => {
  test('alternatives in sibling folders that reuse labels are not selected together', () => {
    check(`
# --- tgi/service.yaml
apiVersion: v1
kind: Service
metadata: {name: llm}
spec:
  selector: {app: llm}
  ports: [{port: 8000, targetPort: 8000}]
# --- tgi/deploy.yaml
apiVersion: apps/v1
kind: Deployment
metadata: {name: tgi}
spec:
  template:
    metadata: {labels: {app: llm}}
    spec: {containers: [{name: tgi, ports: [{containerPort: 8000}]}]}
# --- saxml/deploy.yaml
apiVersion: apps/v1
kind: Deployment
metadata: {name: saxml}
spec:
  template:
    metadata: {labels: {app: llm}}
    spec: {containers: [{name: sax, ports: [{containerPort: 10001}]}]}
`);
  });

  test('a Service for pods an operator creates from a custom resource is unknown, not empty', () => {
    check(`
# --- monitoring.yaml
apiVersion: v1
kind: Service
metadata: {name: prometheus-k8s, namespace: monitoring}
spec:
  selector: {prometheus: k8s}
  ports: [{port: 9090}]
---
apiVersion: monitoring.coreos.com/v1
kind: Prometheus
metadata: {name: k8s, namespace: monitoring}
spec: {replicas: 2}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: grafana, namespace: monitoring}
spec:
  template:
    metadata: {labels: {app: grafana}}
    spec: {containers: [{name: grafana, ports: [{containerPort: 3000}]}]}
`);
  });

  test('protocol-named flags such as --tcp 19090 are listeners', () => {
    check(`
# --- echo.yaml
apiVersion: v1
kind: Service
metadata: {name: echo}
spec:
  selector: {app: echo}
  ports: [{name: tcp, port: 9090, targetPort: 19090}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: echo}
spec:
  template:
    metadata: {labels: {app: echo}}
    spec:
      containers:
        - name: echo
          args: [--port, "18080", --tcp, "19090", --grpc, "17070"]
          ports: [{containerPort: 18080}]
`);
  });
});

describe('ports an image listens on by default', () => {
  test("a well-known image's default port explains an undeclared targetPort", () => {
    check(`
# --- jaeger.yaml
apiVersion: v1
kind: Service
metadata: {name: jaeger-collector}
spec:
  selector: {app: jaeger}
  ports:
    - {name: http, port: 14268, targetPort: 14268}
    - {name: other, port: 9999, targetPort: 9999}
#                                           ^^^^ error target-port-mismatch: declares no containerPort 9999 (its containerPorts are 16686), and its image listens on 5775, 5778, 6831, 6832, 9411, 14250, … by default
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: jaeger}
spec:
  template:
    metadata: {labels: {app: jaeger}}
    spec:
      containers:
        - name: jaeger
          image: docker.io/jaegertracing/all-in-one:1.6.0
          ports: [{containerPort: 16686}]
`, { only: ['target-port-mismatch'] });
  });
});
