import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { check } from '../support/checkRules';
import { applyFix } from './fixes';

describe('process-port-mismatch', () => {
  const only = ['process-port-mismatch'];

  test('a literal PORT that is none of the containerPorts', () => {
    const source = `
      # --- deploy.yaml
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: web}
      spec:
        template:
          spec:
            containers:
              - name: web
                env:
                  - name: PORT
                    value: "3000"
      #                    ^^^^^^ warning process-port-mismatch: container web of Deployment web (deploy.yaml) declares containerPort 8080 (http), but PORT=3000 makes its process listen on 3000: traffic sent to the declared port finds nothing there
                ports: [{name: http, containerPort: 8080}]
    `;
    const findings = check(source, { only });
    assert.deepEqual(findings[0].fixes.map((fix) => [fix.title, fix.preferred]), [['Set PORT to 8080', true], ['Set containerPort to 3000', undefined]]);
    assert.ok(applyFix(source, findings[0], 'Set PORT to 8080', 'deploy.yaml').includes('          value: "8080"\n'));
    assert.ok(applyFix(source, findings[0], 'Set containerPort to 3000', 'deploy.yaml').includes('{name: http, containerPort: 3000}'));
  });

  test('a PORT that one of several containerPorts matches, and client settings such as DB_PORT', () => {
    check(`
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: api}
      spec:
        template:
          spec:
            containers:
              - name: api
                env:
                  - {name: PORT, value: "8080"}
                  - {name: DB_PORT, value: "5432"}
                  - {name: REDIS_PORT, value: "6379"}
                ports:
                  - {name: http, containerPort: 8080}
                  - {name: metrics, containerPort: 9102}
    `, { only });
  });

  test('PORT from a configMapKeyRef: reported on the key, fixed in the ConfigMap', () => {
    const source = `
      # --- deploy.yaml
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: web}
      spec:
        template:
          spec:
            containers:
              - name: web
                env:
                  - name: SERVER_PORT
                    valueFrom:
                      configMapKeyRef: {name: web-config, key: server.port}
      #                                                        ^^^^^^^^^^^ warning process-port-mismatch: declares containerPort 8080, but SERVER_PORT=3005 from ConfigMap web-config makes its process listen on 3005
                ports: [{containerPort: 8080}]
      # --- config.yaml
      apiVersion: v1
      kind: ConfigMap
      metadata: {name: web-config}
      data:
        server.port: "3005"
    `;
    const findings = check(source, { only });
    assert.deepEqual(findings[0].related.map((item) => item.message), ['containerPort 8080 of container web of Deployment web', 'server.port in ConfigMap web-config']);
    assert.ok(applyFix(source, findings[0], 'Set SERVER_PORT to 8080', 'config.yaml').includes('  server.port: "8080"\n'));
  });

  test('PORT from a secretKeyRef, in base64 data and in stringData', () => {
    const source = `
      # --- deploy.yaml
      apiVersion: apps/v1
      kind: StatefulSet
      metadata: {name: store}
      spec:
        template:
          spec:
            containers:
              - name: store
                env:
                  - name: PORT
                    valueFrom: {secretKeyRef: {name: store-secret, key: port}}
      #                                                                 ^^^^ warning process-port-mismatch: PORT=9000 from Secret store-secret makes its process listen on 9000
                ports: [{containerPort: 8080}]
              - name: admin
                env:
                  - name: HTTP_PORT
                    valueFrom: {secretKeyRef: {name: admin-secret, key: HTTP_PORT}}
      #                                                                 ^^^^^^^^^ warning process-port-mismatch: HTTP_PORT=9001 from Secret admin-secret makes its process listen on 9001
                ports: [{containerPort: 8081}]
      # --- secrets.yaml
      apiVersion: v1
      kind: Secret
      metadata: {name: store-secret}
      data:
        port: OTAwMA==
      ---
      apiVersion: v1
      kind: Secret
      metadata: {name: admin-secret}
      stringData:
        HTTP_PORT: "9001"
    `;
    const findings = check(source, { only });
    assert.ok(applyFix(source, findings.find((finding) => finding.message.includes('9000')), 'Set PORT to 8080', 'secrets.yaml').includes('  port: ODA4MA==\n'));
    assert.ok(applyFix(source, findings.find((finding) => finding.message.includes('9001')), 'Set HTTP_PORT to 8081', 'secrets.yaml').includes('  HTTP_PORT: "8081"\n'));
  });

  test('PORT from envFrom with a prefix: reported on the source', () => {
    check(`
      # --- deploy.yaml
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: web}
      spec:
        template:
          spec:
            containers:
              - name: web
                envFrom:
                  - prefix: HTTP_
                    configMapRef: {name: listen}
      #                                  ^^^^^^ warning process-port-mismatch: HTTP_PORT=4000 from ConfigMap listen makes its process listen on 4000
                  - prefix: DB_
                    configMapRef: {name: database}
                ports: [{containerPort: 8080}]
      # --- config.yaml
      apiVersion: v1
      kind: ConfigMap
      metadata: {name: listen}
      data: {PORT: "4000"}
      ---
      apiVersion: v1
      kind: ConfigMap
      metadata: {name: database}
      data: {PORT: "5432"}
    `, { only });
  });

  test('a listening flag on the declared port overrides the env default', () => {
    check(`
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: web}
      spec:
        template:
          spec:
            containers:
              - name: web
                args: ["--listen=0.0.0.0:8080"]
                env: [{name: PORT, value: "3000"}]
                ports: [{containerPort: 8080}]
    `, { only });
  });

  test('a ConfigMap the workspace does not hold leaves the port unknown', () => {
    check(`
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: web}
      spec:
        template:
          spec:
            containers:
              - name: web
                env:
                  - name: PORT
                    valueFrom: {configMapKeyRef: {name: elsewhere, key: PORT}}
                envFrom: [{configMapRef: {name: also-elsewhere}}]
                ports: [{containerPort: 8080}]
    `, { only });
  });

  test('a native sidecar serves and is checked; a plain init container is not', () => {
    check(`
      apiVersion: batch/v1
      kind: Job
      metadata: {name: batch}
      spec:
        template:
          spec:
            restartPolicy: Never
            initContainers:
              - name: wait-for-db
                env: [{name: PORT, value: "5432"}]
                ports: [{containerPort: 8080}]
              - name: proxy
                restartPolicy: Always
                env: [{name: LISTEN_PORT, value: "15001"}]
      #                                          ^^^^^^^ warning process-port-mismatch: sidecar container proxy of Job batch (manifest.yaml) declares containerPort 15000, but LISTEN_PORT=15001 makes its process listen on 15001
                ports: [{containerPort: 15000}]
            containers:
              - name: batch
                env: [{name: PORT, value: "8080"}]
                ports: [{containerPort: 8080}]
    `, { only });
  });

  test('a CronJob container, with the env names set in the options', () => {
    check(`
      apiVersion: batch/v1
      kind: CronJob
      metadata: {name: report}
      spec:
        schedule: "@daily"
        jobTemplate:
          spec:
            template:
              spec:
                containers:
                  - name: report
                    env:
                      - {name: APP_LISTEN, value: "7000"}
      #                                           ^^^^^^ warning process-port-mismatch: container report of CronJob report (manifest.yaml) declares containerPort 7001, but APP_LISTEN=7000
                      - {name: PORT, value: "9999"}
                    ports: [{containerPort: 7001}]
    `, { only, rules: { bindPortEnvNames: ['APP_LISTEN'] } });
  });

  test('a Service that sends to a pod declaring no ports, whose PORT says otherwise', () => {
    const source = `
      # --- service.yaml
      apiVersion: v1
      kind: Service
      metadata: {name: web}
      spec:
        selector: {app: web}
        ports:
          - name: http
            port: 80
            targetPort: 8080
      #                 ^^^^ warning process-port-mismatch: Service web sends port http (80) to targetPort 8080, but container web of Deployment web (deploy.yaml) declares no containerPorts and its process listens on 3000 (PORT=3000 from ConfigMap web)
          - name: metrics
            port: 3000
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
                env:
                  - name: PORT
                    valueFrom: {configMapKeyRef: {name: web, key: PORT}}
      # --- config.yaml
      apiVersion: v1
      kind: ConfigMap
      metadata: {name: web}
      data:
        PORT: '3000'
    `;
    const findings = check(source, { only });
    assert.ok(applyFix(source, findings[0], 'Set targetPort to 3000', 'service.yaml').includes('      targetPort: 3000\n'));
    assert.ok(applyFix(source, findings[0], 'Set PORT to 8080', 'config.yaml').includes('  PORT: "8080"\n'));
  });

  test('an implicit targetPort: reported on port, fixed by adding targetPort (CRLF kept)', () => {
    const source = `
      # --- service.yaml
      apiVersion: v1
      kind: Service
      metadata: {name: api}
      spec:
        selector: {app: api}
        ports:
          - port: 8080
      #           ^^^^ warning process-port-mismatch: Service api port 8080 has no targetPort, so traffic goes to 8080, but container api of Deployment api (deploy.yaml) declares no containerPorts and its process listens on 5000 (PORT=5000)
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
                env: [{name: PORT, value: "5000"}]
    `;
    const findings = check(source, { only, crlf: true });
    assert.ok(applyFix(source, findings[0], 'Set targetPort to 5000', 'service.yaml', { crlf: true }).includes('    - port: 8080\r\n      targetPort: 5000\r\n'));
  });

  test('no Service finding where a flag or the PORT explains the target, or another container may listen', () => {
    check(`
      # --- service.yaml
      apiVersion: v1
      kind: Service
      metadata: {name: web}
      spec:
        selector: {app: web}
        ports:
          - {name: http, port: 80, targetPort: 8080}
      # --- flag.yaml
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: flag}
      spec:
        template:
          metadata: {labels: {app: web}}
          spec:
            containers:
              - name: app
                args: [serve, --port, "8080"]
                env: [{name: PORT, value: "3000"}]
      # --- two.yaml
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: two}
      spec:
        template:
          metadata: {labels: {app: web}}
          spec:
            containers:
              - name: app
                env: [{name: PORT, value: "3000"}]
              - name: proxy
                image: envoy
    `, { only });
  });

  test('a quoted "8080" targetPort is a name, so the Service check leaves it to the name rules', () => {
    check(`
      # --- service.yaml
      apiVersion: v1
      kind: Service
      metadata: {name: web}
      spec:
        selector: {app: web}
        ports:
          - {port: 80, targetPort: "8080"}
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
                env: [{name: PORT, value: "3000"}]
    `, { only });
  });

  test('a Helm template is never judged', () => {
    check(`
      # --- chart/templates/deployment.yaml
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: web}
      spec:
        template:
          spec:
            containers:
              - name: web
                env:
                  - {name: PORT, value: "3000"}
                  {{- with .Values.extraEnv }}
                  {{- toYaml . | nindent 10 }}
                  {{- end }}
                ports: [{containerPort: {{ .Values.port }}}]
    `, { only });
  });
});
