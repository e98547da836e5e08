// One Kubernetes object (a YAML map) → a Resource with the port-bearing parts read out.

import type { YAMLMap } from 'yaml';
import type { YamlReader } from './yamlTree';
import type {
  Backend,
  ConfigData,
  ConfigEntry,
  ConfigVolume,
  Container,
  ContainerPort,
  ContainerRole,
  EnvFromSource,
  EnvVar,
  GatewaySpec,
  IngressSpec,
  KeyRef,
  LabelSelector,
  Located,
  MonitorEndpoint,
  MonitorSpec,
  NetworkPolicyPort,
  NetworkPolicySpec,
  Probe,
  ProbeKind,
  Resource,
  RouteSpec,
  ServicePort,
  ServiceSpec,
  Span,
  Workload,
} from './types';

/** Kinds that run pods, with the path from the object to its pod template. */
const WORKLOAD_TEMPLATES: Record<string, string[] | null> = {
  Pod: null,
  Deployment: ['spec', 'template'],
  StatefulSet: ['spec', 'template'],
  DaemonSet: ['spec', 'template'],
  ReplicaSet: ['spec', 'template'],
  ReplicationController: ['spec', 'template'],
  Job: ['spec', 'template'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
  // Argo Rollouts replace Deployments in many GitOps repositories and keep the same template.
  Rollout: ['spec', 'template'],
  // OpenShift's DeploymentConfig (apps.openshift.io) is a controller with a plain-map selector.
  DeploymentConfig: ['spec', 'template'],
};

/** Controllers whose `spec.selector` is a plain label map rather than a LabelSelector. */
const MAP_SELECTOR_KINDS = new Set(['ReplicationController', 'DeploymentConfig']);

export const WORKLOAD_KINDS = new Set(Object.keys(WORKLOAD_TEMPLATES));

const ROUTE_KINDS = new Set(['HTTPRoute', 'GRPCRoute', 'TCPRoute', 'TLSRoute', 'UDPRoute']);

/** Reads a resource; undefined where the map is not a Kubernetes object (no apiVersion and kind). */
export function readResource(uri: string, id: string, r: YamlReader, map: YAMLMap): Resource | undefined {
  const apiVersion = r.stringAt(map, 'apiVersion');
  const kindPair = r.pair(map, 'kind');
  const kind = r.string(kindPair?.value);
  if (!apiVersion || !kind || typeof kind.value !== 'string') return undefined;
  const metadata = r.get(map, 'metadata');
  const span = r.span(map) ?? kind.span;
  const name = r.knownString(r.get(metadata, 'name'));
  const namespace = r.knownString(r.get(metadata, 'namespace'));
  const resource: Resource = {
    id,
    uri,
    apiVersion: apiVersion.value,
    kind: kind.value,
    name,
    namespace,
    labels: r.stringMap(r.get(metadata, 'labels')).entries,
    annotations: r.stringMap(r.get(metadata, 'annotations')).entries,
    span,
    kindSpan: kind.span,
    templated: r.templated,
  };
  const k = kind.value;
  if (k in WORKLOAD_TEMPLATES) resource.workload = readWorkload(r, map, k);
  else if (k === 'Service') resource.service = readService(r, map);
  else if (k === 'Ingress') resource.ingress = readIngress(r, map);
  else if (ROUTE_KINDS.has(k)) resource.route = readRoute(r, map);
  else if (k === 'Gateway') resource.gateway = readGateway(r, map);
  else if (k === 'NetworkPolicy') resource.networkPolicy = readNetworkPolicy(r, map);
  else if (k === 'ConfigMap') resource.config = readConfig(r, map, 'configMap');
  else if (k === 'Secret') resource.config = readConfig(r, map, 'secret');
  else if ((k === 'ServiceMonitor' || k === 'PodMonitor') && apiVersion.value.startsWith('monitoring.coreos.com/')) resource.monitor = readMonitor(r, map, k);
  return resource;
}

function readWorkload(r: YamlReader, map: YAMLMap, kind: string): Workload {
  const templatePath = WORKLOAD_TEMPLATES[kind];
  const template = templatePath ? r.at(map, ...templatePath) : map;
  const podSpec = r.get(template, 'spec');
  const labelsNode = r.at(template, 'metadata', 'labels');
  const containers: Container[] = [];
  for (const item of r.items(r.get(podSpec, 'containers'))) containers.push(readContainer(r, item, 'container'));
  for (const item of r.items(r.get(podSpec, 'initContainers'))) {
    const restartPolicy = r.stringAt(item, 'restartPolicy')?.value;
    containers.push(readContainer(r, item, restartPolicy === 'Always' ? 'sidecar' : 'init'));
  }
  const selectorNode = kind === 'Pod' ? undefined : r.at(map, 'spec', 'selector');
  return {
    podLabels: r.stringMap(labelsNode).entries,
    podLabelsSpan: r.span(labelsNode),
    selector: selectorNode
      ? MAP_SELECTOR_KINDS.has(kind)
        ? mapSelector(r, selectorNode)
        : readLabelSelector(r, selectorNode)
      : undefined,
    containers,
    podSpecPath: templatePath ? [...templatePath, 'spec'].join('.') : 'spec',
    serviceName: kind === 'StatefulSet' ? r.knownString(r.at(map, 'spec', 'serviceName')) : undefined,
    replicas: templatePath ? literalInteger(r, r.at(map, 'spec', 'replicas')) : undefined,
    hostNetwork: r.boolean(r.get(podSpec, 'hostNetwork')) === true,
    configVolumes: readConfigVolumes(r, podSpec),
  };
}

function readConfigVolumes(r: YamlReader, podSpec: unknown): ConfigVolume[] {
  const out: ConfigVolume[] = [];
  const add = (source: ConfigVolume['source'], node: unknown, field: string) => {
    const name = r.knownString(r.get(node, field));
    if (name) out.push({ source, name });
  };
  for (const volume of r.items(r.get(podSpec, 'volumes'))) {
    add('configMap', r.get(volume, 'configMap'), 'name');
    add('secret', r.get(volume, 'secret'), 'secretName');
    for (const projected of r.items(r.at(volume, 'projected', 'sources'))) {
      add('configMap', r.get(projected, 'configMap'), 'name');
      add('secret', r.get(projected, 'secret'), 'name');
    }
  }
  return out;
}

function literalInteger(r: YamlReader, node: unknown): number | undefined {
  const value = r.isTemplated(node) ? undefined : r.scalar(node)?.value;
  return typeof value === 'number' && Number.isInteger(value) ? value : undefined;
}

function readContainer(r: YamlReader, node: unknown, role: ContainerRole): Container {
  const ports: ContainerPort[] = r.items(r.get(node, 'ports')).map((item) => {
    const protocol = r.knownString(r.get(item, 'protocol'));
    return {
      name: r.knownString(r.get(item, 'name')),
      containerPort: r.integerPort(r.get(item, 'containerPort')),
      protocol: protocol?.value ?? 'TCP',
      protocolSpan: protocol?.span,
      hostPort: r.integerPort(r.get(item, 'hostPort')),
      span: r.span(item) ?? { start: 0, end: 0 },
    };
  });
  const env: EnvVar[] = [];
  for (const item of r.items(r.get(node, 'env'))) {
    const name = r.knownString(r.get(item, 'name'));
    if (!name) continue;
    const valueNode = r.get(item, 'value');
    const value = r.string(valueNode);
    const valueFrom = r.get(item, 'valueFrom');
    env.push({
      name,
      value,
      valueUnknown: value !== undefined && (r.isTemplated(valueNode) || value.value.includes('$(')),
      configMapKeyRef: readKeyRef(r, r.get(valueFrom, 'configMapKeyRef')),
      secretKeyRef: readKeyRef(r, r.get(valueFrom, 'secretKeyRef')),
      span: r.span(item) ?? name.span,
    });
  }
  const envFrom: EnvFromSource[] = [];
  for (const item of r.items(r.get(node, 'envFrom'))) {
    const prefix = r.knownString(r.get(item, 'prefix'))?.value ?? '';
    for (const [field, source] of [['configMapRef', 'configMap'], ['secretRef', 'secret']] as const) {
      const ref = r.get(item, field);
      const name = r.knownString(r.get(ref, 'name'));
      if (name) envFrom.push({ source, name, prefix, optional: r.boolean(r.get(ref, 'optional')) === true, span: r.span(item) ?? name.span });
    }
  }
  const probes: Probe[] = [];
  for (const [field, kind] of [['livenessProbe', 'liveness'], ['readinessProbe', 'readiness'], ['startupProbe', 'startup']] as const) {
    const probe = r.get(node, field);
    for (const handler of ['httpGet', 'tcpSocket', 'grpc'] as const) {
      const portNode = r.at(probe, handler, 'port');
      const port = handler === 'grpc' ? r.integerPort(portNode) : r.port(portNode);
      if (port) probes.push({ kind: kind as ProbeKind, handler, port, span: r.span(probe) ?? port.span });
    }
  }
  const argv: Located<string>[] = [];
  for (const field of ['command', 'args']) {
    for (const item of r.items(r.get(node, field))) {
      const value = r.knownString(item);
      if (value) argv.push(value);
    }
  }
  return { name: r.knownString(r.get(node, 'name')), role, image: r.string(r.get(node, 'image')), ports, env, envFrom, probes, argv, span: r.span(node) ?? { start: 0, end: 0 } };
}

function readKeyRef(r: YamlReader, node: unknown): KeyRef | undefined {
  const name = r.knownString(r.get(node, 'name'));
  const key = r.knownString(r.get(node, 'key'));
  if (!name || !key) return undefined;
  return { name, key, optional: r.boolean(r.get(node, 'optional')) === true };
}

function readLabelSelector(r: YamlReader, node: unknown): LabelSelector | undefined {
  const span = r.span(node);
  if (!span || !r.map(node)) return undefined;
  const matchLabels = r.stringMap(r.get(node, 'matchLabels'));
  let incomplete = !matchLabels.complete || r.isTemplated(node);
  const matchExpressions = r.items(r.get(node, 'matchExpressions')).flatMap((item) => {
    const key = r.knownString(r.get(item, 'key'));
    const operator = r.knownString(r.get(item, 'operator'));
    if (!key || !operator) {
      incomplete = true;
      return [];
    }
    const values = r.items(r.get(item, 'values')).flatMap((value) => {
      const text = r.knownString(value);
      if (!text) incomplete = true;
      return text ? [text.value] : [];
    });
    return [{ key: key.value, operator: operator.value, values }];
  });
  return { matchLabels: matchLabels.entries, matchExpressions, span, incomplete };
}

/** A plain label map used as a selector (Service, ReplicationController). */
function mapSelector(r: YamlReader, node: unknown): LabelSelector | undefined {
  const span = r.span(node);
  if (!span) return undefined;
  const labels = r.stringMap(node);
  return { matchLabels: labels.entries, matchExpressions: [], span, incomplete: !labels.complete };
}

function readService(r: YamlReader, map: YAMLMap): ServiceSpec {
  const spec = r.get(map, 'spec');
  const type = r.knownString(r.get(spec, 'type'));
  const selectorNode = r.get(spec, 'selector');
  const selector = mapSelector(r, selectorNode);
  const ports: ServicePort[] = r.items(r.get(spec, 'ports')).map((item, index) => {
    const protocol = r.knownString(r.get(item, 'protocol'));
    return {
      index,
      name: r.knownString(r.get(item, 'name')),
      port: r.integerPort(r.get(item, 'port')),
      targetPort: r.port(r.get(item, 'targetPort')),
      nodePort: r.integerPort(r.get(item, 'nodePort')),
      protocol: protocol?.value ?? 'TCP',
      protocolSpan: protocol?.span,
      span: r.span(item) ?? { start: 0, end: 0 },
    };
  });
  return {
    type: type?.value ?? 'ClusterIP',
    typeSpan: type?.span,
    headless: r.knownString(r.get(spec, 'clusterIP'))?.value === 'None',
    externalName: r.knownString(r.get(spec, 'externalName')),
    // An empty selector selects nothing and leaves Endpoints to someone else, like no selector.
    selector: selector && (selector.matchLabels.size > 0 || selector.incomplete) ? selector : undefined,
    ports,
    externalTrafficPolicy: r.knownString(r.get(spec, 'externalTrafficPolicy')),
    span: r.span(spec) ?? r.span(map) ?? { start: 0, end: 0 },
  };
}

function readIngress(r: YamlReader, map: YAMLMap): IngressSpec {
  const spec = r.get(map, 'spec');
  const backends: Backend[] = [];
  const add = (node: unknown, host: string | undefined, path: string | undefined) => {
    const backend = readIngressBackend(r, node, host, path);
    if (backend) backends.push(backend);
  };
  add(r.get(spec, 'defaultBackend'), undefined, undefined);
  add(r.get(spec, 'backend'), undefined, undefined);
  for (const rule of r.items(r.get(spec, 'rules'))) {
    const host = r.knownString(r.get(rule, 'host'))?.value;
    for (const path of r.items(r.at(rule, 'http', 'paths'))) {
      add(r.get(path, 'backend'), host, r.knownString(r.get(path, 'path'))?.value);
    }
  }
  return { backends };
}

/** Both Ingress shapes: v1 `service.name` / `service.port.number|name`, and the older `serviceName` / `servicePort`. */
function readIngressBackend(r: YamlReader, node: unknown, host: string | undefined, path: string | undefined): Backend | undefined {
  const span = r.span(node);
  if (!span) return undefined;
  const service = r.get(node, 'service');
  if (service) {
    const serviceName = r.knownString(r.get(service, 'name'));
    if (!serviceName) return undefined;
    const numberNode = r.at(service, 'port', 'number');
    const nameNode = r.at(service, 'port', 'name');
    const port = numberNode ? r.integerPort(numberNode) : nameNode ? r.port(nameNode) : undefined;
    // `port.name: "8080"` is still a name; `port.name` never means a number.
    return { serviceName, namespace: undefined, port, portField: numberNode ? 'port.number' : 'port.name', host, path, span };
  }
  const serviceName = r.knownString(r.get(node, 'serviceName'));
  if (!serviceName) return undefined;
  return { serviceName, namespace: undefined, port: r.port(r.get(node, 'servicePort')), portField: 'servicePort', host, path, span };
}

function readRoute(r: YamlReader, map: YAMLMap): RouteSpec {
  const spec = r.get(map, 'spec');
  const host = r.knownString(r.items(r.get(spec, 'hostnames'))[0])?.value;
  const backends: Backend[] = [];
  for (const rule of r.items(r.get(spec, 'rules'))) {
    const path = r.knownString(r.at(r.items(r.get(rule, 'matches'))[0], 'path', 'value'))?.value;
    for (const ref of r.items(r.get(rule, 'backendRefs'))) {
      const kind = r.knownString(r.get(ref, 'kind'))?.value ?? 'Service';
      const group = r.knownString(r.get(ref, 'group'))?.value ?? '';
      if (kind !== 'Service' || (group !== '' && group !== 'core')) continue;
      const serviceName = r.knownString(r.get(ref, 'name'));
      const span = r.span(ref);
      if (!serviceName || !span) continue;
      backends.push({
        serviceName,
        namespace: r.knownString(r.get(ref, 'namespace')),
        port: r.integerPort(r.get(ref, 'port')),
        portField: 'port',
        host,
        path,
        span,
      });
    }
  }
  return { backends, requiresPort: true };
}

function readGateway(r: YamlReader, map: YAMLMap): GatewaySpec {
  const listeners = r.items(r.at(map, 'spec', 'listeners')).map((item) => ({
    name: r.knownString(r.get(item, 'name')),
    port: r.integerPort(r.get(item, 'port')),
    protocol: r.knownString(r.get(item, 'protocol'))?.value ?? 'HTTP',
    span: r.span(item) ?? { start: 0, end: 0 },
  }));
  return { listeners };
}

function readNetworkPolicy(r: YamlReader, map: YAMLMap): NetworkPolicySpec {
  const spec = r.get(map, 'spec');
  const readPorts = (rules: unknown): NetworkPolicyPort[] =>
    r.items(rules).flatMap((rule) =>
      r.items(r.get(rule, 'ports')).map((item) => ({
        port: r.port(r.get(item, 'port')),
        endPort: r.integerPort(r.get(item, 'endPort')),
        protocol: r.knownString(r.get(item, 'protocol'))?.value ?? 'TCP',
        span: r.span(item) ?? { start: 0, end: 0 },
      })),
    );
  const selectorNode = r.get(spec, 'podSelector');
  return {
    podSelector: selectorNode ? readLabelSelector(r, selectorNode) : undefined,
    ingressPorts: readPorts(r.get(spec, 'ingress')),
    egressPorts: readPorts(r.get(spec, 'egress')),
  };
}

function readMonitor(r: YamlReader, map: YAMLMap, kind: 'ServiceMonitor' | 'PodMonitor'): MonitorSpec {
  const spec = r.get(map, 'spec');
  const selectorNode = r.get(spec, 'selector');
  const namespaceNode = r.get(spec, 'namespaceSelector');
  const namespaceSpan = r.span(namespaceNode);
  let namespaces: MonitorSpec['namespaces'];
  if (namespaceSpan && r.map(namespaceNode)) {
    let incomplete = r.isTemplated(namespaceNode);
    const names = r.items(r.get(namespaceNode, 'matchNames')).flatMap((item) => {
      const name = r.knownString(item);
      if (!name) incomplete = true;
      return name ? [name] : [];
    });
    const any = r.boolean(r.get(namespaceNode, 'any')) === true;
    // `{}` and `any: false` without names mean the monitor's own namespace, as no selector does.
    if (any || names.length > 0 || incomplete) namespaces = { any, names, incomplete, span: namespaceSpan };
  }
  const endpointField = kind === 'ServiceMonitor' ? 'endpoints' : 'podMetricsEndpoints';
  const endpoints: MonitorEndpoint[] = r.items(r.get(spec, endpointField)).map((item) => {
    const portNumber = kind === 'PodMonitor' ? r.integerPort(r.get(item, 'portNumber')) : undefined;
    return {
      port: r.port(r.get(item, 'port')),
      targetPort: portNumber ?? r.port(r.get(item, 'targetPort')),
      targetPortField: portNumber ? 'portNumber' : 'targetPort',
      span: r.span(item) ?? { start: 0, end: 0 },
    };
  });
  return {
    targets: kind === 'ServiceMonitor' ? 'services' : 'pods',
    selector: selectorNode ? readLabelSelector(r, selectorNode) : undefined,
    namespaces,
    endpoints,
  };
}

function readConfig(r: YamlReader, map: YAMLMap, source: 'configMap' | 'secret'): ConfigData {
  const entries = new Map<string, ConfigEntry>();
  const read = (field: string, decode: boolean) => {
    const data = r.map(r.get(map, field));
    if (!data) return;
    for (const pair of data.items) {
      const key = r.knownString(pair.key);
      if (!key) continue;
      const raw = r.knownString(pair.value);
      const valueSpan: Span = r.span(pair.value) ?? key.span;
      entries.set(key.value, { key, value: raw === undefined ? undefined : decode ? decodeBase64Text(raw.value) : raw.value, valueSpan });
    }
  };
  read('data', source === 'secret');
  // `stringData` wins over `data` for the same key, as the API server merges them.
  if (source === 'secret') read('stringData', false);
  return { source, entries };
}

/** Decodes base64 to text; undefined where it is not base64 or not UTF-8 text. */
export function decodeBase64Text(value: string): string | undefined {
  const compact = value.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 === 1) return undefined;
  const bytes = Buffer.from(compact, 'base64');
  const text = bytes.toString('utf8');
  if (text.includes('\uFFFD') || !Buffer.from(text, 'utf8').equals(bytes)) return undefined;
  return text;
}
