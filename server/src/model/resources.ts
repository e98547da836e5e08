// One Kubernetes object (a YAML map) → a Resource with the port-bearing parts read out.

import type { YAMLMap } from 'yaml';
import { compactMap, exactArray } from './compact';
import { hasFormatPlaceholder, type YamlReader } from './yamlTree';
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
  GatewayListener,
  GatewayParent,
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
import { EMBEDDED_LIST_KINDS, groupOf, POD_TEMPLATE_KINDS, podTemplateRowOf, WORKFLOW_KINDS, type PodTemplateRow } from './podTemplates';

/** Kinds that run pods of their own (model/podTemplates.ts), whatever their group. */
export const WORKLOAD_KINDS = new Set(Object.keys(POD_TEMPLATE_KINDS));

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
    labels: compactMap(r.stringMap(r.get(metadata, 'labels')).entries),
    annotations: compactMap(r.stringMap(r.get(metadata, 'annotations')).entries),
    span,
    kindSpan: kind.span,
    templated: r.templated,
  };
  if (r.knowsTemplateParts) resource.templatePartsKnown = true;
  if (!name && r.templated) {
    const nameNode = r.get(metadata, 'name');
    const written = r.isTemplated(nameNode) ? r.written(r.span(nameNode) ?? { start: 0, end: 0 }) : undefined;
    if (written) resource.templatedName = written;
  }
  const k = kind.value;
  const group = groupOf(apiVersion.value);
  const podTemplate = podTemplateRowOf(k, group);
  if (podTemplate) resource.workload = readWorkload(r, map, podTemplate, '', name?.value);
  else if (k === 'Service') resource.service = readService(r, map);
  else if (k === 'Ingress') resource.ingress = readIngress(r, map);
  else if (ROUTE_KINDS.has(k)) resource.route = readRoute(r, map);
  // Istio's networking.istio.io Gateway has servers, not listeners: another API.
  else if (k === 'Gateway' && group === 'gateway.networking.k8s.io') resource.gateway = readGateway(r, map);
  else if (k === 'NetworkPolicy') resource.networkPolicy = readNetworkPolicy(r, map);
  else if (k === 'ConfigMap') resource.config = readConfig(r, map, 'configMap');
  else if (k === 'Secret') resource.config = readConfig(r, map, 'secret');
  else if ((k === 'ServiceMonitor' || k === 'PodMonitor') && apiVersion.value.startsWith('monitoring.coreos.com/')) resource.monitor = readMonitor(r, map, k);
  else if (group.includes('.') && !group.endsWith('.k8s.io')) {
    const fields = readFields(r, r.get(map, 'spec'));
    if (fields.size > 0) resource.fields = fields;
  }
  return resource;
}

/** How many scalar fields of a custom resource's spec the model keeps, and how deep it looks: enough for the names and ports operators derive. */
const FIELD_LIMIT = 256;
const FIELD_DEPTH = 4;

/** A custom resource's scalar fields below `spec`, by dotted path (`spec.service.port`). */
function readFields(r: YamlReader, spec: unknown): Map<string, Located<string | number>> {
  const out = new Map<string, Located<string | number>>();
  const walk = (node: unknown, path: string, depth: number) => {
    const map = r.map(node);
    if (!map || depth > FIELD_DEPTH) return;
    for (const pair of map.items) {
      if (out.size >= FIELD_LIMIT) return;
      const key = r.knownString(pair.key);
      if (!key) continue;
      const field = `${path}.${key.value}`;
      const scalar = r.isTemplated(pair.value) ? undefined : r.scalar(pair.value);
      const span = r.span(pair.value);
      if (scalar && span && (typeof scalar.value === 'string' || typeof scalar.value === 'number')) out.set(field, { value: scalar.value, span });
      else if (scalar && span && typeof scalar.value === 'boolean') out.set(field, { value: String(scalar.value), span });
      else walk(pair.value, field, depth + 1);
    }
  };
  walk(spec, 'spec', 1);
  return out;
}

/**
 * The workloads a resource holds inside itself, each a Resource of its own (model/podTemplates.ts):
 * a ClusterServiceVersion's install Deployments, an Argo Workflow's templates that run containers.
 */
