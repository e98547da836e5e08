// The chain a request travels, hop by hop, for any node of it: entry (Ingress/route backend,
// NodePort, LoadBalancer) → Service port → targetPort → container port → the port the process binds.
// Hovers draw it, code lenses summarise it; it reuses the link resolution the rules report from.

import type { Backend, Container, LabelSelector, NetworkPolicyPort, ParsedFile, PortValue, Resource, ServicePort, Span, ValueOrigin } from '../model/types';
import { bindPorts, type BindPort } from './bindPorts';
import { originOf } from './helm';
import { describeOperatorServices, expandLabels } from './operators';
import { withoutControllerLabels } from './podLabels';
import { resolveBackendPort, resolveBackendService, resolveTarget, selectorMatches, selectsPodsOf, selectWorkloads, serviceSelection, servingContainers, type ContainerPortRef, type GraphOptions, type LinkState, type Selection, type TargetResolution } from './links';
import { namespaceKey, type PortGraph } from './portGraph';
import type { PortNode } from './nodes';

/** Which arrow of the chain a hop is: an entry (Ingress, route, NodePort, LoadBalancer), the Service port, its targetPort, a container, the process. */
export type HopRole = 'entry' | 'service' | 'target' | 'container' | 'process';

export interface Hop {
  /** What the hop is: `Ingress shop`, `Service web`, `targetPort`, `Deployment web / container web`, `process`. */
  label: string;
  /** Its value: `host a.example.com path /`, `port 80 (http)`, `8080`, `containerPort 8080 (http)`. */
  value: string;
  uri: string | undefined;
  span: Span | undefined;
  /** The state of the link into this hop; the first hop is ok. */
  state: LinkState;
  /** Under a broken or unknown hop: what is wrong and what to do, in one sentence. */
  problem?: string;
  role?: HopRole;
  /** The port number the hop resolves to, where it has one: the Service port, the containerPort, the port the process binds. */
  port?: number;
  /** Where a template resolved the hop's value: the chart's values.yaml entry (or the action's default). */
  origin?: ValueOrigin;
}

export interface Chain {
  hops: Hop[];
  service: Resource | undefined;
  servicePort: ServicePort | undefined;
  workload: Resource | undefined;
}

export interface BackendRef {
  resource: Resource;
  backend: Backend;
}

/** Every Ingress or route backend that resolves to this Service. */
export function backendsTo(graph: PortGraph, service: Resource): BackendRef[] {
  const out: BackendRef[] = [];
  const name = service.name?.value;
  if (!name) return out;
  for (const ref of backendsNamed(graph, name)) {
    if (resolveBackendService(graph, ref.resource, ref.backend).services.includes(service)) out.push(ref);
  }
  return out;
}

/** Every Ingress or route backend that names a Service `name` (in any namespace), in file order. */
export function backendsNamed(graph: PortGraph, name: string): readonly BackendRef[] {
  return indexes(graph).backendsNamed(name);
}

/** The workloads a Service selects, computed once per graph version (hovers ask for it once per port and once per workload). */
export function selectionOf(graph: PortGraph, service: Resource): Selection {
  const cache = indexes(graph).selections;
  let selection = cache.get(service);
  if (!selection) {
    selection = serviceSelection(graph, service);
    cache.set(service, selection);
  }
  return selection;
}

/**
 * Lookups the chains make for every hover, hint and lens. Without them each one walks every
 * Service or workload of a namespace, which at tens of thousands of documents is most of a
 * hover's time budget. They follow the graph file by file: a new graph version re-indexes only
 * the files whose parsed version changed, so their cost follows the edit, not the workspace.
 */
class ChainIndexes {
  private version = -1;
  /** The parsed file each URI was indexed from. */
  private readonly indexed = new Map<string, ParsedFile>();
  /** Service selections of the current version; any edit may change any of them. */
  selections = new Map<Resource, Selection>();
  /** Ingress and route backends by the Service name they write. */
  private readonly backendsByName = new Map<string, BackendRef[]>();
  /** Services by the first pair of their selector's matchLabels: key → value → Services. */
  private readonly servicesByFirstPair = new Map<string, Map<string, Resource[]>>();
  /** Services whose selector has no matchLabels to index by (an unreadable selector): always candidates. */
  private readonly servicesWithoutPairs = new Set<Resource>();
  /** Workloads by the ConfigMap or Secret name their containers use (a workload may appear more than once). */
  private readonly readers = { configMap: new Map<string, Resource[]>(), secret: new Map<string, Resource[]>() };

