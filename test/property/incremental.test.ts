// The guard of the incremental engine: whatever sequence of edits, creates, deletes, renames and
// settings changes reaches ONE long-lived Project, its findings are those of a fresh Project built
// from scratch on the same files. fast-check generates small workspaces from a pool of names,
// namespaces and ports chosen so that links form, break and mend as the edits go (a Service name
// one letter off another, ports that match or miss, NodePorts that collide or leave the range),
// with the files whose edits change how OTHER files read: kustomizations (a base and an overlay
// with a namespace, a name prefix and a ConfigMap generator) and a Helm chart (values.yaml,
// Chart.yaml, templates with `.Values` lookups).
//
// The long-lived Project is compared after each `observe` step and at the end, so that an engine
// that caches between runs is checked after every kind of change, not only after the last one.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { Project } from '../../server/src/analysis/project';
import { DEFAULT_SETTINGS, type Settings } from '../../server/src/analysis/settings';

const ROOT = 'file:///ws/';
const where = (uri: string) => (uri.startsWith(ROOT) ? uri.slice(ROOT.length) : uri);

// ---------------------------------------------------------------------------------------------
// The workspace as data: files of documents, rendered to YAML text.

const NAMES = ['web', 'wbe', 'api', 'db'] as const;
const NAMESPACES = [undefined, 'default', 'shop', 'ops'] as const;
const PORTS = [80, 8080, 8081, 9090, 70000] as const;
const PORT_NAMES = ['http', 'metrics', 'htp'] as const;
const NODE_PORTS = [30080, 30081, 29999] as const;
const DIRS = ['apps/a', 'apps/b', 'base', 'overlays/prod'] as const;
const FILE_NAMES = ['web.yaml', 'api.yaml', 'all.yaml', 'config.yml'] as const;
/** What a kustomization's `resources:` may list: files beside it, and the folders of other kustomizations. */
const KUSTOMIZE_RESOURCES = ['web.yaml', 'api.yaml', 'all.yaml', '../../base', '../b'] as const;
const CHART = 'charts/shop';
const CHART_PATHS = [`${CHART}/Chart.yaml`, `${CHART}/values.yaml`, `${CHART}/templates/service.yaml`, `${CHART}/templates/deployment.yaml`] as const;
/** `.Values` lookups a template may make; `missing` is set in no values file. */
const VALUES_KEYS = ['service.port', 'service.targetPort', 'containerPort', 'missing'] as const;

type Name = (typeof NAMES)[number];
type Namespace = (typeof NAMESPACES)[number];
type ValuesKey = (typeof VALUES_KEYS)[number];
/** A Helm template action that looks a value up: `{{ .Values.<key> }}`. */
type ValuesRef = { values: ValuesKey };
/** A port as written: a number, a name, or a Helm lookup. */
type PortRef = number | string | ValuesRef;

interface ContainerPortSpec {
  name: string | undefined;
  containerPort: number | ValuesRef;
  udp: boolean;
}

interface WorkloadDoc {
  kind: 'Deployment';
  name: Name;
  namespace: Namespace;
  app: Name;
  ports: ContainerPortSpec[];
  /** PORT from a literal, or from the `<configMap>` ConfigMap's PORT key. */
  portEnv: { value: string } | { configMap: Name } | undefined;
  probePort: PortRef | undefined;
  /** A Helm template action in the image: the file is a template, its values partly unknown. */
  templated: boolean;
}

interface ServicePortSpec {
  name: string | undefined;
  port: number | ValuesRef;
  targetPort: PortRef | undefined;
  nodePort: number | undefined;
}

interface ServiceDoc {
  kind: 'Service';
  name: Name;
  namespace: Namespace;
  type: 'ClusterIP' | 'NodePort';
  app: Name | undefined;
  ports: ServicePortSpec[];
  /** Ports as a flow sequence of flow maps instead of block style. */
  flow: boolean;
}