export function readEmbeddedWorkloads(parent: Resource, r: YamlReader, map: YAMLMap): Resource[] {
  const list = EMBEDDED_LIST_KINDS[parent.kind];
  const workflow = WORKFLOW_KINDS[parent.kind];
  if (!list && !workflow) return [];
  const group = groupOf(parent.apiVersion);
  const out: Resource[] = [];
  if (list?.groups.includes(group)) {
    r.items(r.at(map, ...list.list)).forEach((item, index) => {
      const path = `${list.list.join('.')}[${index}]`;
      const name = r.knownString(r.at(item, ...list.name));
      const labels = list.labels ? r.stringMap(r.at(item, ...list.labels)).entries : new Map<string, string>();
      const embedded = embeddedResource(parent, r, item, index, path, name, list.becomes, labels);
      if (!embedded) return;
      if (list.installNamespace) embedded.namespace = undefined;
      embedded.workload = readWorkload(r, item, list.row, `${path}.`);
      out.push(embedded);
    });
  }
  if (workflow?.groups.includes(group)) {
    const spec = r.at(map, ...workflow.spec);
    const workflowLabels = r.labelMap(r.get(spec, 'podMetadata'), 'labels');
    r.items(r.get(spec, 'templates')).forEach((item, index) => {
      const runs = ['container', 'script', 'containerSet'].some((field) => r.get(item, field) !== undefined);
      if (!runs) return;
      const path = `${workflow.spec.join('.')}.templates[${index}]`;
      const templateName = r.knownString(r.get(item, 'name'));
      const name = templateName && parent.name ? { value: `${parent.name.value}-${templateName.value}`, span: templateName.span } : templateName;
      const embedded = embeddedResource(parent, r, item, index, path, name, { kind: 'Pod', apiVersion: 'v1' }, new Map());
      if (!embedded) return;
      embedded.workload = readWorkflowPod(r, item, workflowLabels.entries, `${path}`);
      out.push(embedded);
    });
  }
  return out;
}

function embeddedResource(parent: Resource, r: YamlReader, item: unknown, index: number, path: string, name: Located<string> | undefined, becomes: { kind: string; apiVersion: string }, labels: ReadonlyMap<string, string>): Resource | undefined {
  const span = r.span(item);
  if (!span || !r.map(item)) return undefined;
  return {
    id: `${parent.id}/${index}`,
    uri: parent.uri,
    apiVersion: becomes.apiVersion,
    kind: becomes.kind,
    name,
    namespace: parent.namespace,
    labels: compactMap(labels),
    annotations: compactMap(new Map()),
    span,
    kindSpan: name?.span ?? parent.kindSpan,
    templated: parent.templated,
    ...(parent.templatePartsKnown ? { templatePartsKnown: true } : {}),
    embeddedIn: { kind: parent.kind, name: parent.name?.value, path },
  };
}

/** An Argo Workflows template that runs a container: its main container (or script, or containerSet's) and sidecars, as one pod. */
function readWorkflowPod(r: YamlReader, template: unknown, workflowLabels: ReadonlyMap<string, string>, path: string): Workload {
  const labels = r.labelMap(r.get(template, 'metadata'), 'labels');
  const podLabels = new Map([...workflowLabels, ...labels.entries]);
  const containers: Container[] = [];
  for (const field of ['container', 'script']) {
    const node = r.get(template, field);
    if (node) containers.push(readContainer(r, node, 'container'));
  }
  for (const item of r.items(r.at(template, 'containerSet', 'containers'))) containers.push(readContainer(r, item, 'container'));
  for (const item of r.items(r.get(template, 'sidecars'))) containers.push(readContainer(r, item, 'container'));
  for (const item of r.items(r.get(template, 'initContainers'))) containers.push(readContainer(r, item, 'init'));
  const workload: Workload = {
    podLabels: compactMap(podLabels),
    podLabelsSpan: labels.span,
    selector: undefined,
    containers: exactArray(containers),
    podSpecPath: path,
    serviceName: undefined,
    hostNetwork: r.boolean(r.get(template, 'hostNetwork')) === true,
    configVolumes: readConfigVolumes(r, template),
  };
  if (!r.templated && [...podLabels.values()].some(hasFormatPlaceholder)) workload.podLabelsOpen = true;
  if (r.templated) {
    workload.podLabelsOpen = true;
    workload.portsIncomplete = true;
  }
  return workload;
}

