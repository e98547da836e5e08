import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { check } from '../support/checkRules';

describe('selector-mismatch', () => {
  test('a Deployment whose selector names a label value its template does not carry', () => {
    check(`
# --- deploy.yaml
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web, tier: front}}
#           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ error selector-mismatch: Deployment web selects pods with app=web, tier=front, but its pod template's labels (spec.template.metadata.labels) miss app=web (the template says app=webapp), tier=front (not in the template); the API server rejects the Deployment
  template:
    metadata: {labels: {app: webapp}}
    spec:
      containers: [{name: web, image: web:1}]
`);
  });

  test('a template without labels', () => {
    check(`
# --- db.yaml
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  serviceName: db
  selector: {matchLabels: {app: db}}
#           ^^^^^^^^^^^^^^^^^^^^^^^^ error selector-mismatch: StatefulSet db selects pods with app=db, but its pod template has no labels (spec.template.metadata.labels)
  template:
    spec:
      containers: [{name: db, image: postgres:16}]
`);
  });

  test('matchExpressions count, and a selector the labels satisfy is quiet', () => {
    check(`
# --- deploy.yaml
apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  selector: {matchExpressions: [{key: track, operator: In, values: [stable, canary]}]}
#           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ error selector-mismatch: miss track In (stable, canary)
  template:
    metadata: {labels: {app: api, track: beta}}
    spec:
      containers: [{name: api, image: api:1}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api-stable}
spec:
  selector:
    matchLabels: {app: api}
    matchExpressions: [{key: track, operator: In, values: [stable, canary]}]
  template:
    metadata: {labels: {app: api, track: stable, extra: yes}}
    spec:
      containers: [{name: api, image: api:1}]
`);
  });

  test('plain-map selectors: ReplicationController and OpenShift DeploymentConfig', () => {
    check(`
# --- rc.yaml
apiVersion: v1
kind: ReplicationController
metadata: {name: legacy}
spec:
  selector: {app: legacy}
#           ^^^^^^^^^^^^^ error selector-mismatch: ReplicationController legacy selects pods with app=legacy
  template:
    metadata: {labels: {app: old}}
    spec:
      containers: [{name: legacy, image: legacy:1}]
---
apiVersion: apps.openshift.io/v1
kind: DeploymentConfig
metadata: {name: shop}
spec:
  selector: {app: shop}
#           ^^^^^^^^^^^ error selector-mismatch: OpenShift rejects the DeploymentConfig
  template:
    spec:
      containers: [{name: shop, image: shop:1}]
`);
  });

  test('a patch of another definition takes its labels from that base', () => {
    check(`
# --- base/deploy.yaml
apiVersion: apps/v1
kind: Deployment
metadata: {name: ui}
spec:
  selector: {matchLabels: {app: ui}}
  template:
    metadata: {labels: {app: ui}}
    spec:
      containers: [{name: ui, image: ui:1}]
# --- overlays/env/deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata: {name: ui}
spec:
  selector: {matchLabels: {app: ui}}
  template:
    spec:
      containers:
        - name: ui
          env: [{name: MODE, value: demo}]
`);
  });

  test('templates, Pods and controllers without a selector are not judged', () => {
    check(`
# --- chart/templates/deploy.yaml
apiVersion: apps/v1
kind: Deployment
metadata: {name: {{ .Release.Name }}}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {{ include "labels" . }}}
    spec:
      containers: [{name: web, image: web:1}]
# --- pod.yaml
apiVersion: v1
kind: Pod
metadata: {name: solo, labels: {app: solo}}
spec:
  containers: [{name: solo, image: solo:1}]
# --- job.yaml
apiVersion: batch/v1
kind: Job
metadata: {name: once}
spec:
  template:
    spec:
      containers: [{name: once, image: once:1}]
      restartPolicy: Never
`);
  });

  test('the finding points at the template labels too', () => {
    const [finding] = check(`
# --- deploy.yaml
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
#           ^^^^^^^^^^^^^^^^^^^^^^^^^ error selector-mismatch
  template:
    metadata: {labels: {app: webapp}}
    spec:
      containers: [{name: web, image: web:1}]
`);
    assert.equal(finding.related.length, 1);
    assert.equal(finding.related[0].message, 'pod template labels of Deployment web');
  });
});
