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
      metadata: {labels: {app: web}}
      spec:
        containers:
          - name: web
            ports:
              - {name: http, containerPort: 8080}
              - {name: metrics, containerPort: 9102}
`;

describe('target-port-mismatch', () => {
  test('a numeric targetPort that no container declares', () => {
    check(`
      # --- service.yaml
      apiVersion: v1
      kind: Service
      metadata: {name: web}
      spec:
        selector: {app: web}
        ports:
          - port: 80
            targetPort: 8081
      #                 ^^^^ error target-port-mismatch: Service web sends port 80 to targetPort 8081, but no container of Deployment web (deploy.yaml) listens on 8081: its containerPorts are 8080 (http), 9102 (metrics)
      ${deployment}`);
  });

  test('a numeric targetPort that a container declares', () => {
    check(`
      # --- service.yaml
      apiVersion: v1
      kind: Service
      metadata: {name: web}
      spec:
        selector: {app: web}
        ports:
          - port: 80
            targetPort: 8080
      ${deployment}`);
  });
});
