import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { check } from '../support/checkRules';
import { parseFixture } from '../support/fixture';
import type { Finding, FixHint } from '../../server/src/rules/types';

const only = ['node-port-range', 'node-port-conflict', 'node-port-type', 'traffic-policy'];

/** Each fix of each finding of a rule as `title => newText`. */
function fixesOf(findings: Finding[], rule: string): string[] {
  return findings
    .filter((finding) => finding.rule === rule)
    .flatMap((finding) => finding.fixes)
    .map((fix) => `${fix.title}${fix.preferred ? ' (preferred)' : ''} => ${fix.edits.map((edit) => JSON.stringify(edit.newText)).join(' + ')}`);
}

/** The lines of a fixture file after a fix, without the marker lines. */
function afterFix(source: string, fix: FixHint): string[] {
  const files = parseFixture(source).files;
  const uri = fix.edits[0].uri;
  const text = files.find((file) => file.uri === uri)!.text;
  const edited = [...fix.edits].sort((a, b) => b.span.start - a.span.start).reduce((result, edit) => result.slice(0, edit.span.start) + edit.newText + result.slice(edit.span.end), text);
  return edited.split('\n').filter((line) => !/^\s*#\s*\^/.test(line) && line !== '');
}

function fixTitled(findings: Finding[], title: string): FixHint {
  return findings.flatMap((finding) => finding.fixes).find((fix) => fix.title === title)!;
}

describe('node-port-range', () => {
  test('a nodePort below the default range: move it to the lowest free port, or let the cluster allocate one', () => {
    const source = `
      # --- web.yaml
      apiVersion: v1
      kind: Service
      metadata: {name: web}
      spec:
        type: NodePort
        ports:
          - port: 80
            nodePort: 8080
      #               ^^^^ error node-port-range: Service web port 80 asks for nodePort 8080, outside the node port range 30000–32767: the API server rejects it
            protocol: TCP
      # --- api.yaml
      apiVersion: v1
      kind: Service
      metadata: {name: api}
      spec:
        type: NodePort
        ports: [{port: 80, nodePort: 30000}]
    `;
    const findings = check(source, { only });
    assert.deepEqual(fixesOf(findings, 'node-port-range'), ['Move nodePort to 30001 (preferred) => "30001"', 'Remove nodePort: let the cluster allocate one => ""']);
    assert.deepEqual(afterFix(source, fixTitled(findings, 'Remove nodePort: let the cluster allocate one')).slice(-3), ['  ports:', '    - port: 80', '      protocol: TCP']);
  });

  test('a custom node port range', () => {
    check(`
      # --- services.yaml
      apiVersion: v1
      kind: Service
      metadata: {name: web}
      spec:
        type: NodePort
        ports:
          - {name: http, port: 80, nodePort: 30080}
      #                                      ^^^^^ error node-port-range: Service web port http (80) asks for nodePort 30080, outside the node port range 20000–22000
          - {name: https, port: 443, nodePort: 21443}
    `, { only, rules: { nodePortRange: [20000, 22000] } });
  });

  test('nodePort 0 asks the cluster to allocate, and template values are unknown', () => {
    check(`
      # --- web.yaml
      apiVersion: v1
      kind: Service
      metadata: {name: web}
      spec:
        type: NodePort
        ports: [{port: 80, nodePort: 0}, {port: 443, nodePort: 32767}]
      # --- chart/templates/service.yaml
      apiVersion: v1
      kind: Service
      metadata:
        name: {{ .Release.Name }}
      spec:
        type: NodePort
        ports:
          - port: 80
            nodePort: {{ .Values.nodePort }}
    `, { only });
  });
});

describe('node-port-conflict', () => {
  test('two Services in two files ask for the same nodePort', () => {
    const findings = check(`
      # --- web.yaml
      apiVersion: v1
      kind: Service
      metadata: {name: web, namespace: shop}
      spec:
        type: NodePort
        ports:
          - port: 80
            nodePort: 30080
      #               ^^^^^ error node-port-conflict: Service web port 80 asks for nodePort 30080, which Service admin (admin.yaml) also uses: a node port number belongs to one Service across the cluster
      # --- admin.yaml
      apiVersion: v1
      kind: Service
      metadata: {name: admin, namespace: ops}
      spec:
        type: LoadBalancer
        ports:
          - port: 8080
            nodePort: 30080
      #               ^^^^^ error node-port-conflict: Service admin port 8080 asks for nodePort 30080, which Service web (web.yaml) also uses
    `, { only });
    assert.deepEqual(
      findings.map((finding) => finding.related.map((related) => `${related.uri.replace('file:///ws/', '')}: ${related.message}`)),
      [['web.yaml: nodePort 30080/TCP of Service web'], ['admin.yaml: nodePort 30080/TCP of Service admin']],
    );
    assert.deepEqual(fixesOf(findings, 'node-port-conflict'), ['Move nodePort to 30000 => "30000"', 'Move nodePort to 30000 => "30000"']);
  });

  test('the same number with another protocol in another Service is still a conflict', () => {
    check(`
      # --- dns.yaml
      apiVersion: v1
      kind: Service
      metadata: {name: dns-tcp}
      spec:
        type: NodePort
        ports: [{port: 53, protocol: TCP, nodePort: 30053}]
      #                                             ^^^^^ error node-port-conflict: Service dns-tcp port 53 asks for nodePort 30053, which Service dns-udp (dns.yaml) also uses
      ---
      apiVersion: v1
      kind: Service
      metadata: {name: dns-udp}
      spec:
        type: NodePort
        ports: [{port: 53, protocol: UDP, nodePort: 30053}]
      #                                             ^^^^^ error node-port-conflict
    `, { only });
  });

  test('one Service may use a node port for TCP and UDP at once', () => {
    check(`
      # --- dns.yaml
      apiVersion: v1
      kind: Service
      metadata: {name: dns}
      spec:
        type: NodePort
        ports:
          - {name: dns-udp, port: 53, protocol: UDP, nodePort: 30053}
          - {name: dns-tcp, port: 53, protocol: TCP, nodePort: 30053}
    `, { only });
  });

  test('one Service defined in two overlays is one Service', () => {
    check(`
      # --- overlays/staging/front-end.yaml
      apiVersion: v1
      kind: Service
      metadata: {name: front-end, namespace: sock-shop}
      spec:
        type: NodePort
        ports: [{port: 80, targetPort: 8079, nodePort: 30001}]
      # --- overlays/production/front-end.yaml
      apiVersion: v1
      kind: Service
      metadata: {name: front-end, namespace: sock-shop}
      spec:
        type: NodePort
        ports: [{port: 80, targetPort: 8079, nodePort: 30001}]
    `, { only });
  });
});

describe('node-port-type', () => {
  test('a nodePort on a Service without type, which is ClusterIP', () => {
    const source = `
      # --- web.yaml
      apiVersion: v1
      kind: Service
      metadata: {name: web}
      spec:
        selector: {app: web}
        ports:
          - name: http
            port: 80
            nodePort: 30080
      #               ^^^^^ error node-port-type: Service web port http (80) sets nodePort 30080, but its type is ClusterIP (the default): only NodePort and LoadBalancer Services have node ports
    `;
    const findings = check(source, { only });
    assert.deepEqual(fixesOf(findings, 'node-port-type'), ['Remove nodePort (preferred) => ""']);
    assert.deepEqual(afterFix(source, findings[0].fixes[0]).slice(-3), ['  ports:', '    - name: http', '      port: 80']);
  });

  test('an explicit ClusterIP can also become a NodePort; an ExternalName cannot', () => {
    const findings = check(`
      # --- services.yaml
      apiVersion: v1
      kind: Service
      metadata: {name: web}
      spec:
        type: ClusterIP
        ports:
          - port: 80
            nodePort: 30080
      #               ^^^^^ error node-port-type: its type is ClusterIP: only NodePort and LoadBalancer
      ---
      apiVersion: v1
      kind: Service
      metadata: {name: docs}
      spec:
        type: ExternalName
        externalName: docs.example.com
        ports:
          - nodePort: 30443
      #               ^^^^^ error node-port-type: Service docs port 443 sets nodePort 30443, but its type is ExternalName
            port: 443
    `, { only });
    // The ExternalName's nodePort starts its list item (`- nodePort:`), so removing the line would break the item.
    assert.deepEqual(fixesOf(findings, 'node-port-type'), ['Remove nodePort (preferred) => ""', 'Set type to NodePort => "NodePort"']);
  });

  test('NodePort and LoadBalancer Services, a kustomize patch of a NodePort Service, and a template', () => {
    check(`
      # --- base/web.yaml
      apiVersion: v1
      kind: Service
      metadata: {name: web}
      spec:
        type: NodePort
        ports: [{port: 80, nodePort: 30080}]
      # --- overlays/prod/web-patch.yaml
      apiVersion: v1
      kind: Service
      metadata: {name: web}
      spec:
        ports: [{port: 80, nodePort: 30080}]
      # --- lb.yaml
      apiVersion: v1
      kind: Service
      metadata: {name: lb}
      spec:
        type: LoadBalancer
        ports: [{port: 443, nodePort: 30443}]
      # --- chart/templates/service.yaml
      apiVersion: v1
      kind: Service
      metadata: {name: chart}
      spec:
        type: {{ .Values.service.type }}
        ports:
          - port: 80
            nodePort: 31080
    `, { only });
  });
});

describe('traffic-policy', () => {
  test('externalTrafficPolicy on a ClusterIP Service', () => {
    const source = `
      # --- web.yaml
      apiVersion: v1
      kind: Service
      metadata: {name: web}
      spec:
        externalTrafficPolicy: Local
      #                        ^^^^^ warning traffic-policy: Service web sets externalTrafficPolicy: Local, but its type is ClusterIP (the default): only NodePort and LoadBalancer Services have external traffic
        ports: [{port: 80}]
    `;
    const findings = check(source, { only });
    assert.deepEqual(fixesOf(findings, 'traffic-policy'), ['Remove externalTrafficPolicy (preferred) => ""']);
    assert.deepEqual(afterFix(source, findings[0].fixes[0]).slice(-2), ['spec:', '  ports: [{port: 80}]']);
  });

  test('externalTrafficPolicy where there is external traffic', () => {
    check(`
      # --- services.yaml
      apiVersion: v1
      kind: Service
      metadata: {name: lb}
      spec:
        type: LoadBalancer
        externalTrafficPolicy: Local
        ports: [{port: 80}]
      ---
      apiVersion: v1
      kind: Service
      metadata: {name: external-ip}
      spec:
        type: ClusterIP
        externalIPs: [203.0.113.10]
        externalTrafficPolicy: Local
        ports: [{port: 80}]
    `, { only });
  });

  test('the removed OnlyLocal annotation: replace it with the field', () => {
    const source = `
      # --- lb.yaml
      apiVersion: v1
      kind: Service
      metadata:
        name: lb
        annotations:
          service.beta.kubernetes.io/external-traffic: OnlyLocal
      #   ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning traffic-policy: Service lb uses the annotation service.beta.kubernetes.io/external-traffic: OnlyLocal, which Kubernetes 1.8 removed and ignores: set spec.externalTrafficPolicy: Local instead
          service.beta.kubernetes.io/aws-load-balancer-type: nlb
      spec:
        type: LoadBalancer
        ports: [{port: 80}]
    `;
    const findings = check(source, { only });
    assert.deepEqual(fixesOf(findings, 'traffic-policy'), ['Replace the annotation with externalTrafficPolicy: Local (preferred) => "" + "\\n  externalTrafficPolicy: Local"']);
    assert.deepEqual(afterFix(source, findings[0].fixes[0]), [
      'apiVersion: v1',
      'kind: Service',
      'metadata:',
      '  name: lb',
      '  annotations:',
      '    service.beta.kubernetes.io/aws-load-balancer-type: nlb',
      'spec:',
      '  type: LoadBalancer',
      '  externalTrafficPolicy: Local',
      '  ports: [{port: 80}]',
    ]);
  });

  test('the annotation with Global, the default: remove it', () => {
    const findings = check(`
      # --- lb.yaml
      apiVersion: v1
      kind: Service
      metadata:
        name: lb
        annotations: {"service.beta.kubernetes.io/external-traffic": Global}
      #               ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning traffic-policy: remove it (Cluster is the default)
      spec:
        type: LoadBalancer
        ports: [{port: 80}]
    `, { only });
    // The annotation shares its line with `annotations:`, so no line-removing fix is offered.
    assert.deepEqual(fixesOf(findings, 'traffic-policy'), []);
  });
});