  /** Brings the indexes to the graph's version. */
  update(graph: PortGraph): this {
    if (this.version === graph.version) return this;
    for (const file of graph.files()) {
      const previous = this.indexed.get(file.uri);
      if (previous === file) continue;
      if (previous) this.index(previous, false);
      this.index(file, true);
      this.indexed.set(file.uri, file);
    }
    if (this.indexed.size > graph.fileCount) {
      for (const [uri, file] of this.indexed) {
        if (graph.file(uri) === file) continue;
        this.index(file, false);
        this.indexed.delete(uri);
      }
    }
    this.selections = new Map();
    this.version = graph.version;
    return this;
  }

  /** Backends naming a Service, in a stable order (by file, then position) whatever order files were indexed in. */
  backendsNamed(name: string): readonly BackendRef[] {
    const refs = this.backendsByName.get(name);
    if (!refs) return [];
    return refs.length > 1 ? [...refs].sort((a, b) => (a.resource.uri < b.resource.uri ? -1 : a.resource.uri > b.resource.uri ? 1 : a.backend.span.start - b.backend.span.start)) : refs;
  }

  /** Services whose selector may match these labels: a superset (a match needs every pair, so the first), callers still match. */
  servicesSelectingLabels(labels: ReadonlyMap<string, string>): Set<Resource> {
    const out = new Set<Resource>(this.servicesWithoutPairs);
    for (const [key, value] of labels) for (const service of this.servicesByFirstPair.get(key)?.get(value) ?? []) out.add(service);
    return out;
  }

  /** Workloads with a container that names this ConfigMap or Secret in a key ref or envFrom (any key, any namespace). */
  workloadsNaming(source: 'configMap' | 'secret', name: string): ReadonlySet<Resource> {
    const workloads = this.readers[source].get(name);
    return workloads ? new Set(workloads) : EMPTY;
  }

  /** Adds a file's resources to the indexes, or takes them out. */
  private index(file: ParsedFile, add: boolean): void {
    for (const resource of file.resources) {
      for (const backend of [...(resource.ingress?.backends ?? []), ...(resource.route?.backends ?? [])]) {
        if (add) push(this.backendsByName, backend.serviceName.value, { resource, backend });
        else pull(this.backendsByName, backend.serviceName.value, (ref) => ref.resource === resource);
      }
      const selector = resource.service?.selector;
      if (selector) {
        // A pair a controller adds (a StatefulSet pod's name) is on no template: index by another.
        const first = withoutControllerLabels(selector).matchLabels.entries().next();
        if (first.done) {
          if (add) this.servicesWithoutPairs.add(resource);
          else this.servicesWithoutPairs.delete(resource);
        } else {
          let byValue = this.servicesByFirstPair.get(first.value[0]);
          if (!byValue) this.servicesByFirstPair.set(first.value[0], (byValue = new Map()));
          if (add) push(byValue, first.value[1], resource);
          else pull(byValue, first.value[1], (service) => service === resource);
        }
      }
      for (const container of resource.workload?.containers ?? []) {
        const names: ['configMap' | 'secret', string][] = [];
        for (const env of container.env) {
          if (env.configMapKeyRef) names.push(['configMap', env.configMapKeyRef.name.value]);
          if (env.secretKeyRef) names.push(['secret', env.secretKeyRef.name.value]);
        }
        for (const from of container.envFrom) names.push([from.source, from.name.value]);
        for (const [source, name] of names) {
          if (add) push(this.readers[source], name, resource);
          else pull(this.readers[source], name, (workload) => workload === resource);
        }
      }
    }
  }
}

const EMPTY: ReadonlySet<Resource> = new Set();
const chainIndexes = new WeakMap<PortGraph, ChainIndexes>();

