import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { check } from '../support/checkRules';
import type { Finding } from '../../server/src/rules/types';

const only = ['ingress-service-missing', 'ingress-port-mismatch', 'route-port-missing'];

/** The fixes of the one finding of a rule, as `title => newText` lines. */
function fixesOf(findings: Finding[], rule: string): string[] {
  const matching = findings.filter((finding) => finding.rule === rule);
  assert.equal(matching.length, 1, `expected one ${rule} finding, got ${matching.length}`);
  return matching[0].fixes.map((fix) => `${fix.title}${fix.preferred ? ' (preferred)' : ''} => ${fix.edits.map((edit) => JSON.stringify(edit.newText)).join(' + ')}`);
}

// Indented like the fixtures it is spliced into, so one dedent fits both.
const webService = `
      # --- web.yaml
      apiVersion: v1
      kind: Service
      metadata: {name: web, namespace: shop}
      spec:
        selector: {app: web}
        ports:
          - name: http
            port: 80
            targetPort: 8080
          - name: https
            port: 443
            targetPort: 8443
`;

describe('ingress-service-missing', () => {
  test('a misspelt Service name, with did-you-mean and a fix', () => {
    const findings = check(`
      # --- ingress.yaml
      apiVersion: networking.k8s.io/v1
      kind: Ingress
      metadata: {name: shop, namespace: shop}
      spec:
        rules:
          - host: shop.example.com
            http:
              paths:
                - path: /
                  pathType: Prefix
                  backend:
                    service:
                      name: wbe
      #                     ^^^ error ingress-service-missing: Ingress shop sends to Service wbe, but namespace shop has no Service wbe: did you mean web (web.yaml)?
                      port: {number: 80}
      ${webService}`, { only });
    assert.deepEqual(fixesOf(findings, 'ingress-service-missing'), ['Change the Service name to web (preferred) => "web"']);
  });

  test('the legacy serviceName of extensions/v1beta1', () => {
    check(`
      # --- ingress.yaml
      apiVersion: extensions/v1beta1
      kind: Ingress
      metadata: {name: shop, namespace: shop}
      spec:
        backend:
          serviceName: website
      #                ^^^^^^^ error ingress-service-missing: Ingress shop sends to Service website, but namespace shop has no Service website
          servicePort: 80
      ${webService}`, { only });
  });

  test('a Service that exists only in another namespace', () => {
    check(`
      # --- shop/ingress.yaml
      apiVersion: networking.k8s.io/v1
      kind: Ingress
      metadata: {name: shop, namespace: shop}
      spec:
        defaultBackend:
          service:
            name: web
      #           ^^^ error ingress-service-missing: namespace shop has no Service web; Service web exists only in namespace web (web/service.yaml), and an Ingress can only reach Services in its own namespace
            port: {number: 80}
      # --- web/service.yaml
      apiVersion: v1
      kind: Service
      metadata: {name: web, namespace: web}
      spec:
        ports: [{port: 80}]
    `, { only });
  });

  test('a backend in a namespace where the workspace defines no Services at all', () => {
    check(`
      # --- ingress.yaml
      apiVersion: networking.k8s.io/v1
      kind: Ingress
      metadata: {name: shop, namespace: shop}
      spec:
        defaultBackend:
          service: {name: web, port: {number: 80}}
      # --- other.yaml
      apiVersion: v1
      kind: Service
      metadata: {name: api, namespace: other}
      spec:
        ports: [{port: 80}]
    `, { only });
  });

  test('a Helm-templated Service whose name a template computes', () => {
    check(`
      # --- ingress.yaml
      apiVersion: networking.k8s.io/v1
      kind: Ingress
      metadata: {name: shop}
      spec:
        defaultBackend:
          service: {name: shop-web, port: {number: 8080}}
      # --- chart/templates/service.yaml
      apiVersion: v1
      kind: Service
      metadata:
        name: {{ include "shop.fullname" . }}-web
      spec:
        ports:
          - port: {{ .Values.service.port }}
      # --- api.yaml
      apiVersion: v1
      kind: Service
      metadata: {name: api}
      spec:
        ports: [{port: 80}]
    `, { only });
  });

  test('the default namespace: a Service beside the Ingress shows the workspace deploys its own', () => {
    check(`
      # --- examples/cafe/ingress.yaml
      apiVersion: networking.k8s.io/v1
      kind: Ingress
      metadata: {name: cafe}
      spec:
        defaultBackend:
          service:
            name: tea-svc
      #           ^^^^^^^ error ingress-service-missing: Ingress cafe sends to Service tea-svc, but the default namespace has no Service tea-svc: did you mean tea-svd (examples/cafe/tea.yaml)?
            port: {number: 80}
      # --- examples/cafe/tea.yaml
      apiVersion: v1
      kind: Service
      metadata: {name: tea-svd}
      spec:
        ports: [{port: 80}]
    `, { only });
  });

  test('the default namespace: an example directory without Services of its own is not evidence', () => {
    check(`
      # --- examples/snippets/ingress.yaml
      apiVersion: networking.k8s.io/v1
      kind: Ingress
      metadata: {name: always-200}
      spec:
        defaultBackend:
          service: {name: dummy-service, port: {number: 80}}
      # --- examples/cafe/tea.yaml
      apiVersion: v1
      kind: Service
      metadata: {name: tea-svc}
      spec:
        ports: [{port: 80}]
    `, { only });
  });

  test('kube-system, where the cluster and its add-ons create Services', () => {
    check(`
      # --- dashboard-ingress.yaml
      apiVersion: networking.k8s.io/v1
      kind: Ingress
      metadata: {name: dashboard, namespace: kube-system}
      spec:
        defaultBackend:
          service: {name: kubernetes-dashboard, port: {number: 80}}
      # --- oauth2-proxy.yaml
      apiVersion: v1
      kind: Service
      metadata: {name: oauth2-proxy, namespace: kube-system}
      spec:
        ports: [{port: 4180}]
    `, { only });
  });

  test('an HTTPRoute whose Service is in another namespace: set namespace on the backendRef', () => {
    const findings = check(`
      # --- route.yaml
      apiVersion: gateway.networking.k8s.io/v1
      kind: HTTPRoute
      metadata: {name: shop, namespace: gateway}
      spec:
        rules:
          - backendRefs:
              - name: web
      #               ^^^ error ingress-service-missing: HTTPRoute shop sends to Service web, but namespace gateway has no Service web; Service web exists only in namespace shop (web.yaml), and a route reaches another namespace only when its backendRef sets namespace: shop and a ReferenceGrant in shop allows it
                port: 80
      # --- gateway-services.yaml
      apiVersion: v1
      kind: Service
      metadata: {name: gateway-metrics, namespace: gateway}
      spec:
        ports: [{port: 9090}]
      ${webService}`, { only });
    assert.deepEqual(fixesOf(findings, 'ingress-service-missing'), ['Set namespace: shop on the backendRef (needs a ReferenceGrant in shop) => "\\n          namespace: shop"']);
  });

  test('a backendRef with namespace: resolves in that namespace', () => {
    check(`
      # --- route.yaml
      apiVersion: gateway.networking.k8s.io/v1
      kind: HTTPRoute
      metadata: {name: shop, namespace: gateway}
      spec:
        rules:
          - backendRefs:
              - {name: web, namespace: shop, port: 80}
      ${webService}`, { only });
  });

  test('a backendRef whose namespace: names the wrong namespace', () => {
    const findings = check(`
      # --- route.yaml
      apiVersion: gateway.networking.k8s.io/v1
      kind: HTTPRoute
      metadata: {name: shop, namespace: gateway}
      spec:
        rules:
          - backendRefs:
              - name: web
      #               ^^^ error ingress-service-missing: HTTPRoute shop sends to Service web, but namespace apps has no Service web; Service web exists only in namespace shop (web.yaml); set the backendRef's namespace to shop
                namespace: apps
                port: 80
      # --- apps.yaml
      apiVersion: v1
      kind: Service
      metadata: {name: api, namespace: apps}
      spec:
        ports: [{port: 80}]
      ${webService}`, { only });
    assert.deepEqual(fixesOf(findings, 'ingress-service-missing'), ['Set the backendRef\'s namespace to shop => "shop"']);
  });

  test('a GRPCRoute and a TCPRoute to missing Services; a backendRef of weight 0 carries no traffic', () => {
    check(`
      # --- routes.yaml
      apiVersion: gateway.networking.k8s.io/v1
      kind: GRPCRoute
      metadata: {name: rpc, namespace: shop}
      spec:
        rules:
          - backendRefs:
              - {name: grpc-web, port: 80}
      #                ^^^^^^^^ error ingress-service-missing: GRPCRoute rpc sends to Service grpc-web, but namespace shop has no Service grpc-web
              - {name: canary, port: 80, weight: 0}
      ---
      apiVersion: gateway.networking.k8s.io/v1alpha2
      kind: TCPRoute
      metadata: {name: db, namespace: shop}
      spec:
        rules:
          - backendRefs:
              - name: postgres
      #               ^^^^^^^^ error ingress-service-missing: TCPRoute db sends to Service postgres, but namespace shop has no Service postgres
                port: 5432
      ${webService}`, { only });
  });
});

