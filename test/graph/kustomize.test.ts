import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Project } from '../../server/src/analysis/project';
import { effectiveResources, resolvePath } from '../../server/src/graph/kustomize';
import { parseFile } from '../../server/src/model/parse';
import type { ParsedFile, Resource } from '../../server/src/model/types';
import { parseFixture, relativePath, ROOT } from '../support/fixture';

function filesOf(source: string): Map<string, ParsedFile> {
  return new Map(parseFixture(source).files.map((file) => [file.uri, parseFile(file.uri, file.text)]));
}

/** `Kind namespace/name (build)` for each resource, for compact assertions. */
function summary(resources: readonly Resource[] | undefined): string[] {
  return (resources ?? []).map((resource) => `${resource.kind} ${resource.namespace?.value ?? ''}/${resource.name?.value} (${relativePath(resource.variant?.kustomization ?? '')})`);
}

const base = `
# --- base/kustomization.yaml
resources: [app.yaml]
configMapGenerator:
  - name: app-env
    literals: [PORT=8080]
# --- base/app.yaml
apiVersion: apps/v1
kind: Deployment
metadata: {name: app}
spec:
  selector: {matchLabels: {app: app}}
  template:
    metadata: {labels: {app: app}}
    spec:
      containers:
        - name: app
          envFrom: [{configMapRef: {name: app-env}}]
      volumes: [{name: conf, configMap: {name: app-env}}]
---
apiVersion: v1
kind: Service
metadata: {name: app}
spec:
  selector: {app: app}
  ports: [{port: 80, targetPort: 8080}]
`;

