// Synthetic GitOps workspaces for the benchmark: deterministic (seeded), realistic in shape, with
// a few deliberate mismatches ("planted") recorded in a manifest so that the benchmark can check
// that every one is found, by rule and file, and that nothing else is.
//
//   clusters/<env>/apps/<app>/        a Deployment or StatefulSet, its Service(s), a ConfigMap, maybe
//                                     an Ingress or HTTPRoute, RBAC, a ServiceMonitor, a NetworkPolicy,
//                                     a kustomization; split into files or all in one multi-document file
//   clusters/<env>/namespaces.yaml    the env's Namespaces; clusters/<env>/platform/gateway.yaml
//   platform/crds/*.yaml              a few large CustomResourceDefinitions (big openAPIV3Schema)
//   compose/*/docker-compose.yaml     Compose files; .github/workflows/*.yml CI workflows (not Kubernetes)
//
// Most apps live in a namespace of their team and env; one slice of them shares one big namespace
// (`shared`) across every env, the worst case for lookups that scan a namespace.
//
// Every workspace is written below a cache folder with its manifest last, and reused while the
// generator's version is unchanged (`npm run bench -- --generate` only writes them).

import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Bump when the output changes, so that cached workspaces are written again. */
export const GENERATOR_VERSION = 5;

export const WORKSPACE_SIZES = [200, 2_000, 20_000, 50_000] as const;

/** A place in a file: 0-based line and UTF-16 character, as LSP counts them. */
export interface TextPlace {
  file: string;
  line: number;
  character: number;
}

export interface PlantedMismatch extends TextPlace {
  rule: string;
  /** What was changed, for the report. */
  what: string;
  /** The offending scalar as written. */
  text: string;
}

/** A chain position for hover and definition requests. */
export interface ChainPlace extends TextPlace {
  what: 'targetPort' | 'backend-port' | 'containerPort' | 'service-name';
}

/** A Service targetPort that the benchmark toggles between a value that works and one that does not. */
export interface TogglePlace extends TextPlace {
  good: string;
  bad: string;
  /** The rule the bad value breaks. */
  rule: string;
}

export interface WorkspaceManifest {
  generator: number;
  seed: number;
  /** The document count asked for. */
  size: number | string;
  documents: number;
  files: number;
  bytes: number;
  lines: number;
  apps: number;
  planted: PlantedMismatch[];
  toggle: TogglePlace;
  chain: ChainPlace[];
}

// ---------------------------------------------------------------------------------------------
// Randomness: a small seeded generator (mulberry32), so the same size always gives the same bytes.

export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(below: number): number {
    return Math.floor(this.next() * below);
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
}

// ---------------------------------------------------------------------------------------------
// Vocabulary

const ENVS = ['dev', 'staging', 'prod', 'prod-eu', 'prod-us'];
const TEAMS = ['payments', 'search', 'identity', 'catalog', 'checkout', 'growth', 'data', 'media', 'risk', 'mobile', 'support', 'billing'];
const NOUNS = ['ledger', 'invoice', 'cart', 'profile', 'session', 'token', 'order', 'price', 'stock', 'review', 'feed', 'notify', 'report', 'export', 'render', 'upload', 'quote', 'refund', 'audit', 'rating'];
const ROLES = ['api', 'worker', 'gateway', 'web', 'sync', 'indexer', 'scheduler', 'proxy', 'store', 'consumer'];
const APP_PORTS = [8080, 3000, 8000, 9000, 5000, 8443, 7070];
const SERVICE_PORTS: Record<number, number> = { 8080: 80, 3000: 80, 8000: 80, 9000: 9000, 5000: 80, 8443: 443, 7070: 7070 };
const METRICS_PORT = 9102;
const IMAGES = ['registry.example.com', 'ghcr.io/example', 'europe-docker.pkg.dev/example/apps'];

/** Which planted mismatches exist and how each is made. */
const PLANTED_RULES = [
  'target-port-mismatch',
  'target-port-name-missing',
  'implicit-target-port',
  'ingress-port-mismatch',
  'ingress-service-missing',
  'route-port-missing',
  'service-selects-nothing',
  'process-port-mismatch',
  'probe-port-missing',
  'node-port-range',
] as const;
type PlantedRule = (typeof PLANTED_RULES)[number];

// ---------------------------------------------------------------------------------------------
// One app: what it is, then its documents.

interface App {
  index: number;
  env: string;
  team: string;
  name: string;
  namespace: string;
  dir: string;
  kind: 'Deployment' | 'StatefulSet';
  port: number;
  servicePort: number;
  targetByName: boolean;
  portFromConfigMap: boolean;
  nodePort: number | undefined;
  exposure: 'none' | 'ingress' | 'httproute';
  ingressPortByName: boolean;
  sidecar: boolean;
  rbac: boolean;
  monitor: boolean;
  networkPolicy: boolean;
  kustomization: boolean;
  /** One multi-document file instead of a file per kind. */
  singleFile: boolean;
  plant: PlantedRule | undefined;
}

/** A YAML document, with the places inside it that the manifest records. */
interface Doc {
  text: string;
  marks: Mark[];
}

