import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { CodeAction, Diagnostic } from 'vscode-languageserver';
import { Project } from '../../server/src/analysis/project';
import { codeActions } from '../../server/src/features/codeActions';
import { findingDiagnostic } from '../../server/src/features/diagnostics';
import type { Finding } from '../../server/src/rules/types';
import { applyTextEdits, applyWorkspaceEdit } from '../support/applyEdits';
import { parseFixture, relativePath, ROOT, type FixtureFile } from '../support/fixture';

/** A round trip: the finding of `rule` at `$0` in `before`, the action titled `action`, and every file it changes as it must read afterwards. */
interface FixCase {
  rule: string;
  before: string;
  action: string;
  /** The changed files, whole; a file left out must stay byte for byte as it was. */
  after: string;
  crlf?: boolean;
  preferred?: boolean;
  /** Findings of `rule` that stay after the fix (message substrings); none by default. */
  left?: string[];
}

function projectOf(files: readonly FixtureFile[]): Project {
  const project = new Project(relativePath);
  for (const file of files) project.setText(file.uri, file.text);
  return project;
}

/** The files of a multi-file fixture named by `paths`, as a fixture of their own. */
function filesOf(source: string, ...paths: string[]): string {
  return source
    .split(/^(?=# --- )/m)
    .filter((section) => paths.some((path) => section.startsWith(`# --- ${path}\n`)))
    .join('');
}

function summary(findings: readonly Finding[]): string {
  return findings.map((finding) => `  ${relativePath(finding.uri)} ${finding.rule}: ${finding.message}`).join('\n') || '  (none)';
}

/**
 * Finds the diagnostic at `$0`, asks for its code actions as a client would, applies the chosen
 * one, and checks the files byte for byte; then re-reads the changed files and checks that the
 * finding is gone and that the fix brought no new finding of any rule.
 */
function checkFix({ rule, before, action: title, after, crlf, preferred, left = [] }: FixCase): CodeAction {
  const fixture = parseFixture(before, { crlf });
  assert.ok(fixture.cursor, 'the fixture needs $0 on the finding to fix');
  const project = projectOf(fixture.files);
  const everything = () => [...project.findingsByUri().values()].flat();
  const findingsBefore = everything();
  const target = project.findings(fixture.cursor.uri).find((finding) => finding.rule === rule && finding.span.start <= fixture.cursor!.offset && fixture.cursor!.offset <= finding.span.end);
  assert.ok(target, `no ${rule} finding at $0; the findings are:\n${summary(findingsBefore)}`);
  const diagnostic = findingDiagnostic(target, project.graph, { relatedInformation: true });

  const actions = codeActions(project, fixture.cursor.uri, diagnostic.range, [diagnostic]);
  const action = actions.find((candidate) => candidate.title === title);
  assert.ok(action, `no action "${title}"; the actions are: ${actions.map((candidate) => `"${candidate.title}"`).join(', ') || '(none)'}`);
  assert.equal(action.kind, 'quickfix');
  assert.ok(action.diagnostics?.includes(diagnostic), 'the action names the diagnostic it fixes');
  if (preferred !== undefined) assert.equal(action.isPreferred === true, preferred, `"${title}" is ${preferred ? '' : 'not '}the preferred fix`);

  const texts = new Map(fixture.files.map((file) => [file.uri, file.text]));
  const changed = applyWorkspaceEdit(texts, action.edit!);
  const expected = parseFixture(after, { crlf }).files;
  for (const file of expected) assert.ok(texts.has(file.uri), `the expectation names ${file.path}, which is not in the fixture`);
  for (const file of fixture.files) {
    const want = expected.find((candidate) => candidate.uri === file.uri)?.text ?? file.text;
    assert.equal(changed.get(file.uri), want, `${file.path} after "${title}"${want === file.text ? ' (must stay unchanged)' : ''}`);
  }

  for (const [uri, text] of changed) if (text !== texts.get(uri)) project.setText(uri, text);
  const findingsAfter = everything();
  const stayed = findingsAfter.filter((finding) => finding.rule === rule);
  assert.equal(stayed.length, left.length, `${rule} findings after "${title}":\n${summary(stayed)}`);
  for (const [index, message] of left.entries()) assert.ok(stayed[index].message.includes(message), `${stayed[index].message}\ndoes not contain\n${message}`);
  const known = new Set(findingsBefore.map((finding) => `${finding.rule}: ${finding.message}`));
  const introduced = findingsAfter.filter((finding) => finding.rule !== rule && !known.has(`${finding.rule}: ${finding.message}`));
  assert.equal(introduced.length, 0, `"${title}" brought new findings:\n${summary(introduced)}`);
  return action;
}

const webDeployment = `
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
          image: web:1.4  # pinned
          ports:
            - name: http
              containerPort: 8080
            - {name: metrics, containerPort: 9102}
`;

describe('quick fixes: targetPort ↔ containerPort', () => {
  const service = (targetPort: string) => `
# --- service.yaml
# The public face of web.
apiVersion: v1
kind: Service
metadata:
  name: web   # the name the Ingress uses
spec:
  selector:
    app: web

  ports:
    - port: 80
      targetPort: ${targetPort}   # was 8081 before the move
      protocol: TCP
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
          ports: [{containerPort: 8080, protocol: TCP}]  # one port only
`;

  test('set targetPort to the containerPort (preferred), keeping comments and blank lines', () => {
    checkFix({
      rule: 'target-port-mismatch',
      before: service('$08081'),
      action: 'Set targetPort to 8080',
      preferred: true,
      after: filesOf(service('8080'), 'service.yaml'),
    });
  });

  test('the same with CRLF line endings', () => {
    checkFix({
      rule: 'target-port-mismatch',
      before: service('$08081'),
      action: 'Set targetPort to 8080',
      crlf: true,
      after: filesOf(service('8080'), 'service.yaml'),
    });
  });

  test('set containerPort to the targetPort, in the other file and inside a flow map', () => {
    checkFix({
      rule: 'target-port-mismatch',
      before: service('$08081'),
      action: 'Set containerPort of web to 8081',
      preferred: false,
      after: `
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
          ports: [{containerPort: 8081, protocol: TCP}]  # one port only
`,
    });
  });

  test('a quoted number is a name: the fix writes the number plain', () => {
    checkFix({
      rule: 'target-port-name-missing',
      before: service(`$0"8080"`),
      action: 'Set targetPort to 8080',
      after: filesOf(service('8080'), 'service.yaml'),
    });
  });

  test('port-name-invalid on a quoted number: write it as a number', () => {
    checkFix({
      rule: 'port-name-invalid',
      before: service(`$0'8080'`),
      action: 'Write 8080 as a number',
      preferred: true,
      after: filesOf(service('8080'), 'service.yaml'),
    });
  });
});

describe('quick fixes: misspelt names (did you mean)', () => {
  const service = (targetPort: string) => `
# --- service.yaml
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports:
    - name: http
      port: 80
      targetPort: ${targetPort}
    - {name: metrics, port: 9102, targetPort: metrics}
${webDeployment}`;

  test('a misspelt named targetPort: the nearest name is preferred, and double quotes stay', () => {
    checkFix({
      rule: 'target-port-name-missing',
      before: service('$0"htp"'),
      action: 'Set targetPort to http',
      preferred: true,
      after: filesOf(service('"http"'), 'service.yaml'),
    });
  });

  test('single quotes stay too', () => {
    checkFix({
      rule: 'target-port-name-missing',
      before: service(`$0'htpp'`),
      action: 'Set targetPort to http',
      preferred: true,
      after: filesOf(service(`'http'`), 'service.yaml'),
    });
  });

  test('the other ports are offered, not preferred', () => {
    checkFix({
      rule: 'target-port-name-missing',
      before: service('$0htp'),
      action: 'Set targetPort to metrics',
      preferred: false,
      after: filesOf(service('metrics'), 'service.yaml'),
    });
  });

  const ingress = (name: string, port: string) => `
# --- ingress.yaml
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web}
spec:
  rules:
    - host: web.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                # The Service of deploy.yaml.
                name: ${name}
                port: ${port}
# --- service.yaml
apiVersion: v1
kind: Service
metadata: {name: web-frontend}
spec:
  selector: {app: web}
  ports:
    - {name: http, port: 80, targetPort: http}
    - {name: metrics, port: 9102, targetPort: metrics}
${webDeployment}`;

  test('a misspelt Service name in an Ingress, quoted', () => {
    checkFix({
      rule: 'ingress-service-missing',
      before: ingress(`$0'web-frontned'`, '{number: 80}'),
      action: 'Change the Service name to web-frontend',
      preferred: true,
      after: filesOf(ingress(`'web-frontend'`, '{number: 80}'), 'ingress.yaml'),
    });
  });

  test('a misspelt Service port name in an Ingress: the nearest name is preferred', () => {
    checkFix({
      rule: 'ingress-port-mismatch',
      before: ingress('web-frontend', '{name: $0metric}'),
      action: 'Set port.name to metrics',
      preferred: true,
      after: filesOf(ingress('web-frontend', '{name: metrics}'), 'ingress.yaml'),
    });
  });
});

describe('quick fixes: backend port → Service port', () => {
  const ingress = (port: string) => `
# --- ingress.yaml
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: shop}
spec:
  rules:
    - http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: shop
                port:
                  number: ${port}  # the Service port, not the pod's
# --- service.yaml
apiVersion: v1
kind: Service
metadata: {name: shop}
spec:
  selector: {app: shop}
  ports:
    - {name: http, port: 80, targetPort: 8080}
    - {name: admin, port: 81, targetPort: 9000}
# --- deploy.yaml
apiVersion: apps/v1
kind: Deployment
metadata: {name: shop}
spec:
  template:
    metadata: {labels: {app: shop}}
    spec:
      containers: [{name: shop, ports: [{containerPort: 8080}, {containerPort: 9000}]}]
`;

  test('the targetPort written as the backend port: the Service port in front of it is preferred', () => {
    checkFix({ rule: 'ingress-port-mismatch', before: ingress('$08080'), action: 'Set port.number to 80', preferred: true, after: filesOf(ingress('80'), 'ingress.yaml') });
  });

  test('each other Service port is offered', () => {
    checkFix({ rule: 'ingress-port-mismatch', before: ingress('$08080'), action: 'Set port.number to 81', preferred: false, after: filesOf(ingress('81'), 'ingress.yaml'), crlf: true });
  });

  /** The route with the backendRef's port line, or without one. */
  const route = (port?: number | string) => `
# --- route.yaml
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: shop}
spec:
  parentRefs: [{name: gateway}]
  rules:
    - backendRefs:
        - name: shop${port === undefined ? '' : `
          port: ${port}`}
# --- service.yaml
apiVersion: v1
kind: Service
metadata: {name: shop}
spec:
  selector: {app: shop}
  ports:
    - port: 8443   # TLS terminates in the pod
      targetPort: 8443
# --- deploy.yaml
apiVersion: apps/v1
kind: Deployment
metadata: {name: shop}
spec:
  template:
    metadata: {labels: {app: shop}}
    spec:
      containers: [{name: shop, ports: [{containerPort: 8443}]}]
`;

  test('a backendRef without port: add the port line under the name, CRLF kept', () => {
    const before = route().replace('- name: shop', '- name: $0shop');
    checkFix({ rule: 'route-port-missing', before, action: 'Add port: 8443', preferred: true, crlf: true, after: filesOf(route(8443), 'route.yaml') });
  });

  test('a backendRef to the wrong port', () => {
    checkFix({ rule: 'ingress-port-mismatch', before: route('$0443'), action: 'Set port to 8443', preferred: true, after: filesOf(route(8443), 'route.yaml') });
  });
});

describe('quick fixes: implicit targetPort', () => {
  const deployment = `
# --- deploy.yaml
apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  template:
    metadata: {labels: {app: api}}
    spec:
      containers:
        - name: api
          ports:
            - containerPort: 8080
              name: http
`;

  test('add an explicit targetPort line at the key column, after a trailing comment', () => {
    checkFix({
      rule: 'implicit-target-port',
      before: `
# --- service.yaml
apiVersion: v1
kind: Service
metadata: {name: api}
spec:
  selector: {app: api}
  ports:
    - port: $080  # plain HTTP
      protocol: TCP
${deployment}`,
      action: 'Add targetPort: http',
      preferred: true,
      after: `
# --- service.yaml
apiVersion: v1
kind: Service
metadata: {name: api}
spec:
  selector: {app: api}
  ports:
    - port: 80  # plain HTTP
      targetPort: http
      protocol: TCP
`,
    });
  });

  test('the same with CRLF, where port is not the first key of the item', () => {
    checkFix({
      rule: 'implicit-target-port',
      crlf: true,
      before: `
# --- service.yaml
apiVersion: v1
kind: Service
metadata: {name: api}
spec:
  selector: {app: api}
  ports:
    - name: http
      port: $080
${deployment}`,
      action: 'Add targetPort: http',
      after: `
# --- service.yaml
apiVersion: v1
kind: Service
metadata: {name: api}
spec:
  selector: {app: api}
  ports:
    - name: http
      port: 80
      targetPort: http
`,
    });
  });

  test('in a flow map the entry goes inside the braces', () => {
    checkFix({
      rule: 'implicit-target-port',
      before: `
# --- service.yaml
apiVersion: v1
kind: Service
metadata: {name: api}
spec:
  selector: {app: api}
  ports: [{name: web, port: $080}]
${deployment}`,
      action: 'Add targetPort: http',
      after: `
# --- service.yaml
apiVersion: v1
kind: Service
metadata: {name: api}
spec:
  selector: {app: api}
  ports: [{name: web, targetPort: http, port: 80}]
`,
    });
  });
});

/**
 * A fix offered without a finding (a working link that no container declares): the action titled
 * `action` at `$0`, applied, must leave the files as `after` says byte for byte, bring no finding
 * of any rule, and not be offered again at the same place.
 */
/** Returns the rules of the findings the declaration cleared. */
function checkDeclare({ before, action: title, after, crlf }: { before: string; action: string; after: string; crlf?: boolean }): string[] {
  const fixture = parseFixture(before, { crlf });
  assert.ok(fixture.cursor, 'the fixture needs $0 on the targetPort');
  const project = projectOf(fixture.files);
  const findingsBefore = [...project.findingsByUri().values()].flat();
  const file = project.graph.file(fixture.cursor.uri)!;
  const at = rangeOfOffset(file, fixture.cursor.offset);
  const actions = codeActions(project, fixture.cursor.uri, at, []);
  const action = actions.find((candidate) => candidate.title === title);
  assert.ok(action, `no action "${title}"; the actions are: ${actions.map((candidate) => `"${candidate.title}"`).join(', ') || '(none)'}`);
  assert.equal(action.kind, 'quickfix');
  const texts = new Map(fixture.files.map((candidate) => [candidate.uri, candidate.text]));
  const changed = applyWorkspaceEdit(texts, action.edit!);
  const expected = parseFixture(after, { crlf }).files;
  for (const candidate of fixture.files) {
    const want = expected.find((other) => other.uri === candidate.uri)?.text ?? candidate.text;
    assert.equal(changed.get(candidate.uri), want, `${candidate.path} after "${title}"`);
  }
  for (const [uri, text] of changed) if (text !== texts.get(uri)) project.setText(uri, text);
  const findingsAfter = [...project.findingsByUri().values()].flat();
  const known = new Set(findingsBefore.map((finding) => finding.message));
  assert.deepEqual(findingsAfter.filter((finding) => !known.has(finding.message)).map((finding) => finding.message), [], 'the declaration brought new findings');
  assert.deepEqual(codeActions(project, fixture.cursor.uri, at, []).filter((candidate) => candidate.title === title), [], 'offered again once declared');
  const left = new Set(findingsAfter.map((finding) => finding.message));
  return findingsBefore.filter((finding) => !left.has(finding.message)).map((finding) => finding.rule);
}

function rangeOfOffset(file: { text: string; lineStarts: ArrayLike<number> }, offset: number): { start: { line: number; character: number }; end: { line: number; character: number } } {
  let line = 0;
  while (line + 1 < file.lineStarts.length && file.lineStarts[line + 1] <= offset) line++;
  const position = { line, character: offset - file.lineStarts[line] };
  return { start: position, end: position };
}

describe('quick fixes that create what is missing', () => {
  const ingress = (name: string, port: string) => `
# --- ingress.yaml
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: shop}
spec:
  defaultBackend:
    service: {name: ${name}, port: ${port}}
# --- apps/db.yaml
apiVersion: v1
kind: Service
metadata: {name: database}
spec:
  ports: [{port: 5432}]
`;

  test('a Service for the Deployment the backend names, written after it and before the next document, CRLF and indentless sequences kept', () => {
    const deploy = (service: string) => `# --- apps/deploy.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: web
        image: web:1
        ports:
        - containerPort: 8080
${service}---
apiVersion: v1
kind: ConfigMap
metadata:
  name: web-config
data:
  MODE: prod
`;
    checkFix({
      rule: 'ingress-service-missing',
      crlf: true,
      before: ingress('w$0eb', '{number: 80}') + deploy(''),
      action: 'Create Service web for Deployment web (port 80 → 8080)',
      preferred: true,
      after: deploy(`---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
  - port: 80
    targetPort: 8080
`),
    });
  });

  test('at the end of a file without a final line break, four-space indentation and a named backend port', () => {
    const deploy = (service: string) => `# --- apps/deploy.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
    name: api
    namespace: shop
spec:
    selector:
        matchLabels: {app.kubernetes.io/name: api-server}
    template:
        metadata:
            labels: {app.kubernetes.io/name: api-server}
        spec:
            containers:
                - name: api
                  image: api:1
                  ports: [{name: http, containerPort: 3000}, {name: admin, containerPort: 9000}]${service}`;
    const fixture = ingress('api-se$0rver', '{name: http}').replace('metadata: {name: shop}', 'metadata: {name: shop, namespace: shop}').replace('metadata: {name: database}', 'metadata: {name: database, namespace: shop}') + deploy('');
    checkFix({
      rule: 'ingress-service-missing',
      before: fixture.replace(/\n$/, ''),
      action: 'Create Service api-server for Deployment api (port 3000 → 3000)',
      preferred: true,
      after: deploy(`
---
apiVersion: v1
kind: Service
metadata:
    name: api-server
    namespace: shop
spec:
    selector:
        app.kubernetes.io/name: api-server
    ports:
        - name: http
          port: 3000
          targetPort: 3000
`),
    });
  });
});

describe('quick fixes that declare what the chain relies on', () => {
  const service = (targetPort: string) => `
# --- service.yaml
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports:
    - name: http
      port: 80
      targetPort: ${targetPort}
`;

  test('a targetPort that PORT binds but no container declares: declare it, after the last port and in its style, CRLF kept', () => {
    const deploy = (extra: string) => `# --- deploy.yaml
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
            - {name: PORT, value: "8080"}
          ports:
            - name: metrics   # Prometheus
              containerPort: 9102
${extra}          readinessProbe:
            httpGet: {path: /ready, port: 8080}
`;
    const cleared = checkDeclare({
      crlf: true,
      before: service('80$080') + deploy(''),
      action: 'Declare containerPort 8080 (http) in Deployment web',
      after: deploy(`            - name: http
              containerPort: 8080
`),
    });
    // The container declared only 9102 while PORT said 8080: declaring 8080 settles that too.
    assert.deepEqual(cleared, ['process-port-mismatch']);
  });

  test('in a flow sequence, and where the container has no ports at all a ports list after its name', () => {
    const flow = (ports: string) => `# --- deploy.yaml
apiVersion: v1
kind: Pod
metadata: {name: web, labels: {app: web}}
spec:
  containers:
    - name: web
      image: web:1
      args: [--port=8080]
      ports: [${ports}]
`;
    checkDeclare({
      before: service('80$080') + flow('{containerPort: 9102, name: metrics}'),
      action: 'Declare containerPort 8080 (http) in Pod web',
      after: flow('{containerPort: 9102, name: metrics}, {containerPort: 8080, name: http}'),
    });
    const none = (ports: string) => `# --- deploy.yaml
apiVersion: v1
kind: Pod
metadata: {name: web, labels: {app: web}}
spec:
  containers:
  - name: web${ports}
    image: web:1
    args: [--port=8080]
`;
    checkDeclare({
      before: service('80$080') + none(''),
      action: 'Declare containerPort 8080 (http) in Pod web',
      after: none(`
    ports:
    - containerPort: 8080
      name: http`),
    });
  });
});

describe('quick fixes: Service port names', () => {
  const service = (ports: string) => `
# --- service.yaml
apiVersion: v1
kind: Service
metadata: {name: api}
spec:
  selector: {app: api}
  ports:
${ports}
# --- deploy.yaml
apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  template:
    metadata: {labels: {app: api}}
    spec:
      containers: [{name: api, ports: [{containerPort: 8080}, {containerPort: 9090}]}]
`;

  test('name one port of a multi-port Service', () => {
    checkFix({
      rule: 'port-name-required',
      before: service(`    - port: $080
      targetPort: 8080
    - name: metrics
      port: 9090`),
      action: 'Name the port http',
      preferred: true,
      after: filesOf(service(`    - port: 80
      name: http
      targetPort: 8080
    - name: metrics
      port: 9090`), 'service.yaml'),
    });
  });

  test('fix all: name every unnamed port of the file in one edit, flow maps and CRLF included', () => {
    const action = checkFix({
      rule: 'port-name-required',
      crlf: true,
      before: service(`    - {port: $080, targetPort: 8080}   # web
    - port: 9090
      targetPort: 9090`),
      action: 'Fix all port-name-required in this file (2)',
      after: filesOf(service(`    - {name: http, port: 80, targetPort: 8080}   # web
    - port: 9090
      name: metrics
      targetPort: 9090`), 'service.yaml'),
    });
    assert.equal(action.diagnostics?.length, 2);
  });

  test('a name the container gives the port is preferred over a conventional one, in a flow map', () => {
    const named = (ports: string) => service(ports).replace('[{containerPort: 8080}, {containerPort: 9090}]', '[{name: api, containerPort: 8080}, {name: prom, containerPort: 9090}]');
    checkFix({
      rule: 'port-name-required',
      before: named(`    - {port: $080, targetPort: 8080}
    - {name: metrics, port: 9090, targetPort: 9090}`),
      action: 'Name the port api (as containerPort 8080 of Deployment api names it)',
      preferred: true,
      after: filesOf(named(`    - {name: api, port: 80, targetPort: 8080}
    - {name: metrics, port: 9090, targetPort: 9090}`), 'service.yaml'),
    });
    checkFix({
      rule: 'port-name-required',
      before: named(`    - {port: $080, targetPort: 8080}
    - {name: metrics, port: 9090, targetPort: 9090}`),
      action: 'Name the port http',
      preferred: false,
      after: filesOf(named(`    - {name: http, port: 80, targetPort: 8080}
    - {name: metrics, port: 9090, targetPort: 9090}`), 'service.yaml'),
    });
  });
});

describe('quick fixes: nodePort', () => {
  const services = (web: string, api = '30080') => `
# --- services.yaml
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  type: NodePort
  ports:
    - port: 80
      nodePort: ${web}   # for the load balancer
      protocol: TCP
---
apiVersion: v1
kind: Service
metadata: {name: api}
spec:
  type: NodePort
  ports: [{port: 80, nodePort: ${api}}]
`;

  test('out of range: move it to the lowest free port in range (preferred)', () => {
    checkFix({ rule: 'node-port-range', before: services('$08080'), action: 'Move nodePort to 30000', preferred: true, after: services('30000') });
  });

  test('out of range: remove the line and let the cluster allocate one, CRLF kept', () => {
    checkFix({
      rule: 'node-port-range',
      crlf: true,
      before: services('$08080'),
      action: 'Remove nodePort: let the cluster allocate one',
      after: services('8080').replace('      nodePort: 8080   # for the load balancer\n', ''),
    });
  });

  test('fix all: every out-of-range nodePort moves to its own free port', () => {
    checkFix({ rule: 'node-port-range', before: services('$08080', '80'), action: 'Fix all node-port-range in this file (2)', after: services('30000', '30001') });
  });

  test('a nodePort two Services share: move one of them', () => {
    const files = (web: string) => `
# --- web.yaml
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  type: NodePort
  ports: [{port: 80, nodePort: ${web}}]  # the other team's api has 30080
# --- api.yaml
apiVersion: v1
kind: Service
metadata: {name: api, namespace: team-b}
spec:
  type: LoadBalancer
  ports:
    - port: 443
      nodePort: 30080
`;
    checkFix({ rule: 'node-port-conflict', before: files('$030080'), action: 'Move nodePort to 30000', after: filesOf(files('30000'), 'web.yaml') });
  });
});

describe('quick fixes: the port the process binds', () => {
  const deployment = (port: string, containerPort: string) => `
# --- deploy.yaml
apiVersion: apps/v1
kind: Deployment
metadata: {name: app}
spec:
  template:
    metadata: {labels: {app: app}}
    spec:
      containers:
        - name: app
          env:
            - name: PORT
              value: ${port}   # read by the server
          ports:
            - containerPort: ${containerPort}
`;

  test('set PORT to the containerPort (preferred); the quotes stay as written', () => {
    checkFix({ rule: 'process-port-mismatch', before: deployment(`$0'3000'`, '8080'), action: 'Set PORT to 8080', preferred: true, after: deployment(`'8080'`, '8080') });
  });

  test('set containerPort to PORT', () => {
    checkFix({ rule: 'process-port-mismatch', before: deployment(`$0"3000"`, '8080'), action: 'Set containerPort to 3000', after: deployment('"3000"', '3000'), crlf: true });
  });

  test('PORT from a ConfigMap in another file: the edit goes to the ConfigMap', () => {
    const files = (value: string) => `
# --- deploy.yaml
apiVersion: apps/v1
kind: Deployment
metadata: {name: app}
spec:
  template:
    metadata: {labels: {app: app}}
    spec:
      containers:
        - name: app
          env: [{name: PORT, valueFrom: {configMapKeyRef: {name: app-config, key: $0PORT}}}]
          ports: [{containerPort: 8080}]
# --- config.yaml
apiVersion: v1
kind: ConfigMap
metadata: {name: app-config}
data:
  PORT: ${value}  # keep in step with the Deployment
  LOG_LEVEL: info
`;
    checkFix({ rule: 'process-port-mismatch', before: files('"3000"'), action: 'Set PORT to 8080', after: filesOf(files('"8080"'), 'config.yaml') });
  });

  test('pods that declare no ports: the Service sends to the port PORT names, on a line of its own', () => {
    const files = (targetPort: string) => `
# --- service.yaml
apiVersion: v1
kind: Service
metadata: {name: app}
spec:
  selector: {app: app}
  ports:
    - name: http
      port: 80   # what clients dial${targetPort}
# --- deploy.yaml
apiVersion: apps/v1
kind: Deployment
metadata: {name: app}
spec:
  template:
    metadata: {labels: {app: app}}
    spec:
      containers:
        - name: app
          env: [{name: PORT, value: "3000"}]
`;
    checkFix({
      rule: 'process-port-mismatch',
      crlf: true,
      before: files('').replace('port: 80', 'port: $080'),
      action: 'Set targetPort to 3000',
      preferred: true,
      after: filesOf(files('\n      targetPort: 3000'), 'service.yaml'),
    });
  });
});

describe('fix all', () => {
  const services = (first: string, second: string) => `
# --- services.yaml
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: ${first}}]
---
apiVersion: v1
kind: Service
metadata: {name: web-internal}
spec:
  selector: {app: web}
  ports:
    - port: 8000
      targetPort: ${second}  # same pods, other port
# --- deploy.yaml
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, ports: [{containerPort: 8080}]}]
`;

  test('applies the preferred fix of each finding of the rule in the file', () => {
    const action = checkFix({
      rule: 'target-port-mismatch',
      before: services('$08081', '8000'),
      action: 'Fix all target-port-mismatch in this file (2)',
      preferred: false,
      after: filesOf(services('8080', '8080'), 'services.yaml'),
    });
    assert.equal(action.diagnostics?.length, 2);
  });

  test('is not offered for a single finding', () => {
    const fixture = parseFixture(services('8081', '8080'));
    const project = projectOf(fixture.files);
    const titles = codeActions(project, `${ROOT}services.yaml`, wholeFile(project, `${ROOT}services.yaml`), []).map((action) => action.title);
    assert.deepEqual(titles, ['Set targetPort to 8080', 'Set containerPort of web to 8081']);
  });

  test('a finding that concerns two workloads offers no fix that suits only one of them', () => {
    // web selects two Deployments and neither declares 8081: one finding names both, and setting
    // targetPort to either one's port would leave the other broken.
    const fixture = parseFixture(`${services('8081', '8080')}
# --- canary.yaml
apiVersion: apps/v1
kind: Deployment
metadata: {name: web-canary}
spec:
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, ports: [{containerPort: 8000}]}]
`);
    const project = projectOf(fixture.files);
    const findings = project.findings(`${ROOT}services.yaml`).filter((finding) => finding.rule === 'target-port-mismatch');
    assert.deepEqual(
      findings.map((finding) => finding.message),
      [
        'Service web sends port 80 to targetPort 8081, but Deployment web-canary (canary.yaml) declares no containerPort 8081 (its containerPorts are 8000); nor does Deployment web (deploy.yaml), whose containerPorts are 8080',
        'Service web-internal sends port 8000 to targetPort 8080, but Deployment web-canary (canary.yaml) declares no containerPort 8080 (its containerPorts are 8000)',
      ],
    );
    assert.deepEqual(findings[0].fixes, []);
  });
});

function wholeFile(project: Project, uri: string) {
  const file = project.graph.file(uri)!;
  const lines = file.lineStarts.length;
  return { start: { line: 0, character: 0 }, end: { line: lines - 1, character: 0 } };
}

describe('code actions answer any request', () => {
  const source = `
# --- service.yaml
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: $08081}]
# --- deploy.yaml
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, ports: [{containerPort: 8080}]}]
`;
  const setup = () => {
    const fixture = parseFixture(source);
    const project = projectOf(fixture.files);
    const uri = fixture.cursor!.uri;
    const file = project.graph.file(uri)!;
    const line = file.lineStarts.findIndex((start, index) => start <= fixture.cursor!.offset && fixture.cursor!.offset < (file.lineStarts[index + 1] ?? Infinity));
    const cursor = { line, character: fixture.cursor!.offset - file.lineStarts[line] };
    const diagnostic = findingDiagnostic(project.findings(uri)[0], project.graph, { relatedInformation: false });
    return { project, uri, cursor, diagnostic };
  };

  test('without diagnostics in the request, the findings under the cursor answer', () => {
    const { project, uri, cursor } = setup();
    const actions = codeActions(project, uri, { start: cursor, end: cursor }, []);
    assert.deepEqual(
      actions.map((action) => [action.title, action.isPreferred, action.diagnostics?.map((diagnostic) => diagnostic.code)]),
      [
        ['Set targetPort to 8080', true, ['target-port-mismatch']],
        ['Set containerPort of web to 8081', false, ['target-port-mismatch']],
      ],
    );
  });

  test('a cursor away from any finding gets nothing', () => {
    const { project, uri } = setup();
    assert.deepEqual(codeActions(project, uri, { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, []), []);
  });

  test('diagnostics of other sources, and stale ones, are not taken for portchain findings', () => {
    const { project, uri, cursor, diagnostic } = setup();
    const foreign: Diagnostic = { ...diagnostic, source: 'yaml' };
    const stale: Diagnostic = { ...diagnostic, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 4 } } };
    assert.deepEqual(codeActions(project, uri, { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, [foreign, stale]), []);
    // With the cursor on the finding, a stale diagnostic does not hide the fixes there.
    assert.equal(codeActions(project, uri, { start: cursor, end: cursor }, [stale]).length, 2);
  });

  test('the kinds filter: quickfix passes, source does not', () => {
    const { project, uri, diagnostic } = setup();
    assert.equal(codeActions(project, uri, diagnostic.range, [diagnostic], ['quickfix']).length, 2);
    assert.equal(codeActions(project, uri, diagnostic.range, [diagnostic], ['']).length, 2);
    assert.deepEqual(codeActions(project, uri, diagnostic.range, [diagnostic], ['source', 'refactor']), []);
  });

  test('a file the project does not hold gets nothing', () => {
    const { project, diagnostic } = setup();
    assert.deepEqual(codeActions(project, `${ROOT}elsewhere.yaml`, diagnostic.range, [diagnostic]), []);
  });

  test('the edit is a WorkspaceEdit keyed by URI', () => {
    const { project, uri, diagnostic } = setup();
    const [preferred] = codeActions(project, uri, diagnostic.range, [diagnostic]);
    assert.deepEqual(preferred.edit, { changes: { [uri]: [{ range: { start: { line: 5, character: 33 }, end: { line: 5, character: 37 } }, newText: '8080' }] } });
  });
});

describe('applyTextEdits (test support)', () => {
  const at = (line: number, character: number) => ({ line, character });
  test('applies edits from the end, an insertion before a replacement that starts at the same place', () => {
    const text = 'a: 1\r\nb: 2\r\n';
    assert.equal(
      applyTextEdits(text, [
        { range: { start: at(0, 3), end: at(0, 4) }, newText: '10' },
        { range: { start: at(1, 3), end: at(1, 4) }, newText: '20' },
        { range: { start: at(1, 3), end: at(1, 3) }, newText: '+' },
      ]),
      'a: 10\r\nb: +20\r\n',
    );
  });

  test('rejects overlapping edits and two insertions at one place', () => {
    assert.throws(() => applyTextEdits('abcdef', [{ range: { start: at(0, 0), end: at(0, 3) }, newText: 'x' }, { range: { start: at(0, 2), end: at(0, 4) }, newText: 'y' }]), /overlapping/);
    assert.throws(() => applyTextEdits('abcdef', [{ range: { start: at(0, 1), end: at(0, 1) }, newText: 'x' }, { range: { start: at(0, 1), end: at(0, 1) }, newText: 'y' }]), /overlapping/);
  });

  test('rejects a position past the end of its line', () => {
    assert.throws(() => applyTextEdits('ab\ncd', [{ range: { start: at(0, 3), end: at(0, 3) }, newText: 'x' }]), /past the end of line/);
  });
});

describe('code actions: workloads written inside other resources', () => {
  const bundle = (containerPort: string, targetPort: string) => `
# --- bundle/metrics-service.yaml
apiVersion: v1
kind: Service
metadata: {name: metrics}
spec:
  selector: {control-plane: controller-manager}
  ports:
    - port: 8443
      targetPort: ${targetPort}
# --- bundle/web.clusterserviceversion.yaml
apiVersion: operators.coreos.com/v1alpha1
kind: ClusterServiceVersion
metadata: {name: web.v1, namespace: placeholder}
spec:
  install:
    spec:
      deployments:
        - name: controller-manager
          spec:
            selector: {matchLabels: {control-plane: controller-manager}}
            template:
              metadata: {labels: {control-plane: controller-manager}}
              spec:
                containers:
                  - name: manager
                    image: manager
                    ports: [{containerPort: ${containerPort}}]  # the metrics endpoint
`;

  test("set the containerPort of a ClusterServiceVersion's Deployment, in the bundle's own file", () => {
    checkFix({
      rule: 'target-port-mismatch',
      before: bundle('8080', '$08443'),
      action: 'Set containerPort of manager to 8443',
      preferred: false,
      after: filesOf(bundle('8443', '8443'), 'bundle/web.clusterserviceversion.yaml'),
    });
  });
});
