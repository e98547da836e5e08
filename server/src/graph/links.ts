// Link resolution: each arrow of the chain, with a state of ok, broken or unknown.
// Rules report what these say; the hover draws them. Unknown is never broken.

import type { Backend, Container, ContainerPort, LabelSelector, PortValue, Resource, ServicePort } from '../model/types';
import { bindPorts, configFileBindPorts, platformBindPorts, probeBindPorts, type BindPort } from './bindPorts';
import { inPartialBuild, withinBuild } from './kustomize';
import { templateRootOf } from './helm';
import { controllerLabelsMatch, namesPodOf, namesTemplateHash, withoutControllerLabels } from './podLabels';
import { directoryOf, linkedNamespaces, namespaceKey, nearest, type PortGraph } from './portGraph';
import { nearestFirst, sharesUnit } from './units';

export type LinkState = 'ok' | 'broken' | 'unknown';

export interface GraphOptions {
  bindPortEnvNames: readonly string[];
}

// ---------------------------------------------------------------------------------------------
// Selectors

/**
 * Whether a label selector matches a label set (matchLabels and matchExpressions). `includes` are
 * the template includes that write the label set (a workload's `podLabelIncludes`): a selector
 * built from includes matches labels built from the same ones.
 */
export function selectorMatches(selector: LabelSelector, labels: ReadonlyMap<string, string>, includes: readonly string[] = []): boolean {
  for (const [key, value] of selector.matchLabels) if (labels.get(key) !== value) return false;
  for (const include of selector.includes ?? []) if (!includes.includes(include)) return false;
  for (const expression of selector.matchExpressions) {
    const value = labels.get(expression.key);
    switch (expression.operator) {
      case 'In':
        if (value === undefined || !expression.values.includes(value)) return false;
        break;
      case 'NotIn':
        if (value !== undefined && expression.values.includes(value)) return false;
        break;
      case 'Exists':
        if (value === undefined) return false;
        break;
      case 'DoesNotExist':
        if (value !== undefined) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

export interface Selection {
  /** ok: selects these workloads; broken: selects none although the namespace has workloads; unknown: cannot tell. */
  state: LinkState;
  workloads: Resource[];
}

/**
 * The workloads whose pod templates a selector selects in the namespaces of `from`, from the
 * nearest unit that has any (graph/units.ts): the same file, then the same build or chart, then
 * the nearest folder. Several definitions of one workload may come back: they are alternatives,
 * and a caller weighs them with `byIdentity`.
 */
export function selectWorkloads(graph: PortGraph, from: Resource, selector: LabelSelector): Selection {
  // A placeholder is filled in before the object is applied: what it selects is unknown.
  if (selector.placeholder) return { state: 'unknown', workloads: [] };
  const key = namespaceKey(from);
  const symbolic = isSymbolic(selector);
  const matches = (workload: Resource) => selectsPodsOf(selector, workload) && (!symbolic || sameChart(from, workload));
  // A plain file's own folder is its nearest unit: where it holds a match, nothing farther can be
  // nearer, and reading only that folder keeps an edit of an alternative elsewhere from
  // re-checking this Service (500 examples of one app cost 500 checks, not 500²).
  if (!from.variant && templateRootOf(from.uri) === undefined) {
    const directory = directoryOf(from.uri);
    const byPairs = rarestLabelled(withoutControllerLabels(selector), (label, value) => graph.workloadsInDirectoryLabelled(key, directory, label, value));
    const beside = (byPairs ?? graph.workloadsInDirectory(key, directory)).filter(matches);
    if (beside.length > 0) return { state: 'ok', workloads: nearestFirst(from, beside) };
  }
  // A kustomize build's copy selects within its build (and files no build includes).
  const candidates = withinBuild(from, selectorCandidates(graph, key, selector));
  const workloads = nearestFirst(from, candidates.filter(matches));
  if (workloads.length > 0) return { state: 'ok', workloads };
  // Where the selector or some pod labels are written by templates the values do not resolve,
  // no match proves nothing; nor where an operator's custom resource in the Service's own unit
  // may make the pods. A unit that deploys no workloads at all gets its pods from elsewhere.
  const unitWorkloads = withinBuild(from, workloadsOfUnit(graph, key, from));
  const unknown =
    selector.incomplete ||
    (from.templated && !from.templatePartsKnown) ||
    inPartialBuild(from) ||
    unitWorkloads.length === 0 ||
    graph.hasTemplatedWorkloadsIn(key, from) ||
    graph.mayHaveUnseenPodsIn(key, from) ||
    foreignToUnit(unitWorkloads, selector) ||
    namesTemplateHash(selector);
  return { state: unknown ? 'unknown' : 'broken', workloads };
}

/**
 * The workloads of a resource's unit, by folder: its own folder and those above it, the folders
 * below it, and where those hold none, the folders beside it that hold workloads and no Services
 * (a repository laid out by kind, `k8s/services/` beside `k8s/deployments/`). A folder beside it
 * with Services of its own is a self-contained example: another unit.
 */
function workloadsOfUnit(graph: PortGraph, key: string, from: Resource): Resource[] {
  const directory = directoryOf(from.uri);
  const found: Resource[] = [];
  for (let at = directory.length - 1; at >= 0; at = directory.lastIndexOf('/', at - 1)) found.push(...graph.workloadsInDirectory(key, directory.slice(0, at + 1)));
  found.push(...graph.workloadsBelowDirectory(key, directory));
  // A kustomize build is a unit too, wherever its files sit.
  if (from.variant) for (const workload of graph.workloadsIn(key)) if (workload.variant?.kustomization === from.variant.kustomization && !found.includes(workload)) found.push(workload);
  // A folder with workloads of another namespace deploys its own: only a folder without any is laid out by kind.
  if (found.length > 0 || graph.hasWorkloadsInDirectoryAnywhere(directory)) return found;
  const parent = directoryOf(directory.slice(0, -1));
  if (parent === '' || parent === directory) return found;
  const byFolder = new Map<string, Resource[]>();
  for (const workload of graph.workloadsBelowDirectory(key, parent)) {
    const folder = directoryOf(workload.uri);
    const list = byFolder.get(folder);
    if (list) list.push(workload);
    else byFolder.set(folder, [workload]);
  }
  for (const [folder, workloads] of byFolder) if (!graph.hasServicesInDirectory(key, folder)) found.push(...workloads);
  return found;
}

/**
 * Whether a selector speaks a vocabulary no pod template of its unit uses (none carries one of
 * its keys or values): it was written for pods made elsewhere (by an operator, a chart, another
 * repository), which the workspace plainly does not hold. A renamed key (`app: web` against
 * `app.kubernetes.io/name: web`) still shares the value, so it stays a finding.
 */
function foreignToUnit(unitWorkloads: readonly Resource[], selector: LabelSelector): boolean {
  const keys = new Set([...selector.matchLabels.keys(), ...selector.matchExpressions.map((expression) => expression.key)]);
  const values = new Set([...selector.matchLabels.values(), ...selector.matchExpressions.flatMap((expression) => expression.values)]);
  return !unitWorkloads.some((workload) => namesPodOf(selector, workload) || [...workload.workload!.podLabels].some(([label, value]) => keys.has(label) || values.has(value)));
}

/**
 * The workloads a selector may match: those carrying its rarest matchLabels pair, or every
 * workload of the namespace where it has none. A selector reads only the labels it names.
 */
function selectorCandidates(graph: PortGraph, key: string, selector: LabelSelector): Resource[] {
  return rarestLabelled(withoutControllerLabels(selector), (label, value) => graph.workloadsLabelled(key, label, value)) ?? graph.workloadsIn(key);
}

/** Whether a selector matches some pod of a workload: by its template's labels and by those its controller adds (graph/podLabels.ts). */
export function selectsPodsOf(selector: LabelSelector, workload: Resource): boolean {
  return selectorMatches(withoutControllerLabels(selector), workload.workload!.podLabels, workload.workload!.podLabelIncludes) && controllerLabelsMatch(selector, workload);
}

/**
 * What carries the selector's rarest matchLabels pair, by a label index; undefined where the
 * selector has no matchLabels (the caller then looks at everything).
 */
export function rarestLabelled(selector: LabelSelector, labelled: (label: string, value: string) => Resource[]): Resource[] | undefined {
  let best: Resource[] | undefined;
  for (const [label, value] of selector.matchLabels) {
    const found = labelled(label, value);
    if (!best || found.length < best.length) best = found;
    if (best.length === 0) break;
  }
  return best;
}

/** Whether a selector matches by template expressions (includes, or values written as an action) rather than by plain labels. */
function isSymbolic(selector: LabelSelector): boolean {
  if (selector.includes && selector.includes.length > 0) return true;
  for (const value of selector.matchLabels.values()) if (value.startsWith('{{')) return true;
  return false;
}

/** Whether two resources are templates of one chart, where the same expression renders the same labels. */
function sameChart(a: Resource, b: Resource): boolean {
  const root = templateRootOf(a.uri);
  return root !== undefined && root === templateRootOf(b.uri);
}

/** The workloads a Service selects; unknown for Services without a selector or of type ExternalName. */
export function serviceSelection(graph: PortGraph, service: Resource): Selection {
  const spec = service.service!;
  if (!spec.selector || spec.type === 'ExternalName') return { state: 'unknown', workloads: [] };
  return selectWorkloads(graph, service, spec.selector);
}

/**
 * Workloads of other namespaces whose pods a Service's selector matches, where its own namespace
 * holds none it selects: a Service selects pods of its own namespace only, so these are the
 * evidence that it selects nothing (the same evidence a backend to a Service of another namespace
 * gives). Only where the Service and the workloads both write their namespaces and they differ,
 * the workloads share a unit with the Service, and nothing in its unit may make pods the
 * workspace does not show.
 */
export function selectedInOtherNamespaces(graph: PortGraph, service: Resource, selection: Selection): Resource[] {
  const selector = service.service?.selector;
  const own = namespaceKey(service);
  if (selection.state === 'ok' || !selector || own === '' || service.templated || selector.incomplete || selector.placeholder || service.service!.type === 'ExternalName') return [];
  if (inPartialBuild(service) || graph.mayHaveUnseenPodsIn(own, service) || graph.hasTemplatedWorkloadsIn(own, service)) return [];
  const candidates = rarestLabelled(withoutControllerLabels(selector), (label, value) => graph.workloadsLabelledAnywhere(label, value));
  if (!candidates) return [];
  const linked = new Set(linkedNamespaces(own));
  return withinBuild(service, candidates).filter((workload) => {
    const ns = namespaceKey(workload);
    // Pods of an unrelated example in another namespace are no evidence about this Service.
    return ns !== '' && !linked.has(ns) && !workload.templated && sharesUnit(service, workload) && selectsPodsOf(selector, workload);
  });
}

// ---------------------------------------------------------------------------------------------
// Service port → container ports

/** Containers that serve traffic: regular containers and native sidecars (restartPolicy Always). */
export function servingContainers(workload: Resource): Container[] {
  return workload.workload!.containers.filter((container) => container.role !== 'init');
}

export interface ContainerPortRef {
  container: Container;
  port: ContainerPort;
}

export interface TargetResolution {
  workload: Resource;
  state: LinkState;
  /** The port the Service sends to: targetPort, or `port` where targetPort is omitted. */
  target: PortValue | undefined;
  implicit: boolean;
  /** Declared container ports that match by number (or name) and protocol. */
  matches: ContainerPortRef[];
  /** Declared container ports that match by number or name but not by protocol. */
  protocolMismatches: ContainerPortRef[];
  /** Evidence from env vars, flags, config files, images or probes that explains an undeclared numeric target. */
  explainedBy: { container: Container; bind: BindPort }[];
  /** Evidence of other ports the processes bind (where the target is not explained): what messages may say they listen on. */
  listening: { container: Container; bind: BindPort }[];
  /** Every declared port of the serving containers, for messages and fixes. */
  declared: ContainerPortRef[];
  /** One sentence on why the state is unknown, for hovers. */
  unknownReason?: string;
}

/** Resolves a Service port's target in one selected workload. */
export function resolveTarget(graph: PortGraph, service: Resource, servicePort: ServicePort, workload: Resource, options: GraphOptions): TargetResolution {
  const implicit = servicePort.targetPort === undefined;
  const target = servicePort.targetPort ?? servicePort.port;
  const containers = servingContainers(workload);
  const declared: ContainerPortRef[] = containers.flatMap((container) => container.ports.map((port) => ({ container, port })));
  const result: TargetResolution = { workload, state: 'unknown', target, implicit, matches: [], protocolMismatches: [], explainedBy: [], listening: [], declared };
  if (!target || target.kind === 'unknown') {
    result.unknownReason = 'the target port is computed by a template or placeholder';
    return result;
  }
  const protocol = servicePort.protocol;
  for (const ref of declared) {
    const hit = target.kind === 'number' ? ref.port.containerPort?.kind === 'number' && ref.port.containerPort.number === target.number : ref.port.name?.value === target.name;
    if (!hit) continue;
    // A container port without `protocol` only has the API's default, TCP: no statement about the process.
    if (ref.port.protocol === protocol || ref.port.protocolSpan === undefined) result.matches.push(ref);
    else result.protocolMismatches.push(ref);
  }
  if (result.matches.length > 0) {
    result.state = 'ok';
    return result;
  }
  const doubt = templateDoubt(service, servicePort, workload);
  if (result.protocolMismatches.length > 0) {
    result.state = doubt ? 'unknown' : 'broken';
    result.unknownReason = doubt;
    return result;
  }
  if (target.kind === 'number') {
    let unknownBind = false;
    for (const container of containers) {
      for (const bind of [...bindPorts(graph, workload, container, options.bindPortEnvNames), ...probeBindPorts(container), ...platformBindPorts(workload, container)]) {
        if (bind.port === target.number) result.explainedBy.push({ container, bind });
        else if (bind.port === undefined) unknownBind = true;
        else result.listening.push({ container, bind });
      }
    }
    if (result.explainedBy.length === 0 && containers.length > 0) {
      for (const bind of configFileBindPorts(graph, workload)) {
        if (bind.port === target.number) result.explainedBy.push({ container: containers[0], bind });
        else result.listening.push({ container: containers[0], bind });
      }
    }
    if (result.explainedBy.length > 0) {
      result.state = 'ok';
      return result;
    }
    if (unknownBind) {
      result.unknownReason = 'the port the process binds comes from a value the workspace does not hold';
      return result;
    }
  }
  if (declared.length === 0) {
    result.unknownReason = 'its containers declare no ports, so only the running process can tell';
    return result;
  }
  if (doubt) {
    result.unknownReason = doubt;
    return result;
  }
  result.state = 'broken';
  return result;
}

/**
 * Why a template leaves a Service port's link into a workload undecided, or undefined where what
 * the model read (literal, or resolved from the chart's values.yaml) is all there is.
 */
function templateDoubt(service: Resource, servicePort: ServicePort, workload: Resource): string | undefined {
  if (service.templated && !service.templatePartsKnown) return 'a template or patch the workspace cannot read may change the Service';
  if (workload.templated && !workload.templatePartsKnown) return 'a template or patch the workspace cannot read may add the port';
  if (servicePort.incomplete) return 'a template action the values do not resolve may name the port or set its protocol';
  if (service.service?.selector?.unreadable) return 'part of the selector is computed by a template, so the Service may select other pods';
  if (workload.workload?.portsIncomplete) return 'a template may add the port';
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Backend → Service

export interface BackendResolution {
  /** ok: a Service of that name is reachable; broken: none; unknown: the workspace cannot tell. */
  state: LinkState;
  services: Resource[];
  /** Services of that name in other namespaces, which an Ingress cannot reach. */
  elsewhere: Resource[];
  /** The namespace key the backend resolves in. */
  namespace: string;
  /** Where the state is unknown because a custom resource of an operator portchain has no description of may create the Service. */
  maybeCreatedBy?: Resource;
}

/** Finds the Service a backend names (an Ingress backend, or a route backendRef with its namespace). */
export function resolveBackendService(graph: PortGraph, from: Resource, backend: Backend): BackendResolution {
  const namespace = backend.namespace?.value ?? namespaceKey(from);
  // As for workloads: a Service of that name beside a plain file is the nearest there is.
  if (!from.variant) {
    const beside = graph.servicesNamedInDirectory(namespace, backend.serviceName.value, directoryOf(from.uri));
    if (beside.length > 0) return { state: 'ok', services: nearest(beside, from.uri), elsewhere: [], namespace };
  }
  const services = withinBuild(from, graph.servicesNamed(namespace, backend.serviceName.value, from.uri));
  if (services.length > 0) return { state: 'ok', services, elsewhere: [], namespace };
  const linked = new Set(linkedNamespaces(namespace));
  const elsewhere = withinBuild(from, graph.servicesNamedAnywhere(backend.serviceName.value)).filter((service) => !linked.has(namespaceKey(service)));
  const unknown = { state: 'unknown' as const, services, elsewhere, namespace };
  if (from.templated || inPartialBuild(from) || graph.hasUnnamedServicesIn(namespace, from)) return unknown;
  // A namesake without metadata.namespace may be applied to any namespace, and a backend without
  // one may be applied to the namesake's: neither proves the Service out of reach.
  if (elsewhere.some((service) => namespaceKey(service) === '') || (elsewhere.length > 0 && namespace === '')) return unknown;
  if (elsewhere.length === 0 && !expectsServiceInWorkspace(graph, from, backend.serviceName.value, namespace)) return unknown;
  // An operator that the graph has no description of may create a Service of any name from a
  // custom resource in the backend's own unit (graph/operators.ts lists the ones it knows).
  const operator = graph.undescribedOperatorIn(namespace, from);
  if (operator) return { ...unknown, maybeCreatedBy: operator };
  return { state: 'broken', services, elsewhere, namespace };
}

/**
 * Whether the workspace should hold a Service of that name if it exists. The cluster and its
 * add-ons fill the kube-* namespaces, and `kubernetes` is always in default. The default namespace
 * is shared by every unrelated example of a repository, so there a Service in the backend's own
 * folder (or below) must show that this part of the workspace deploys its own Services; elsewhere
 * the namespace must hold at least one Service.
 */
function expectsServiceInWorkspace(graph: PortGraph, from: Resource, name: string, namespace: string): boolean {
  if (namespace.startsWith('kube-')) return false;
  const services = withinBuild(from, graph.servicesIn(namespace));
  if (namespace !== '' && namespace !== 'default') return services.length > 0;
  if (name === 'kubernetes') return false;
  const directory = directoryOf(from.uri);
  return services.some((service) => service.uri.startsWith(directory));
}

export interface BackendPortResolution {
  state: LinkState;
  /** The Service port the backend port names. */
  servicePort: ServicePort | undefined;
}

/** Finds the Service port a backend's port names: by number against `port`, by name against the port names. */
export function resolveBackendPort(service: Resource, port: PortValue | undefined): BackendPortResolution {
  const ports = service.service!.ports;
  if (!port || port.kind === 'unknown') return { state: 'unknown', servicePort: undefined };
  const servicePort = ports.find((candidate) =>
    port.kind === 'number' ? candidate.port?.kind === 'number' && candidate.port.number === port.number : candidate.name?.value === port.name,
  );
  if (servicePort) return { state: 'ok', servicePort };
  const unreadable = ports.some((candidate) => candidate.port?.kind === 'unknown' || candidate.port === undefined) || (service.templated && (!service.templatePartsKnown || service.service!.portsIncomplete === true)) || (service.createdBy !== undefined && service.service!.portsIncomplete === true);
  return { state: unreadable ? 'unknown' : 'broken', servicePort: undefined };
}