describe('ingress-port-mismatch', () => {
  test('a v1 port.number that is the targetPort, not the Service port', () => {
    const findings = check(`
      # --- ingress.yaml
      apiVersion: networking.k8s.io/v1
      kind: Ingress
      metadata: {name: shop, namespace: shop}
      spec:
        rules:
          - http:
              paths:
                - path: /
                  pathType: Prefix
                  backend:
                    service:
                      name: web
                      port:
                        number: 8080
      #                         ^^^^ error ingress-port-mismatch: Ingress shop sends to Service web port 8080, but Service web (web.yaml) has ports 80 (http), 443 (https): 8080 is its targetPort; an Ingress must use the Service port 80
      ${webService}`, { only });
    assert.deepEqual(fixesOf(findings, 'ingress-port-mismatch'), ['Set port.number to 80 (preferred) => "80"', 'Set port.number to 443 => "443"']);
    const finding = findings.find((f) => f.rule === 'ingress-port-mismatch')!;
    assert.deepEqual(finding.related.map((r) => r.message), ['port 80 (http) of Service web', 'port 443 (https) of Service web']);
  });

  test('a v1 port.name that no Service port has', () => {
    const findings = check(`
      # --- ingress.yaml
      apiVersion: networking.k8s.io/v1
      kind: Ingress
      metadata: {name: shop, namespace: shop}
      spec:
        defaultBackend:
          service:
            name: web
            port:
              name: web
      #             ^^^ error ingress-port-mismatch: Ingress shop sends to Service web port web, but Service web (web.yaml) has ports 80 (http), 443 (https)
      ${webService}`, { only });
    assert.deepEqual(fixesOf(findings, 'ingress-port-mismatch'), ['Set port.name to http => "http"', 'Set port.name to https => "https"']);
  });

  test('v1 backends by number and by name that match', () => {
    check(`
      # --- ingress.yaml
      apiVersion: networking.k8s.io/v1
      kind: Ingress
      metadata: {name: shop, namespace: shop}
      spec:
        defaultBackend:
          service: {name: web, port: {name: https}}
        rules:
          - http:
              paths:
                - path: /
                  pathType: Prefix
                  backend:
                    service: {name: web, port: {number: 80}}
      ${webService}`, { only });
  });

  test('the legacy servicePort, by number and by a name written as a string', () => {
    const findings = check(`
      # --- ingress.yaml
      apiVersion: extensions/v1beta1
      kind: Ingress
      metadata: {name: shop, namespace: shop}
      spec:
        rules:
          - http:
              paths:
                - path: /
                  backend:
                    serviceName: web
                    servicePort: "http"
                - path: /admin
                  backend:
                    serviceName: web
                    servicePort: "admin"
      #                          ^^^^^^^ error ingress-port-mismatch: Ingress shop sends to Service web port admin, but Service web (web.yaml) has ports 80 (http), 443 (https)
                - path: /api
                  backend:
                    serviceName: web
                    servicePort: 8443
      #                          ^^^^ error ingress-port-mismatch: 8443 is its targetPort; an Ingress must use the Service port 443
      ${webService}`, { only });
    const byName = findings.find((f) => f.message.includes('port admin'))!;
    assert.deepEqual(byName.fixes.map((fix) => fix.edits[0].newText), ['http', 'https']);
    const byNumber = findings.find((f) => f.message.includes('port 8443'))!;
    assert.deepEqual(byNumber.fixes.map((fix) => `${fix.title}${fix.preferred ? ' (preferred)' : ''}`), ['Set servicePort to 80', 'Set servicePort to 443 (preferred)']);
  });

  test('a defaultBackend to a one-port Service: the only port is the preferred fix', () => {
    const findings = check(`
      # --- ingress.yaml
      apiVersion: networking.k8s.io/v1
      kind: Ingress
      metadata: {name: api}
      spec:
        defaultBackend:
          service:
            name: api
            port: {number: 8000}
      #                    ^^^^ error ingress-port-mismatch: Ingress api sends to Service api port 8000, but Service api (api.yaml) has port 80
      # --- api.yaml
      apiVersion: v1
      kind: Service
      metadata: {name: api}
      spec:
        ports: [{port: 80, targetPort: 9000}]
    `, { only });
    assert.deepEqual(fixesOf(findings, 'ingress-port-mismatch'), ['Set port.number to 80 (preferred) => "80"']);
  });

  test('an HTTPRoute, a GRPCRoute and a TCPRoute port', () => {
    check(`
      # --- routes.yaml
      apiVersion: gateway.networking.k8s.io/v1
      kind: HTTPRoute
      metadata: {name: shop, namespace: shop}
      spec:
        rules:
          - backendRefs:
              - name: web
                port: 8080
      #               ^^^^ error ingress-port-mismatch: HTTPRoute shop sends to Service web port 8080, but Service web (web.yaml) has ports 80 (http), 443 (https): 8080 is its targetPort; an HTTPRoute must use the Service port 80
      ---
      apiVersion: gateway.networking.k8s.io/v1
      kind: GRPCRoute
      metadata: {name: rpc, namespace: shop}
      spec:
        rules:
          - backendRefs:
              - {name: web, port: 443}
      ---
      apiVersion: gateway.networking.k8s.io/v1alpha2
      kind: TCPRoute
      metadata: {name: raw, namespace: shop}
      spec:
        rules:
          - backendRefs:
              - {name: web, port: 8443}
      #                           ^^^^ error ingress-port-mismatch: a TCPRoute must use the Service port 443
      ${webService}`, { only });
  });

  test('a Helm-templated Service whose ports a template computes', () => {
    check(`
      # --- ingress.yaml
      apiVersion: networking.k8s.io/v1
      kind: Ingress
      metadata: {name: shop}
      spec:
        defaultBackend:
          service: {name: web, port: {number: 8080}}
      # --- chart/templates/service.yaml
      apiVersion: v1
      kind: Service
      metadata:
        name: web
      spec:
        ports:
          - port: {{ .Values.service.port }}
            targetPort: http
    `, { only });
  });

  test('an ExternalName Service, where the controller uses the backend port as is', () => {
    check(`
      # --- ingress.yaml
      apiVersion: networking.k8s.io/v1
      kind: Ingress
      metadata: {name: docs}
      spec:
        defaultBackend:
          service: {name: docs, port: {number: 443}}
      # --- docs.yaml
      apiVersion: v1
      kind: Service
      metadata: {name: docs}
      spec:
        type: ExternalName
        externalName: docs.example.com
        ports: [{port: 80}]
    `, { only });
  });
});