function indexes(graph: PortGraph): ChainIndexes {
  let index = chainIndexes.get(graph);
  if (!index) chainIndexes.set(graph, (index = new ChainIndexes()));
  return index.update(graph);
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Removes the values of one key that `matches` picks, and the key where none are left. */
function pull<K, V>(map: Map<K, V[]>, key: K, matches: (value: V) => boolean): void {
  const list = map.get(key);
  if (!list) return;
  const kept = list.filter((value) => !matches(value));
  if (kept.length > 0) map.set(key, kept);
  else map.delete(key);
}

/** Every Service whose selector picks this workload (as the Service's own resolution sees it). */
export function servicesSelecting(graph: PortGraph, workload: Resource): Resource[] {
  const out: Resource[] = [];
  const candidates = indexes(graph).servicesSelectingLabels(workload.workload!.podLabels);
  for (const service of graph.servicesIn(namespaceKey(workload))) {
    if (!candidates.has(service)) continue;
    const selector = service.service?.selector;
    if (!selector || !selectsPodsOf(selector, workload)) continue;
    if (selectionOf(graph, service).workloads.includes(workload)) out.push(service);
  }
  return out;
}

/** Every workload whose containers read this ConfigMap or Secret (by key ref or envFrom). */
export function workloadsReading(graph: PortGraph, config: Resource, key?: string): { workload: Resource; container: Container }[] {
  const out: { workload: Resource; container: Container }[] = [];
  const source = config.config?.source;
  const name = config.name?.value;
  if (!source || !name) return out;
  const candidates = indexes(graph).workloadsNaming(source, name);
  for (const workload of graph.workloadsIn(namespaceKey(config))) {
    if (!candidates.has(workload)) continue;
    for (const container of workload.workload!.containers) {
      const reads =
        container.env.some((env) => {
          const ref = source === 'configMap' ? env.configMapKeyRef : env.secretKeyRef;
          return ref?.name.value === name && (key === undefined || ref.key.value === key);
        }) || container.envFrom.some((from) => from.source === source && from.name.value === name);
      if (reads && graph.configsNamed(source, namespaceKey(workload), name, workload.uri).includes(config)) out.push({ workload, container });
    }
  }
  return out;
}

/** The chains through a node under the cursor. */
export function chainsThrough(graph: PortGraph, node: PortNode, options: GraphOptions): Chain[] {
  switch (node.kind) {
    case 'backend-service':
    case 'backend-port':
      return chainsFromBackend(graph, { resource: node.resource, backend: node.backend }, options);
    case 'service-name':
    case 'service-selector':
      return node.resource.service!.ports.flatMap((servicePort) => chainsOfServicePort(graph, node.resource, servicePort, options));
    case 'service-port':
      return chainsOfServicePort(graph, node.resource, node.servicePort, options);
    case 'container-port':
    case 'probe-port':
    case 'env-var':
    case 'pod-labels':
      return chainsIntoWorkload(graph, node.resource, options, node.kind === 'pod-labels' ? undefined : node.container);
    case 'config-entry':
      return workloadsReading(graph, node.resource, node.entry.key.value).flatMap(({ workload, container }) => chainsIntoWorkload(graph, workload, options, container));
    case 'network-policy-port':
      return [];
  }
}

/** ` CephCluster rook-ceph beside it creates Service rook-ceph-mgr (http-metrics 9283), ….`: what the described operators in reach create, or ''. */
function operatorsNote(graph: PortGraph, from: Resource, namespace: string): string {
  const notes: string[] = [];
  for (const resource of graph.describedOperatorsIn(namespace, from).slice(0, 2)) {
    const entry = graph.operatorEntryOf(resource);
    const created = entry ? describeOperatorServices(resource, entry) : '';
    if (created) notes.push(` ${describeOperator(resource)} beside it creates ${created}.`);
  }
  return notes.join('');
}

/** What an operator-managed Service's chain ends in: the custom resource, with the pods its operator labels. */
function operatorHop(graph: PortGraph, service: Resource, servicePort: ServicePort): Hop {
  const resource = service.createdBy!.resource;
  const podLabels = [...expandLabels(resource, graph.operatorEntryOf(resource)?.podLabels)].map(([key, value]) => `${key}=${value}`);
  const pods = podLabels.length > 0 ? ` (pods labelled ${podLabels.join(', ')})` : '';
  return {
    label: describeOperator(resource),
    value: 'operator-managed',
    uri: resource.uri,
    span: resource.name?.span ?? resource.kindSpan,
    state: 'unknown',
    problem: `Created by ${describeOperator(resource)} (operator-managed): its operator makes the Service${pods} and decides where port ${portText(servicePort.port)} goes.`,
    role: 'target',
  };
}

/**
 * Where a Service's pods come from an operator: the custom resource beside it whose operator labels
 * its pods as the selector asks (from the operator table), or any custom resource of an operator
 * portchain has no description of. Undefined where none is in the Service's unit.
 */
function operatorPodsNote(graph: PortGraph, service: Resource): string | undefined {
  const selector = service.service?.selector;
  if (!selector) return undefined;
  const creators = graph.podCreatorsIn(namespaceKey(service), service);
  for (const resource of creators) {
    const labels = expandLabels(resource, graph.operatorEntryOf(resource)?.podLabels);
    if (labels.size === 0) continue;
    if (selectorMatches(selector, labels)) return `The pods are created by ${describeOperator(resource)} (operator-managed): its operator labels them ${[...labels].map(([key, value]) => `${key}=${value}`).join(', ')}.`;
  }
  const undescribed = creators.find((resource) => !graph.operatorEntryOf(resource));
  return undescribed ? `The pods may come from ${describeOperator(undescribed)} beside it: an operator the workspace does not show creates them.` : undefined;
}

/** `CephCluster rook-ceph`: a custom resource as hovers name it. */
export function describeOperator(resource: Resource): string {
  return `${resource.kind} ${resource.name?.value ?? '(unnamed)'}`;
}

/** Chains from one Ingress/route backend through the Service it names. */
export function chainsFromBackend(graph: PortGraph, ref: BackendRef, options: GraphOptions): Chain[] {
  const entry = entryHop(ref);
  const resolution = resolveBackendService(graph, ref.resource, ref.backend);
  if (resolution.services.length === 0) {
    const problem =
      resolution.state === 'broken'
        ? resolution.elsewhere.length > 0
          ? `Service ${ref.backend.serviceName.value} exists only in another namespace; a backend reaches Services of its own namespace.`
          : `No Service ${ref.backend.serviceName.value} in this namespace: create it or fix the name.${operatorsNote(graph, ref.resource, resolution.namespace)}`
        : resolution.maybeCreatedBy
          ? `${describeOperator(resolution.maybeCreatedBy)} beside it may create Service ${ref.backend.serviceName.value}; describe what its operator creates with portchain.operators to follow the chain.`
          : `Service ${ref.backend.serviceName.value} is not in the workspace, so the chain cannot be followed.`;
    const cause = resolution.maybeCreatedBy;
    return [{ hops: [entry, { label: `Service ${ref.backend.serviceName.value}`, value: backendPortText(ref.backend), uri: cause?.uri, span: cause ? (cause.name?.span ?? cause.kindSpan) : undefined, state: resolution.state, problem, role: 'service' }], service: undefined, servicePort: undefined, workload: undefined }];
  }
  return resolution.services.flatMap((service) => {
    const port = resolveBackendPort(service, ref.backend.port);
    const meant = port.state === 'broken' ? intendedServicePort(service, ref.backend.port) : undefined;
    if (!port.servicePort && meant) {
      // The backend names the Service's targetPort: the user meant the path through that port, so
      // the card marks the broken hop and still draws the rest of it.
      const problem = `Service ${service.name?.value} has no ${backendPortText(ref.backend)}: ${portText(ref.backend.port)} is the targetPort of its ${servicePortText(meant)}. Did you mean port ${portText(meant.port)}?`;
      return chainsOfServicePort(graph, service, meant, options, [ref]).map((chain) => ({
        ...chain,
        hops: chain.hops.map((hop) => (hop.role === 'service' ? { ...hop, value: `${backendPortText(ref.backend)}: did you mean ${servicePortText(meant)}`, state: 'broken' as LinkState, problem } : hop)),
      }));
    }
    if (!port.servicePort) {
      const ports = service.service!.ports.map(servicePortText).join(', ') || 'none';
      const problem =
        port.state === 'broken'
          ? `Service ${service.name?.value} has no ${backendPortText(ref.backend)}: its ports are ${ports}. Use one of them.`
          : ref.backend.port
            ? 'The port is computed by a template or placeholder.'
            : 'The backend names no port.';
      return [{ hops: [entry, { label: `Service ${service.name?.value}`, value: backendPortText(ref.backend), uri: service.uri, span: service.name?.span, state: port.state, problem, role: 'service' }], service, servicePort: undefined, workload: undefined }];
    }
    return chainsOfServicePort(graph, service, port.servicePort, options, [ref]);
  });
}

/** Chains through one Service port: its entries (backends, NodePort, LoadBalancer) and every selected workload. */
export function chainsOfServicePort(graph: PortGraph, service: Resource, servicePort: ServicePort, options: GraphOptions, entries?: BackendRef[], onlyWorkload?: Resource): Chain[] {
  const entryHops = (entries ?? backendsTo(graph, service).filter((ref) => resolveBackendPort(service, ref.backend.port).servicePort === servicePort)).map(entryHop);
  const spec = service.service!;
  if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') {
    const nodePort = servicePort.nodePort?.kind === 'number' ? servicePort.nodePort.number : undefined;
    entryHops.push({
      label: spec.type === 'LoadBalancer' ? 'LoadBalancer' : 'NodePort',
      value: nodePort ? `node port ${nodePort}` : spec.type === 'LoadBalancer' ? `external port ${portText(servicePort.port)}` : 'node port allocated by the cluster',
      uri: service.uri,
      span: servicePort.nodePort?.span ?? spec.typeSpan,
      state: 'ok',
      role: 'entry',
      port: nodePort ?? (spec.type === 'LoadBalancer' ? numberOf(servicePort.port) : undefined),
    });
  }
  const createdBy = service.createdBy ? ` (created by ${service.createdBy.operator}, operator-managed)` : '';
  const serviceHop: Hop = { label: `Service ${service.name?.value ?? service.templatedName ?? '?'}${createdBy}`, value: servicePortText(servicePort), uri: service.uri, span: servicePort.port?.span ?? servicePort.span, state: 'ok', role: 'service', port: numberOf(servicePort.port), ...withOrigin(servicePort.port) };
  const heads: Hop[][] = entryHops.length > 0 ? entryHops.map((entry) => [entry, serviceHop]) : [[serviceHop]];
  if (service.createdBy) return heads.map((head) => ({ hops: [...head, operatorHop(graph, service, servicePort)], service, servicePort, workload: undefined }));
  const selection = selectionOf(graph, service);
  const workloads = onlyWorkload ? selection.workloads.filter((workload) => workload === onlyWorkload) : selection.workloads;
  const target = servicePort.targetPort ?? servicePort.port;
  const targetHop = (state: LinkState, problem?: string): Hop => ({
    label: 'targetPort',
    value: `${portText(target)}${servicePort.targetPort ? '' : ' (omitted: equals port)'}`,
    uri: service.uri,
    span: servicePort.targetPort?.span ?? servicePort.port?.span,
    state,
    problem,
    role: 'target',
    port: numberOf(target),
    ...withOrigin(target),
  });
  if (workloads.length === 0) {
    const problem =
      spec.type === 'ExternalName'
        ? `An ExternalName Service forwards to ${spec.externalName?.value ?? 'an external name'}; there are no pods to check.`
        : !spec.selector
          ? 'The Service has no selector: its Endpoints are managed elsewhere.'
          : selection.state === 'broken'
            ? 'The selector matches no pod template in this namespace: fix the selector or the pod labels.'
            : (operatorPodsNote(graph, service) ?? 'The pods it selects are not in the workspace.');
    return heads.map((head) => ({ hops: [...head, { ...targetHop(selection.state === 'broken' ? 'broken' : 'unknown', problem) }], service, servicePort, workload: undefined }));
  }
  const chains: Chain[] = [];
  for (const workload of workloads) {
    const resolution = resolveTarget(graph, service, servicePort, workload, options);
    const tail = workloadHops(graph, resolution, options);
    for (const head of heads) chains.push({ hops: [...head, targetHop('ok'), ...tail], service, servicePort, workload });
  }
  return chains;
}

