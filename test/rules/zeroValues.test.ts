// Go's zero values: dumps of generated objects (golden files) write every field, unset ones as
// `0` or `""`. The API server treats them as unset and fills in its default.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { hover } from '../../server/src/features/hover';
import { check } from '../support/checkRules';
import { featureFixture } from '../support/featureFixture';

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
          ports: [{name: http, containerPort: 8080, protocol: TCP}]
`;

describe('zero values the API server fills in', () => {
  test('targetPort: 0 means unset, so the target is port', () => {
    check(`
# --- service.yaml
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports:
    - port: 8080
      targetPort: 0
${deployment}`);
  });

  test('targetPort: "" means unset too, and an unset target that no container declares is reported as implicit', () => {
    const findings = check(`
# --- service.yaml
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports:
    - port: 80
#           ^^ warning implicit-target-port: Service web port 80 has no targetPort, so traffic goes to 80
      targetPort: ""
${deployment}`);
    // The fix sets the zero value that is written rather than adding a second targetPort key.
    const fix = findings[0].fixes[0];
    assert.equal(fix.title, 'Add targetPort: http');
    assert.equal(fix.edits[0].newText, 'http');
    assert.equal(fix.edits[0].span.end - fix.edits[0].span.start, 2);
  });

  test('protocol: "", type: "" and externalTrafficPolicy: "" are the defaults, not values', () => {
    check(`
# --- service.yaml
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  type: ""
  externalTrafficPolicy: ""
  selector: {app: web}
  ports:
    - name: http
      port: 80
      protocol: ""
      targetPort: 8080
      nodePort: 0
${deployment}`);
  });

  test('the hover of a port whose targetPort is 0 follows the chain to the container', () => {
    const f = featureFixture(`
# --- service.yaml
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports:
    - port: 80$0
      targetPort: 0
${deployment}`);
    const result = hover(f.project, f.uri, f.position);
    const card = (result?.contents as { value: string } | undefined)?.value ?? '';
    assert.match(card, /Deployment web|container web/);
    // Hovering the zero itself answers without failing.
    const zero = featureFixture(`
# --- service.yaml
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports:
    - port: 8080
      targetPort: 0$0
${deployment}`);
    hover(zero.project, zero.uri, zero.position);
  });
});