interface ConfigMapDoc {
  kind: 'ConfigMap';
  name: Name;
  namespace: Namespace;
  port: string;
}

interface BackendSpec {
  service: Name;
  port: PortRef | undefined;
  namespace: Namespace;
}

interface IngressDoc {
  kind: 'Ingress';
  name: Name;
  namespace: Namespace;
  backends: BackendSpec[];
}

interface RouteDoc {
  kind: 'HTTPRoute';
  name: Name;
  namespace: Namespace;
  backends: BackendSpec[];
}

interface PolicyDoc {
  kind: 'NetworkPolicy';
  name: Name;
  namespace: Namespace;
  app: Name;
  ports: PortRef[];
}

/** A document that is not valid YAML. */
interface BrokenDoc {
  kind: 'Broken';
  name: Name;
  namespace: Namespace;
}

interface KustomizationDoc {
  kind: 'Kustomization';
  namespace: Namespace;
  namePrefix: '' | 'p-';
  resources: string[];
  /** A configMapGenerator entry: a ConfigMap `<name>` with PORT=<port>, renamed with a hash suffix by kustomize. */
  generator: { name: Name; port: string } | undefined;
}

/** A chart's values.yaml. */
interface ValuesDoc {
  kind: 'Values';
  servicePort: number;
  targetPort: PortRef;
  containerPort: number;
}

/** A chart's Chart.yaml. */
interface ChartDoc {
  kind: 'Chart';
  name: Name;
}

/**
 * A custom resource an operator turns into Services (graph/operators.ts): a Knative Service (known,
 * named after itself, with a pod template), a CloudNativePG Cluster (known, `<name>-rw`), or a
 * MyDatabase (unknown, unless a settings variant describes it).
 */
interface OperatorDoc {
  kind: 'Operator';
  resource: 'KnativeService' | 'Cluster' | 'MyDatabase';
  name: Name;
  namespace: Namespace;
}

type Doc = WorkloadDoc | ServiceDoc | ConfigMapDoc | IngressDoc | RouteDoc | PolicyDoc | BrokenDoc | KustomizationDoc | ValuesDoc | ChartDoc | OperatorDoc;

interface FileSpec {
  path: string;
  docs: Doc[];
}

function metadata(doc: { name: string; namespace: Namespace }): string {
  return `metadata:\n  name: ${doc.name}\n${doc.namespace === undefined ? '' : `  namespace: ${doc.namespace}\n`}`;
}

const yamlPort = (port: PortRef) => (typeof port === 'object' ? `{{ .Values.${port.values} }}` : String(port));

