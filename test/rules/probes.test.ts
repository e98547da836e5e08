import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { check } from '../support/checkRules';
import { applyFix } from './fixes';

describe('probe-port-missing', () => {
  const only = ['probe-port-missing'];

  test('a named probe port that no port of its container names', () => {
    const source = `
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: web}
      spec:
        template:
          spec:
            containers:
              - name: web
                ports:
                  - {name: http, containerPort: 8080}
                livenessProbe:
                  httpGet: {path: /healthz, port: healthz}
      #                                           ^^^^^^^ warning probe-port-missing: livenessProbe of container web of Deployment web (manifest.yaml) checks port healthz, but no port of this container is named healthz: its containerPorts are 8080 (http); the kubelet cannot resolve the name, so the probe fails
                readinessProbe:
                  httpGet: {path: /ready, port: http}
    `;
    const findings = check(source, { only });
    assert.deepEqual(findings[0].fixes.map((fix) => [fix.title, fix.preferred]), [['Set the livenessProbe port to http', true]]);
    assert.ok(applyFix(source, findings[0], 'Set the livenessProbe port to http', 'manifest.yaml').includes('httpGet: {path: /healthz, port: http}'));
  });

  test('the name must be on the probed container, not a neighbour in the pod', () => {
    const findings = check(`
      apiVersion: v1
      kind: Pod
      metadata: {name: web}
      spec:
        containers:
          - name: app
            ports: [{name: http, containerPort: 8080}, {name: admin, containerPort: 9000}]
          - name: proxy
            ports: [{name: proxy, containerPort: 15001}]
            readinessProbe:
              httpGet: {path: /ready, port: http}
      #                                     ^^^^ warning probe-port-missing: readinessProbe of container proxy of Pod web (manifest.yaml) checks port http, but no port of this container is named http: its containerPorts are 15001 (proxy)
    `, { only });
    assert.deepEqual(findings[0].fixes.map((fix) => fix.title), ['Set the readinessProbe port to proxy']);
  });

  test('a named probe port on a container that declares no ports cannot resolve either', () => {
    check(`
      apiVersion: batch/v1
      kind: CronJob
      metadata: {name: crawl}
      spec:
        schedule: "*/5 * * * *"
        jobTemplate:
          spec:
            template:
              spec:
                containers:
                  - name: crawl
                    startupProbe:
                      tcpSocket: {port: http}
      #                                 ^^^^ warning probe-port-missing: startupProbe of container crawl of CronJob crawl (manifest.yaml) checks port http, but the container declares no ports, so nothing gives that name a number
    `, { only });
  });

  test('a TCP probe on a port its container declares only for UDP', () => {
    check(`
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: dns}
      spec:
        template:
          spec:
            containers:
              - name: dns
                ports:
                  - {name: dns, containerPort: 53, protocol: UDP}
                  - {name: health, containerPort: 8080}
                livenessProbe:
                  tcpSocket: {port: dns}
      #                             ^^^ warning probe-port-missing: livenessProbe of container dns of Deployment dns (manifest.yaml) checks port dns with tcpSocket, which connects over TCP, but the container declares dns as 53/UDP (dns)
    `, { only });
  });

  test('a native sidecar init container is probed against its own ports, not the pod\'s', () => {
    check(`
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: web}
      spec:
        template:
          spec:
            initContainers:
              - name: setup
                ports: [{name: http, containerPort: 8080}]
              - name: log-shipper
                restartPolicy: Always
                ports: [{name: metrics, containerPort: 2020}]
                readinessProbe:
                  httpGet: {path: /health, port: http}
      #                                          ^^^^ warning probe-port-missing: readinessProbe of sidecar container log-shipper of Deployment web (manifest.yaml) checks port http, but no port of this container is named http: its containerPorts are 2020 (metrics)
            containers:
              - name: web
                ports: [{name: http, containerPort: 8080}]
                readinessProbe:
                  httpGet: {path: /ready, port: http}
    `, { only });
  });

  test('an undeclared number is no evidence: health servers often listen on a port of their own', () => {
    check(`
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: controller}
      spec:
        template:
          spec:
            containers:
              - name: manager
                args: [--metrics-bind-address=:8080]
                ports: [{name: metrics, containerPort: 8080}]
                livenessProbe:
                  httpGet: {path: /healthz, port: 8081}
              - name: silent
                readinessProbe:
                  tcpSocket: {port: 5000}
    `, { only });
  });

  test('a number that the process, by its PORT setting, does not listen on', () => {
    const source = `
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: api}
      spec:
        template:
          spec:
            containers:
              - name: api
                env:
                  - {name: PORT, value: "3000"}
                  - {name: DB_PORT, value: "5432"}
                ports: [{name: http, containerPort: 3000}]
                livenessProbe:
                  httpGet: {path: /healthz, port: 8080}
      #                                           ^^^^ warning probe-port-missing: livenessProbe of container api of Deployment api (manifest.yaml) checks port 8080, but the container's process listens on 3000 (PORT=3000) and nothing in the container names 8080: its containerPorts are 3000 (http)
                readinessProbe:
                  httpGet: {path: /ready, port: 3000}
    `;
    const findings = check(source, { only });
    assert.ok(applyFix(source, findings[0], 'Set the livenessProbe port to 3000', 'manifest.yaml').includes('httpGet: {path: /healthz, port: 3000}'));
  });

  test('a listening flag, a second port variable, or a ConfigMap the workspace lacks explains the number', () => {
    check(`
      # --- flag.yaml
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: flag}
      spec:
        template:
          spec:
            containers:
              - name: app
                args: ["--port=8080"]
                env: [{name: PORT, value: "3000"}]
                ports: [{containerPort: 3000}]
                livenessProbe:
                  httpGet: {path: /healthz, port: 8080}
      # --- management.yaml
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: spring}
      spec:
        template:
          spec:
            containers:
              - name: app
                env:
                  - {name: SERVER_PORT, value: "8080"}
                  - {name: MANAGEMENT_SERVER_PORT, value: "8081"}
                ports: [{containerPort: 8080}]
                livenessProbe:
                  httpGet: {path: /actuator/health, port: 8081}
      # --- absent.yaml
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: absent}
      spec:
        template:
          spec:
            containers:
              - name: app
                env:
                  - {name: HTTP_PORT, value: "3000"}
                  - name: LISTEN_PORT
                    valueFrom: {configMapKeyRef: {name: not-here, key: port}}
                ports: [{containerPort: 3000}]
                livenessProbe:
                  httpGet: {path: /healthz, port: 8080}
    `, { only });
  });

  test('one fix per port where the container declares several', () => {
    const findings = check(`
      apiVersion: apps/v1
      kind: StatefulSet
      metadata: {name: db}
      spec:
        template:
          spec:
            containers:
              - name: db
                ports:
                  - {name: sql, containerPort: 5432}
                  - {containerPort: 9187}
                readinessProbe:
                  tcpSocket: {port: postgres}
      #                             ^^^^^^^^ warning probe-port-missing: its containerPorts are 5432 (sql), 9187
    `, { only });
    assert.deepEqual(findings[0].fixes.map((fix) => [fix.title, fix.preferred]), [
      ['Set the readinessProbe port to sql', false],
      ['Set the readinessProbe port to 9187', false],
    ]);
  });

  test('a Helm template is never judged', () => {
    check(`
      # --- chart/templates/deployment.yaml
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: {{ include "web.fullname" . }}}
      spec:
        template:
          spec:
            containers:
              - name: web
                ports:
                  - name: {{ .Values.portName }}
                    containerPort: 8080
                livenessProbe:
                  httpGet: {path: /healthz, port: http}
    `, { only });
  });

  test('CRLF files', () => {
    check(`
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: web}
      spec:
        template:
          spec:
            containers:
              - name: web
                ports:
                  - name: http
                    containerPort: 8080
                readinessProbe:
                  httpGet:
                    path: /ready
                    port: htttp
      #                   ^^^^^ warning probe-port-missing: checks port htttp, but no port of this container is named htttp
    `, { only, crlf: true });
  });
});