describe('kustomize layer: effective resources', () => {
  test('a base in two overlays gives one copy per overlay, with its namespace, prefix and labels', () => {
    const files = filesOf(`${base}
# --- overlays/dev/kustomization.yaml
namespace: dev
namePrefix: dev-
commonLabels: {env: dev}
resources: [../../base]
# --- overlays/prod/kustomization.yaml
namespace: prod
resources: [../../base]
`);
    const effective = effectiveResources(files);
    assert.deepEqual(summary(effective.get(`${ROOT}base/app.yaml`)), [
      'Deployment dev/dev-app (overlays/dev/kustomization.yaml)',
      'Service dev/dev-app (overlays/dev/kustomization.yaml)',
      'Deployment prod/app (overlays/prod/kustomization.yaml)',
      'Service prod/app (overlays/prod/kustomization.yaml)',
    ]);
    // The generated ConfigMap lives in the kustomization that generates it, renamed with its reference.
    assert.deepEqual(summary(effective.get(`${ROOT}base/kustomization.yaml`)), [
      'ConfigMap dev/dev-app-env (overlays/dev/kustomization.yaml)',
      'ConfigMap prod/app-env (overlays/prod/kustomization.yaml)',
    ]);
    const [devDeployment, devService] = effective.get(`${ROOT}base/app.yaml`)!;
    assert.equal(devDeployment.workload!.containers[0].envFrom[0].name.value, 'dev-app-env');
    assert.equal(devDeployment.workload!.configVolumes?.[0].name.value, 'dev-app-env');
    assert.deepEqual([...devDeployment.workload!.podLabels], [['app', 'app'], ['env', 'dev']]);
    assert.deepEqual([...devDeployment.workload!.selector!.matchLabels], [['app', 'app'], ['env', 'dev']]);
    assert.deepEqual([...devService.service!.selector!.matchLabels], [['app', 'app'], ['env', 'dev']]);
    assert.equal(devDeployment.variant!.builds, 2);
    assert.equal(devDeployment.variant!.rewritten, true);
    // `base` is looked for as a file first, then as a folder with a kustomization.
    assert.deepEqual(devDeployment.variant!.dependsOn.map(relativePath), ['base', 'base/app.yaml', 'base/kustomization.yaml', 'overlays/dev/kustomization.yaml']);
    // Copies keep their file's spans, so findings land on the text that was written.
    const file = files.get(`${ROOT}base/app.yaml`)!;
    assert.equal(file.text.slice(devService.name!.span.start, devService.name!.span.end), 'app');
  });

  test('a base built on its own is a build too; an included kustomization is not', () => {
    const effective = effectiveResources(filesOf(base));
    assert.deepEqual(summary(effective.get(`${ROOT}base/app.yaml`)), ['Deployment /app (base/kustomization.yaml)', 'Service /app (base/kustomization.yaml)']);
    assert.equal(effective.get(`${ROOT}base/app.yaml`)![0].variant!.builds, 1);
  });

  test("a patch file is no resource of its own, and what a patch adds is placed on what it patches", () => {
    const files = filesOf(`${base}
# --- overlays/prod/kustomization.yaml
resources: [../../base]
patches: [{path: ports.yaml}]
# --- overlays/prod/ports.yaml
apiVersion: apps/v1
kind: Deployment
metadata: {name: app}
spec:
  template:
    spec:
      containers:
        - name: app
          ports: [{name: http, containerPort: 8080}]
`);
    const effective = effectiveResources(files);
    assert.deepEqual(effective.get(`${ROOT}overlays/prod/ports.yaml`), []);
    const [deployment] = effective.get(`${ROOT}base/app.yaml`)!;
    const [port] = deployment.workload!.containers[0].ports;
    assert.equal(port.name?.value, 'http');
    const text = files.get(`${ROOT}base/app.yaml`)!.text;
    assert.equal(text.slice(port.containerPort!.span.start, port.containerPort!.span.end), 'app', 'the container name in the base file');
  });

  test("builds change their copies, never the files' own resources, and copies a build leaves alone share them", () => {
    const files = filesOf(`${base}
# --- overlays/dev/kustomization.yaml
namespace: dev
namePrefix: dev-
commonLabels: {env: dev}
resources: [../../base, ingress.yaml]
configMapGenerator:
  - name: app-env
    behavior: merge
    literals: [LOG=debug]
patches:
  - path: ports.yaml
  - target: {kind: Service}
    patch: |-
      - op: replace
        path: /spec/ports/0/targetPort
        value: 9090
# --- overlays/dev/ports.yaml
apiVersion: apps/v1
kind: Deployment
metadata: {name: app}
spec:
  template:
    spec:
      containers:
        - name: app
          ports: [{name: http, containerPort: 9090}]
# --- overlays/dev/ingress.yaml
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web}
spec:
  defaultBackend: {service: {name: app, port: {number: 80}}}
# --- overlays/prod/kustomization.yaml
namespace: prod
resources: [../../base]
`);
    const before = new Map([...files].map(([uri, file]) => [uri, structuredClone(file.resources)]));
    const effective = effectiveResources(files);
    for (const [uri, file] of files) assert.deepEqual(file.resources, before.get(uri), uri);
    const dev = effective.get(`${ROOT}base/app.yaml`)!.filter((resource) => resource.variant!.kustomization.includes('dev'));
    const devService = dev.find((resource) => resource.kind === 'Service')!;
    const devDeployment = dev.find((resource) => resource.kind === 'Deployment')!;
    assert.deepEqual(devService.service!.ports[0].targetPort && { ...devService.service!.ports[0].targetPort, span: undefined }, { kind: 'number', number: 9090, span: undefined });
    assert.equal(devDeployment.workload!.podLabels.get('env'), 'dev');
    assert.equal(devDeployment.workload!.containers[0].ports[0].name?.value, 'http');
    assert.equal(effective.get(`${ROOT}overlays/dev/ingress.yaml`)![0].ingress!.backends[0].serviceName.value, 'dev-app');
    const [own] = files.get(`${ROOT}base/app.yaml`)!.resources;
    const prodDeployment = effective.get(`${ROOT}base/app.yaml`)!.find((resource) => resource.kind === 'Deployment' && resource.variant!.kustomization.includes('prod'))!;
    assert.equal(prodDeployment.namespace?.value, 'prod');
    assert.equal(prodDeployment.workload, own.workload, 'a build that only sets the namespace shares the workload');
  });

  test('a component patches what the kustomization holds so far', () => {
    const effective = effectiveResources(filesOf(`${base}
# --- overlays/prod/kustomization.yaml
resources: [../../base]
components: [../../components/metrics]
# --- components/metrics/kustomization.yaml
apiVersion: kustomize.config.k8s.io/v1alpha1
kind: Component
patches:
  - target: {kind: Service}
    patch: |-
      - op: add
        path: /spec/ports/-
        value: {name: metrics, port: 9090, targetPort: 9090}
`));
    const service = effective.get(`${ROOT}base/app.yaml`)!.find((resource) => resource.kind === 'Service')!;
    assert.deepEqual(service.service!.ports.map((port) => `${port.index}:${port.name?.value ?? ''}:${port.targetPort?.kind === 'number' ? port.targetPort.number : '?'}`), ['0::8080', '1:metrics:9090']);
  });

  test('a build that names what the workspace lacks is partial; a cycle ends', () => {
    const effective = effectiveResources(filesOf(`
# --- a/kustomization.yaml
resources: [../b, https://example.com/remote.yaml]
# --- b/kustomization.yaml
resources: [../a, svc.yaml]
# --- b/svc.yaml
apiVersion: v1
kind: Service
metadata: {name: svc}
`));
    // Each includes the other, so neither is a root: the Service stands as itself.
    assert.equal(effective.get(`${ROOT}b/svc.yaml`), undefined);
    const partial = effectiveResources(filesOf(`
# --- a/kustomization.yaml
resources: [svc.yaml, https://example.com/remote.yaml]
# --- a/svc.yaml
apiVersion: v1
kind: Service
metadata: {name: svc}
`));
    assert.equal(partial.get(`${ROOT}a/svc.yaml`)![0].variant!.partial, true);
  });

  test('paths resolve against the kustomization folder; remote targets do not resolve', () => {
    assert.equal(resolvePath(`${ROOT}overlays/prod/`, '../../base/'), `${ROOT}base`);
    assert.equal(resolvePath(`${ROOT}a/`, 'my app/x#1.yaml'), `${ROOT}a/my%20app/x%231.yaml`);
    assert.equal(resolvePath(`${ROOT}a/`, 'github.com/org/repo//base?ref=v1'), undefined);
    assert.equal(resolvePath(`${ROOT}a/`, 'https://example.com/x.yaml'), undefined);
  });
});

