import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { InlayHint } from 'vscode-languageserver';
import { inlayHints } from '../../server/src/features/inlayHints';
import { featureFixture, type FeatureFixture } from '../support/featureFixture';
import { dedent, ROOT } from '../support/fixture';

function labelOf(hint: InlayHint): string {
  return typeof hint.label === 'string' ? hint.label : hint.label.map((part) => part.value).join('');
}

/** The hints of one file as a user sees them: each hinted line as `path:line: text⟨hint⟩`. */
function showHints(f: FeatureFixture, path: string, hints: InlayHint[]): string {
  const file = f.project.graph.file(ROOT + path)!;
  const byLine = new Map<number, InlayHint[]>();
  for (const hint of hints) {
    assert.equal(hint.paddingLeft, true);
    assert.equal(hint.kind, undefined);
    assert.ok(hint.tooltip, `the hint ${labelOf(hint)} has no tooltip`);
    byLine.set(hint.position.line, [...(byLine.get(hint.position.line) ?? []), hint]);
  }
  return [...byLine]
    .sort(([a], [b]) => a - b)
    .map(([line, onLine]) => {
      const end = line + 1 < file.lineStarts.length ? file.lineStarts[line + 1] : file.text.length;
      let text = file.text.slice(file.lineStarts[line], end).replace(/\r?\n$/, '');
      for (const hint of [...onLine].sort((a, b) => b.position.character - a.position.character)) {
        text = `${text.slice(0, hint.position.character)}⟨${labelOf(hint)}⟩${text.slice(hint.position.character)}`;
      }
      return `${path}:${line + 1}: ${text.trim()}`;
    })
    .join('\n');
}

/** The inlay hints of `path` (the whole file, or the lines `range` gives, 1-based and inclusive) are exactly `expected`. */
function checkInlayHints(source: string, path: string, expected: string, options: { range?: [number, number]; crlf?: boolean } = {}): InlayHint[] {
  const f = featureFixture(source, { crlf: options.crlf });
  const range = options.range && { start: { line: options.range[0] - 1, character: 0 }, end: { line: options.range[1], character: 0 } };
  const hints = inlayHints(f.project, ROOT + path, range);
  assert.equal(showHints(f, path, hints), dedent(expected).trim());
  return hints;
}

const deployment = (name: string, ports: string, labels = 'app: web') => `
# --- ${name}.yaml
apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}}
spec:
  template:
    metadata: {labels: {${labels}}}
    spec:
      containers:
        - name: app
          ports: ${ports}
          readinessProbe: {httpGet: {path: /healthz, port: http}}
`;

describe('inlay hints: targetPort', () => {
  test('numeric, named and omitted targetPorts, each with the workload and containerPort it reaches', () => {
    checkInlayHints(`
# --- service.yaml
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports:
    - {name: http, port: 80, targetPort: http}
    - {name: metrics, port: 9102, targetPort: 9102}
    - {name: admin, port: 9000}
    - {name: debug, port: 7000, targetPort: 7001}
${deployment('web', '[{name: http, containerPort: 8080}, {name: metrics, containerPort: 9102}, {name: admin, containerPort: 9000}]')}
`, 'service.yaml', `
      service.yaml:7: - {name: http, port: 80, targetPort: http⟨= 8080 → web ✓⟩}
      service.yaml:8: - {name: metrics, port: 9102, targetPort: 9102⟨→ web:9102 ✓⟩}
      service.yaml:9: - {name: admin, port: 9000⟨→ web:9000 ✓⟩}
      service.yaml:10: - {name: debug, port: 7000, targetPort: 7001⟨→ web:7001 ✗⟩}
    `);
  });
  test('several workloads', () => {
    checkInlayHints(`
# --- service.yaml
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports:
    - {name: http, port: 80, targetPort: http}
    - {name: metrics, port: 9102, targetPort: 9102}
${deployment('web', '[{name: http, containerPort: 8080}, {name: metrics, containerPort: 9102}]')}
${deployment('canary', '[{name: http, containerPort: 8081}]')}
`, 'service.yaml', `
      service.yaml:7: - {name: http, port: 80, targetPort: http⟨→ canary:8081 ✓, web:8080 ✓⟩}
      service.yaml:8: - {name: metrics, port: 9102, targetPort: 9102⟨→ canary:9102 ✗, web:9102 ✓⟩}
    `);
  });
  test('a selector that matches nothing, and pods outside the workspace', () => {
    checkInlayHints(`
# --- service.yaml
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: wbe}
  ports: [{port: 80, targetPort: 8080}]
---
apiVersion: v1
kind: Service
metadata: {name: api, namespace: elsewhere}
spec:
  selector: {app: api}
  ports: [{port: 80, targetPort: 8080}]
${deployment('web', '[{containerPort: 8080}]')}
`, 'service.yaml', `
      service.yaml:6: ports: [{port: 80, targetPort: 8080⟨→ no pods ✗⟩}]
    `);
  });
  test('a Helm template: a computed targetPort has no hint', () => {
    checkInlayHints(`
# --- chart/templates/service.yaml
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports:
    - {port: 80, targetPort: {{ .Values.targetPort }}}
    - {port: 81, targetPort: 8080}
# --- chart/templates/deploy.yaml
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: app
          ports: [{containerPort: 8080}]
`, 'chart/templates/service.yaml', `
      chart/templates/service.yaml:8: - {port: 81, targetPort: 8080⟨→ web:8080 ✓⟩}
    `);
  });
});