/** Chains that end in a workload: through each Service that selects it, or just its own ports. */
function chainsIntoWorkload(graph: PortGraph, workload: Resource, options: GraphOptions, container?: Container): Chain[] {
  const chains: Chain[] = [];
  for (const service of servicesSelecting(graph, workload)) {
    for (const servicePort of service.service!.ports) {
      for (const chain of chainsOfServicePort(graph, service, servicePort, options, undefined, workload)) {
        const reaches = !container || chain.hops.some((hop) => hop.label.endsWith(`/ container ${container.name?.value ?? '?'}`));
        if (reaches) chains.push(chain);
      }
    }
  }
  if (chains.length > 0) return chains;
  // No Service reaches it: the chain is the container's own ports and what its process binds.
  const containers = container ? [container] : servingContainers(workload);
  return containers.map((c) => ({ hops: containerOnlyHops(graph, workload, c, options), service: undefined, servicePort: undefined, workload }));
}

function workloadHops(graph: PortGraph, resolution: TargetResolution, options: GraphOptions): Hop[] {
  const { workload } = resolution;
  const label = (container: Container) => `${workload.kind} ${workload.name?.value ?? workload.templatedName ?? '?'} / container ${container.name?.value ?? '?'}`;
  if (resolution.matches.length > 0) {
    return resolution.matches.flatMap((match) => [
      { label: label(match.container), value: `containerPort ${containerPortText(match.port)}`, uri: workload.uri, span: match.port.containerPort?.span ?? match.port.span, state: 'ok' as LinkState, role: 'container' as HopRole, port: numberOf(match.port.containerPort), ...withOrigin(match.port.containerPort) },
      processHop(graph, workload, match.container, options, match.port.containerPort?.kind === 'number' ? match.port.containerPort.number : undefined),
    ]);
  }
  if (resolution.explainedBy.length > 0) {
    const { container, bind } = resolution.explainedBy[0];
    return [
      { label: label(container), value: `no containerPort ${portText(resolution.target)} declared`, uri: workload.uri, span: container.name?.span ?? container.span, state: 'ok', problem: `The process binds it (${bind.description}); declare it as a containerPort so the chain is visible.`, role: 'container', port: bind.port },
      { label: 'process', value: `binds ${bind.port} (${bind.description})`, uri: workload.uri, span: bind.span, state: 'ok', role: 'process', port: bind.port },
    ];
  }
  const declared = resolution.declared.map((ref) => containerPortText(ref.port)).join(', ') || 'none';
  const first = servingContainers(workload)[0];
  const problem =
    resolution.state === 'broken'
      ? resolution.protocolMismatches.length > 0
        ? `The container declares ${portText(resolution.target)} with protocol ${resolution.protocolMismatches[0].port.protocol}; make the protocols agree.`
        : `No container declares ${portText(resolution.target)}: its containerPorts are ${declared}. Set targetPort to one of them, or change the containerPort.`
      : `Unknown: ${resolution.unknownReason ?? 'the workspace cannot tell'}.`;
  return [{ label: first ? label(first) : `${workload.kind} ${workload.name?.value ?? '?'}`, value: `containerPorts ${declared}`, uri: workload.uri, span: first?.span ?? workload.kindSpan, state: resolution.state, problem, role: 'container' }];
}

