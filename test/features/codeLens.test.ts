import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { codeLenses } from '../../server/src/features/codeLens';
import { featureFixture } from '../support/featureFixture';
import { dedent, ROOT } from '../support/fixture';

/**
 * The code lenses of `path` as a user sees them, one per line: `line: title`, and for a lens that
 * runs a command `line: [title] command(arguments)`. Each lens sits where its Service begins: on
 * the start of the resource's first line, whichever key comes first.
 */
function checkCodeLenses(source: string, path: string, expected: string, options: { crlf?: boolean } = {}): void {
  const f = featureFixture(source, options);
  const lenses = codeLenses(f.project, ROOT + path);
  const shown = lenses.map((lens) => {
    assert.ok(lens.command, 'every lens is resolved at once');
    assert.deepEqual(lens.range.end, lens.range.start);
    const lineRest = f.textOf(ROOT + path, { start: lens.range.start, end: { line: lens.range.start.line, character: 1000 } });
    assert.match(lineRest, /^(apiVersion|kind): /, 'the lens heads the resource, at its first key');
    const line = `${path}:${lens.range.start.line + 1}`;
    if (lens.command.command === '') return `${line}: ${lens.command.title}`;
    return `${line}: [${lens.command.title}] ${lens.command.command}(${(lens.command.arguments ?? []).map((argument) => JSON.stringify(argument)).join(', ')})`;
  });
  assert.equal(shown.join('\n'), dedent(expected).trim());
}

const deployment = (name: string, ports: string, labels = 'app: web') => `
# --- ${name}.yaml
apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: shop}
spec:
  template:
    metadata: {labels: {${labels}}}
    spec:
      containers:
        - name: app
          ports: ${ports}
`;

const ingress = `
# --- ingress.yaml
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: shop, namespace: shop}
spec:
  rules:
    - http:
        paths:
          - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}
`;