function renderDoc(doc: Doc): string {
  switch (doc.kind) {
    case 'Deployment': {
      const ports = doc.ports
        .map((port) => `            - ${port.name === undefined ? '' : `name: ${port.name}\n              `}containerPort: ${yamlPort(port.containerPort)}${port.udp ? '\n              protocol: UDP' : ''}\n`)
        .join('');
      const env =
        doc.portEnv === undefined
          ? ''
          : 'value' in doc.portEnv
            ? `          env:\n            - name: PORT\n              value: "${doc.portEnv.value}"\n`
            : `          env:\n            - name: PORT\n              valueFrom:\n                configMapKeyRef:\n                  name: ${doc.portEnv.configMap}\n                  key: PORT\n`;
      const probe = doc.probePort === undefined ? '' : `          readinessProbe:\n            httpGet:\n              path: /healthz\n              port: ${yamlPort(doc.probePort)}\n`;
      return `apiVersion: apps/v1
kind: Deployment
${metadata(doc)}spec:
  selector:
    matchLabels:
      app: ${doc.app}
  template:
    metadata:
      labels:
        app: ${doc.app}
    spec:
      containers:
        - name: main
          image: ${doc.templated ? '{{ .Values.image }}' : 'example/app:1'}
${doc.ports.length > 0 ? `          ports:\n${ports}` : ''}${env}${probe}`;
    }
    case 'Service': {
      const entry = (port: ServicePortSpec) =>
        [
          port.name === undefined ? undefined : `name: ${port.name}`,
          `port: ${yamlPort(port.port)}`,
          port.targetPort === undefined ? undefined : `targetPort: ${yamlPort(port.targetPort)}`,
          port.nodePort === undefined ? undefined : `nodePort: ${port.nodePort}`,
        ].filter((field) => field !== undefined);
      const ports = doc.flow
        ? `  ports: [${doc.ports.map((port) => `{${entry(port).join(', ')}}`).join(', ')}]\n`
        : `  ports:\n${doc.ports.map((port) => `    - ${entry(port).join('\n      ')}\n`).join('')}`;
      return `apiVersion: v1
kind: Service
${metadata(doc)}spec:
  type: ${doc.type}
${doc.app === undefined ? '' : `  selector:\n    app: ${doc.app}\n`}${ports}`;
    }
    case 'ConfigMap':
      return `apiVersion: v1\nkind: ConfigMap\n${metadata(doc)}data:\n  PORT: "${doc.port}"\n`;
    case 'Ingress': {
      const paths = doc.backends
        .map((backend, index) => {
          const port = backend.port === undefined ? '' : `\n                  ${typeof backend.port === 'string' ? 'name' : 'number'}: ${yamlPort(backend.port)}`;
          return `          - path: /p${index}\n            pathType: Prefix\n            backend:\n              service:\n                name: ${backend.service}\n                port:${port || ' {}'}\n`;
        })
        .join('');
      return `apiVersion: networking.k8s.io/v1\nkind: Ingress\n${metadata(doc)}spec:\n  rules:\n    - host: shop.example.com\n      http:\n        paths:\n${paths}`;
    }
    case 'HTTPRoute': {
      const refs = doc.backends
        .map((backend) => `        - name: ${backend.service}\n${backend.namespace === undefined ? '' : `          namespace: ${backend.namespace}\n`}${typeof backend.port === 'number' ? `          port: ${backend.port}\n` : ''}`)
        .join('');
      return `apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\n${metadata(doc)}spec:\n  parentRefs:\n    - name: edge\n  rules:\n    - backendRefs:\n${refs}`;
    }
    case 'NetworkPolicy':
      return `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
${metadata(doc)}spec:
  podSelector:
    matchLabels:
      app: ${doc.app}
  ingress:
    - ports:
${doc.ports.map((port) => `        - port: ${yamlPort(port)}\n`).join('')}`;
    case 'Broken':
      return `apiVersion: v1\nkind: Service\nmetadata: {name: ${doc.name}\nspec: [unclosed\n`;
    case 'Operator':
      if (doc.resource === 'KnativeService') return `apiVersion: serving.knative.dev/v1\nkind: Service\n${metadata(doc)}spec:\n  template:\n    metadata:\n      labels:\n        app: ${doc.name}\n    spec:\n      containers:\n        - image: example\n`;
      if (doc.resource === 'Cluster') return `apiVersion: postgresql.cnpg.io/v1\nkind: Cluster\n${metadata(doc)}spec:\n  instances: 1\n`;
      return `apiVersion: db.example.com/v1\nkind: MyDatabase\n${metadata(doc)}spec:\n  replicas: 1\n`;
    case 'Kustomization': {
      const generator = doc.generator === undefined ? '' : `configMapGenerator:\n  - name: ${doc.generator.name}\n    literals:\n      - PORT=${doc.generator.port}\n`;
      return `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
${doc.namespace === undefined ? '' : `namespace: ${doc.namespace}\n`}${doc.namePrefix === '' ? '' : `namePrefix: ${doc.namePrefix}\n`}resources:
${doc.resources.map((resource) => `  - ${resource}\n`).join('')}${generator}`;
    }
    case 'Values':
      return `service:\n  port: ${doc.servicePort}\n  targetPort: ${typeof doc.targetPort === 'object' ? 8080 : doc.targetPort}\ncontainerPort: ${doc.containerPort}\n`;
    case 'Chart':
      return `apiVersion: v2\nname: ${doc.name}\nversion: 0.1.0\n`;
  }
}