/** A place in a document: the `occurrence`-th `needle` after `after` (when given); the mark points at `value` in it. */
interface Mark {
  needle: string;
  after?: string;
  value: string;
  use: (place: TextPlace) => void;
}

function labelsBlock(app: App, indent: string): string {
  return [
    `${indent}app.kubernetes.io/name: ${app.name}`,
    `${indent}app.kubernetes.io/part-of: ${app.team}`,
    `${indent}app.kubernetes.io/managed-by: argocd`,
  ].join('\n');
}

function workloadDoc(app: App, rng: Random, record: Recorder): Doc {
  const marks: Mark[] = [];
  const portEnvValue = app.plant === 'process-port-mismatch' ? String(app.port + 1) : String(app.port);
  const probePortName = app.plant === 'probe-port-missing' ? 'helth' : 'http';
  const image = `${rng.pick(IMAGES)}/${app.team}/${app.name}:${1 + rng.int(4)}.${rng.int(20)}.${rng.int(10)}`;
  const portEnv = app.portFromConfigMap
    ? `            - name: PORT
              valueFrom:
                configMapKeyRef:
                  name: ${app.name}-config
                  key: PORT`
    : `            - name: PORT
              value: "${portEnvValue}"`;
  const sidecar = app.sidecar
    ? `
        - name: log-shipper
          image: docker.io/fluent/fluent-bit:3.1.4
          args: ["--config=/fluent-bit/etc/fluent-bit.conf"]
          resources:
            requests: {cpu: 20m, memory: 32Mi}
            limits: {memory: 64Mi}
          volumeMounts:
            - name: logs
              mountPath: /var/log/app`
    : '';
  const statefulExtras =
    app.kind === 'StatefulSet'
      ? `
  serviceName: ${app.name}-headless
  podManagementPolicy: Parallel
  volumeClaimTemplates:
    - metadata:
        name: data
      spec:
        accessModes: ["ReadWriteOnce"]
        storageClassName: fast-ssd
        resources:
          requests:
            storage: ${rng.pick([5, 10, 20, 50])}Gi`
      : `
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxSurge: 25%
      maxUnavailable: 0`;
  const text = `apiVersion: apps/v1
kind: ${app.kind}
metadata:
  name: ${app.name}
  namespace: ${app.namespace}
  labels:
${labelsBlock(app, '    ')}
  annotations:
    argocd.argoproj.io/sync-wave: "${rng.int(3)}"
spec:
  replicas: ${rng.pick([1, 2, 3, 3, 5])}
  revisionHistoryLimit: 5
  selector:
    matchLabels:
      app.kubernetes.io/name: ${app.name}${statefulExtras}
  template:
    metadata:
      labels:
${labelsBlock(app, '        ')}
      annotations:
        prometheus.io/scrape: "true"
        prometheus.io/port: "${METRICS_PORT}"
    spec:
      serviceAccountName: ${app.rbac ? app.name : 'default'}
      terminationGracePeriodSeconds: 30
      securityContext:
        runAsNonRoot: true
        runAsUser: 10001
        fsGroup: 10001
      containers:
        - name: app
          image: ${image}
          imagePullPolicy: IfNotPresent
          ports:
            - name: http
              containerPort: ${app.port}
              protocol: TCP
            - name: metrics
              containerPort: ${METRICS_PORT}
          env:
${portEnv}
            - name: LOG_LEVEL
              value: ${rng.pick(['info', 'debug', 'warn'])}
            - name: DB_PORT
              value: "5432"
            - name: POD_NAME
              valueFrom:
                fieldRef:
                  fieldPath: metadata.name
          envFrom:
            - secretRef:
                name: ${app.name}-secrets
                optional: true
          readinessProbe:
            httpGet:
              path: /healthz
              port: ${probePortName}
            initialDelaySeconds: 5
            periodSeconds: 10
          livenessProbe:
            tcpSocket:
              port: ${app.port}
            periodSeconds: 20
            failureThreshold: 3
          resources:
            requests:
              cpu: ${rng.pick([50, 100, 250, 500])}m
              memory: ${rng.pick([64, 128, 256, 512])}Mi
            limits:
              memory: ${rng.pick([256, 512, 1024])}Mi
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities:
              drop: ["ALL"]
          volumeMounts:
            - name: config
              mountPath: /etc/${app.name}
            - name: logs
              mountPath: /var/log/app${sidecar}
      volumes:
        - name: config
          configMap:
            name: ${app.name}-config
        - name: logs
          emptyDir: {}
`;
  if (app.plant === 'process-port-mismatch' && !app.portFromConfigMap) {
    marks.push({ needle: `value: "${portEnvValue}"`, after: '- name: PORT', value: `"${portEnvValue}"`, use: (place) => record.plant('process-port-mismatch', place, `PORT=${portEnvValue} while containerPort is ${app.port}`, `"${portEnvValue}"`) });
  }
  if (app.plant === 'process-port-mismatch' && app.portFromConfigMap) {
    marks.push({ needle: 'key: PORT', value: 'PORT', use: (place) => record.plant('process-port-mismatch', place, `PORT=${portEnvValue} from ConfigMap ${app.name}-config while containerPort is ${app.port}`, 'PORT') });
  }
  if (app.plant === 'probe-port-missing') {
    marks.push({ needle: `port: ${probePortName}`, after: 'readinessProbe:', value: probePortName, use: (place) => record.plant('probe-port-missing', place, 'readinessProbe port helth is no port name of the container', probePortName) });
  }
  marks.push({ needle: `containerPort: ${app.port}`, value: String(app.port), use: (place) => record.chain(app, 'containerPort', place) });
  return { text, marks };
}