/** A pod template read by its row (model/podTemplates.ts), paths from `base`: the object, or a list item holding one. */
function readWorkload(r: YamlReader, base: unknown, row: PodTemplateRow, pathPrefix: string, name?: string): Workload {
  const templatePath = row.template;
  const template = templatePath ? r.at(base, ...templatePath) : base;
  const podSpec = r.get(template, 'spec');
  const labels = r.labelMap(r.get(template, 'metadata'), 'labels');
  if (row.platformLabels && name !== undefined) {
    // The platform's labels come first, so the template's own win where both write a key.
    labels.entries = new Map([...Object.entries(row.platformLabels).map(([key, value]) => [key, value.replace('{name}', name)] as [string, string]), ...labels.entries]);
  }
  const containers: Container[] = [];
  for (const item of r.items(r.get(podSpec, 'containers'))) containers.push(readContainer(r, item, 'container'));
  for (const item of r.items(r.get(podSpec, 'initContainers'))) {
    const restartPolicy = r.stringAt(item, 'restartPolicy')?.value;
    containers.push(readContainer(r, item, restartPolicy === 'Always' ? 'sidecar' : 'init'));
  }
  const selectorNode = row.selector ? r.at(base, ...row.selector) : undefined;
  const selectorParent = row.selector ? r.at(base, ...row.selector.slice(0, -1)) : undefined;
  const selector = selectorNode ? (row.mapSelector ? mapSelector(r, selectorParent, 'selector') : readLabelSelector(r, selectorNode)) : undefined;
  const replicasNode = row.replicas ? r.at(base, ...row.replicas) : undefined;
  const workload: Workload = {
    podLabels: compactMap(labels.entries),
    podLabelsSpan: labels.span,
    selector,
    containers: exactArray(containers),
    podSpecPath: pathPrefix + (templatePath ? [...templatePath, 'spec'].join('.') : 'spec'),
    serviceName: row.serviceName ? r.knownString(r.at(base, ...row.serviceName)) : undefined,
    replicas: row.replicas ? literalInteger(r, replicasNode) : undefined,
    hostNetwork: r.boolean(r.get(podSpec, 'hostNetwork')) === true,
    configVolumes: readConfigVolumes(r, podSpec),
  };
  if (row.defaultPort !== undefined) workload.defaultPort = row.defaultPort;
  const manualSelector = row.manualSelector ? r.boolean(r.at(base, ...row.manualSelector)) : undefined;
  if (manualSelector !== undefined) workload.manualSelector = manualSelector;
  if (row.replicas && workload.replicas === undefined && replicasNode !== undefined) workload.replicasUnknown = true;
  if (row.ordinalsStart) {
    const start = literalInteger(r, r.at(base, ...row.ordinalsStart));
    if (start !== undefined) workload.ordinalsStart = start;
  }
  // A label a test generator or envsubst fills in (`backend: {self.path.k8s}`) is not known.
  if (!r.templated && [...labels.entries.values()].some(hasFormatPlaceholder)) workload.podLabelsOpen = true;
  if (r.templated) {
    // The API server requires a controller's template labels to carry its selector's, so the
    // includes of the selector are the pods' too.
    const includes = [...new Set([...labels.includes, ...(selector?.includes ?? [])])];
    if (includes.length > 0) workload.podLabelIncludes = includes;
    workload.podLabelsOpen = !labels.complete || labels.symbolic || includes.length > 0 || r.addsEntries(template) || r.addsEntries(r.get(template, 'metadata'));
    workload.portsIncomplete = containersIncomplete(r, template, podSpec);
  }
  return workload;
}

/**
 * Whether an unresolved template action may add a container, or change what the model read of
 * one that matters for its ports: ports, env, envFrom, command, args, restartPolicy.
 */
function containersIncomplete(r: YamlReader, template: unknown, podSpec: unknown): boolean {
  if (r.addsEntries(template) || r.addsEntries(podSpec)) return true;
  for (const field of ['containers', 'initContainers']) {
    const pair = r.pair(podSpec, field);
    if (!pair) continue;
    if (r.addsEntries(pair) || (pair.value !== null && pair.value !== undefined && !r.seq(pair.value))) return true;
    for (const item of r.items(pair.value)) {
      if (!r.map(item) || r.addsEntries(r.map(item))) return true;
      for (const key of CONTAINER_PORT_FIELDS) if (r.unresolvedIn(r.pair(item, key))) return true;
      // An env var's value the template computes is an unknown value of a known name (bindPorts
      // knows which names matter); an entry a template adds, or whose name it computes, is not.
      const env = r.pair(item, 'env');
      if (r.addsEntries(env)) return true;
      for (const entry of r.items(env?.value)) if (!r.map(entry) || r.addsEntries(r.map(entry)) || r.unresolvedIn(r.pair(entry, 'name'))) return true;
    }
  }
  return false;
}