function renderFile(file: FileSpec): string {
  return file.docs.map(renderDoc).join('---\n');
}

// ---------------------------------------------------------------------------------------------
// Arbitraries

const nameArb = fc.constantFrom(...NAMES);
const namespaceArb = fc.constantFrom(...NAMESPACES);
const portArb = fc.constantFrom(...PORTS);
const portNameArb = fc.constantFrom(...PORT_NAMES);
const valuesRefArb = fc.constantFrom(...VALUES_KEYS).map((values) => ({ values }));
const portRefArb: fc.Arbitrary<PortRef> = fc.oneof({ arbitrary: portArb, weight: 4 }, { arbitrary: portNameArb, weight: 2 }, { arbitrary: valuesRefArb, weight: 1 });
const numberOrValuesArb: fc.Arbitrary<number | ValuesRef> = fc.oneof({ arbitrary: portArb, weight: 6 }, { arbitrary: valuesRefArb, weight: 1 });
const manifestPathArb = fc.tuple(fc.constantFrom(...DIRS), fc.constantFrom(...FILE_NAMES)).map(([dir, file]) => `${dir}/${file}`);
const kustomizationPathArb = fc.constantFrom(...DIRS).map((dir) => `${dir}/kustomization.yaml`);
const pathArb = fc.oneof({ arbitrary: manifestPathArb, weight: 6 }, { arbitrary: kustomizationPathArb, weight: 1 }, { arbitrary: fc.constantFrom(...CHART_PATHS), weight: 1 });

const workloadArb: fc.Arbitrary<WorkloadDoc> = fc.record({
  kind: fc.constant('Deployment' as const),
  name: nameArb,
  namespace: namespaceArb,
  app: nameArb,
  ports: fc.array(fc.record({ name: fc.option(portNameArb, { nil: undefined }), containerPort: numberOrValuesArb, udp: fc.nat({ max: 9 }).map((n) => n === 0) }), { maxLength: 2 }),
  portEnv: fc.option(fc.oneof(fc.record({ value: fc.constantFrom('8080', '9090', '80', 'x') }), fc.record({ configMap: nameArb })), { nil: undefined }),
  probePort: fc.option(portRefArb, { nil: undefined }),
  templated: fc.boolean(),
});

const serviceArb: fc.Arbitrary<ServiceDoc> = fc.record({
  kind: fc.constant('Service' as const),
  name: nameArb,
  namespace: namespaceArb,
  type: fc.constantFrom('ClusterIP' as const, 'NodePort' as const),
  app: fc.option(nameArb, { nil: undefined, freq: 6 }),
  ports: fc.array(
    fc.record({
      name: fc.option(portNameArb, { nil: undefined }),
      port: numberOrValuesArb,
      targetPort: fc.option(portRefArb, { nil: undefined }),
      nodePort: fc.option(fc.constantFrom(...NODE_PORTS), { nil: undefined }),
    }),
    { minLength: 1, maxLength: 2 },
  ),
  flow: fc.boolean(),
});

const configMapArb: fc.Arbitrary<ConfigMapDoc> = fc.record({
  kind: fc.constant('ConfigMap' as const),
  name: nameArb,
  namespace: namespaceArb,
  port: fc.constantFrom('8080', '9090', '80', 'x'),
});

const backendArb: fc.Arbitrary<BackendSpec> = fc.record({ service: nameArb, port: fc.option(portRefArb, { nil: undefined, freq: 6 }), namespace: namespaceArb });

const ingressArb: fc.Arbitrary<IngressDoc> = fc.record({
  kind: fc.constant('Ingress' as const),
  name: nameArb,
  namespace: namespaceArb,
  backends: fc.array(backendArb, { minLength: 1, maxLength: 2 }),
});