describe('kustomize layer: label maps shared within a file', () => {
  // The parser makes equal label maps of one file one map (model/compact.ts SharedMaps): a build
  // that changes one of them must leave the others as they are.
  const shared = `
# --- base/kustomization.yaml
resources: [app.yaml]
# --- base/app.yaml
apiVersion: apps/v1
kind: Deployment
metadata: {name: app, labels: {app: app}}
spec:
  selector: {matchLabels: {app: app}}
  template:
    metadata: {labels: {app: app}}
    spec: {containers: [{name: app, image: app}]}
---
apiVersion: v1
kind: Service
metadata: {name: app, labels: {app: app}}
spec:
  selector: {app: app}
  ports: [{port: 80}]
`;

  test('labels without selectors change the labels, not the selectors beside them', () => {
    const files = filesOf(`${shared}
# --- overlays/dev/kustomization.yaml
resources: [../../base]
labels:
  - pairs: {team: shop}
    includeTemplates: true
`);
    const [deployment, service] = effectiveResources(files).get(`${ROOT}base/app.yaml`)!;
    assert.deepEqual([...deployment.labels], [['app', 'app'], ['team', 'shop']]);
    assert.deepEqual([...deployment.workload!.podLabels], [['app', 'app'], ['team', 'shop']]);
    assert.deepEqual([...deployment.workload!.selector!.matchLabels], [['app', 'app']]);
    assert.deepEqual([...service.labels], [['app', 'app'], ['team', 'shop']]);
    assert.deepEqual([...service.service!.selector!.matchLabels], [['app', 'app']]);
    // The file's own resources are untouched.
    const own = files.get(`${ROOT}base/app.yaml`)!.resources;
    assert.deepEqual([...own[0].labels], [['app', 'app']]);
    assert.equal(own[0].labels, own[1].service!.selector!.matchLabels);
  });

  test('a patch of one label map leaves the equal maps as they are', () => {
    const files = filesOf(`${shared}
# --- overlays/dev/kustomization.yaml
resources: [../../base]
patches:
  - target: {kind: Deployment, name: app}
    patch: |-
      - op: add
        path: /spec/template/metadata/labels/version
        value: v2
`);
    const [deployment, service] = effectiveResources(files).get(`${ROOT}base/app.yaml`)!;
    assert.deepEqual([...deployment.workload!.podLabels], [['app', 'app'], ['version', 'v2']]);
    assert.deepEqual([...deployment.labels], [['app', 'app']]);
    assert.deepEqual([...deployment.workload!.selector!.matchLabels], [['app', 'app']]);
    assert.deepEqual([...service.service!.selector!.matchLabels], [['app', 'app']]);
  });
});

