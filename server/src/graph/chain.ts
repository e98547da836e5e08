// The chain a request travels, hop by hop, for any node of it: entry (Ingress/route backend,
// NodePort, LoadBalancer) → Service port → targetPort → container port → the port the process binds.
// Hovers draw it, code lenses summarise it; it reuses the link resolution the rules report from.

import type { Backend, Container, Resource, ServicePort, Span } from '../model/types';
import { bindPorts, type BindPort } from './bindPorts';
import { resolveBackendPort, resolveBackendService, resolveTarget, selectorMatches, serviceSelection, servingContainers, type GraphOptions, type LinkState, type TargetResolution } from './links';
import { namespaceKey, type PortGraph } from './portGraph';
import type { PortNode } from './nodes';

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
  for (const resource of graph.resources()) {
    for (const backend of [...(resource.ingress?.backends ?? []), ...(resource.route?.backends ?? [])]) {
      if (backend.serviceName.value !== name) continue;
      if (resolveBackendService(graph, resource, backend).services.includes(service)) out.push({ resource, backend });
    }
  }
  return out;
}

/** Every Service whose selector picks this workload (as the Service's own resolution sees it). */
export function servicesSelecting(graph: PortGraph, workload: Resource): Resource[] {
  const out: Resource[] = [];
  for (const service of graph.servicesIn(namespaceKey(workload))) {
    const selector = service.service?.selector;
    if (!selector || !selectorMatches(selector, workload.workload!.podLabels)) continue;
    if (serviceSelection(graph, service).workloads.includes(workload)) out.push(service);
  }
  return out;
}