const routeArb: fc.Arbitrary<RouteDoc> = fc.record({
  kind: fc.constant('HTTPRoute' as const),
  name: nameArb,
  namespace: namespaceArb,
  backends: fc.array(backendArb, { minLength: 1, maxLength: 2 }),
});

const policyArb: fc.Arbitrary<PolicyDoc> = fc.record({
  kind: fc.constant('NetworkPolicy' as const),
  name: nameArb,
  namespace: namespaceArb,
  app: nameArb,
  ports: fc.array(portRefArb, { minLength: 1, maxLength: 2 }),
});

const brokenArb: fc.Arbitrary<BrokenDoc> = fc.record({ kind: fc.constant('Broken' as const), name: nameArb, namespace: namespaceArb });

const operatorArb: fc.Arbitrary<OperatorDoc> = fc.record({
  kind: fc.constant('Operator' as const),
  resource: fc.constantFrom('KnativeService' as const, 'Cluster' as const, 'MyDatabase' as const),
  name: nameArb,
  namespace: namespaceArb,
});

const docArb: fc.Arbitrary<Doc> = fc.oneof(
  { arbitrary: workloadArb, weight: 4 },
  { arbitrary: serviceArb, weight: 4 },
  { arbitrary: configMapArb, weight: 2 },
  { arbitrary: ingressArb, weight: 2 },
  { arbitrary: routeArb, weight: 1 },
  { arbitrary: policyArb, weight: 1 },
  { arbitrary: brokenArb, weight: 1 },
  { arbitrary: operatorArb, weight: 1 },
);

const kustomizationArb: fc.Arbitrary<KustomizationDoc> = fc.record({
  kind: fc.constant('Kustomization' as const),
  namespace: namespaceArb,
  namePrefix: fc.constantFrom('' as const, 'p-' as const),
  resources: fc.uniqueArray(fc.constantFrom(...KUSTOMIZE_RESOURCES), { minLength: 1, maxLength: 3 }),
  generator: fc.option(fc.record({ name: nameArb, port: fc.constantFrom('8080', '9090', 'x') }), { nil: undefined }),
});

const valuesArb: fc.Arbitrary<ValuesDoc> = fc.record({
  kind: fc.constant('Values' as const),
  servicePort: portArb,
  targetPort: fc.oneof(portArb, portNameArb),
  containerPort: portArb,
});

const chartArb: fc.Arbitrary<ChartDoc> = fc.record({ kind: fc.constant('Chart' as const), name: nameArb });

const chartFileArb: fc.Arbitrary<FileSpec> = fc.oneof(
  fc.record({ path: fc.constant(`${CHART}/values.yaml`), docs: valuesArb.map((doc) => [doc]) }),
  fc.record({ path: fc.constant(`${CHART}/Chart.yaml`), docs: chartArb.map((doc) => [doc]) }),
  fc.record({ path: fc.constantFrom(`${CHART}/templates/service.yaml`, `${CHART}/templates/deployment.yaml`), docs: fc.array(fc.oneof(serviceArb, workloadArb), { minLength: 1, maxLength: 2 }) }),
);

const fileArb: fc.Arbitrary<FileSpec> = fc.oneof(
  { arbitrary: fc.record({ path: manifestPathArb, docs: fc.array(docArb, { minLength: 1, maxLength: 3 }) }), weight: 6 },
  { arbitrary: fc.record({ path: kustomizationPathArb, docs: kustomizationArb.map((doc) => [doc]) }), weight: 2 },
  { arbitrary: chartFileArb, weight: 2 },
);

/** A change of one field of one document: which kind of field, which one of them, and the new value. */
interface FieldEdit {
  field: 'port' | 'label' | 'name' | 'namespace' | 'value';
  pick: number;
  port: PortRef;
  name: Name;
  namespace: Namespace;
  value: string;
}

