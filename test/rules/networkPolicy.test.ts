import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { check } from '../support/checkRules';
import { applyFix } from './fixes';

const workloads = `
      # --- web.yaml
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: web}
      spec:
        selector: {matchLabels: {app: web}}
        template:
          metadata: {labels: {app: web, tier: front}}
          spec:
            initContainers:
              - name: migrate
                ports: [{name: admin, containerPort: 7000}]
            containers:
              - name: web
                ports:
                  - {name: http, containerPort: 8080}
                  - {name: metrics, containerPort: 9102}
      # --- worker.yaml
      apiVersion: batch/v1
      kind: Job
      metadata: {name: worker}
      spec:
        template:
          metadata: {labels: {app: worker, tier: back}}
          spec:
            restartPolicy: Never
            initContainers:
              - name: stats
                restartPolicy: Always
                ports: [{name: stats, containerPort: 9125, protocol: UDP}]
            containers:
              - name: worker
                env: [{name: PORT, value: "7070"}]
                ports: [{name: grpc, containerPort: 50051}]
`;

describe('network-policy-port', () => {
  const only = ['network-policy-port'];

  test('an ingress port that no selected pod declares', () => {
    const source = `
      # --- policy.yaml
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: allow-web}
      spec:
        podSelector: {matchLabels: {app: web}}
        policyTypes: [Ingress]
        ingress:
          - ports:
              - port: 8081
      #               ^^^^ warning network-policy-port: NetworkPolicy allow-web allows ingress to port 8081/TCP, but no pod it selects declares it: Deployment web (web.yaml) declares 8080 (http), 9102 (metrics)
              - port: 8080
              - port: metrics
      ${workloads}`;
    const findings = check(source, { only });
    assert.deepEqual(findings[0].related.map((item) => item.message), [
      'containerPort 8080 (http) of container web of Deployment web',
      'containerPort 9102 (metrics) of container web of Deployment web',
    ]);
  });

  test('a named port that no selected container port has, and a plain init container does not serve', () => {
    check(`
      # --- policy.yaml
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: allow-web}
      spec:
        podSelector: {matchLabels: {app: web}}
        ingress:
          - from: [{podSelector: {matchLabels: {app: gateway}}}]
            ports:
              - port: https
      #               ^^^^^ warning network-policy-port: NetworkPolicy allow-web allows ingress to the port named https (TCP), but no pod it selects declares it: Deployment web (web.yaml) declares 8080 (http), 9102 (metrics)
              - port: admin
      #               ^^^^^ warning network-policy-port: allows ingress to the port named admin (TCP)
              - port: http
      ${workloads}`, { only });
  });

  test('an empty podSelector selects every pod of the namespace: one that listens is enough', () => {
    check(`
      # --- policy.yaml
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: allow-all}
      spec:
        podSelector: {}
        ingress:
          - ports:
              - {port: 50051}
              - {port: grpc}
              - {port: 7070}
              - {port: 9125, protocol: UDP}
              - {port: 6379}
      #                ^^^^ warning network-policy-port: NetworkPolicy allow-all allows ingress to port 6379/TCP, but no pod it selects declares it: Deployment web (web.yaml) declares 8080 (http), 9102 (metrics); Job worker (worker.yaml) declares 50051 (grpc), 9125/UDP (stats)
      ${workloads}`, { only });
  });

  test('matchExpressions select the pods', () => {
    check(`
      # --- policy.yaml
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: back}
      spec:
        podSelector:
          matchExpressions:
            - {key: tier, operator: In, values: [back]}
            - {key: app, operator: NotIn, values: [web]}
        ingress:
          - ports:
              - port: 8080
      #               ^^^^ warning network-policy-port: NetworkPolicy back allows ingress to port 8080/TCP, but no pod it selects declares it: Job worker (worker.yaml) declares 50051 (grpc), 9125/UDP (stats)
      ${workloads}`, { only });
  });

  test('endPort ranges: one that covers a declared port, and one that does not', () => {
    check(`
      # --- policy.yaml
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: ranges}
      spec:
        podSelector: {matchLabels: {app: web}}
        ingress:
          - ports:
              - {port: 8000, endPort: 8100}
              - {port: 9000, endPort: 9100}
      #                ^^^^ warning network-policy-port: NetworkPolicy ranges allows ingress to ports 9000–9100/TCP, but no pod it selects declares it
      ${workloads}`, { only });
  });

  test('the protocol must match too', () => {
    const source = `
      # --- policy.yaml
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: statsd}
      spec:
        podSelector: {matchLabels: {app: worker}}
        ingress:
          - ports:
              - {port: 9125}
      #                ^^^^ warning network-policy-port: NetworkPolicy statsd allows ingress to port 9125/TCP, but no pod it selects declares it over TCP (it is declared as UDP)
      ${workloads}`;
    check(source, { only });
  });

  test('a single declared port is offered as the fix', () => {
    const source = `
      # --- policy.yaml
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: db}
      spec:
        podSelector: {matchLabels: {app: db}}
        ingress:
          - ports:
              - port: 5433
      #               ^^^^ warning network-policy-port: NetworkPolicy db allows ingress to port 5433/TCP
      # --- db.yaml
      apiVersion: apps/v1
      kind: StatefulSet
      metadata: {name: db}
      spec:
        template:
          metadata: {labels: {app: db}}
          spec:
            containers:
              - name: postgres
                ports: [{name: postgres, containerPort: 5432}]
    `;
    const findings = check(source, { only });
    assert.ok(applyFix(source, findings[0], 'Set the policy port to 5432', 'policy.yaml').includes('        - port: 5432\n'));
  });

  test('egress ports belong to other pods and are never reported', () => {
    check(`
      # --- policy.yaml
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: egress}
      spec:
        podSelector: {matchLabels: {app: web}}
        policyTypes: [Egress]
        egress:
          - ports:
              - {port: 5432}
              - {port: 53, protocol: UDP}
      ${workloads}`, { only });
  });

  test('unknown: a selection of nothing, containers that declare no ports, a port the process binds by env, a Helm template', () => {
    check(`
      # --- nothing.yaml
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: nothing}
      spec:
        podSelector: {matchLabels: {app: cache}}
        ingress: [{ports: [{port: 6379}]}]
      # --- silent.yaml
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: silent}
      spec:
        podSelector: {matchLabels: {app: silent}}
        ingress: [{ports: [{port: 3000}, {port: http}]}]
      # --- silent-deploy.yaml
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: silent}
      spec:
        template:
          metadata: {labels: {app: silent}}
          spec:
            containers: [{name: app, image: app}]
      # --- sidecar.yaml
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: sidecar}
      spec:
        podSelector: {matchLabels: {app: meshed}}
        ingress: [{ports: [{port: 15001}]}]
      # --- meshed.yaml
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: meshed}
      spec:
        template:
          metadata: {labels: {app: meshed}}
          spec:
            containers:
              - {name: app, ports: [{containerPort: 8080}]}
              - {name: proxy, image: envoy}
      # --- bound.yaml
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: bound}
      spec:
        podSelector: {matchLabels: {app: worker}}
        ingress: [{ports: [{port: 7070}]}]
      # --- chart/templates/policy.yaml
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: {{ .Release.Name }}}
      spec:
        podSelector: {matchLabels: {app: web}}
        ingress: [{ports: [{port: 1234}]}]
      ${workloads}`, { only });
  });

  test('CRLF files', () => {
    check(`
      # --- policy.yaml
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: allow-web}
      spec:
        podSelector:
          matchLabels:
            app: web
        ingress:
          - ports:
              - protocol: TCP
                port: 8443
      #               ^^^^ warning network-policy-port: NetworkPolicy allow-web allows ingress to port 8443/TCP
      ${workloads}`, { only, crlf: true });
  });
});