/** Every workload whose containers read this ConfigMap or Secret (by key ref or envFrom). */
export function workloadsReading(graph: PortGraph, config: Resource, key?: string): { workload: Resource; container: Container }[] {
  const out: { workload: Resource; container: Container }[] = [];
  const source = config.config?.source;
  const name = config.name?.value;
  if (!source || !name) return out;
  for (const workload of graph.workloadsIn(namespaceKey(config))) {
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

/** Chains from one Ingress/route backend through the Service it names. */
export function chainsFromBackend(graph: PortGraph, ref: BackendRef, options: GraphOptions): Chain[] {
  const entry = entryHop(ref);
  const resolution = resolveBackendService(graph, ref.resource, ref.backend);
  if (resolution.services.length === 0) {
    const problem =
      resolution.state === 'broken'
        ? resolution.elsewhere.length > 0
          ? `Service ${ref.backend.serviceName.value} exists only in another namespace; a backend reaches Services of its own namespace.`
          : `No Service ${ref.backend.serviceName.value} in this namespace: create it or fix the name.`
        : `Service ${ref.backend.serviceName.value} is not in the workspace, so the chain cannot be followed.`;
    return [{ hops: [entry, { label: `Service ${ref.backend.serviceName.value}`, value: backendPortText(ref.backend), uri: undefined, span: undefined, state: resolution.state, problem }], service: undefined, servicePort: undefined, workload: undefined }];
  }
  return resolution.services.flatMap((service) => {
    const port = resolveBackendPort(service, ref.backend.port);
    if (!port.servicePort) {
      const ports = service.service!.ports.map(servicePortText).join(', ') || 'none';
      const problem =
        port.state === 'broken'
          ? `Service ${service.name?.value} has no port ${backendPortText(ref.backend)}: its ports are ${ports}. Use one of them.`
          : ref.backend.port
            ? 'The port is computed by a template or placeholder.'
            : 'The backend names no port.';
      return [{ hops: [entry, { label: `Service ${service.name?.value}`, value: backendPortText(ref.backend), uri: service.uri, span: service.name?.span, state: port.state, problem }], service, servicePort: undefined, workload: undefined }];
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
    });
  }
  const serviceHop: Hop = { label: `Service ${service.name?.value ?? '?'}`, value: servicePortText(servicePort), uri: service.uri, span: servicePort.port?.span ?? servicePort.span, state: 'ok' };
  const heads: Hop[][] = entryHops.length > 0 ? entryHops.map((entry) => [entry, serviceHop]) : [[serviceHop]];
  const selection = serviceSelection(graph, service);
  const workloads = onlyWorkload ? selection.workloads.filter((workload) => workload === onlyWorkload) : selection.workloads;
  const target = servicePort.targetPort ?? servicePort.port;
  const targetHop = (state: LinkState, problem?: string): Hop => ({
    label: 'targetPort',
    value: `${portText(target)}${servicePort.targetPort ? '' : ' (omitted: equals port)'}`,
    uri: service.uri,
    span: servicePort.targetPort?.span ?? servicePort.port?.span,
    state,
    problem,
  });
  if (workloads.length === 0) {
    const problem =
      spec.type === 'ExternalName'
        ? `An ExternalName Service forwards to ${spec.externalName?.value ?? 'an external name'}; there are no pods to check.`
        : !spec.selector
          ? 'The Service has no selector: its Endpoints are managed elsewhere.'
          : selection.state === 'broken'
            ? 'The selector matches no pod template in this namespace: fix the selector or the pod labels.'
            : 'The pods it selects are not in the workspace.';
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
  const label = (container: Container) => `${workload.kind} ${workload.name?.value ?? '?'} / container ${container.name?.value ?? '?'}`;
  if (resolution.matches.length > 0) {
    return resolution.matches.flatMap((match) => [
      { label: label(match.container), value: `containerPort ${containerPortText(match.port)}`, uri: workload.uri, span: match.port.containerPort?.span ?? match.port.span, state: 'ok' as LinkState },
      processHop(graph, workload, match.container, options, match.port.containerPort?.kind === 'number' ? match.port.containerPort.number : undefined),
    ]);
  }
  if (resolution.explainedBy.length > 0) {
    const { container, bind } = resolution.explainedBy[0];
    return [
      { label: label(container), value: `no containerPort ${portText(resolution.target)} declared`, uri: workload.uri, span: container.name?.span ?? container.span, state: 'ok', problem: `The process binds it (${bind.description}); declare it as a containerPort so the chain is visible.` },
      { label: 'process', value: `binds ${bind.port} (${bind.description})`, uri: workload.uri, span: bind.span, state: 'ok' },
    ];
  }
  const declared = resolution.declared.map((ref) => containerPortText(ref.port)).join(', ') || 'none';
  const first = servingContainers(workload)[0];
  const problem =
    resolution.state === 'broken'
      ? resolution.protocolMismatches.length > 0
        ? `The container declares ${portText(resolution.target)} with protocol ${resolution.protocolMismatches[0].port.protocol}; make the protocols agree.`
        : `No container listens on ${portText(resolution.target)}: its containerPorts are ${declared}. Set targetPort to one of them, or change the containerPort.`
      : `Unknown: ${resolution.unknownReason ?? 'the workspace cannot tell'}.`;
  return [{ label: first ? label(first) : `${workload.kind} ${workload.name?.value ?? '?'}`, value: `containerPorts ${declared}`, uri: workload.uri, span: first?.span ?? workload.kindSpan, state: resolution.state, problem }];
}

function containerOnlyHops(graph: PortGraph, workload: Resource, container: Container, options: GraphOptions): Hop[] {
  const ports = container.ports.map(containerPortText).join(', ') || 'none declared';
  const first = container.ports[0]?.containerPort;
  return [
    { label: `${workload.kind} ${workload.name?.value ?? '?'} / container ${container.name?.value ?? '?'}`, value: `containerPorts ${ports}`, uri: workload.uri, span: container.name?.span ?? container.span, state: 'ok', problem: 'No Service in the workspace selects these pods.' },
    processHop(graph, workload, container, options, first?.kind === 'number' ? first.number : undefined),
  ];
}

function processHop(graph: PortGraph, workload: Resource, container: Container, options: GraphOptions, declared: number | undefined): Hop {
  const binds = bindPorts(graph, workload, container, options.bindPortEnvNames);
  const env = binds.filter((bind) => bind.source === 'env');
  const relevant: BindPort | undefined = env[env.length - 1] ?? binds.find((bind) => bind.port === declared) ?? binds[0];
  if (!relevant) {
    return { label: 'process', value: declared !== undefined ? `binds ${declared} (as declared; no PORT or flag says otherwise)` : 'binds an unknown port', uri: undefined, span: undefined, state: declared !== undefined ? 'ok' : 'unknown' };
  }
  const originUri = relevant.origin?.resource.uri ?? workload.uri;
  const originSpan = relevant.origin?.valueSpan ?? relevant.span;
  if (relevant.port === undefined) {
    return { label: 'process', value: `binds ? (${relevant.description})`, uri: originUri, span: originSpan, state: 'unknown', problem: 'The value is not in the workspace.' };
  }
  const agrees = declared === undefined || relevant.port === declared || binds.some((bind) => bind.port === declared);
  return {
    label: 'process',
    value: `binds ${relevant.port} (${relevant.description})`,
    uri: originUri,
    span: originSpan,
    state: agrees ? 'ok' : 'broken',
    problem: agrees ? undefined : `The process listens on ${relevant.port}, not on containerPort ${declared}: align ${relevant.label} and the containerPort.`,
  };
}

function entryHop(ref: BackendRef): Hop {
  const where = [ref.backend.host ? `host ${ref.backend.host}` : undefined, ref.backend.path ? `path ${ref.backend.path}` : undefined].filter(Boolean).join('  ');
  return { label: `${ref.resource.kind} ${ref.resource.name?.value ?? '?'}`, value: where || 'default backend', uri: ref.resource.uri, span: ref.backend.serviceName.span, state: 'ok' };
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
    const kind = { Deployment: 'deploy', StatefulSet: 'sts', DaemonSet: 'ds', ReplicaSet: 'rs', Pod: 'pod' }[workload.kind];
    if (kind) return `kubectl port-forward ${nsOf(workload)}${kind}/${workload.name.value} ${local(port)}:${port}`;
  }
  return undefined;
}