function containerOnlyHops(graph: PortGraph, workload: Resource, container: Container, options: GraphOptions): Hop[] {
  const ports = container.ports.map(containerPortText).join(', ') || 'none declared';
  const first = container.ports[0]?.containerPort;
  return [
    { label: `${workload.kind} ${workload.name?.value ?? '?'} / container ${container.name?.value ?? '?'}`, value: `containerPorts ${ports}`, uri: workload.uri, span: container.name?.span ?? container.span, state: 'ok', problem: 'No Service in the workspace selects these pods.', role: 'container', port: numberOf(first) },
    processHop(graph, workload, container, options, first?.kind === 'number' ? first.number : undefined),
  ];
}

/** The hop from a container port to the port its process binds, as env vars and flags say. */
export function processHop(graph: PortGraph, workload: Resource, container: Container, options: GraphOptions, declared: number | undefined): Hop {
  const binds = bindPorts(graph, workload, container, options.bindPortEnvNames);
  const env = binds.filter((bind) => bind.source === 'env');
  const relevant: BindPort | undefined = env[env.length - 1] ?? binds.find((bind) => bind.port === declared) ?? binds[0];
  if (!relevant) {
    return { label: 'process', value: declared !== undefined ? `binds ${declared} (as declared; no PORT or flag says otherwise)` : 'binds an unknown port', uri: undefined, span: undefined, state: declared !== undefined ? 'ok' : 'unknown', role: 'process', port: declared };
  }
  const originUri = relevant.origin?.resource.uri ?? workload.uri;
  const originSpan = relevant.origin?.valueSpan ?? relevant.span;
  if (relevant.port === undefined) {
    return { label: 'process', value: `binds ? (${relevant.description})`, uri: originUri, span: originSpan, state: 'unknown', problem: 'The value is not in the workspace.', role: 'process' };
  }
  const agrees = declared === undefined || relevant.port === declared || binds.some((bind) => bind.port === declared);
  return {
    label: 'process',
    value: `binds ${relevant.port} (${relevant.description})`,
    uri: originUri,
    span: originSpan,
    state: agrees ? 'ok' : 'broken',
    problem: agrees ? undefined : `The process listens on ${relevant.port}, not on containerPort ${declared}: align ${relevant.label} and the containerPort.`,
    role: 'process',
    port: relevant.port,
  };
}