function serviceDoc(app: App, record: Recorder): Doc {
  const marks: Mark[] = [];
  const selectorValue = app.plant === 'service-selects-nothing' ? misspell(app.name) : app.name;
  let targetPort = app.targetByName ? 'http' : String(app.port);
  if (app.plant === 'target-port-mismatch') targetPort = String(app.port + 1);
  if (app.plant === 'target-port-name-missing') targetPort = 'htpp';
  const nodePort = app.nodePort;
  const type = nodePort !== undefined ? 'NodePort' : 'ClusterIP';
  const targetLine = app.plant === 'implicit-target-port' ? '' : `\n      targetPort: ${targetPort}`;
  const nodePortLine = nodePort !== undefined ? `\n      nodePort: ${nodePort}` : '';
  const text = `apiVersion: v1
kind: Service
metadata:
  name: ${app.name}
  namespace: ${app.namespace}
  labels:
${labelsBlock(app, '    ')}
spec:
  type: ${type}
  selector:
    app.kubernetes.io/name: ${selectorValue}
  ports:
    - name: http
      port: ${app.servicePort}${targetLine}${nodePortLine}
      protocol: TCP
    - name: metrics
      port: ${METRICS_PORT}
      targetPort: metrics
`;
  switch (app.plant) {
    case 'service-selects-nothing':
      marks.push({ needle: 'selector:', value: 'app.kubernetes.io/name', use: (place) => record.plant('service-selects-nothing', place, `selector ${selectorValue} matches no pod template`, `app.kubernetes.io/name: ${selectorValue}`) });
      break;
    case 'target-port-mismatch':
    case 'target-port-name-missing':
      marks.push({ needle: `targetPort: ${targetPort}`, value: targetPort, use: (place) => record.plant(app.plant!, place, `targetPort ${targetPort} while the container's port is ${app.port} (http)`, targetPort) });
      break;
    case 'implicit-target-port':
      marks.push({ needle: `port: ${app.servicePort}`, after: '- name: http', value: String(app.servicePort), use: (place) => record.plant('implicit-target-port', place, `no targetPort, so ${app.servicePort}, while the container listens on ${app.port}`, String(app.servicePort)) });
      break;
    case 'node-port-range':
      marks.push({ needle: `nodePort: ${nodePort}`, value: String(nodePort), use: (place) => record.plant('node-port-range', place, `nodePort ${nodePort} below 30000`, String(nodePort)) });
      break;
    default:
      marks.push({ needle: `targetPort: ${targetPort}`, value: targetPort, use: (place) => record.chain(app, 'targetPort', place, targetPort, app.targetByName ? undefined : String(app.port + 1)) });
      marks.push({ needle: `name: ${app.name}`, value: app.name, use: (place) => record.chain(app, 'service-name', place) });
  }
  return { text, marks };
}

function headlessServiceDoc(app: App): Doc {
  return {
    text: `apiVersion: v1
kind: Service
metadata:
  name: ${app.name}-headless
  namespace: ${app.namespace}
  labels:
${labelsBlock(app, '    ')}
spec:
  clusterIP: None
  publishNotReadyAddresses: true
  selector:
    app.kubernetes.io/name: ${app.name}
  ports:
    - name: http
      port: ${app.port}
      targetPort: http
`,
    marks: [],
  };
}

function configMapDoc(app: App, rng: Random): Doc {
  const portValue = app.plant === 'process-port-mismatch' && app.portFromConfigMap ? app.port + 1 : app.port;
  return {
    text: `apiVersion: v1
kind: ConfigMap
metadata:
  name: ${app.name}-config
  namespace: ${app.namespace}
  labels:
${labelsBlock(app, '    ')}
data:
  PORT: "${portValue}"
  LOG_FORMAT: json
  FEATURE_FLAGS: "${rng.pick(['new-checkout', 'fast-path', 'beta-ui'])},${rng.pick(['audit', 'shadow-writes', 'cache-v2'])}"
  UPSTREAM_URL: http://${app.team}-gateway.${app.namespace}.svc.cluster.local:80
  application.yaml: |
    server:
      port: ${portValue}
      shutdown: graceful
    management:
      port: ${METRICS_PORT}
    database:
      host: ${app.team}-db.${app.namespace}.svc.cluster.local
      port: 5432
      pool: ${rng.pick([5, 10, 20])}
`,
    marks: [],
  };
}