describe('code lens', () => {
  test('a Service: its chains in one line, and the port-forward command to copy', () => {
    checkCodeLenses(`
# --- service.yaml
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  selector: {app: web}
  ports:
    - {name: http, port: 80, targetPort: 8080}
    - {name: metrics, port: 9102, targetPort: 9103}
${ingress}
${deployment('web', '[{containerPort: 8080}, {containerPort: 9102}]')}
`, 'service.yaml', `
      service.yaml:1: Ingress shop → :80 → web:8080 ✓ | :9102 → web:9103 ✗ · 1 broken link
      service.yaml:1: [Copy port-forward command] portchain.copyPortForward("kubectl port-forward -n shop svc/web 8080:80 9102:9102")
      service.yaml:1: [Show in port map] portchain.showPortMap({"uri":"file:///ws/service.yaml","position":{"line":0,"character":0}})
    `);
  });
  test('several workloads, NodePort entries, and more ports than a lens names', () => {
    checkCodeLenses(`
# --- service.yaml
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  type: NodePort
  selector: {app: web}
  ports:
    - {name: http, port: 80, targetPort: 8080, nodePort: 30080}
    - {name: a, port: 81, targetPort: 8080}
    - {name: b, port: 82, targetPort: 8080}
    - {name: c, port: 83, targetPort: 8080}
${ingress}
${deployment('web', '[{containerPort: 8080}]')}
${deployment('canary', '[{containerPort: 8080}]')}
`, 'service.yaml', `
      service.yaml:1: Ingress shop, NodePort :30080 → :80 → canary:8080 ✓, web:8080 ✓ | NodePort → :81 → canary:8080 ✓, web:8080 ✓ | NodePort → :82 → canary:8080 ✓, web:8080 ✓ | +1 more port
      service.yaml:1: [Copy port-forward command] portchain.copyPortForward("kubectl port-forward -n shop svc/web 8080:80 8081:81 8082:82 8083:83")
      service.yaml:1: [Show in port map] portchain.showPortMap({"uri":"file:///ws/service.yaml","position":{"line":0,"character":0}})
    `);
  });
  test('Services that reach no pods: no selector, ExternalName, a selector that matches nothing, pods elsewhere', () => {
    checkCodeLenses(`
# --- services.yaml
apiVersion: v1
kind: Service
metadata: {name: manual}
spec:
  ports: [{port: 5432}]
---
apiVersion: v1
kind: Service
metadata: {name: db}
spec:
  type: ExternalName
  externalName: db.example.com
  ports: [{port: 5432}]
---
apiVersion: v1
kind: Service
metadata: {name: typo, namespace: shop}
spec:
  selector: {app: wbe}
  ports: [{port: 80}]
---
apiVersion: v1
kind: Service
metadata: {name: remote, namespace: other}
spec:
  selector: {app: remote}
  ports: [{port: 80}]
${deployment('web', '[{containerPort: 8080}]')}
`, 'services.yaml', `
      services.yaml:1: :5432 → Endpoints managed elsewhere (no selector)
      services.yaml:1: [Show in port map] portchain.showPortMap({"uri":"file:///ws/services.yaml","position":{"line":0,"character":0}})
      services.yaml:7: :5432 → db.example.com (ExternalName)
      services.yaml:7: [Show in port map] portchain.showPortMap({"uri":"file:///ws/services.yaml","position":{"line":6,"character":0}})
      services.yaml:15: :80 → no pods ✗ · 1 broken link
      services.yaml:15: [Copy port-forward command] portchain.copyPortForward("kubectl port-forward -n shop svc/typo 8080:80")
      services.yaml:15: [Show in port map] portchain.showPortMap({"uri":"file:///ws/services.yaml","position":{"line":14,"character":0}})
      services.yaml:22: :80 → pods not in workspace ?
      services.yaml:22: [Copy port-forward command] portchain.copyPortForward("kubectl port-forward -n other svc/remote 8080:80")
      services.yaml:22: [Show in port map] portchain.showPortMap({"uri":"file:///ws/services.yaml","position":{"line":21,"character":0}})
    `);
  });
  test('a Service that names its kind first: the lens is still on its first line', () => {
    checkCodeLenses(`
# --- service.yaml
# The web front end.
kind: Service
apiVersion: v1
metadata: {name: web, namespace: shop}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
${deployment('web', '[{containerPort: 8080}]')}
`, 'service.yaml', `
      service.yaml:2: :80 → web:8080 ✓
      service.yaml:2: [Copy port-forward command] portchain.copyPortForward("kubectl port-forward -n shop svc/web 8080:80")
      service.yaml:2: [Show in port map] portchain.showPortMap({"uri":"file:///ws/service.yaml","position":{"line":1,"character":0}})
    `);
  });
  test('a CRLF file: the same lenses on the same lines', () => {
    checkCodeLenses(`
# --- service.yaml
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
${deployment('web', '[{containerPort: 8080}]')}
`, 'service.yaml', `
      service.yaml:1: :80 → web:8080 ✓
      service.yaml:1: [Copy port-forward command] portchain.copyPortForward("kubectl port-forward -n shop svc/web 8080:80")
      service.yaml:1: [Show in port map] portchain.showPortMap({"uri":"file:///ws/service.yaml","position":{"line":0,"character":0}})
    `, { crlf: true });
  });
  test('an Ingress: the map centred on it', () => {
    checkCodeLenses(`${ingress}${deployment('web', '[{containerPort: 8080}]')}`, 'ingress.yaml', `
      ingress.yaml:1: [Show in port map] portchain.showPortMap({"uri":"file:///ws/ingress.yaml","position":{"line":0,"character":0}})
    `);
  });
  test('no lenses where settings turn them off, nor in a file without Services or Ingresses', () => {
    const f = featureFixture(`${ingress}${deployment('web', '[{containerPort: 8080}]')}`);
    assert.deepEqual(codeLenses(f.project, `${ROOT}web.yaml`), []);
    const g = featureFixture(`
# --- service.yaml
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  ports: [{port: 80}]
`);
    assert.equal(codeLenses(g.project, `${ROOT}service.yaml`).length, 2);
    g.project.settings = { ...g.project.settings, codeLens: false };
    assert.deepEqual(codeLenses(g.project, `${ROOT}service.yaml`), []);
  });
});