function entryHop(ref: BackendRef): Hop {
  const where = [ref.backend.host ? `host ${ref.backend.host}` : undefined, ref.backend.path ? `path ${ref.backend.path}` : undefined].filter(Boolean).join('  ');
  return { label: `${ref.resource.kind} ${ref.resource.name?.value ?? '?'}`, value: where || 'default backend', uri: ref.resource.uri, span: ref.backend.serviceName.span, state: 'ok', role: 'entry' };
}

/** The Service port whose targetPort a backend names instead of the port itself (a common slip: `number: 3005` for `port: 8080, targetPort: 3005`). */
function intendedServicePort(service: Resource, port: PortValue | undefined): ServicePort | undefined {
  if (!port || port.kind === 'unknown') return undefined;
  const matches = service.service!.ports.filter((candidate) => {
    const target = candidate.targetPort;
    if (!target || !candidate.port) return false;
    return port.kind === 'number' ? target.kind === 'number' && target.number === port.number : target.kind === 'name' && target.name === port.name;
  });
  return matches.length === 1 ? matches[0] : undefined;
}

function backendPortText(backend: Backend): string {
  return backend.port ? `port ${portText(backend.port)}` : 'no port';
}

export function servicePortText(servicePort: ServicePort): string {
  return `port ${portText(servicePort.port)}${servicePort.name ? ` (${servicePort.name.value})` : ''}${servicePort.protocol !== 'TCP' ? `/${servicePort.protocol}` : ''}`;
}