function ingressDoc(app: App, record: Recorder): Doc {
  const marks: Mark[] = [];
  const serviceName = app.plant === 'ingress-service-missing' ? misspell(app.name) : app.name;
  const portNumber = app.plant === 'ingress-port-mismatch' ? app.port : app.servicePort;
  const portLines = app.ingressPortByName && app.plant !== 'ingress-port-mismatch' ? `name: http` : `number: ${portNumber}`;
  const text = `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: ${app.name}
  namespace: ${app.namespace}
  labels:
${labelsBlock(app, '    ')}
  annotations:
    cert-manager.io/cluster-issuer: letsencrypt
    nginx.ingress.kubernetes.io/proxy-body-size: 8m
spec:
  ingressClassName: nginx
  tls:
    - hosts: [${app.name}.${app.env}.example.com]
      secretName: ${app.name}-tls
  rules:
    - host: ${app.name}.${app.env}.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: ${serviceName}
                port:
                  ${portLines}
`;
  if (app.plant === 'ingress-service-missing') {
    marks.push({ needle: `name: ${serviceName}`, after: 'service:', value: serviceName, use: (place) => record.plant('ingress-service-missing', place, `backend Service ${serviceName} (meant ${app.name})`, serviceName) });
  } else if (app.plant === 'ingress-port-mismatch') {
    marks.push({ needle: `number: ${portNumber}`, value: String(portNumber), use: (place) => record.plant('ingress-port-mismatch', place, `backend port ${portNumber} is the containerPort, not the Service port ${app.servicePort}`, String(portNumber)) });
  } else {
    const value = portLines.slice(portLines.indexOf(': ') + 2);
    marks.push({ needle: portLines, after: 'backend:', value, use: (place) => record.chain(app, 'backend-port', place) });
  }
  return { text, marks };
}

function routeDoc(app: App, record: Recorder): Doc {
  const marks: Mark[] = [];
  const portLine = app.plant === 'route-port-missing' ? '' : `\n          port: ${app.servicePort}`;
  const text = `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: ${app.name}
  namespace: ${app.namespace}
  labels:
${labelsBlock(app, '    ')}
spec:
  parentRefs:
    - name: edge
      namespace: gateway-system
      sectionName: https
  hostnames:
    - ${app.name}.${app.env}.example.com
  rules:
    - matches:
        - path:
            type: PathPrefix
            value: /
      backendRefs:
        - name: ${app.name}${portLine}
`;
  if (app.plant === 'route-port-missing') {
    marks.push({ needle: `- name: ${app.name}`, after: 'backendRefs:', value: app.name, use: (place) => record.plant('route-port-missing', place, 'backendRef without a port', app.name) });
  } else {
    marks.push({ needle: `port: ${app.servicePort}`, after: 'backendRefs:', value: String(app.servicePort), use: (place) => record.chain(app, 'backend-port', place) });
  }
  return { text, marks };
}

function rbacDocs(app: App): Doc[] {
  const meta = `  name: ${app.name}\n  namespace: ${app.namespace}\n  labels:\n${labelsBlock(app, '    ')}`;
  return [
    { text: `apiVersion: v1\nkind: ServiceAccount\nmetadata:\n${meta}\nautomountServiceAccountToken: false\n`, marks: [] },
    {
      text: `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
${meta}
rules:
  - apiGroups: [""]
    resources: ["configmaps", "secrets"]
    resourceNames: ["${app.name}-config", "${app.name}-secrets"]
    verbs: ["get", "watch", "list"]
  - apiGroups: ["coordination.k8s.io"]
    resources: ["leases"]
    verbs: ["get", "create", "update"]
`,
      marks: [],
    },
    {
      text: `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
${meta}
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: ${app.name}
subjects:
  - kind: ServiceAccount
    name: ${app.name}
    namespace: ${app.namespace}
`,
      marks: [],
    },
  ];
}

function monitorDoc(app: App): Doc {
  return {
    text: `apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata:
  name: ${app.name}
  namespace: ${app.namespace}
spec:
  selector:
    matchLabels:
      app.kubernetes.io/name: ${app.name}
  endpoints:
    - port: metrics
      interval: 30s
      path: /metrics
`,
    marks: [],
  };
}

function networkPolicyDoc(app: App): Doc {
  return {
    text: `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: ${app.name}-allow-ingress
  namespace: ${app.namespace}
spec:
  podSelector:
    matchLabels:
      app.kubernetes.io/name: ${app.name}
  policyTypes: [Ingress]
  ingress:
    - from:
        - namespaceSelector:
            matchLabels:
              kubernetes.io/metadata.name: ingress-nginx
      ports:
        - port: http
          protocol: TCP
        - port: ${METRICS_PORT}
`,
    marks: [],
  };
}

function kustomizationDoc(app: App, files: string[]): Doc {
  return {
    text: `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: ${app.namespace}
resources:
${files.map((file) => `  - ${file}`).join('\n')}
images:
  - name: ${app.name}
    newTag: "${app.index % 17}.${app.index % 5}.0"
`,
    marks: [],
  };
}

/** A name with one letter dropped from its first word: `ledger-api-7` → `leger-api-7`. */
function misspell(name: string): string {
  const cut = Math.min(2, name.length - 1);
  return name.slice(0, cut) + name.slice(cut + 1);
}