const backends = `
# --- ingress.yaml
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: shop}
spec:
  rules:
    - http:
        paths:
          - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}
          - {path: /x, pathType: Prefix, backend: {service: {name: web, port: {name: http}}}}
          - {path: /m, pathType: Prefix, backend: {service: {name: web, port: {number: 9102}}}}
          - {path: /a, pathType: Prefix, backend: {service: {name: web, port: {number: 8080}}}}
          - {path: /b, pathType: Prefix, backend: {service: {name: nope, port: {number: 80}}}}
# --- service.yaml
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports:
    - {name: http, port: 80, targetPort: http}
    - {name: metrics, port: 9102, targetPort: 9103}
${deployment('web', '[{name: http, containerPort: 3005}, {name: metrics, containerPort: 9102}]')}
`;

describe('inlay hints: backends and port names', () => {
  test('Ingress backend ports: the targetPort they end at; none where the backend reaches no Service port', () => {
    checkInlayHints(backends, 'ingress.yaml', `
      ingress.yaml:8: - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80⟨→ 3005⟩}}}}
      ingress.yaml:9: - {path: /x, pathType: Prefix, backend: {service: {name: web, port: {name: http⟨= 80 → 3005⟩}}}}
      ingress.yaml:10: - {path: /m, pathType: Prefix, backend: {service: {name: web, port: {number: 9102⟨→ 9103 ✗⟩}}}}
    `);
  });
  test('an HTTPRoute backendRef port', () => {
    checkInlayHints(`
# --- route.yaml
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: store}
spec:
  rules:
    - backendRefs: [{name: web, port: 80}]
# --- service.yaml
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
`, 'route.yaml', `
      route.yaml:6: - backendRefs: [{name: web, port: 80⟨→ 8080⟩}]
    `);
  });
  test('probe and NetworkPolicy port names', () => {
    checkInlayHints(`
${deployment('web', '[{name: http, containerPort: 8080}]', 'app: web, tier: front')}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: front}
spec:
  podSelector: {matchLabels: {tier: front}}
  ingress: [{ports: [{port: http}, {port: grpc}]}]
`, 'web.yaml', `
      web.yaml:11: readinessProbe: {httpGet: {path: /healthz, port: http⟨= 8080⟩}}
      web.yaml:19: ingress: [{ports: [{port: http⟨= 8080⟩}, {port: grpc}]}]
    `);
  });
});

describe('inlay hints: tooltips and links', () => {
  test('the tooltip draws the chains on one line each, with the problem under a broken one', () => {
    const [, metrics] = checkInlayHints(`
# --- service.yaml
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports:
    - {name: http, port: 80, targetPort: http}
    - {name: metrics, port: 9102, targetPort: 9102}
${deployment('web', '[{name: http, containerPort: 8080}, {name: metrics, containerPort: 9102}]')}
${deployment('canary', '[{name: http, containerPort: 8081}]')}
`, 'service.yaml', `
      service.yaml:7: - {name: http, port: 80, targetPort: http⟨→ canary:8081 ✓, web:8080 ✓⟩}
      service.yaml:8: - {name: metrics, port: 9102, targetPort: 9102⟨→ canary:9102 ✗, web:9102 ✓⟩}
    `);
    assert.equal(
      metrics.tooltip,
      [
        'Service web port 9102 (metrics) → targetPort 9102 → Deployment canary / container app containerPorts 8081 (http) ✗',
        '  No container declares 9102: its containerPorts are 8081 (http). Set targetPort to one of them, or change the containerPort.',
        'Service web port 9102 (metrics) → targetPort 9102 → Deployment web / container app containerPort 9102 (metrics) → process binds 9102 (as declared; no PORT or flag says otherwise) ✓',
      ].join('\n'),
    );
  });
  test('a workload in a targetPort hint opens the containerPort it reaches', () => {
    const f = featureFixture(`
# --- service.yaml
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
${deployment('web', '[{containerPort: 8080}]')}
`);
    const [hint] = inlayHints(f.project, `${ROOT}service.yaml`);
    assert.ok(Array.isArray(hint.label));
    assert.deepEqual(
      hint.label.map((part) => (part.location ? `${part.value} → ${f.showLocation(part.location)}` : part.value)),
      ['→ ', 'web:8080 → web.yaml:10:34-38', ' ✓'],
    );
  });
});

describe('inlay hints: what is asked', () => {
  test('only the range asked for', () => {
    checkInlayHints(backends, 'ingress.yaml', `
      ingress.yaml:10: - {path: /m, pathType: Prefix, backend: {service: {name: web, port: {number: 9102⟨→ 9103 ✗⟩}}}}
    `, { range: [10, 11] });
  });
  test('nothing where settings turn them off', () => {
    const f = featureFixture(backends);
    f.project.settings = { ...f.project.settings, inlayHints: false };
    assert.deepEqual(inlayHints(f.project, `${ROOT}ingress.yaml`), []);
  });
  test('nothing for a file outside the workspace', () => {
    const f = featureFixture(backends);
    assert.deepEqual(inlayHints(f.project, `${ROOT}missing.yaml`), []);
  });
  test('a CRLF file gives the same hints at the same places', () => {
    checkInlayHints(backends, 'ingress.yaml', `
      ingress.yaml:8: - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80⟨→ 3005⟩}}}}
      ingress.yaml:9: - {path: /x, pathType: Prefix, backend: {service: {name: web, port: {name: http⟨= 80 → 3005⟩}}}}
      ingress.yaml:10: - {path: /m, pathType: Prefix, backend: {service: {name: web, port: {number: 9102⟨→ 9103 ✗⟩}}}}
    `, { crlf: true });
  });
});
