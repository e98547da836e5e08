import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { check } from '../support/checkRules';
import { applyFix, linesAround } from './fixes';

describe('port-name-required', () => {
  const only = ['port-name-required'];

  test('every unnamed port of a multi-port Service, with a conventional name to add', () => {
    const source = `
      # --- service.yaml
      apiVersion: v1
      kind: Service
      metadata: {name: web}
      spec:
        selector: {app: web}
        ports:
          - port: 80
      #           ^^ error port-name-required: Service web has 2 ports, so each needs a name, but port 80 (ports[0]) has none: the API server rejects the Service; name it, for example http
            targetPort: 8080
          - port: 9102
      #           ^^^^ error port-name-required: name it, for example metrics
    `;
    const findings = check(source, { only });
    const fixed = applyFix(source, findings.find((finding) => finding.message.includes('port 80 ')), 'Name the port http', 'service.yaml');
    assert.equal(linesAround(fixed, 'name: http', 1, 1), '    - port: 80\n      name: http\n      targetPort: 8080\n');
  });

  test('a named targetPort gives the Service port its name, and names already taken are skipped', () => {
    check(`
      apiVersion: v1
      kind: Service
      metadata: {name: web}
      spec:
        ports:
          - {name: http, port: 8080}
          - {port: 80, targetPort: web}
      #            ^^ error port-name-required: name it, for example web
          - {port: 8000}
      #            ^^^^ error port-name-required: name it, for example http-tcp
    `, { only });
  });

  test('the name is added inside a flow map, and CRLF line endings are kept in block maps', () => {
    const flow = `
      apiVersion: v1
      kind: Service
      metadata: {name: grpc}
      spec:
        ports:
          - {port: 50051, protocol: TCP}
      #            ^^^^^ error port-name-required: name it, for example grpc
          - {port: 443, name: https}
    `;
    assert.match(applyFix(flow, check(flow, { only })[0], 'Name the port grpc', 'manifest.yaml'), /- \{name: grpc, port: 50051, protocol: TCP\}/);

    const crlf = `
      apiVersion: v1
      kind: Service
      metadata: {name: web}
      spec:
        ports:
          - port: 8443
      #           ^^^^ error port-name-required: name it, for example https
          - port: 9999
      #           ^^^^ error port-name-required: name it, for example port-9999
    `;
    const findings = check(crlf, { only, crlf: true });
    const fixed = applyFix(crlf, findings.find((finding) => finding.message.includes('9999')), 'Name the port port-9999', 'manifest.yaml', { crlf: true });
    assert.ok(fixed.includes('    - port: 9999\r\n      name: port-9999\r\n'), JSON.stringify(fixed));
  });

  test('an empty name is no name', () => {
    check(`
      apiVersion: v1
      kind: Service
      metadata: {name: web}
      spec:
        ports:
          - {name: "", port: 80}
      #                      ^^ error port-name-required: port 80 (ports[0]) has none
          - {name: metrics, port: 9102}
    `, { only });
  });

  test('a single unnamed port, fully named ports, and a Helm template are fine', () => {
    check(`
      # --- single.yaml
      apiVersion: v1
      kind: Service
      metadata: {name: single}
      spec:
        ports:
          - port: 80
      # --- named.yaml
      apiVersion: v1
      kind: Service
      metadata: {name: named}
      spec:
        ports:
          - {name: http, port: 80}
          - {name: metrics, port: 9102}
      # --- chart/templates/service.yaml
      apiVersion: v1
      kind: Service
      metadata: {name: {{ include "app.fullname" . }}}
      spec:
        ports:
          - name: {{ .Values.service.portName }}
            port: 80
          - port: 9102
    `, { only });
  });
});