describe('route-port-missing', () => {
  const route = `
    # --- route.yaml
    apiVersion: gateway.networking.k8s.io/v1
    kind: HTTPRoute
    metadata: {name: shop, namespace: shop}
    spec:
      rules:
        - backendRefs:
            - name: api
    #               ^^^ error route-port-missing: HTTPRoute shop sends to Service api without a port: a backendRef to a Service must set port (Service api (api.yaml) has port 80 (http))
              weight: 1
    # --- api.yaml
    apiVersion: v1
    kind: Service
    metadata: {name: api, namespace: shop}
    spec:
      ports: [{name: http, port: 80, targetPort: 8080}]
  `;

  test('an HTTPRoute backendRef without port, fixed by inserting the only Service port', () => {
    const findings = check(route, { only });
    assert.deepEqual(fixesOf(findings, 'route-port-missing'), ['Add port: 80 (preferred) => "\\n          port: 80"']);
    const edit = findings[0].fixes[0].edits[0];
    assert.equal(edit.span.start, edit.span.end);
  });

  test('the inserted line keeps the CRLF line breaks of the file', () => {
    const findings = check(route, { only, crlf: true });
    assert.deepEqual(fixesOf(findings, 'route-port-missing'), ['Add port: 80 (preferred) => "\\r\\n          port: 80"']);
  });

  test('a Service with several ports: no fix guesses which one', () => {
    const findings = check(`
      # --- route.yaml
      apiVersion: gateway.networking.k8s.io/v1
      kind: HTTPRoute
      metadata: {name: shop, namespace: shop}
      spec:
        rules:
          - backendRefs:
              - {name: web}
      #                ^^^ error route-port-missing: HTTPRoute shop sends to Service web without a port: a backendRef to a Service must set port (Service web (web.yaml) has ports 80 (http), 443 (https))
      ${webService}`, { only });
    assert.deepEqual(fixesOf(findings, 'route-port-missing'), []);
  });

  test('backendRefs with a port, and references to other kinds', () => {
    check(`
      # --- route.yaml
      apiVersion: gateway.networking.k8s.io/v1
      kind: HTTPRoute
      metadata: {name: shop, namespace: shop}
      spec:
        rules:
          - backendRefs:
              - {name: web, port: 80}
              - {name: bucket, group: storage.example.com, kind: Bucket}
      ${webService}`, { only });
  });
});
