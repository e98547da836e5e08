import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { check } from '../support/checkRules';
import { applyFix } from './fixes';

const only = ['config-ref-missing', 'config-key-missing'];

describe('config-ref-missing', () => {
  test('a misspelt ConfigMap name beside the one the workspace holds, with its did-you-mean fix', () => {
    const source = `
      # --- app/deploy.yaml
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
                image: web:1
                envFrom:
                  - configMapRef: {name: web-confg}
      #                                  ^^^^^^^^^ error config-ref-missing: container web of Deployment web (app/deploy.yaml) reads ConfigMap web-confg (envFrom), but the default namespace has no ConfigMap web-confg: the pod cannot start (CreateContainerConfigError) unless the ref is optional: true; did you mean web-config (app/config.yaml)?
      # --- app/config.yaml
      apiVersion: v1
      kind: ConfigMap
      metadata: {name: web-config}
      data: {PORT: "8080"}
    `;
    const findings = check(source, { only });
    assert.deepEqual(findings.map((finding) => finding.fixes.map((fix) => fix.title)), [['Change the ConfigMap name to web-config']]);
    assert.ok(applyFix(source, findings[0], 'Change the ConfigMap name to web-config', 'app/deploy.yaml').includes('- configMapRef: {name: web-config}\n'));
  });

  test('a ConfigMap the same container reads beside another one the workspace writes there', () => {
    check(`
      # --- app/deploy.yaml
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: api}
      spec:
        selector: {matchLabels: {app: api}}
        template:
          metadata: {labels: {app: api}}
          spec:
            containers:
              - name: api
                image: api:1
                env:
                  - name: PORT
                    valueFrom: {configMapKeyRef: {name: api-config, key: PORT}}
                  - name: FEATURES
                    valueFrom: {configMapKeyRef: {name: api-features, key: flags}}
      #                                                 ^^^^^^^^^^^^ error config-ref-missing: container api of Deployment api (app/deploy.yaml) reads ConfigMap api-features (configMapKeyRef of FEATURES), but the default namespace has no ConfigMap api-features: the pod cannot start (CreateContainerConfigError) unless the ref is optional: true; the same container reads ConfigMap api-config, which is written beside it (app/config.yaml)
      # --- app/config.yaml
      apiVersion: v1
      kind: ConfigMap
      metadata: {name: api-config}
      data: {PORT: "8080"}
    `, { only });
  });

  test('a Secret is reported only as a typo: Secrets beside it say nothing of one made elsewhere (kubectl create secret, a pipeline)', () => {
    check(`
      # --- app/deploy.yaml
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: api}
      spec:
        selector: {matchLabels: {app: api}}
        template:
          metadata: {labels: {app: api}}
          spec:
            containers:
              - name: api
                image: api:1
                env:
                  - name: DB_PASSWORD
                    valueFrom: {secretKeyRef: {name: db, key: password}}
                  - name: CLOUD_SQL
                    valueFrom: {secretKeyRef: {name: cloud-sql-admin, key: connection}}
                  - name: TOKEN
                    valueFrom: {secretKeyRef: {name: api-tokn, key: token}}
      #                                              ^^^^^^^^ error config-ref-missing: container api of Deployment api (app/deploy.yaml) reads Secret api-tokn (secretKeyRef of TOKEN), but the default namespace has no Secret api-tokn: the pod cannot start (CreateContainerConfigError) unless the ref is optional: true; did you mean api-token (app/secret.yaml)?
      # --- app/secret.yaml
      apiVersion: v1
      kind: Secret
      metadata: {name: db}
      stringData: {password: hunter2}
      ---
      apiVersion: v1
      kind: Secret
      metadata: {name: api-token}
      stringData: {token: abc}
    `, { only });
  });

  test('a ConfigMap volume is a ref too, reported as a typo only; optional ones, well-known ones, placeholders and mere neighbours are not', () => {
    check(`
      # --- app/pod.yaml
      apiVersion: v1
      kind: Pod
      metadata: {name: web}
      spec:
        containers:
          - name: web
            image: web:1
            envFrom:
              - configMapRef: {name: web-env}
              - configMapRef: {name: extra, optional: true}
              - configMapRef: {name: "\${ENV_CONFIG}"}
        volumes:
          - name: conf
            configMap: {name: web-file}
      #                       ^^^^^^^^ error config-ref-missing: Pod web (app/pod.yaml) reads ConfigMap web-file (a volume), but the default namespace has no ConfigMap web-file: the pod cannot start (the volume never mounts: FailedMount) unless the ref is optional: true; did you mean web-files (app/env.yaml)?
          - name: dashboards
            configMap: {name: web-dashboard-network}
          - name: ca
            configMap: {name: kube-root-ca.crt}
          - name: maybe
            configMap: {name: maybe, optional: true}
      # --- app/env.yaml
      apiVersion: v1
      kind: ConfigMap
      metadata: {name: web-env}
      data: {PORT: "8080"}
      ---
      apiVersion: v1
      kind: ConfigMap
      metadata: {name: web-files}
      data: {index.html: hello}
      ---
      apiVersion: v1
      kind: ConfigMap
      metadata: {name: web-dashboards}
      data: {a.json: "{}"}
    `, { only });
  });

  test('a workload whose unit defines no object of that kind gets it from elsewhere: unknown', () => {
    check(`
      # --- app/deploy.yaml
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
                image: web:1
                envFrom:
                  - secretRef: {name: web-secrets}
                  - configMapRef: {name: web-config}
      # --- other/config.yaml
      apiVersion: v1
      kind: ConfigMap
      metadata: {name: web-confi}
      data: {PORT: "8080"}
    `, { only });
  });

  test('an ExternalSecret, a SealedSecret or an operator beside the workload may write it: unknown', () => {
    check(`
      # --- app/deploy.yaml
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: api}
      spec:
        selector: {matchLabels: {app: api}}
        template:
          metadata: {labels: {app: api}}
          spec:
            containers:
              - name: api
                image: api:1
                envFrom:
                  - secretRef: {name: db}
                  - secretRef: {name: api-credentials}
      # --- app/secret.yaml
      apiVersion: v1
      kind: Secret
      metadata: {name: db}
      stringData: {password: hunter2}
      # --- app/external.yaml
      apiVersion: external-secrets.io/v1beta1
      kind: ExternalSecret
      metadata: {name: api-credentials}
      spec:
        target: {name: api-credentials}
    `, { only });
  });

  test('a kustomize generator holds the ConfigMap under its hashed name', () => {
    check(`
      # --- app/kustomization.yaml
      resources: [deploy.yaml]
      configMapGenerator:
        - name: web-config
          literals: [PORT=8080]
      # --- app/deploy.yaml
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
                image: web:1
                env:
                  - name: PORT
                    valueFrom: {configMapKeyRef: {name: web-config, key: PORT}}
                  - name: MODE
                    valueFrom: {configMapKeyRef: {name: web-config, key: MOD}}
      #                                                                  ^^^ error config-key-missing: container web of Deployment web (app/deploy.yaml) reads key MOD of ConfigMap web-config (configMapKeyRef of MODE), but ConfigMap web-config (app/kustomization.yaml) has no key MOD: its keys are PORT
    `, { only });
  });

  test('Helm templates are not judged', () => {
    check(`
      # --- chart/Chart.yaml
      apiVersion: v2
      name: web
      version: 0.1.0
      # --- chart/templates/deploy.yaml
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
                image: web:1
                envFrom:
                  - configMapRef: {name: web-confg}
      # --- chart/templates/config.yaml
      apiVersion: v1
      kind: ConfigMap
      metadata: {name: web-config}
      data: {PORT: "8080"}
    `, { only });
  });
});

