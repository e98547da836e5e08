// Fixtures shared by the protocol tests.

import { dedent } from '../support/fixture';

/** A Service whose targetPort no container declares, and the Deployment at the other end, in two files. */
export const BROKEN_CHAIN = `
  # --- apps/service.yaml
  apiVersion: v1
  kind: Service
  metadata: {name: web}
  spec:
    selector: {app: web}
    ports:
      - port: 80
        targetPort: 8081
  #                 ^^^^ error target-port-mismatch: Service web sends port 80 to targetPort 8081, but Deployment web (apps/deploy.yaml) declares no containerPort 8081 (its containerPorts are 8080
  # --- apps/deploy.yaml
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
              - containerPort: 8080
`;

/** Joins fixture parts written at different indentations into one fixture. */
export function joinFixtures(...parts: string[]): string {
  return parts.map((part) => dedent(part)).join('\n');
}