describe('kustomize layer: edits', () => {
  const workspace = `
# --- base/kustomization.yaml
resources: [app.yaml]
# --- base/app.yaml
apiVersion: apps/v1
kind: Deployment
metadata: {name: app}
spec:
  selector: {matchLabels: {app: app}}
  template:
    metadata: {labels: {app: app}}
    spec:
      containers:
        - name: app
          ports: [{name: web, containerPort: 8080}]
---
apiVersion: v1
kind: Service
metadata: {name: app}
spec:
  selector: {app: app}
  ports: [{port: 80, targetPort: http}]
# --- overlays/prod/kustomization.yaml
resources: [../../base]
patches: [{path: port.yaml}]
# --- overlays/prod/port.yaml
apiVersion: apps/v1
kind: Deployment
metadata: {name: app}
spec:
  template:
    spec:
      containers:
        - name: app
          ports: [{name: http, containerPort: 8081}]
`;

  function projectOf(files: Map<string, string>): Project {
    const project = new Project(relativePath);
    for (const [uri, text] of files) project.setText(uri, text);
    return project;
  }

  /** Findings as `file: rule` lines, and the same for a fresh project over the same files (a full run). */
  function findings(project: Project, files: Map<string, string>): string[] {
    const lines = (p: Project) => [...p.findingsByUri()].flatMap(([uri, list]) => list.map((finding) => `${relativePath(uri)}: ${finding.rule}`)).sort();
    const incremental = lines(project);
    assert.deepEqual(incremental, lines(projectOf(files)), 'an incremental run gives the findings of a full run');
    return incremental;
  }

  test('a change to a patch or a kustomization changes the findings of the files they cover', () => {
    const files = new Map(parseFixture(workspace).files.map((file) => [file.uri, file.text]));
    const project = projectOf(files);
    assert.deepEqual(findings(project, files), []);

    // The patch stops adding the port the Service targets by name.
    const patch = `${ROOT}overlays/prod/port.yaml`;
    files.set(patch, files.get(patch)!.replace('name: http', 'name: https'));
    project.setText(patch, files.get(patch)!);
    assert.deepEqual(findings(project, files), ['base/app.yaml: target-port-name-missing']);

    // The overlay drops the patch: the base's own port decides, and it is named web.
    const overlay = `${ROOT}overlays/prod/kustomization.yaml`;
    files.set(overlay, 'resources: [../../base]\n');
    project.setText(overlay, files.get(overlay)!);
    assert.deepEqual(findings(project, files), ['base/app.yaml: target-port-name-missing']);
    assert.match(project.findings(`${ROOT}base/app.yaml`)[0].message, /its containerPorts are 8080 \(web\)/);

    // The patch file, no longer a patch, is checked as the partial Deployment it is: it selects nothing, so nothing.
    files.set(overlay, 'resources: [../../base]\npatches: [{path: port.yaml}]\n');
    project.setText(overlay, files.get(overlay)!);
    files.set(patch, files.get(patch)!.replace('name: https', 'name: http'));
    project.setText(patch, files.get(patch)!);
    assert.deepEqual(findings(project, files), []);

    // Deleting the overlay leaves the base as its own build, without the patch.
    files.delete(overlay);
    project.remove(overlay);
    assert.deepEqual(findings(project, files), ['base/app.yaml: target-port-name-missing']);
  });

  test('the project reads the env files generators name through a read function, and follows their edits', async () => {
    const files = new Map(parseFixture(`
# --- app/kustomization.yaml
resources: [app.yaml]
configMapGenerator:
  - name: env
    envs: [app.env]
# --- app/app.yaml
apiVersion: v1
kind: Pod
metadata: {name: app, labels: {app: app}}
spec:
  containers:
    - name: app
      ports: [{containerPort: 9102}]
      envFrom: [{configMapRef: {name: env}}]
---
apiVersion: v1
kind: Service
metadata: {name: app}
spec:
  selector: {app: app}
  ports: [{port: 80, targetPort: 3000}]
`).files.map((file) => [file.uri, file.text]));
    const project = projectOf(files);
    const envUri = `${ROOT}app/app.env`;
    // Without the env file the generated ConfigMap lacks PORT: the targetPort is unexplained.
    assert.deepEqual(project.missingInputs(), [envUri]);
    assert.deepEqual(project.findings(`${ROOT}app/app.yaml`).map((finding) => finding.rule), ['target-port-mismatch']);
    const disk = new Map([[envUri, 'PORT=3000\n']]);
    const asked: string[] = [];
    await project.readInputs(async (uri) => {
      asked.push(uri);
      return disk.get(uri);
    });
    assert.deepEqual(asked, [envUri]);
    assert.deepEqual(project.missingInputs(), []);
    assert.deepEqual(project.findings(`${ROOT}app/app.yaml`).map((finding) => finding.rule), ['process-port-mismatch']);
    project.setInput(envUri, 'PORT=9102\n');
    assert.deepEqual(project.findings(`${ROOT}app/app.yaml`).map((finding) => finding.rule), ['target-port-mismatch']);
  });
});