/** An app's files: path relative to the workspace → its documents. */
function appFiles(app: App, rng: Random, record: Recorder): Map<string, Doc[]> {
  const workload = workloadDoc(app, rng, record);
  const services = [serviceDoc(app, record), ...(app.kind === 'StatefulSet' ? [headlessServiceDoc(app)] : [])];
  const config = configMapDoc(app, rng);
  const exposure = app.exposure === 'ingress' ? [ingressDoc(app, record)] : app.exposure === 'httproute' ? [routeDoc(app, record)] : [];
  const rbac = app.rbac ? rbacDocs(app) : [];
  const extras = [...(app.monitor ? [monitorDoc(app)] : []), ...(app.networkPolicy ? [networkPolicyDoc(app)] : [])];
  const files = new Map<string, Doc[]>();
  if (app.singleFile) {
    files.set(`${app.dir}/${app.name}.yaml`, [...rbac, config, workload, ...services, ...exposure, ...extras]);
  } else {
    files.set(`${app.dir}/${app.kind.toLowerCase()}.yaml`, [workload]);
    files.set(`${app.dir}/service.yaml`, services);
    files.set(`${app.dir}/configmap.yaml`, [config]);
    if (exposure.length > 0) files.set(`${app.dir}/${app.exposure}.yaml`, exposure);
    if (rbac.length > 0) files.set(`${app.dir}/rbac.yaml`, rbac);
    if (extras.length > 0) files.set(`${app.dir}/monitoring.yaml`, extras);
  }
  if (app.kustomization) {
    const names = [...files.keys()].map((path) => path.slice(app.dir.length + 1));
    files.set(`${app.dir}/kustomization.yaml`, [kustomizationDoc(app, names)]);
  }
  return files;
}

// ---------------------------------------------------------------------------------------------
// Platform files that are not apps

function namespacesDoc(env: string, namespaces: string[]): Doc[] {
  return namespaces.map((namespace) => ({
    text: `apiVersion: v1
kind: Namespace
metadata:
  name: ${namespace}
  labels:
    env: ${env}
    pod-security.kubernetes.io/enforce: restricted
`,
    marks: [],
  }));
}

function gatewayDoc(env: string): Doc {
  return {
    text: `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: edge
  namespace: gateway-system
  labels:
    env: ${env}
spec:
  gatewayClassName: envoy
  listeners:
    - name: http
      port: 80
      protocol: HTTP
      allowedRoutes:
        namespaces:
          from: All
    - name: https
      port: 443
      protocol: HTTPS
      hostname: "*.${env}.example.com"
      tls:
        mode: Terminate
        certificateRefs:
          - name: wildcard-${env}
      allowedRoutes:
        namespaces:
          from: All
`,
    marks: [],
  };
}

/** A CustomResourceDefinition with a big, deeply nested schema (operators ship 5,000-line ones). */
function crdDoc(index: number, fields: number, rng: Random): Doc {
  const kind = `${rng.pick(['Pipeline', 'Cluster', 'Backup', 'Certificate', 'Tenant', 'Workflow'])}${index}`;
  const group = `${rng.pick(['ops', 'data', 'infra', 'platform'])}.example.com`;
  const lines: string[] = [];
  const schema = (indent: string, depth: number, budget: { left: number }) => {
    lines.push(`${indent}type: object`);
    lines.push(`${indent}description: ${rng.pick(['Spec defines the desired state.', 'Settings for this component; see the operator guide for every field.', 'Status reported by the controller, never set by users.'])}`);
    lines.push(`${indent}properties:`);
    const count = depth > 4 ? 3 : 4 + rng.int(5);
    for (let i = 0; i < count && budget.left > 0; i++) {
      const field = `${rng.pick(['replicas', 'image', 'template', 'selector', 'retention', 'schedule', 'storage', 'network', 'limits', 'affinity', 'tolerations', 'hooks'])}${i}`;
      lines.push(`${indent}  ${field}:`);
      budget.left--;
      if (depth < 6 && rng.chance(0.45)) {
        schema(`${indent}    `, depth + 1, budget);
      } else if (rng.chance(0.3)) {
        lines.push(`${indent}    type: array`);
        lines.push(`${indent}    items:`);
        lines.push(`${indent}      type: string`);
        lines.push(`${indent}      maxLength: ${64 + rng.int(200)}`);
        lines.push(`${indent}    description: A list of ${field}; order is kept.`);
      } else {
        const type = rng.pick(['string', 'integer', 'boolean']);
        lines.push(`${indent}    type: ${type}`);
        if (type === 'integer') lines.push(`${indent}    format: int32`, `${indent}    minimum: 0`);
        if (type === 'string') lines.push(`${indent}    pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$'`);
        lines.push(`${indent}    description: The ${field} of this resource. Changing it rolls the pods; see the docs for the defaults.`);
      }
    }
  };
  schema('            ', 0, { left: fields });
  const plural = `${kind.toLowerCase()}s`;
  return {
    text: `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: ${plural}.${group}
  annotations:
    controller-gen.kubebuilder.io/version: v0.16.1
spec:
  group: ${group}
  names:
    kind: ${kind}
    listKind: ${kind}List
    plural: ${plural}
    singular: ${kind.toLowerCase()}
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      subresources:
        status: {}
      schema:
        openAPIV3Schema:
${lines.join('\n')}
`,
    marks: [],
  };
}