describe('config-key-missing', () => {
  test('a misspelt key, with its did-you-mean fix', () => {
    const source = `
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
                image: web:1
                env:
                  - name: PORT
                    valueFrom:
                      configMapKeyRef:
                        name: web-config
                        key: "PROT"
      #                      ^^^^^^ error config-key-missing: container web of Deployment web (deploy.yaml) reads key PROT of ConfigMap web-config (configMapKeyRef of PORT), but ConfigMap web-config (config.yaml) has no key PROT: its keys are PORT, MODE; the pod cannot start (CreateContainerConfigError) unless the ref is optional: true; did you mean PORT?
      # --- config.yaml
      apiVersion: v1
      kind: ConfigMap
      metadata: {name: web-config}
      data:
        PORT: "8080"
        MODE: prod
    `;
    const findings = check(source, { only });
    assert.equal(findings[0].fixes[0].title, 'Change the key to PORT');
    assert.ok(applyFix(source, findings[0], 'Change the key to PORT', 'deploy.yaml').includes('                  key: PORT\n'));
  });

  test('a key of binaryData, or of a Secret in data or stringData, is there; an optional ref and an empty object are not judged', () => {
    check(`
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
                image: web:1
                env:
                  - {name: A, valueFrom: {configMapKeyRef: {name: files, key: logo.png}}}
                  - {name: B, valueFrom: {secretKeyRef: {name: creds, key: user}}}
                  - {name: C, valueFrom: {secretKeyRef: {name: creds, key: password}}}
                  - {name: D, valueFrom: {secretKeyRef: {name: creds, key: other, optional: true}}}
                  - {name: E, valueFrom: {configMapKeyRef: {name: filled, key: ca.crt}}}
      # --- config.yaml
      apiVersion: v1
      kind: ConfigMap
      metadata: {name: files}
      binaryData: {logo.png: iVBORw0KGgo=}
      ---
      apiVersion: v1
      kind: Secret
      metadata: {name: creds}
      data: {user: YWRtaW4=}
      stringData: {password: hunter2}
      ---
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: filled
        annotations: {service.beta.openshift.io/inject-cabundle: "true"}
      data: {}
    `, { only });
  });
});