/** The settings a step may switch to; applied to both Projects. */
const SETTINGS_VARIANTS: Settings[] = [
  DEFAULT_SETTINGS,
  { ...DEFAULT_SETTINGS, rules: { 'target-port-mismatch': 'off', 'ingress-service-missing': 'info' } },
  { ...DEFAULT_SETTINGS, bindPortEnvVars: ['HTTP_PORT'] },
  { ...DEFAULT_SETTINGS, nodePortRange: { min: 29000, max: 30080 } },
  { ...DEFAULT_SETTINGS, operators: [{ group: 'db.example.com', kind: 'MyDatabase', services: [{ name: '{name}', ports: [{ name: 'http', port: 8080 }] }] }] },
];

type Step =
  | { kind: 'edit'; file: number; doc: number; edit: FieldEdit }
  | { kind: 'add-doc'; file: number; doc: Doc }
  | { kind: 'remove-doc'; file: number; doc: number }
  | { kind: 'create'; file: FileSpec }
  | { kind: 'delete'; file: number }
  | { kind: 'rename'; file: number; path: string }
  | { kind: 'settings'; variant: number }
  | { kind: 'observe' };

const fieldEditArb: fc.Arbitrary<FieldEdit> = fc.record({
  field: fc.constantFrom('port' as const, 'label' as const, 'name' as const, 'namespace' as const, 'value' as const),
  pick: fc.nat(),
  port: portRefArb,
  name: nameArb,
  namespace: namespaceArb,
  value: fc.constantFrom('8080', '9090', '80', 'x'),
});

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('edit' as const), file: fc.nat(), doc: fc.nat(), edit: fieldEditArb }), weight: 8 },
  { arbitrary: fc.record({ kind: fc.constant('add-doc' as const), file: fc.nat(), doc: docArb }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('remove-doc' as const), file: fc.nat(), doc: fc.nat() }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('create' as const), file: fileArb }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('delete' as const), file: fc.nat() }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('rename' as const), file: fc.nat(), path: pathArb }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('settings' as const), variant: fc.nat({ max: SETTINGS_VARIANTS.length - 1 }) }), weight: 1 },
  { arbitrary: fc.constant({ kind: 'observe' as const }), weight: 4 },
);

// ---------------------------------------------------------------------------------------------
// Applying steps