function composeDoc(index: number, rng: Random): Doc {
  const name = `${rng.pick(NOUNS)}-${rng.pick(ROLES)}`;
  return {
    text: `services:
  ${name}:
    build: .
    ports:
      - "${8000 + index % 1000}:8080"
    environment:
      PORT: "8080"
      DATABASE_URL: postgres://app:app@db:5432/app
    depends_on: [db]
  db:
    image: postgres:16
    ports:
      - "5432:5432"
    volumes:
      - pgdata:/var/lib/postgresql/data
volumes:
  pgdata: {}
`,
    marks: [],
  };
}

function workflowDoc(index: number): Doc {
  return {
    text: `name: deploy-${index}
on:
  push:
    branches: [main]
  pull_request:
jobs:
  validate:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with:
          node-version: 20
      - run: npx portchain check clusters --format sarif > portchain.sarif
      - uses: github/codeql-action/upload-sarif@v3
        with:
          sarif_file: portchain.sarif
`,
    marks: [],
  };
}

// ---------------------------------------------------------------------------------------------
// Writing a workspace

/** Collects the manifest's planted mismatches, chain places and the toggle as files are written. */
class Recorder {
  readonly planted: PlantedMismatch[] = [];
  readonly chainPlaces: ChainPlace[] = [];
  toggle: TogglePlace | undefined;
  /** Apps whose chain places are recorded (a spread sample), and the app whose targetPort is toggled. */
  constructor(
    private readonly sampled: Set<number>,
    public toggled: number,
  ) {}

  plant(rule: string, place: TextPlace, what: string, text: string): void {
    this.planted.push({ rule, what, text, ...place });
  }

  chain(app: App, what: ChainPlace['what'], place: TextPlace, good?: string, bad?: string): void {
    if (this.sampled.has(app.index)) this.chainPlaces.push({ what, ...place });
    if (app.index === this.toggled && what === 'targetPort' && good !== undefined && bad !== undefined) {
      this.toggle = { ...place, good, bad, rule: 'target-port-mismatch' };
    }
  }
}

interface Plan {
  apps: App[];
  /** Files that are not apps. */
  other: Map<string, Doc[]>;
}

/** Documents an app adds, on average, given its choices (for sizing). */
function documentsOf(app: App): number {
  return 3 + (app.kind === 'StatefulSet' ? 1 : 0) + (app.exposure !== 'none' ? 1 : 0) + (app.rbac ? 3 : 0) + (app.monitor ? 1 : 0) + (app.networkPolicy ? 1 : 0) + (app.kustomization ? 1 : 0);
}

function planWorkspace(size: number, rng: Random): Plan {
  const other = new Map<string, Doc[]>();
  // Big CRDs are a few percent of the bytes at every size, so they do not dominate small workspaces.
  const crds = Math.max(1, Math.round(size / 5000));
  const fields = Math.min(700, Math.max(60, Math.round(size / 3)));
  for (let i = 0; i < crds; i++) other.set(`platform/crds/crd-${i}.yaml`, [crdDoc(i, fields, rng)]);
  const composeFiles = Math.max(2, Math.round(size / 1000));
  for (let i = 0; i < composeFiles; i++) other.set(`compose/svc-${i}/docker-compose.yaml`, [composeDoc(i, rng)]);
  const workflows = Math.max(2, Math.round(size / 2000));
  for (let i = 0; i < workflows; i++) other.set(`.github/workflows/deploy-${i}.yml`, [workflowDoc(i)]);
  const envs = size <= 200 ? ENVS.slice(0, 2) : size <= 2000 ? ENVS.slice(0, 3) : ENVS;
  const namespacesByEnv = new Map<string, Set<string>>();
  for (const env of envs) {
    other.set(`clusters/${env}/platform/gateway.yaml`, [gatewayDoc(env)]);
    namespacesByEnv.set(env, new Set(['shared', 'gateway-system']));
  }
  let documents = [...other.values()].reduce((sum, docs) => sum + docs.length, 0) + envs.length * (TEAMS.length + 2);

  const apps: App[] = [];
  let nodePort = 30000;
  while (documents < size) {
    const index = apps.length;
    const env = envs[index % envs.length];
    const team = rng.pick(TEAMS);
    const name = `${rng.pick(NOUNS)}-${rng.pick(ROLES)}-${index}`;
    const shared = rng.chance(0.15);
    const namespace = shared ? 'shared' : `${team}-${env}`;
    const port = rng.pick(APP_PORTS);
    const exposure = rng.chance(0.3) ? 'ingress' : rng.chance(0.15) ? 'httproute' : 'none';
    const app: App = {
      index,
      env,
      team,
      name,
      namespace,
      dir: `clusters/${env}/apps/${name}`,
      kind: rng.chance(0.15) ? 'StatefulSet' : 'Deployment',
      port,
      servicePort: SERVICE_PORTS[port],
      targetByName: rng.chance(0.5),
      portFromConfigMap: rng.chance(0.35),
      nodePort: rng.chance(0.08) && nodePort <= 32767 ? nodePort++ : undefined,
      exposure,
      ingressPortByName: rng.chance(0.4),
      sidecar: rng.chance(0.25),
      rbac: rng.chance(0.5),
      monitor: rng.chance(0.3),
      networkPolicy: rng.chance(0.3),
      kustomization: rng.chance(0.4),
      singleFile: rng.chance(0.3),
      plant: undefined,
    };
    apps.push(app);
    namespacesByEnv.get(env)!.add(namespace);
    documents += documentsOf(app);
  }
  for (const [env, namespaces] of namespacesByEnv) other.set(`clusters/${env}/namespaces.yaml`, namespacesDoc(env, [...namespaces].sort()));
  plantMismatches(apps, size);
  return { apps, other };
}

