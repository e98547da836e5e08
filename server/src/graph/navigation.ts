// Navigation over the port graph: where the value under the cursor is declared (definition), what
// refers to a declaration (references), and every scalar a rename has to change together.
// Spans in, spans out: features/ turns them into LSP locations and edits. Pure like the rest of
// graph/: no LSP types, no file system, and every function answers (empty where nothing resolves).
//
// **Architecture invariant:** navigation follows the same link resolution the rules report from
// (links.ts, chain.ts), so "go to definition" lands where a diagnostic's other end is.

import type { Backend, ConfigEntry, Container, ContainerPort, EnvFromSource, EnvVar, KeyRef, LabelSelector, NetworkPolicyPort, Probe, Resource, ServicePort, Span } from '../model/types';
import { backendsTo, servicesSelecting } from './chain';
import { resolveBackendPort, resolveBackendService, resolveTarget, selectorMatches, selectWorkloads, serviceSelection, servingContainers, type GraphOptions } from './links';
import { nodeAt, type PortNode } from './nodes';
import { linkedNamespaces, namespaceKey, type PortGraph } from './portGraph';

/** A place to go: the scalar to select, and the entry around it (what a peek view shows). */
export interface Place {
  uri: string;
  span: Span;
  context: Span;
}

type ConfigSource = 'configMap' | 'secret';

/** What navigation can start from: the chain's nodes, plus the names that point at ConfigMaps, Secrets and Services outside the chain. */
export type NavigationNode =
  | PortNode
  | { kind: 'key-ref'; resource: Resource; container: Container; env: EnvVar; source: ConfigSource; ref: KeyRef; field: 'name' | 'key'; span: Span }
  | { kind: 'env-from'; resource: Resource; container: Container; envFrom: EnvFromSource; span: Span }
  | { kind: 'config-name'; resource: Resource; span: Span }
  | { kind: 'stateful-set-service'; resource: Resource; span: Span }
  | { kind: 'policy-selector'; resource: Resource; selector: LabelSelector; span: Span };

/** One thing that is declared once and referred to from elsewhere. */
type Declaration =
  | { kind: 'service'; service: Resource }
  | { kind: 'service-port'; service: Resource; servicePort: ServicePort }
  | { kind: 'container-port'; workload: Resource; container: Container; port: ContainerPort }
  | { kind: 'config'; config: Resource }
  | { kind: 'config-entry'; config: Resource; entry: ConfigEntry }
  | { kind: 'pod-template'; workload: Resource };

type ContainerPortDeclaration = Extract<Declaration, { kind: 'container-port' }>;
type ServicePortDeclaration = Extract<Declaration, { kind: 'service-port' }>;

function inside(span: Span | undefined, offset: number): span is Span {
  return span !== undefined && span.start <= offset && offset <= span.end;
}

/** The node navigation starts from at `offset` of `uri`, or undefined where there is none. */
export function navigationNodeAt(graph: PortGraph, uri: string, offset: number): NavigationNode | undefined {
  const node = nodeAt(graph, uri, offset);
  if (node?.kind === 'env-var') return keyRefNode(node, offset) ?? node;
  if (node) return node;
  for (const resource of graph.file(uri)?.resources ?? []) {
    if (!inside(resource.span, offset)) continue;
    const found = nameNodeIn(resource, offset);
    if (found) return found;
  }
  return undefined;
}

/** An env var read from a ConfigMap or Secret key: the ref's name leads to the resource, anything else to the key. */
function keyRefNode(node: Extract<PortNode, { kind: 'env-var' }>, offset: number): NavigationNode | undefined {
  const { env } = node;
  const source: ConfigSource | undefined = env.configMapKeyRef ? 'configMap' : env.secretKeyRef ? 'secret' : undefined;
  const ref = env.configMapKeyRef ?? env.secretKeyRef;
  if (!source || !ref) return undefined;
  const base = { kind: 'key-ref' as const, resource: node.resource, container: node.container, env, source, ref };
  if (inside(ref.name.span, offset)) return { ...base, field: 'name', span: ref.name.span };
  if (inside(ref.key.span, offset)) return { ...base, field: 'key', span: ref.key.span };
  return { ...base, field: 'key', span: inside(env.name.span, offset) ? env.name.span : node.span };
}