/** Every place of a document that the edit's field names, as setters; the edit sets the `pick`-th. */
function slotsOf(doc: Doc, edit: FieldEdit): (() => void)[] {
  const slots: (() => void)[] = [];
  const asNumber = (port: PortRef) => (typeof port === 'number' ? port : PORTS[(typeof port === 'string' ? port : port.values).length % PORTS.length]);
  switch (edit.field) {
    case 'port':
      if (doc.kind === 'Deployment') {
        for (const port of doc.ports) {
          slots.push(() => (typeof edit.port === 'string' ? (port.name = edit.port) : (port.containerPort = edit.port)));
        }
        slots.push(() => (doc.probePort = edit.port));
      } else if (doc.kind === 'Service') {
        for (const port of doc.ports) {
          slots.push(() => (typeof edit.port === 'string' ? (port.name = edit.port) : (port.port = edit.port)));
          slots.push(() => (port.targetPort = edit.port));
          slots.push(() => (port.nodePort = port.nodePort === undefined ? NODE_PORTS[asNumber(edit.port) % NODE_PORTS.length] : undefined));
        }
        slots.push(() => (doc.type = doc.type === 'NodePort' ? 'ClusterIP' : 'NodePort'));
      } else if (doc.kind === 'Ingress' || doc.kind === 'HTTPRoute') {
        for (const backend of doc.backends) slots.push(() => (backend.port = edit.port));
      } else if (doc.kind === 'NetworkPolicy') {
        doc.ports.forEach((_, index) => slots.push(() => (doc.ports[index] = edit.port)));
      } else if (doc.kind === 'Values') {
        slots.push(() => (doc.servicePort = asNumber(edit.port)));
        slots.push(() => (doc.targetPort = typeof edit.port === 'object' ? asNumber(edit.port) : edit.port));
        slots.push(() => (doc.containerPort = asNumber(edit.port)));
      }
      break;
    case 'label':
      if (doc.kind === 'Deployment' || doc.kind === 'NetworkPolicy') slots.push(() => (doc.app = edit.name));
      if (doc.kind === 'Service') slots.push(() => (doc.app = doc.app === edit.name ? undefined : edit.name));
      break;
    case 'name':
      if (doc.kind === 'Kustomization') {
        slots.push(() => (doc.namePrefix = doc.namePrefix === '' ? 'p-' : ''));
        const generator = doc.generator;
        if (generator) slots.push(() => (generator.name = edit.name));
      } else if (doc.kind !== 'Broken' && doc.kind !== 'Values') slots.push(() => (doc.name = edit.name));
      if (doc.kind === 'Ingress' || doc.kind === 'HTTPRoute') for (const backend of doc.backends) slots.push(() => (backend.service = edit.name));
      if (doc.kind === 'Deployment' && doc.portEnv && 'configMap' in doc.portEnv) {
        const portEnv = doc.portEnv;
        slots.push(() => (portEnv.configMap = edit.name));
      }
      break;
    case 'namespace':
      if ('namespace' in doc) slots.push(() => (doc.namespace = edit.namespace));
      if (doc.kind === 'HTTPRoute') for (const backend of doc.backends) slots.push(() => (backend.namespace = edit.namespace));
      break;
    case 'value':
      if (doc.kind === 'ConfigMap') slots.push(() => (doc.port = edit.value));
      if (doc.kind === 'Kustomization') {
        // Lists a resource it did not, or drops one it did; or sets the generated PORT.
        const resource = KUSTOMIZE_RESOURCES[edit.pick % KUSTOMIZE_RESOURCES.length];
        slots.push(() => (doc.resources = doc.resources.includes(resource) ? doc.resources.filter((other) => other !== resource) : [...doc.resources, resource]));
        slots.push(() => (doc.generator = doc.generator ? { ...doc.generator, port: edit.value } : { name: edit.name, port: edit.value }));
      }
      if (doc.kind === 'Deployment') {
        slots.push(() => (doc.portEnv = doc.portEnv && 'value' in doc.portEnv ? { configMap: edit.name } : { value: edit.value }));
        slots.push(() => (doc.templated = !doc.templated));
      }
      break;
  }
  return slots;
}

/** The workspace both Projects are built from: path → file, in creation order. */
class Workspace {
  readonly files: FileSpec[];
  settings: Settings = DEFAULT_SETTINGS;

  constructor(initial: FileSpec[]) {
    // One file per path: a later file of the same path replaces an earlier one.
    const byPath = new Map<string, FileSpec>();
    for (const file of structuredClone(initial)) byPath.set(file.path, file);
    this.files = [...byPath.values()];
  }

  /** Applies a step to the workspace and tells `project` what changed, as the server would. */
  apply(step: Step, project: Project, versions: Map<string, number>): void {
    const setText = (file: FileSpec) => {
      const uri = ROOT + file.path;
      const version = (versions.get(uri) ?? 0) + 1;
      versions.set(uri, version);
      project.setText(uri, renderFile(file), version);
    };
    const fileAt = (index: number) => (this.files.length === 0 ? undefined : this.files[index % this.files.length]);
    switch (step.kind) {
      case 'edit': {
        const file = fileAt(step.file);
        if (!file || file.docs.length === 0) return;
        const slots = slotsOf(file.docs[step.doc % file.docs.length], step.edit);
        if (slots.length === 0) return;
        slots[step.edit.pick % slots.length]();
        setText(file);
        return;
      }
      case 'add-doc': {
        const file = fileAt(step.file);
        if (!file) return;
        file.docs.push(structuredClone(step.doc));
        setText(file);
        return;
      }
      case 'remove-doc': {
        const file = fileAt(step.file);
        if (!file || file.docs.length === 0) return;
        file.docs.splice(step.doc % file.docs.length, 1);
        setText(file);
        return;
      }
      case 'create': {
        const created = structuredClone(step.file);
        const existing = this.files.findIndex((file) => file.path === created.path);
        if (existing >= 0) this.files[existing] = created;
        else this.files.push(created);
        setText(created);
        return;
      }
      case 'delete': {
        const file = fileAt(step.file);
        if (!file) return;
        this.files.splice(this.files.indexOf(file), 1);
        project.remove(ROOT + file.path);
        return;
      }
      case 'rename': {
        const file = fileAt(step.file);
        if (!file || file.path === step.path) return;
        // A rename onto an existing path replaces that file, as a move in an editor does.
        const replaced = this.files.findIndex((other) => other.path === step.path);
        if (replaced >= 0) this.files.splice(replaced, 1);
        project.remove(ROOT + file.path);
        file.path = step.path;
        setText(file);
        return;
      }
      case 'settings':
        this.settings = SETTINGS_VARIANTS[step.variant];
        project.settings = this.settings;
        return;
      case 'observe':
        return;
    }
  }