/** Gives each planted rule to a few apps spread over the workspace (at least one each), shaping the app so the mismatch can happen. */
function plantMismatches(apps: App[], size: number): void {
  const perRule = Math.max(1, Math.round(size / 10_000));
  const total = perRule * PLANTED_RULES.length;
  const stride = Math.max(1, Math.floor(apps.length / (total + 1)));
  let at = Math.floor(stride / 2) + 1;
  for (let round = 0; round < perRule; round++) {
    for (const rule of PLANTED_RULES) {
      const app = apps[at % apps.length];
      at += stride;
      app.plant = rule;
      // The shape each mismatch needs: a numeric port where the rule compares numbers, the resource it lives in.
      if (rule === 'ingress-port-mismatch' || rule === 'ingress-service-missing') app.exposure = 'ingress';
      if (rule === 'route-port-missing') app.exposure = 'httproute';
      if (rule === 'node-port-range') app.nodePort = 29_000 + round * PLANTED_RULES.length + PLANTED_RULES.indexOf(rule);
      // These compare the Service port with the container's, so the two must differ.
      if ((rule === 'implicit-target-port' || rule === 'ingress-port-mismatch') && app.servicePort === app.port) app.servicePort = 80;
      if (rule === 'target-port-mismatch') app.targetByName = false;
    }
  }
}

/** Writes a file of documents and resolves its marks to places. */
function renderFile(path: string, docs: Doc[]): { text: string; lines: number } {
  let text = '';
  let lineOffset = 0;
  docs.forEach((doc, index) => {
    if (index > 0) {
      text += '---\n';
      lineOffset++;
    }
    for (const mark of doc.marks) mark.use({ file: path, ...placeIn(doc.text, mark, lineOffset) });
    text += doc.text;
    lineOffset += countLines(doc.text);
  });
  return { text, lines: lineOffset };
}

function placeIn(text: string, mark: Mark, lineOffset: number): { line: number; character: number } {
  const from = mark.after === undefined ? 0 : text.indexOf(mark.after);
  const at = text.indexOf(mark.needle, Math.max(0, from));
  if (from < 0 || at < 0) throw new Error(`generator bug: ${JSON.stringify(mark.needle)} not found`);
  const valueAt = text.indexOf(mark.value, at);
  const lineStart = text.lastIndexOf('\n', valueAt - 1) + 1;
  return { line: lineOffset + countLines(text.slice(0, lineStart)), character: valueAt - lineStart };
}

function countLines(text: string): number {
  let count = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) count++;
  return count;
}

const SEED = 20_240_611;

/** Where a size's workspace is cached. */
export function workspaceDir(root: string, size: number | string): string {
  return join(root, '.cache', 'bench', String(size));
}

/** Reads a cached workspace's manifest, or undefined where it is missing or from another generator version. */
export function readManifest(dir: string): WorkspaceManifest | undefined {
  const path = join(dir, 'manifest.json');
  if (!existsSync(path)) return undefined;
  try {
    const manifest = JSON.parse(readFileSync(path, 'utf8')) as WorkspaceManifest;
    return manifest.generator === GENERATOR_VERSION ? manifest : undefined;
  } catch {
    return undefined;
  }
}

/** The workspace of a size: the cached one, or a new one written to `dir`. */
export function ensureWorkspace(dir: string, size: number): WorkspaceManifest {
  return readManifest(dir) ?? writeWorkspace(dir, size);
}

/** Writes a workspace of about `size` YAML documents to `dir` (replacing what is there) and returns its manifest. */
export function writeWorkspace(dir: string, size: number): WorkspaceManifest {
  const rng = new Random(SEED + size);
  const plan = planWorkspace(size, rng);
  const sampleCount = 60;
  const clean = plan.apps.filter((app) => app.plant === undefined);
  const sampled = new Set<number>();
  for (let i = 0; i < sampleCount; i++) sampled.add(clean[Math.floor(((i + 0.5) * clean.length) / sampleCount)].index);
  // The toggled Service sits in the big shared namespace, numeric targetPort: the costliest place to edit.
  const toggled = clean.find((app, i) => i > clean.length / 2 && app.namespace === 'shared' && !app.targetByName) ?? clean.find((app) => !app.targetByName)!;
  const record = new Recorder(sampled, toggled.index);

  const files = new Map<string, Doc[]>(plan.other);
  for (const app of plan.apps) for (const [path, docs] of appFiles(app, rng, record)) files.set(path, docs);
  return writeFiles(dir, files, record, { size, seed: SEED + size, apps: plan.apps.length });
}

/**
 * One big multi-document file of about `lines` lines (apps' Deployments, Services and ConfigMaps
 * back to back), with the toggled Service in its middle.
 */