describe('port-name-invalid', () => {
  const only = ['port-name-invalid'];

  test('a Service port name must be a DNS-1123 label', () => {
    check(`
      apiVersion: v1
      kind: Service
      metadata: {name: web}
      spec:
        ports:
          - name: http_api
      #           ^^^^^^^^ error port-name-invalid: Service web port 80 is named "http_api", which is not a valid Service port name (a DNS-1123 label): it contains "_", and only lowercase letters, digits and "-" are allowed
            port: 80
          - name: Metrics
      #           ^^^^^^^ error port-name-invalid: it has uppercase letters
            port: 9102
          - name: grpc-
      #           ^^^^^ error port-name-invalid: a DNS label must start and end with a letter or digit
            port: 50051
          - name: prometheus-metrics-http
            port: 9090
    `, { only });
  });

  test('a container port name must be an IANA service name', () => {
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
                  - name: prometheus-http1
      #                   ^^^^^^^^^^^^^^^^ error port-name-invalid: container web of Deployment web names containerPort 9090 "prometheus-http1", which is not a valid port name (IANA_SVC_NAME): it is 16 characters long, and an IANA service name has at most 15
                    containerPort: 9090
                  - name: http--alt
      #                   ^^^^^^^^^ error port-name-invalid: an IANA service name must not contain "--"
                    containerPort: 8081
                  - name: "8443"
      #                   ^^^^^^ error port-name-invalid: an IANA service name needs at least one letter (a-z)
                    containerPort: 8443
                  - name: metrics-http123
                    containerPort: 9102
    `, { only });
  });

  test('a quoted number as targetPort is a name: write the number instead', () => {
    const source = `
      apiVersion: v1
      kind: Service
      metadata: {name: web}
      spec:
        ports:
          - port: 80
            targetPort: "8080"
      #                 ^^^^^^ error port-name-invalid: targetPort of Service web port 80 is the string "8080": Kubernetes reads a quoted number as a port name, and a port name needs at least one letter, so the API server rejects it; write the number without quotes: 8080
          - port: 81
            targetPort: 'web-api-http-port'
      #                 ^^^^^^^^^^^^^^^^^^^ error port-name-invalid: targetPort of Service web port 81 names port "web-api-http-port", which is not a valid port name (IANA_SVC_NAME): it is 17 characters long
          - port: 82
            targetPort: \${TARGET_PORT}
    `;
    const findings = check(source, { only });
    const fixed = applyFix(source, findings.find((finding) => finding.message.includes('"8080"')), 'Write 8080 as a number', 'manifest.yaml');
    assert.ok(fixed.includes('      targetPort: 8080\n'));
  });

  test('probe and NetworkPolicy ports are IANA service names too', () => {
    check(`
      # --- pod.yaml
      apiVersion: v1
      kind: Pod
      metadata: {name: web, labels: {app: web}}
      spec:
        containers:
          - name: web
            ports: [{name: http, containerPort: 8080}]
            readinessProbe:
              httpGet: {path: /ready, port: "8080"}
      #                                     ^^^^^^ error port-name-invalid: readinessProbe.httpGet.port of container web of Pod web is the string "8080"
      # --- policy.yaml
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: web}
      spec:
        podSelector: {matchLabels: {app: web}}
        ingress:
          - ports:
              - port: Http
      #               ^^^^ error port-name-invalid: ingress port of NetworkPolicy web names port "Http", which is not a valid port name (IANA_SVC_NAME): it has uppercase letters
              - port: http
    `, { only });
  });
});

describe('port-duplicate', () => {
  const only = ['port-duplicate'];

  test('the same port and protocol twice in a Service, or the same name', () => {
    const findings = check(`
      apiVersion: v1
      kind: Service
      metadata: {name: dns}
      spec:
        ports:
          - {name: dns, port: 53, protocol: UDP}
          - {name: dns-tcp, port: 53, protocol: TCP}
          - {name: metrics, port: 9153}
          - {name: metrics-alt, port: 53, protocol: UDP}
      #                               ^^ error port-duplicate: Service dns lists port 53/UDP twice (ports[0] and ports[3]): the API server rejects a Service with a duplicate port and protocol
          - {name: dns, port: 5353}
      #            ^^^ error port-duplicate: Service dns names two ports dns (ports[0] and ports[4]): port names must be unique in a Service
    `, { only });
    const related = findings.find((finding) => finding.message.includes('53/UDP'))!.related;
    assert.deepEqual(related.map((item) => item.message), ['the first port 53/UDP of Service dns']);
  });

  test('the same containerPort and protocol, or the same name, in one container of a CronJob', () => {
    check(`
      apiVersion: batch/v1
      kind: CronJob
      metadata: {name: report}
      spec:
        schedule: "0 * * * *"
        jobTemplate:
          spec:
            template:
              spec:
                restartPolicy: OnFailure
                containers:
                  - name: report
                    ports:
                      - {name: http, containerPort: 8080}
                      - {name: web, containerPort: 8080}
      #                                            ^^^^ error port-duplicate: container report of CronJob report declares containerPort 8080/TCP twice (8080 (http) and 8080 (web)): the API server only warns, but kubectl apply merges ports by containerPort and protocol
                      - {name: http, containerPort: 9090}
      #                        ^^^^ error port-duplicate: container report of CronJob report names two ports http (8080 (http) and 9090 (http)): port names must be unique in a container
                      - {name: dns, containerPort: 53, protocol: UDP}
                      - {name: dns-tcp, containerPort: 53}
    `, { only });
  });

  test('the same port in two containers of one pod is not a duplicate', () => {
    check(`
      apiVersion: batch/v1
      kind: Job
      metadata: {name: migrate}
      spec:
        template:
          spec:
            initContainers:
              - name: wait
                ports: [{name: http, containerPort: 8080}]
            containers:
              - name: migrate
                ports: [{name: http, containerPort: 8080}]
    `, { only });
  });
});

describe('port-range', () => {
  const only = ['port-range'];

  test('Service, container, probe and host ports outside 1–65535; 0 where it means unset', () => {
    check(`
      # --- service.yaml
      apiVersion: v1
      kind: Service
      metadata: {name: web}
      spec:
        type: NodePort
        ports:
          - name: http
            port: 70000
      #           ^^^^^ error port-range: port of Service web is 70000, outside 1–65535: the API server rejects it
            targetPort: 0
            nodePort: 0
          - name: metrics
            port: 9102
            targetPort: -1
      #                 ^^ error port-range: targetPort of Service web port 9102 is -1, outside 1–65535 (0 or no targetPort means the same as port)
            nodePort: 65536
      #               ^^^^^ error port-range: nodePort of Service web port 9102 is 65536, outside 1–65535 (0 or no nodePort lets Kubernetes allocate one)
      # --- deploy.yaml
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: web}
      spec:
        template:
          spec:
            containers:
              - name: web
                ports:
                  - {name: http, containerPort: 0, hostPort: 0}
      #                                         ^ error port-range: containerPort of container web of Deployment web is 0, outside 1–65535
                  - {name: admin, containerPort: 8081, hostPort: 99999}
      #                                                          ^^^^^ error port-range: hostPort of container web of Deployment web is 99999, outside 1–65535 (0 or no hostPort means none)
                livenessProbe:
                  tcpSocket: {port: 80800}
      #                             ^^^^^ error port-range: livenessProbe.tcpSocket.port of container web of Deployment web is 80800
    `, { only });
  });

  test('Ingress and route backend ports and Gateway listener ports', () => {
    check(`
      # --- ingress.yaml
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
                    service: {name: web, port: {number: 0}}
      #                                                 ^ error port-range: backend port (port.number) for Service web of Ingress web is 0, outside 1–65535
      # --- route.yaml
      apiVersion: gateway.networking.k8s.io/v1
      kind: HTTPRoute
      metadata: {name: web}
      spec:
        rules:
          - backendRefs:
              - {name: web, port: 80800}
      #                           ^^^^^ error port-range: backend port (port) for Service web of HTTPRoute web is 80800
      # --- gateway.yaml
      apiVersion: gateway.networking.k8s.io/v1
      kind: Gateway
      metadata: {name: public}
      spec:
        listeners:
          - {name: http, port: 80, protocol: HTTP}
          - {name: https, port: 100443, protocol: HTTPS}
      #                         ^^^^^^ error port-range: port of listener https of Gateway public is 100443
    `, { only });
  });

  test('NetworkPolicy ports, endPort ranges that are empty, and endPort after a named port', () => {
    const source = `
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: web}
      spec:
        podSelector: {}
        ingress:
          - ports:
              - {port: 8000, endPort: 8010}
              - {port: 9000, endPort: 8999}
      #                               ^^^^ error port-range: ingress endPort 8999 of NetworkPolicy web is below its port 9000: the range 9000–8999 is empty
              - {port: http, endPort: 8080}
      #                               ^^^^ error port-range: ingress endPort 8080 of NetworkPolicy web follows the named port http: a range needs a numeric port
        egress:
          - ports:
              - {port: 70000}
      #                ^^^^^ error port-range: egress port of NetworkPolicy web is 70000
              - {port: 443, endPort: 65536}
      #                              ^^^^^ error port-range: egress endPort of NetworkPolicy web is 65536
    `;
    const findings = check(source, { only });
    const fixed = applyFix(source, findings.find((finding) => finding.message.includes('8999')), 'Set endPort to 9000', 'manifest.yaml');
    assert.ok(fixed.includes('{port: 9000, endPort: 9000}'));
  });
});

describe('host-port', () => {
  const only = ['host-port'];

  test('a hostPort on a Deployment or Job container is a last resort', () => {
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
                ports:
                  - {containerPort: 8080, hostPort: 80}
      #                                             ^^ warning host-port: container web of Deployment web takes hostPort 80 on its node for containerPort 8080: a hostPort is a last resort, because only one pod per node can hold it (more replicas stay Pending) and its address changes whenever the pod moves to another node; prefer a Service of type NodePort or LoadBalancer
                  - {containerPort: 9102, hostPort: 0}
      # --- job.yaml
      apiVersion: batch/v1
      kind: Job
      metadata: {name: load}
      spec:
        template:
          spec:
            containers:
              - name: load
                ports: [{containerPort: 9000, hostPort: 9000}]
      #                                                 ^^^^ warning host-port: container load of Job load takes hostPort 9000
    `, { only });
  });

  test('a DaemonSet runs one pod per node by design, so its hostPort is fine', () => {
    check(`
      apiVersion: apps/v1
      kind: DaemonSet
      metadata: {name: node-exporter}
      spec:
        template:
          spec:
            containers:
              - name: node-exporter
                ports: [{name: metrics, containerPort: 9100, hostPort: 9100}]
    `, { only });
  });
});