function containerPortText(port: { containerPort?: { kind: string; number?: number; name?: string; text?: string }; name?: { value: string }; protocol: string }): string {
  return `${portText(port.containerPort)}${port.name ? ` (${port.name.value})` : ''}${port.protocol !== 'TCP' ? `/${port.protocol}` : ''}`;
}

/** `{ origin }` for a value a template resolved, else nothing (so plain hops keep their shape). */
function withOrigin(port: PortValue | undefined): { origin?: ValueOrigin } {
  const origin = originOf(port);
  return origin ? { origin } : {};
}

function numberOf(port: { kind: string; number?: number } | undefined): number | undefined {
  return port?.kind === 'number' ? port.number : undefined;
}

/**
 * A port as its file writes it: like portText, but a value a template computes reads as the
 * template action itself, as the file has it.
 */
export function writtenPortText(graph: PortGraph, uri: string, port: PortValue | undefined): string {
  if (port?.kind !== 'unknown') return portText(port);
  return graph.file(uri)?.text.slice(port.span.start, port.span.end) ?? port.text;
}

export function portText(port: { kind: string; number?: number; name?: string; text?: string } | undefined): string {
  if (!port) return '?';
  return port.kind === 'number' ? String(port.number) : port.kind === 'name' ? String(port.name) : String(port.text);
}

/** The `kubectl port-forward` command that checks a chain from the Service (or the workload) on. */
export function portForwardCommand(chain: Chain): string | undefined {
  const nsOf = (resource: Resource) => (resource.namespace ? `-n ${resource.namespace.value} ` : '');
  const local = (port: number) => (port >= 1024 ? port : port + 8000);
  if (chain.service?.name && chain.servicePort?.port?.kind === 'number') {
    const port = chain.servicePort.port.number;
    return `kubectl port-forward ${nsOf(chain.service)}svc/${chain.service.name.value} ${local(port)}:${port}`;
  }
  const workload = chain.workload;
  const containerHop = chain.hops.find((hop) => hop.value.startsWith('containerPorts ') || hop.value.startsWith('containerPort '));
  const port = containerHop ? Number(/\d+/.exec(containerHop.value)?.[0]) : NaN;
  if (workload?.name && Number.isInteger(port) && port > 0) {
    const kind = PORT_FORWARD_KINDS[workload.kind];
    if (kind) return `kubectl port-forward ${nsOf(workload)}${kind}/${workload.name.value} ${local(port)}:${port}`;
  }
  return undefined;
}

/** How `kubectl port-forward` names the workload kinds it can pick a pod of. */
const PORT_FORWARD_KINDS: Record<string, string | undefined> = { Deployment: 'deploy', StatefulSet: 'sts', DaemonSet: 'ds', ReplicaSet: 'rs', Pod: 'pod' };

/** `-n shop ` for a resource with a namespace, else nothing (the current context's namespace). */
function namespaceFlag(resource: Resource): string {
  return resource.namespace ? `-n ${resource.namespace.value} ` : '';
}

/** A local port for a remote one: ports below 1024 need root locally, so they move up by 8000. */
function localPort(port: number): number {
  return port >= 1024 ? port : port + 8000;
}

/**
 * `kubectl port-forward svc/web 8080:80 9102:9102` for the numeric ports given (all of the
 * Service's where none are); undefined where kubectl cannot forward to the Service (no
 * selector, ExternalName) or no port is a number.
 */
export function servicePortForwardCommand(service: Resource, servicePorts?: readonly ServicePort[]): string | undefined {
  const spec = service.service;
  if (!spec || !service.name || !spec.selector || spec.type === 'ExternalName') return undefined;
  const numbers = [...new Set((servicePorts ?? spec.ports).flatMap((servicePort) => (servicePort.port?.kind === 'number' ? [servicePort.port.number] : [])))];
  if (numbers.length === 0) return undefined;
  return `kubectl port-forward ${namespaceFlag(service)}svc/${service.name.value} ${numbers.map((port) => `${localPort(port)}:${port}`).join(' ')}`;
}

/** `kubectl port-forward deploy/web 8080:8080`: straight to a pod of the workload, past any Service. */
export function workloadPortForwardCommand(workload: Resource, port: number | undefined): string | undefined {
  const kind = PORT_FORWARD_KINDS[workload.kind];
  if (!kind || !workload.name || port === undefined || !Number.isInteger(port) || port < 1 || port > 65535) return undefined;
  return `kubectl port-forward ${namespaceFlag(workload)}${kind}/${workload.name.value} ${localPort(port)}:${port}`;
}