function nameNodeIn(resource: Resource, offset: number): NavigationNode | undefined {
  const workload = resource.workload;
  if (workload) {
    for (const container of workload.containers) {
      if (!inside(container.span, offset)) continue;
      for (const envFrom of container.envFrom) {
        if (inside(envFrom.name.span, offset)) return { kind: 'env-from', resource, container, envFrom, span: envFrom.name.span };
      }
    }
    if (inside(workload.serviceName?.span, offset)) return { kind: 'stateful-set-service', resource, span: workload.serviceName!.span };
  }
  if (resource.config && inside(resource.name?.span, offset)) return { kind: 'config-name', resource, span: resource.name!.span };
  const podSelector = resource.networkPolicy?.podSelector;
  if (podSelector && inside(podSelector.span, offset)) return { kind: 'policy-selector', resource, selector: podSelector, span: podSelector.span };
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Definition

/** Where the value under the cursor is declared; empty for declarations and for links that resolve nowhere. */
export function definitionsOf(graph: PortGraph, node: NavigationNode, options: GraphOptions): Place[] {
  return tidy(graph, definitionPlaces(graph, node, options));
}

function definitionPlaces(graph: PortGraph, node: NavigationNode, options: GraphOptions): Place[] {
  switch (node.kind) {
    case 'backend-service':
      return resolveBackendService(graph, node.resource, node.backend).services.flatMap(serviceNamePlace);
    case 'backend-port':
      return resolveBackendService(graph, node.resource, node.backend).services.flatMap((service) => {
        const servicePort = resolveBackendPort(service, node.backend.port).servicePort;
        // A port that names no Service port still leads to the Service, where its ports are listed.
        return servicePort ? [servicePortPlace(service, servicePort)] : serviceNamePlace(service);
      });
    case 'service-port':
      // With targetPort omitted, `port` is also the target.
      if (node.field === 'targetPort' || (node.field === 'port' && !node.servicePort.targetPort)) return targetPlaces(graph, node.resource, node.servicePort, options);
      return [];
    case 'service-selector':
      return serviceSelection(graph, node.resource).workloads.flatMap(podLabelsPlace);
    case 'policy-selector':
      return selectWorkloads(graph, node.resource, node.selector).workloads.flatMap(podLabelsPlace);
    case 'key-ref':
      return keyRefDeclarations(graph, node).flatMap(declarationPlace);
    case 'env-from':
      return configsNamed(graph, node.resource, node.envFrom.source, node.envFrom.name.value).flatMap(resourceNamePlace);
    case 'stateful-set-service':
      return graph.servicesNamed(namespaceKey(node.resource), node.resource.workload!.serviceName!.value, node.resource.uri).flatMap(serviceNamePlace);
    case 'probe-port':
      return probeTargets(node.container, node.probe).map((port) => containerPortPlace(node.resource, port, node.probe.port.kind === 'name'));
    case 'network-policy-port':
      return policyPortTargets(graph, node.resource, node.port).map((target) => containerPortPlace(target.workload, target.port, node.port.port?.kind === 'name'));
    case 'service-name':
    case 'container-port':
    case 'pod-labels':
    case 'config-entry':
    case 'config-name':
    case 'env-var':
      return [];
  }
}

/** The container ports a Service port sends to in every selected workload, or what the process binds where none is declared. */
function targetPlaces(graph: PortGraph, service: Resource, servicePort: ServicePort, options: GraphOptions): Place[] {
  const byName = (servicePort.targetPort ?? servicePort.port)?.kind === 'name';
  return serviceSelection(graph, service).workloads.flatMap((workload) => {
    const resolution = resolveTarget(graph, service, servicePort, workload, options);
    const declared = [...resolution.matches, ...resolution.protocolMismatches];
    if (declared.length > 0) return declared.map((ref) => containerPortPlace(workload, ref.port, byName));
    return resolution.explainedBy.map(({ bind }): Place => {
      const origin = bind.origin;
      return origin?.valueSpan ? { uri: origin.resource.uri, span: origin.valueSpan, context: origin.valueSpan } : { uri: workload.uri, span: bind.span, context: bind.span };
    });
  });
}

// ---------------------------------------------------------------------------------------------
// References

/** What refers to the declaration under (or named at) the cursor; with `includeDeclaration`, the declarations too. */
export function referencesOf(graph: PortGraph, node: NavigationNode, options: GraphOptions, includeDeclaration: boolean): Place[] {
  const references = declarationsOf(graph, node, options).flatMap((declaration) => referencesTo(graph, declaration, options, 'any'));
  if (!includeDeclaration) return tidy(graph, references);
  const own = ownDeclarationPlace(node);
  const declarations = own ? [own] : definitionPlaces(graph, node, options);
  return tidy(graph, [...declarations, ...references]);
}

/** The place of a node that is itself a declaration (the scalar under the cursor); undefined for references. */
function ownDeclarationPlace(node: NavigationNode): Place | undefined {
  switch (node.kind) {
    case 'service-name':
    case 'config-name':
      return { uri: node.resource.uri, span: node.span, context: node.resource.span };
    case 'service-port':
      return node.field === 'targetPort' ? undefined : { uri: node.resource.uri, span: node.span, context: node.servicePort.span };
    case 'container-port':
      return { uri: node.resource.uri, span: node.span, context: node.port.span };
    case 'pod-labels':
      return { uri: node.resource.uri, span: node.span, context: node.span };
    case 'config-entry':
      return { uri: node.resource.uri, span: node.entry.key.span, context: node.span };
    default:
      return undefined;
  }
}

/** The declarations a node is, or refers to. */
function declarationsOf(graph: PortGraph, node: NavigationNode, options: GraphOptions): Declaration[] {
  switch (node.kind) {
    case 'service-name':
      return [{ kind: 'service', service: node.resource }];
    case 'backend-service':
      return resolveBackendService(graph, node.resource, node.backend).services.map((service) => ({ kind: 'service', service }));
    case 'stateful-set-service':
      return graph.servicesNamed(namespaceKey(node.resource), node.resource.workload!.serviceName!.value, node.resource.uri).map((service) => ({ kind: 'service', service }));
    case 'backend-port':
      return backendServicePorts(graph, node.resource, node.backend);
    case 'service-port':
      if (node.field === 'targetPort') return targetDeclarations(graph, node.resource, node.servicePort, options);
      return [{ kind: 'service-port', service: node.resource, servicePort: node.servicePort }];
    case 'container-port':
      return [{ kind: 'container-port', workload: node.resource, container: node.container, port: node.port }];
    case 'probe-port':
      return probeTargets(node.container, node.probe).map((port) => ({ kind: 'container-port', workload: node.resource, container: node.container, port }));
    case 'network-policy-port':
      return policyPortTargets(graph, node.resource, node.port).map((target) => ({ kind: 'container-port', ...target }));
    case 'service-selector':
      return serviceSelection(graph, node.resource).workloads.map((workload) => ({ kind: 'pod-template', workload }));
    case 'policy-selector':
      return selectWorkloads(graph, node.resource, node.selector).workloads.map((workload) => ({ kind: 'pod-template', workload }));
    case 'pod-labels':
      return [{ kind: 'pod-template', workload: node.resource }];
    case 'config-entry':
      return [{ kind: 'config-entry', config: node.resource, entry: node.entry }];
    case 'config-name':
      return [{ kind: 'config', config: node.resource }];
    case 'key-ref':
      return keyRefDeclarations(graph, node);
    case 'env-from':
      return configsNamed(graph, node.resource, node.envFrom.source, node.envFrom.name.value).map((config) => ({ kind: 'config', config }));
    case 'env-var':
      return [];
  }
}

/** Which references count: any that resolves to the declaration, or only those that name it (what a rename changes). */
type ReferenceMode = 'any' | 'name';

/** The scalars that refer to one declaration, each with the resource that holds it. */
function referencesTo(graph: PortGraph, declaration: Declaration, options: GraphOptions, mode: ReferenceMode): Place[] {
  switch (declaration.kind) {
    case 'service':
      return [
        ...backendsTo(graph, declaration.service).map(({ resource, backend }) => ({ uri: resource.uri, span: backend.serviceName.span, context: backend.span })),
        ...statefulSetsNaming(graph, declaration.service).map((workload) => ({ uri: workload.uri, span: workload.workload!.serviceName!.span, context: workload.workload!.serviceName!.span })),
      ];
    case 'service-port':
      return backendsToPort(graph, declaration, mode).map(({ resource, backend }) => ({ uri: resource.uri, span: backend.port!.span, context: backend.span }));
    case 'container-port':
      return containerPortReferences(graph, declaration, options, mode).map((reference) => reference.place);
    case 'config':
      return configReaders(graph, declaration.config).map(({ place }) => place);
    case 'config-entry':
      return configReaders(graph, declaration.config, declaration.entry.key.value).map(({ place }) => place);
    case 'pod-template':
      return [
        ...servicesSelecting(graph, declaration.workload).map((service) => ({ uri: service.uri, span: service.service!.selector!.span, context: service.service!.selector!.span })),
        ...policiesSelecting(graph, declaration.workload).map((policy) => ({ uri: policy.uri, span: policySelector(policy).span, context: policySelector(policy).span })),
      ];
  }
}

/** Backends whose port resolves to this Service port (with `name`, only those that name it). */
function backendsToPort(graph: PortGraph, declaration: ServicePortDeclaration, mode: ReferenceMode): { resource: Resource; backend: Backend }[] {
  return backendsTo(graph, declaration.service).filter(({ backend }) => {
    if (!backend.port || (mode === 'name' && backend.port.kind !== 'name')) return false;
    return resolveBackendPort(declaration.service, backend.port).servicePort === declaration.servicePort;
  });
}

/** A reference to a container port, and for targetPorts and policy ports, what else they resolve to. */
interface ContainerPortReference {
  place: Place;
  /** Other container ports the same scalar resolves to: a rename has to change them too. */
  alsoResolvesTo: ContainerPortDeclaration[];
}

function containerPortReferences(graph: PortGraph, declaration: ContainerPortDeclaration, options: GraphOptions, mode: ReferenceMode): ContainerPortReference[] {
  const { workload, container, port } = declaration;
  const out: ContainerPortReference[] = [];
  for (const service of servicesSelecting(graph, workload)) {
    for (const servicePort of service.service!.ports) {
      const scalar = servicePort.targetPort ?? servicePort.port;
      if (!scalar || (mode === 'name' && scalar.kind !== 'name')) continue;
      const hits = (target: Resource) => {
        const resolution = resolveTarget(graph, service, servicePort, target, options);
        return [...resolution.matches, ...resolution.protocolMismatches];
      };
      if (!hits(workload).some((ref) => ref.port === port)) continue;
      // Only a rename needs the other ends, and they cost a resolution per selected workload.
      const alsoResolvesTo = mode === 'any' ? [] : serviceSelection(graph, service).workloads.flatMap((other) => hits(other).map((ref): ContainerPortDeclaration => ({ kind: 'container-port', workload: other, container: ref.container, port: ref.port })));
      out.push({ place: { uri: service.uri, span: scalar.span, context: servicePort.span }, alsoResolvesTo });
    }
  }
  for (const probe of container.probes) {
    if (mode === 'name' && probe.port.kind !== 'name') continue;
    if (probeTargets(container, probe).includes(port)) out.push({ place: { uri: workload.uri, span: probe.port.span, context: probe.span }, alsoResolvesTo: [] });
  }
  for (const policy of policiesSelecting(graph, workload)) {
    for (const entry of policy.networkPolicy!.ingressPorts) {
      if (!entry.port || (mode === 'name' && entry.port.kind !== 'name')) continue;
      const targets = policyPortTargets(graph, policy, entry);
      if (!targets.some((target) => target.port === port)) continue;
      out.push({ place: { uri: policy.uri, span: entry.port.span, context: entry.span }, alsoResolvesTo: targets.map((target) => ({ kind: 'container-port', ...target })) });
    }
  }
  return out;
}

/** Env vars and envFrom entries that read a ConfigMap or Secret (with `key`, those that read that key). */
function configReaders(graph: PortGraph, config: Resource, key?: string): { workload: Resource; place: Place }[] {
  const source = config.config?.source;
  const name = config.name?.value;
  if (!source || !name) return [];
  const out: { workload: Resource; place: Place }[] = [];
  for (const workload of graph.workloadsIn(namespaceKey(config))) {
    for (const container of workload.workload!.containers) {
      for (const env of container.env) {
        const ref = source === 'configMap' ? env.configMapKeyRef : env.secretKeyRef;
        if (!ref || ref.name.value !== name) continue;
        if (key === undefined) {
          if (configsNamed(graph, workload, source, name).includes(config)) out.push({ workload, place: { uri: workload.uri, span: ref.name.span, context: env.span } });
        } else if (ref.key.value === key && graph.configEntry(source, namespaceKey(workload), name, key, workload.uri)?.resource === config) {
          out.push({ workload, place: { uri: workload.uri, span: ref.key.span, context: env.span } });
        }
      }
      for (const envFrom of container.envFrom) {
        // envFrom reads every key of the resource, so it reads this one.
        if (envFrom.source === source && envFrom.name.value === name && configsNamed(graph, workload, source, name).includes(config)) {
          out.push({ workload, place: { uri: workload.uri, span: envFrom.name.span, context: envFrom.span } });
        }
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Rename

export type RenameKind = 'service' | 'service-port' | 'container-port';

/** Everything one rename changes: the declarations and every scalar that names them, closed over the references that would otherwise break. */
export interface RenamePlan {
  kind: RenameKind;
  oldName: string;
  /** The scalar under the cursor. */
  span: Span;
  /** Every scalar to rewrite, declarations first; each holds `oldName`. */
  sites: { uri: string; span: Span }[];
  services: Resource[];
  servicePorts: { service: Resource; servicePort: ServicePort }[];
  containerPorts: { workload: Resource; container: Container; port: ContainerPort }[];
}

/** The rename that starts at a node, or undefined where the node is no name a rename can follow (numbers, templates, unresolved links). */
export function renamePlanOf(graph: PortGraph, node: NavigationNode, options: GraphOptions): RenamePlan | undefined {
  switch (node.kind) {
    case 'service-name':
      return node.resource.name ? serviceRename(graph, node.span, node.resource.name.value, [node.resource]) : undefined;
    case 'backend-service':
      return serviceRename(graph, node.span, node.backend.serviceName.value, resolveBackendService(graph, node.resource, node.backend).services);
    case 'stateful-set-service': {
      const name = node.resource.workload!.serviceName!.value;
      return serviceRename(graph, node.span, name, graph.servicesNamed(namespaceKey(node.resource), name, node.resource.uri));
    }
    case 'service-port':
      if (node.field === 'name' && node.servicePort.name) return servicePortRename(graph, node.span, node.servicePort.name.value, [{ kind: 'service-port', service: node.resource, servicePort: node.servicePort }]);
      if (node.field === 'targetPort' && node.servicePort.targetPort?.kind === 'name') return containerPortRename(graph, node.span, node.servicePort.targetPort.name, targetDeclarations(graph, node.resource, node.servicePort, options), options);
      return undefined;
    case 'backend-port':
      if (node.backend.port?.kind !== 'name') return undefined;
      return servicePortRename(graph, node.span, node.backend.port.name, backendServicePorts(graph, node.resource, node.backend));
    case 'container-port':
      if (node.field !== 'name' || !node.port.name) return undefined;
      return containerPortRename(graph, node.span, node.port.name.value, [{ kind: 'container-port', workload: node.resource, container: node.container, port: node.port }], options);
    case 'probe-port':
      if (node.probe.port.kind !== 'name') return undefined;
      return containerPortRename(graph, node.span, node.probe.port.name, probeTargets(node.container, node.probe).map((port) => ({ kind: 'container-port', workload: node.resource, container: node.container, port })), options);
    case 'network-policy-port':
      if (node.port.port?.kind !== 'name') return undefined;
      return containerPortRename(graph, node.span, node.port.port.name, policyPortTargets(graph, node.resource, node.port).map((target) => ({ kind: 'container-port', ...target })), options);
    default:
      return undefined;
  }
}

/**
 * A Service rename: the Services and every backend (and StatefulSet serviceName) that resolves to
 * them. A backend that also reaches a namesake elsewhere (overlays side by side) still reaches the
 * renamed Service afterwards, so the namesake keeps its name.
 */
function serviceRename(graph: PortGraph, span: Span, oldName: string, services: Resource[]): RenamePlan | undefined {
  // An operator names the Services it creates: renaming a backend cannot rename one of them.
  if (services.length === 0 || services.some((service) => service.createdBy)) return undefined;
  const sites: Place[] = [];
  for (const service of services) {
    sites.push(...serviceNamePlace(service));
    for (const { resource, backend } of backendsTo(graph, service)) sites.push({ uri: resource.uri, span: backend.serviceName.span, context: backend.span });
    for (const workload of statefulSetsNaming(graph, service)) sites.push({ uri: workload.uri, span: workload.workload!.serviceName!.span, context: workload.workload!.serviceName!.span });
  }
  return { kind: 'service', oldName, span, sites: unique(sites), services, servicePorts: [], containerPorts: [] };
}

/**
 * A Service port rename: the port names and every Ingress backend that names them. Where a
 * backend reaches namesake Services, their ports of that name are renamed too, or the backend
 * would lose its port on one of them.
 */
function servicePortRename(graph: PortGraph, span: Span, oldName: string, start: ServicePortDeclaration[]): RenamePlan | undefined {
  if (start.length === 0 || start.some((declaration) => declaration.service.createdBy)) return undefined;
  const renamed: ServicePortDeclaration[] = [];
  const sites: Place[] = [];
  const queue = [...start];
  while (queue.length > 0) {
    const declaration = queue.shift()!;
    const { service, servicePort } = declaration;
    // By Service and port: the copies kustomize builds make share their ports with the file's resource.
    if (renamed.some((done) => done.service === service && done.servicePort === servicePort) || servicePort.name?.value !== oldName) continue;
    renamed.push(declaration);
    sites.push({ uri: service.uri, span: servicePort.name.span, context: servicePort.span });
    for (const { resource, backend } of backendsToPort(graph, declaration, 'name')) {
      sites.push({ uri: resource.uri, span: backend.port!.span, context: backend.span });
      queue.push(...backendServicePorts(graph, resource, backend));
    }
  }
  return { kind: 'service-port', oldName, span, sites: unique(sites), services: [], servicePorts: renamed.map(({ service, servicePort }) => ({ service, servicePort })), containerPorts: [] };
}

/**
 * A container port rename: the port names and every targetPort, probe and NetworkPolicy port that
 * names them. A targetPort or policy port that reaches several workloads renames the port in all
 * of them, so no workload is left behind under the old name.
 */
function containerPortRename(graph: PortGraph, span: Span, oldName: string, start: ContainerPortDeclaration[], options: GraphOptions): RenamePlan | undefined {
  if (start.length === 0) return undefined;
  const renamed: ContainerPortDeclaration[] = [];
  const sites: Place[] = [];
  const queue = [...start];
  while (queue.length > 0) {
    const declaration = queue.shift()!;
    const { workload, port } = declaration;
    // By workload and port: the copies kustomize builds make share their ports with the file's resource.
    if (renamed.some((done) => done.workload === workload && done.port === port) || port.name?.value !== oldName) continue;
    renamed.push(declaration);
    sites.push({ uri: workload.uri, span: port.name.span, context: port.span });
    for (const reference of containerPortReferences(graph, declaration, options, 'name')) {
      sites.push(reference.place);
      queue.push(...reference.alsoResolvesTo);
    }
  }
  return { kind: 'container-port', oldName, span, sites: unique(sites), services: [], servicePorts: [], containerPorts: renamed.map(({ workload, container, port }) => ({ workload, container, port })) };
}

/** Why renaming to `newName` would collide with a name already taken; undefined where it would not. */
export function renameConflict(graph: PortGraph, plan: RenamePlan, newName: string, where: (uri: string) => string): string | undefined {
  if (newName === plan.oldName) return undefined;
  switch (plan.kind) {
    case 'service':
      for (const service of plan.services) {
        const taken = graph.servicesIn(namespaceKey(service)).find((other) => other.name?.value === newName && !plan.services.includes(other));
        if (taken) return `Service ${newName} already exists (${where(taken.uri)}); two Services of one name in a namespace are one Service`;
      }
      return undefined;
    case 'service-port':
      for (const { service } of plan.servicePorts) {
        if (service.service!.ports.some((other) => other.name?.value === newName)) return `Service ${service.name?.value ?? '?'} (${where(service.uri)}) already has a port named ${newName}`;
      }
      return undefined;
    case 'container-port':
      for (const { workload } of plan.containerPorts) {
        // Port names are unique across the containers of a pod.
        const taken = workload.workload!.containers.some((container) => container.ports.some((other) => other.name?.value === newName));
        if (taken) return `${workload.kind} ${workload.name?.value ?? '?'} (${where(workload.uri)}) already has a port named ${newName}`;
      }
      return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Resolution helpers

function backendServicePorts(graph: PortGraph, resource: Resource, backend: Backend): ServicePortDeclaration[] {
  return resolveBackendService(graph, resource, backend).services.flatMap((service) => {
    const servicePort = resolveBackendPort(service, backend.port).servicePort;
    return servicePort ? [{ kind: 'service-port' as const, service, servicePort }] : [];
  });
}

function targetDeclarations(graph: PortGraph, service: Resource, servicePort: ServicePort, options: GraphOptions): ContainerPortDeclaration[] {
  return serviceSelection(graph, service).workloads.flatMap((workload) => {
    const resolution = resolveTarget(graph, service, servicePort, workload, options);
    return [...resolution.matches, ...resolution.protocolMismatches].map((ref): ContainerPortDeclaration => ({ kind: 'container-port', workload, container: ref.container, port: ref.port }));
  });
}

/** The container's own ports a probe checks: the kubelet resolves a probe's port in its own container only. */
function probeTargets(container: Container, probe: Probe): ContainerPort[] {
  const port = probe.port;
  return container.ports.filter((candidate) =>
    port.kind === 'name' ? candidate.name?.value === port.name : port.kind === 'number' && candidate.containerPort?.kind === 'number' && candidate.containerPort.number === port.number,
  );
}

/** The policy an absent podSelector stands for selects every pod of its namespace. */
function policySelector(policy: Resource): LabelSelector {
  return policy.networkPolicy?.podSelector ?? { matchLabels: new Map(), matchExpressions: [], span: policy.kindSpan, incomplete: false };
}

/** Policy selections per graph version: a query about several workloads asks every policy about each. */
const policySelections = new WeakMap<PortGraph, { version: number; byPolicy: Map<Resource, Resource[]> }>();

/** The workloads a NetworkPolicy selects (nearest directory first, as the rules see it). */
function policySelection(graph: PortGraph, policy: Resource): Resource[] {
  let cache = policySelections.get(graph);
  if (!cache || cache.version !== graph.version) {
    cache = { version: graph.version, byPolicy: new Map() };
    policySelections.set(graph, cache);
  }
  let selected = cache.byPolicy.get(policy);
  if (!selected) {
    selected = selectWorkloads(graph, policy, policySelector(policy)).workloads;
    cache.byPolicy.set(policy, selected);
  }
  return selected;
}

/** NetworkPolicies whose podSelector selects this workload. */
function policiesSelecting(graph: PortGraph, workload: Resource): Resource[] {
  const namespaces = new Set(linkedNamespaces(namespaceKey(workload)));
  const out: Resource[] = [];
  for (const resource of graph.resources()) {
    if (!resource.networkPolicy || !namespaces.has(namespaceKey(resource))) continue;
    // The label match first: the selection proper (nearest directory) costs a pass over the namespace's workloads.
    if (selectorMatches(policySelector(resource), workload.workload!.podLabels, workload.workload!.podLabelIncludes) && policySelection(graph, resource).includes(workload)) out.push(resource);
  }
  return out;
}

/**
 * The container ports an ingress rule's port names in the pods the policy selects. Egress ports
 * belong to whatever the pods talk to, so they lead nowhere in the workspace.
 */
function policyPortTargets(graph: PortGraph, policy: Resource, entry: NetworkPolicyPort): { workload: Resource; container: Container; port: ContainerPort }[] {
  const port = entry.port;
  if (!port || port.kind === 'unknown' || !policy.networkPolicy?.ingressPorts.includes(entry)) return [];
  const low = port.kind === 'number' ? port.number : 0;
  const high = port.kind === 'number' && entry.endPort?.kind === 'number' ? entry.endPort.number : low;
  const out: { workload: Resource; container: Container; port: ContainerPort }[] = [];
  for (const workload of policySelection(graph, policy)) {
    for (const container of servingContainers(workload)) {
      for (const candidate of container.ports) {
        const number = candidate.containerPort?.kind === 'number' ? candidate.containerPort.number : undefined;
        const hit = port.kind === 'name' ? candidate.name?.value === port.name : number !== undefined && number >= low && number <= high;
        if (hit) out.push({ workload, container, port: candidate });
      }
    }
  }
  return out;
}

function keyRefDeclarations(graph: PortGraph, node: Extract<NavigationNode, { kind: 'key-ref' }>): Declaration[] {
  const configs = configsNamed(graph, node.resource, node.source, node.ref.name.value);
  if (node.field === 'name') return configs.map((config) => ({ kind: 'config', config }));
  const found = graph.configEntry(node.source, namespaceKey(node.resource), node.ref.name.value, node.ref.key.value, node.resource.uri);
  if (!found) return [];
  // Where the key is absent, the resource is the nearest thing to its declaration.
  return found.entry ? [{ kind: 'config-entry', config: found.resource, entry: found.entry }] : [{ kind: 'config', config: found.resource }];
}

function configsNamed(graph: PortGraph, from: Resource, source: ConfigSource, name: string): Resource[] {
  return graph.configsNamed(source, namespaceKey(from), name, from.uri);
}

/** StatefulSets whose serviceName resolves to this Service. */
function statefulSetsNaming(graph: PortGraph, service: Resource): Resource[] {
  const name = service.name?.value;
  if (!name) return [];
  return graph.workloadsIn(namespaceKey(service)).filter((workload) => workload.workload!.serviceName?.value === name && graph.servicesNamed(namespaceKey(workload), name, workload.uri).includes(service));
}

function declarationPlace(declaration: Declaration): Place[] {
  switch (declaration.kind) {
    case 'service':
      return serviceNamePlace(declaration.service);
    case 'service-port':
      return [servicePortPlace(declaration.service, declaration.servicePort)];
    case 'container-port':
      return [containerPortPlace(declaration.workload, declaration.port, declaration.port.name !== undefined)];
    case 'config':
      return resourceNamePlace(declaration.config);
    case 'config-entry':
      return [{ uri: declaration.config.uri, span: declaration.entry.key.span, context: { start: declaration.entry.key.span.start, end: declaration.entry.valueSpan.end } }];
    case 'pod-template':
      return podLabelsPlace(declaration.workload);
  }
}

function serviceNamePlace(service: Resource): Place[] {
  return service.name ? [{ uri: service.uri, span: service.name.span, context: service.span }] : [];
}

function resourceNamePlace(resource: Resource): Place[] {
  return [{ uri: resource.uri, span: resource.name?.span ?? resource.kindSpan, context: resource.span }];
}

/** A Service port is declared by its `port` number. */
function servicePortPlace(service: Resource, servicePort: ServicePort): Place {
  return { uri: service.uri, span: servicePort.port?.span ?? servicePort.span, context: servicePort.span };
}

/** A container port, at its name where it is referred to by name, else at its number. */
function containerPortPlace(workload: Resource, port: ContainerPort, byName: boolean): Place {
  const span = (byName ? port.name?.span : undefined) ?? port.containerPort?.span ?? port.span;
  return { uri: workload.uri, span, context: port.span };
}

function podLabelsPlace(workload: Resource): Place[] {
  const span = workload.workload?.podLabelsSpan;
  return span ? [{ uri: workload.uri, span, context: span }] : [];
}

/** Trims the line break a block map's span runs into (a selector, a port entry), and drops repeated places. */
function tidy(graph: PortGraph, places: Place[]): Place[] {
  return unique(
    places.map((place) => {
      const text = graph.file(place.uri)?.text ?? '';
      return { uri: place.uri, span: withoutTrailingSpace(text, place.span), context: withoutTrailingSpace(text, place.context) };
    }),
  );
}

function withoutTrailingSpace(text: string, span: Span): Span {
  let end = span.end;
  while (end > span.start && /\s/.test(text[end - 1])) end--;
  return { start: span.start, end };
}

/** Drops repeated places, keeping the first. */
function unique(places: Place[]): Place[] {
  const seen = new Set<string>();
  return places.filter((place) => {
    const key = `${place.uri}#${place.span.start}:${place.span.end}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