export function writeBigFile(dir: string, lines: number): WorkspaceManifest {
  const rng = new Random(SEED + lines);
  const record = new Recorder(new Set(), -1);
  const docs: Doc[] = [];
  let lineCount = 0;
  let index = 0;
  for (; lineCount < lines; index++) {
    const port = rng.pick(APP_PORTS);
    const name = `${rng.pick(NOUNS)}-${rng.pick(ROLES)}-${index}`;
    const team = rng.pick(TEAMS);
    const app: App = {
      index, env: 'prod', team, name, namespace: `${team}-prod`, dir: '', kind: 'Deployment', port, servicePort: SERVICE_PORTS[port],
      targetByName: false, portFromConfigMap: rng.chance(0.3), nodePort: undefined, exposure: 'none', ingressPortByName: false,
      sidecar: rng.chance(0.2), rbac: false, monitor: false, networkPolicy: false, kustomization: false, singleFile: true, plant: undefined,
    };
    if (record.toggled < 0 && lineCount >= lines / 2) record.toggled = index;
    const appDocs = [configMapDoc(app, rng), workloadDoc(app, rng, record), serviceDoc(app, record)];
    docs.push(...appDocs);
    lineCount += appDocs.reduce((sum, doc) => sum + countLines(doc.text) + 1, 0);
  }
  return writeFiles(dir, new Map([['big.yaml', docs]]), record, { size: `${lines}-line file`, seed: SEED + lines, apps: index });
}

function writeFiles(dir: string, files: Map<string, Doc[]>, record: Recorder, about: { size: number | string; seed: number; apps: number }): WorkspaceManifest {
  rmSync(dir, { recursive: true, force: true });
  let documents = 0;
  let bytes = 0;
  let lines = 0;
  for (const [path, docs] of files) {
    const rendered = renderFile(path, docs);
    const target = join(dir, path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, rendered.text);
    documents += docs.length;
    bytes += Buffer.byteLength(rendered.text);
    lines += rendered.lines;
  }
  if (!record.toggle) throw new Error('generator bug: no toggled targetPort recorded');
  const manifest: WorkspaceManifest = {
    generator: GENERATOR_VERSION,
    seed: about.seed,
    size: about.size,
    documents,
    files: files.size,
    bytes,
    lines,
    apps: about.apps,
    planted: record.planted,
    toggle: record.toggle,
    chain: record.chainPlaces,
  };
  // Written last: a workspace without a manifest is incomplete and is written again.
  writeFileSync(join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

/**
 * A repository of alternatives: `count` examples of one app, each in its own folder with the
 * same Deployment, Service and Ingress (one identity each, `count` definitions of it) at its own
 * ports, and a rendered bundle that repeats the first tenth of them. Each example links within its
 * folder; one example is planted with a mismatch, and the toggled targetPort sits in the middle one.
 * Nothing here may cost count² work: a link reads its own folder, and an edit re-checks what reads it.
 */
export function writeVariants(dir: string, count: number): WorkspaceManifest {
  const record = new Recorder(new Set(), -1);
  const files = new Map<string, Doc[]>();
  const bundle: Doc[] = [];
  const planted = Math.floor(count / 3);
  const toggled = Math.floor(count / 2);
  for (let index = 0; index < count; index++) {
    const folder = `examples/v${String(index).padStart(4, '0')}`;
    const port = 8000 + index;
    const target = index === planted ? port + 1 : port;
    const deployment: Doc = {
      text: `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  labels: {app: web}\nspec:\n  replicas: 2\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: ghcr.io/example/web:1.${index}\n          ports:\n            - name: http\n              containerPort: ${port}\n          readinessProbe:\n            httpGet: {path: /healthz, port: http}\n`,
      marks: [],
    };
    const serviceMarks: Mark[] = [];
    if (index === planted) serviceMarks.push({ needle: `targetPort: ${target}`, value: String(target), use: (place) => record.plant('target-port-mismatch', place, `targetPort ${target} of example ${index}`, String(target)) });
    if (index === toggled) serviceMarks.push({ needle: `targetPort: ${target}`, value: String(target), use: (place) => (record.toggle = { ...place, good: String(port), bad: String(port + 1), rule: 'target-port-mismatch' }) });
    const service: Doc = {
      text: `apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector: {app: web}\n  ports:\n    - name: http\n      port: 80\n      targetPort: ${target}\n`,
      marks: serviceMarks,
    };
    const ingress: Doc = {
      text: `apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\nspec:\n  rules:\n    - host: v${index}.example.com\n      http:\n        paths:\n          - path: /\n            pathType: Prefix\n            backend:\n              service:\n                name: web\n                port: {number: 80}\n`,
      marks: [],
    };
    files.set(`${folder}/deployment.yaml`, [deployment]);
    files.set(`${folder}/service.yaml`, [service]);
    files.set(`${folder}/ingress.yaml`, [ingress]);
    if (index < count / 10 && index !== planted) bundle.push({ text: deployment.text, marks: [] }, { text: service.text, marks: [] }, { text: ingress.text, marks: [] });
  }
  files.set('render/examples.yaml', bundle);
  return writeFiles(dir, files, record, { size: `${count} variants`, seed: count, apps: count });
}