/** The fields of a container whose every unresolved action may change the ports it serves or binds. */
const CONTAINER_PORT_FIELDS = ['ports', 'envFrom', 'command', 'args', 'restartPolicy'];

function readConfigVolumes(r: YamlReader, podSpec: unknown): ConfigVolume[] {
  const out: ConfigVolume[] = [];
  const add = (source: ConfigVolume['source'], node: unknown, field: string) => {
    const name = r.knownString(r.get(node, field));
    if (name) out.push(r.boolean(r.get(node, 'optional')) === true ? { source, name, optional: true } : { source, name });
  };
  for (const volume of r.items(r.get(podSpec, 'volumes'))) {
    add('configMap', r.get(volume, 'configMap'), 'name');
    add('secret', r.get(volume, 'secret'), 'secretName');
    for (const projected of r.items(r.at(volume, 'projected', 'sources'))) {
      add('configMap', r.get(projected, 'configMap'), 'name');
      add('secret', r.get(projected, 'secret'), 'name');
    }
  }
  return exactArray(out);
}

function literalInteger(r: YamlReader, node: unknown): number | undefined {
  const value = r.isTemplated(node) ? undefined : r.scalar(node)?.value;
  return typeof value === 'number' && Number.isInteger(value) ? value : undefined;
}

function readContainer(r: YamlReader, node: unknown, role: ContainerRole): Container {
  const ports: ContainerPort[] = r.items(r.get(node, 'ports')).map((item) => {
    const protocol = nonEmpty(r.knownString(r.get(item, 'protocol')));
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
    const templatedValue = r.isTemplated(valueNode);
    const read = r.string(valueNode);
    // A value an action computes reads as the action, as the file writes it.
    const value = read && templatedValue ? { value: r.written(read.span) ?? read.value, span: read.span } : read;
    const valueFrom = r.get(item, 'valueFrom');
    const configMapKeyRef = readKeyRef(r, r.get(valueFrom, 'configMapKeyRef'));
    const secretKeyRef = readKeyRef(r, r.get(valueFrom, 'secretKeyRef'));
    // A ref whose name or key a template computes (and values.yaml does not give) holds an unknown value.
    const unreadRef = !configMapKeyRef && !secretKeyRef && (r.unresolvedIn(r.pair(valueFrom, 'configMapKeyRef')) || r.unresolvedIn(r.pair(valueFrom, 'secretKeyRef')));
    env.push({
      name,
      value,
      valueUnknown: (value !== undefined && (templatedValue || value.value.includes('$('))) || unreadRef,
      configMapKeyRef,
      secretKeyRef,
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
  return { name: r.knownString(r.get(node, 'name')), role, image: r.string(r.get(node, 'image')), ports, env: exactArray(env), envFrom: exactArray(envFrom), probes: exactArray(probes), argv: exactArray(argv), span: r.span(node) ?? { start: 0, end: 0 } };
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
  const matchLabels = r.labelMap(node, 'matchLabels');
  let unreadable = !matchLabels.complete || r.addsEntries(r.map(node)) || r.unresolvedIn(r.pair(node, 'matchExpressions'));
  const matchExpressions = r.items(r.get(node, 'matchExpressions')).flatMap((item) => {
    const key = r.knownString(r.get(item, 'key'));
    const operator = r.knownString(r.get(item, 'operator'));
    if (!key || !operator) {
      unreadable = true;
      return [];
    }
    const values = r.items(r.get(item, 'values')).flatMap((value) => {
      const text = r.knownString(value);
      if (!text) unreadable = true;
      return text ? [text.value] : [];
    });
    return [{ key: key.value, operator: operator.value, values }];
  });
  const incomplete = unreadable || matchLabels.symbolic || r.isTemplated(node);
  const values = [...matchLabels.entries.values(), ...matchExpressions.flatMap((expression) => expression.values)];
  return withPlaceholders(r, withIncludes({ matchLabels: compactMap(matchLabels.entries), matchExpressions, span, incomplete }, matchLabels.includes, unreadable), values);
}

/** Marks a plain file's selector whose values another template syntax fills in (`{self.path.k8s}`, `${APP}`): what it selects is unknown. */
function withPlaceholders(r: YamlReader, selector: LabelSelector, values: Iterable<string>): LabelSelector {
  if (r.templated) return selector;
  for (const value of values) {
    if (!hasFormatPlaceholder(value)) continue;
    selector.placeholder = true;
    selector.incomplete = true;
    break;
  }
  return selector;
}

/** A plain label map used as a selector (Service, ReplicationController): `key` of `parent`. */
function mapSelector(r: YamlReader, parent: unknown, key: string): LabelSelector | undefined {
  const labels = r.labelMap(parent, key);
  if (!labels.span || !r.pair(parent, key)) return undefined;
  return withPlaceholders(r, withIncludes({ matchLabels: compactMap(labels.entries), matchExpressions: [], span: labels.span, incomplete: !labels.complete || labels.symbolic }, labels.includes, !labels.complete), labels.entries.values());
}

/** Adds what a template says about a selector, only where it says something (plain YAML keeps its old shape). */
function withIncludes(selector: LabelSelector, includes: string[], unreadable: boolean): LabelSelector {
  if (includes.length > 0) selector.includes = includes;
  if (unreadable) selector.unreadable = true;
  return selector;
}

function readService(r: YamlReader, map: YAMLMap): ServiceSpec {
  const spec = r.get(map, 'spec');
  const type = nonEmpty(r.knownString(r.get(spec, 'type')));
  const selector = mapSelector(r, spec, 'selector');
  const portsPair = r.pair(spec, 'ports');
  let portsIncomplete = r.addsEntries(portsPair);
  const ports: ServicePort[] = r.items(r.get(spec, 'ports')).map((item, index) => {
    const protocol = nonEmpty(r.knownString(r.get(item, 'protocol')));
    const targetPortNode = r.get(item, 'targetPort');
    const targetPort = r.port(targetPortNode);
    // `targetPort: 0` and `targetPort: ""` are Go's zero values (dumps of generated objects hold
    // them): unset, so the API server makes the target `port`.
    const zero = r.isTemplated(targetPortNode) ? undefined : r.scalar(targetPortNode)?.value;
    const unset = targetPort !== undefined && (zero === 0 || zero === '');
    const servicePort: ServicePort = {
      index,
      name: r.knownString(r.get(item, 'name')),
      port: r.integerPort(r.get(item, 'port')),
      targetPort: unset ? undefined : targetPort,
      nodePort: r.integerPort(r.get(item, 'nodePort')),
      protocol: protocol?.value ?? 'TCP',
      protocolSpan: protocol?.span,
      span: r.span(item) ?? { start: 0, end: 0 },
    };
    if (unset) servicePort.unsetTargetPort = targetPort.span;
    if (r.templated) {
      servicePort.incomplete = !r.map(item) || r.addsEntries(r.map(item)) || r.unresolvedIn(r.pair(item, 'name')) || r.unresolvedIn(r.pair(item, 'protocol'));
      if (servicePort.incomplete) portsIncomplete = true;
    }
    return servicePort;
  });
  return {
    ...(r.templated ? { portsIncomplete } : {}),
    type: type?.value ?? 'ClusterIP',
    typeSpan: type?.span,
    headless: r.knownString(r.get(spec, 'clusterIP'))?.value === 'None',
    externalName: r.knownString(r.get(spec, 'externalName')),
    // An empty selector selects nothing and leaves Endpoints to someone else, like no selector.
    selector: selector && (selector.matchLabels.size > 0 || selector.incomplete) ? selector : undefined,
    ports,
    externalTrafficPolicy: nonEmpty(r.knownString(r.get(spec, 'externalTrafficPolicy'))),
    ...healthCheckNodePort(r, spec),
    span: r.span(spec) ?? r.span(map) ?? { start: 0, end: 0 },
  };
}

/** `healthCheckNodePort`, where it is set (0 asks for none, like leaving it out). */
function healthCheckNodePort(r: YamlReader, spec: unknown): Pick<ServiceSpec, 'healthCheckNodePort'> {
  const port = r.integerPort(r.get(spec, 'healthCheckNodePort'));
  return port && !(port.kind === 'number' && port.number === 0) ? { healthCheckNodePort: port } : {};
}

/** A string field written as `""` is Go's zero value, which the API server treats as unset (and defaults). */
function nonEmpty(value: Located<string> | undefined): Located<string> | undefined {
  return value?.value === '' ? undefined : value;
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
  return { backends: exactArray(backends) };
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
    const backend: Backend = { serviceName, namespace: undefined, port, portField: numberNode ? 'port.number' : 'port.name', host, path, span };
    if (r.pair(service, 'port') === undefined && !r.addsEntries(r.map(service))) backend.portMissing = true;
    return backend;
  }
  const serviceName = r.knownString(r.get(node, 'serviceName'));
  if (!serviceName) return undefined;
  const backend: Backend = { serviceName, namespace: undefined, port: r.port(r.get(node, 'servicePort')), portField: 'servicePort', host, path, span };
  if (r.pair(node, 'servicePort') === undefined && !r.addsEntries(r.map(node))) backend.portMissing = true;
  return backend;
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
  const serviceParents: Backend[] = [];
  for (const ref of r.items(r.get(spec, 'parentRefs'))) {
    const kind = r.knownString(r.get(ref, 'kind'))?.value;
    const group = r.knownString(r.get(ref, 'group'))?.value ?? '';
    const serviceName = r.knownString(r.get(ref, 'name'));
    const span = r.span(ref);
    if (kind !== 'Service' || (group !== '' && group !== 'core') || !serviceName || !span) continue;
    serviceParents.push({ serviceName, namespace: r.knownString(r.get(ref, 'namespace')), port: r.integerPort(r.get(ref, 'port')), portField: 'port', host, path: undefined, span });
  }
  const gatewayParents: GatewayParent[] = [];
  for (const ref of r.items(r.get(spec, 'parentRefs'))) {
    const kind = r.knownString(r.get(ref, 'kind'))?.value ?? 'Gateway';
    const group = r.knownString(r.get(ref, 'group'))?.value ?? 'gateway.networking.k8s.io';
    const name = r.knownString(r.get(ref, 'name'));
    const span = r.span(ref);
    if (kind !== 'Gateway' || group !== 'gateway.networking.k8s.io' || !name || !span) continue;
    const port = r.integerPort(r.get(ref, 'port'));
    gatewayParents.push({ name, namespace: r.knownString(r.get(ref, 'namespace')), sectionName: r.knownString(r.get(ref, 'sectionName'))?.value, port: port?.kind === 'number' ? port.number : undefined, span });
  }
  const route: RouteSpec = { backends: exactArray(backends), requiresPort: true };
  if (serviceParents.length > 0) route.serviceParents = serviceParents;
  if (gatewayParents.length > 0) route.gatewayParents = gatewayParents;
  return route;
}

function readGateway(r: YamlReader, map: YAMLMap): GatewaySpec {
  const listeners = r.items(r.at(map, 'spec', 'listeners')).map((item): GatewayListener => {
    const listener: GatewayListener = {
      name: r.knownString(r.get(item, 'name')),
      port: r.integerPort(r.get(item, 'port')),
      protocol: r.knownString(r.get(item, 'protocol'))?.value ?? 'HTTP',
      span: r.span(item) ?? { start: 0, end: 0 },
    };
    const allowed = r.get(item, 'allowedRoutes');
    const from = r.knownString(r.at(allowed, 'namespaces', 'from'))?.value;
    if (from === 'All' || from === 'Selector' || from === 'Same') listener.allowedNamespaces = from;
    const kinds = r.items(r.get(allowed, 'kinds')).map((kind) => r.knownString(r.get(kind, 'kind'))?.value);
    if (kinds.length > 0) listener.allowedKinds = kinds.map((kind) => kind ?? '?');
    return listener;
  });
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
  // A ConfigMap's binaryData keys are keys a ref may name; their bytes are no port.
  if (source === 'configMap') {
    for (const pair of r.map(r.get(map, 'binaryData'))?.items ?? []) {
      const key = r.knownString(pair.key);
      if (key && !entries.has(key.value)) entries.set(key.value, { key, value: undefined, valueSpan: r.span(pair.value) ?? key.span });
    }
  }
  // `stringData` wins over `data` for the same key, as the API server merges them.
  if (source === 'secret') read('stringData', false);
  return { source, entries: compactMap(entries) };
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