  /**
   * A Project built from scratch on the files as they are now, added in the order the long-lived
   * Project holds them: some fix hints (the free nodePort a fix offers) go by that order, and the
   * property is about incremental against full runs, not about the order files arrive in.
   */
  fresh(longLived: Project): Project {
    const texts = new Map(this.files.map((file) => [ROOT + file.path, renderFile(file)]));
    const order = [...longLived.graph.files()].map((file) => file.uri);
    assert.deepEqual([...order].sort(), [...texts.keys()].sort(), 'the long-lived Project holds other files than the workspace');
    const project = new Project(where);
    project.settings = this.settings;
    for (const uri of order) project.setText(uri, texts.get(uri)!);
    return project;
  }
}

/** Every finding of a Project as comparable text: rule, file, span, severity, message, related places and fixes. */
function findingsOf(project: Project): string[] {
  const out: string[] = [];
  for (const findings of project.findingsByUri().values()) {
    for (const finding of findings) {
      const { rule, uri, span, severity, message, related, fixes } = finding;
      out.push(JSON.stringify({ rule, uri: where(uri), span: [span.start, span.end], severity, message, related, fixes }));
    }
  }
  return out.sort();
}

function describeWorkspace(workspace: Workspace): string {
  return workspace.files.map((file) => `# --- ${file.path}\n${renderFile(file)}`).join('');
}

test('a long-lived Project reports what a fresh Project reports, after any sequence of changes', { timeout: 120_000 }, () => {
  let findingsSeen = 0;
  fc.assert(
    fc.property(fc.array(fileArb, { minLength: 1, maxLength: 6 }), fc.array(stepArb, { minLength: 1, maxLength: 30 }), (initial, steps) => {
      const workspace = new Workspace(initial);
      const project = new Project(where);
      const versions = new Map<string, number>();
      for (const file of workspace.files) workspace.apply({ kind: 'create', file }, project, versions);
      const compare = (after: string) => {
        const expected = findingsOf(workspace.fresh(project));
        findingsSeen += expected.length;
        assert.deepEqual(findingsOf(project), expected, `${after}: the long-lived Project differs from a fresh one on\n${describeWorkspace(workspace)}`);
      };
      compare('after the initial files');
      steps.forEach((step, index) => {
        workspace.apply(step, project, versions);
        if (step.kind === 'observe') compare(`after step ${index + 1} (${steps.slice(0, index + 1).map((s) => s.kind).join(', ')})`);
      });
      compare('after the last step');
    }),
    // A failure prints its seed and path; FC_SEED=… FC_PATH=… replays exactly that case.
    { numRuns: 100, includeErrorInReport: true, ...(process.env.FC_SEED ? { seed: Number(process.env.FC_SEED), path: process.env.FC_PATH } : {}) },
  );
  // The pools are chosen so that links break and mend; a run without findings would prove nothing.
  assert.ok(findingsSeen > 100, `only ${findingsSeen} findings across the runs: the generated workspaces hardly exercise the rules`);
});