/** The worst state along a chain: broken over unknown over ok. */
export function chainState(hops: readonly Hop[]): LinkState {
  let state: LinkState = 'ok';
  for (const hop of hops) {
    if (hop.state === 'broken') return 'broken';
    if (hop.state === 'unknown') state = 'unknown';
  }
  return state;
}

const MARK: Record<LinkState, string> = { ok: '✓', broken: '✗', unknown: '?' };

/** ✓, ✗ or ?, the mark hovers, hints and lenses show for a state. */
export function stateMark(state: LinkState): string {
  return MARK[state];
}

/** A chain on one line: `Ingress shop → Service web port 80 → targetPort 8080 → … ✓`. */
export function chainLine(chain: Chain): string {
  return `${chain.hops.map((hop) => `${hop.label} ${hop.value}`).join(' → ')} ${stateMark(chainState(chain.hops))}`;
}

/** Whether one workload a NetworkPolicy selects listens on one of its ports. */
export interface PolicyPortExposure {
  workload: Resource;
  /** ok: it declares or binds the port; broken: it declares ports, none of them this one; unknown: the workspace cannot tell. */
  state: LinkState;
  /** The declared container ports that match (number in range or name, and protocol). */
  matches: ContainerPortRef[];
  /** Env vars or flags that bind a matching port where no declared port matches. */
  binds: BindPort[];
  /** Every declared port of its serving containers. */
  declared: ContainerPortRef[];
}

export interface PolicyPortSelection {
  /** Whether the port is in an ingress rule (ports of the selected pods) or an egress rule (ports of whatever they call). */
  direction: 'ingress' | 'egress';
  /** The selection's own state: broken where the selector matches no pods although the namespace has some. */
  state: LinkState;
  workloads: PolicyPortExposure[];
}

/** The workloads a NetworkPolicy selects, and whether each exposes one of its ports (as the network-policy-port rule judges it). */
export function policyPortExposure(graph: PortGraph, policy: Resource, entry: NetworkPolicyPort, options: GraphOptions): PolicyPortSelection {
  const spec = policy.networkPolicy!;
  const direction = spec.egressPorts.includes(entry) ? 'egress' : 'ingress';
  // An absent podSelector is the empty selector: every pod of the namespace.
  const selector: LabelSelector = spec.podSelector ?? { matchLabels: new Map(), matchExpressions: [], span: policy.kindSpan, incomplete: false };
  const selection = selectWorkloads(graph, policy, selector);
  const workloads = selection.workloads.map((workload) => exposureOfPort(graph, policy, workload, entry, options));
  return { direction, state: selection.state, workloads };
}

function exposureOfPort(graph: PortGraph, policy: Resource, workload: Resource, entry: NetworkPolicyPort, options: GraphOptions): PolicyPortExposure {
  const containers = servingContainers(workload);
  const declared: ContainerPortRef[] = containers.flatMap((container) => container.ports.map((port) => ({ container, port })));
  const exposure: PolicyPortExposure = { workload, state: 'unknown', matches: [], binds: [], declared };
  const port = entry.port;
  if (!port || port.kind === 'unknown' || (entry.endPort && entry.endPort.kind !== 'number')) return exposure;
  const judged = !policy.templated && !workload.templated;
  if (port.kind === 'name') {
    exposure.matches = declared.filter((ref) => ref.port.name?.value === port.name && ref.port.protocol === entry.protocol);
    exposure.state = exposure.matches.length > 0 ? 'ok' : declared.length > 0 && judged ? 'broken' : 'unknown';
    return exposure;
  }
  const low = port.number;
  const high = entry.endPort?.kind === 'number' ? entry.endPort.number : low;
  const inRange = (value: number | undefined) => value !== undefined && value >= low && value <= high;
  exposure.matches = declared.filter((ref) => ref.port.protocol === entry.protocol && inRange(numberOf(ref.port.containerPort)));
  if (exposure.matches.length > 0) {
    exposure.state = 'ok';
    return exposure;
  }
  const binds = containers.flatMap((container) => bindPorts(graph, workload, container, options.bindPortEnvNames));
  exposure.binds = binds.filter((bind) => inRange(bind.port));
  if (exposure.binds.length > 0) exposure.state = 'ok';
  // A pod without declared ports, or with an unreadable one or an unknown bind, may listen anywhere.
  else if (judged && high >= low && declared.length > 0 && declared.every((ref) => ref.port.containerPort?.kind === 'number') && binds.every((bind) => bind.port !== undefined)) exposure.state = 'broken';
  return exposure;
}
