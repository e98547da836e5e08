// Prometheus operator scrape configs → the ports they scrape: service-monitor-port.
//
// A ServiceMonitor selects Services by their own labels (not pod labels) in the namespaces its
// namespaceSelector names, and each `endpoints[].port` keeps only the endpoints whose Service port
// has that name; without `port`, `targetPort` keeps the pods' container ports of that number or
// name. A PodMonitor selects pods by their labels, and `podMetricsEndpoints[].port` keeps the
// container ports of that name (`portNumber`, or the older `targetPort`, by number). A name that
// nothing selected carries gives Prometheus no target at all, silently: the scrape never happens.
//
// The operator resolves selections in the cluster. Where the workspace holds nothing the monitor
// selects, the Services or pods come from elsewhere (a chart, an operator, the kubelet Service the
// operator itself manages), so nothing is reported.

import { inPartialBuild, withinBuild } from '../graph/kustomize';
import { rarestLabelled, resolveTarget, selectorMatches, serviceSelection, servingContainers } from '../graph/links';
import { namespaceKey, namespaceLabel, type PortGraph } from '../graph/portGraph';
import type { LabelSelector, MonitorEndpoint, MonitorSpec, PortValue, Resource, ServicePort } from '../model/types';
import { nearestName } from './backends';
import { describeContainerPorts, portValueText } from './portText';
import { describe, type FixHint, type RelatedInformation, type RuleContext, type RuleFamily } from './types';

/** How many Services or workloads a message lists before it says "and N more". */
const LISTED = 4;

const KNOWN_OPERATORS = new Set(['In', 'NotIn', 'Exists', 'DoesNotExist']);

export const serviceMonitorRules: RuleFamily = (context) => {
  for (const monitor of context.subjects()) {
    const spec = monitor.monitor;
    // A template may compute the selector or the port names, so templated monitors are never judged.
    if (!spec || monitor.templated || spec.endpoints.length === 0 || inPartialBuild(monitor)) continue;
    const selector = spec.selector ?? everything(monitor);
    if (selector.incomplete || selector.matchExpressions.some((expression) => !KNOWN_OPERATORS.has(expression.operator))) continue;
    const namespaces = selectedNamespaces(monitor, spec);
    if (!namespaces) continue;
    if (spec.targets === 'services') checkServiceMonitor(context, monitor, spec, selector, namespaces);
    else checkPodMonitor(context, monitor, spec, selector, namespaces);
  }
};

/** An absent selector matches every Service or pod of the selected namespaces, as `{}` does. */
function everything(monitor: Resource): LabelSelector {
  return { matchLabels: new Map(), matchExpressions: [], span: monitor.kindSpan, incomplete: false };
}

/**
 * The namespace keys a monitor looks in; undefined for `any: true` (every namespace of the
 * cluster, which no workspace holds) and for names a template computes.
 */
function selectedNamespaces(monitor: Resource, spec: MonitorSpec): string[] | undefined {
  const selector = spec.namespaces;
  if (!selector) return [namespaceKey(monitor)];
  if (selector.any || selector.incomplete) return undefined;
  return [...new Set(selector.names.map((name) => name.value))];
}

/** `with app=api in namespace shop`: what a monitor selects, for messages. */
function scope(selector: LabelSelector, namespaces: string[]): string {
  const labels = [
    ...[...selector.matchLabels].map(([key, value]) => `${key}=${value}`),
    ...selector.matchExpressions.map((expression) => `${expression.key} ${expression.operator}${expression.values.length > 0 ? ` (${expression.values.join(', ')})` : ''}`),
  ];
  const what = labels.length > 0 ? `with ${labels.join(', ')}` : 'all';
  return `${what} in ${namespaces.map(namespaceLabel).join(', ')}`;
}

/** Items joined with `; `, the first few only. */
function listed(items: string[]): string {
  return items.length > LISTED ? `${items.slice(0, LISTED).join('; ')}; and ${items.length - LISTED} more` : items.join('; ');
}

// ---------------------------------------------------------------------------------------------
// ServiceMonitor

/** The Services a selector may match: those carrying its rarest matchLabels pair, or all of them where it has none. */
function serviceCandidates(graph: PortGraph, key: string, selector: LabelSelector): Resource[] {
  return rarestLabelled(selector, (label, value) => graph.servicesLabelled(key, label, value)) ?? graph.servicesIn(key);
}

function checkServiceMonitor(context: RuleContext, monitor: Resource, spec: MonitorSpec, selector: LabelSelector, namespaces: string[]): void {
  const graph = context.graph;
  const selected: Resource[] = [];
  for (const key of namespaces) {
    // A Service whose name or labels a template computes may be one the monitor selects.
    if (graph.hasUnnamedServicesIn(key, monitor)) return;
    for (const service of withinBuild(monitor, serviceCandidates(graph, key, selector))) {
      if (service.templated) return;
      if (selectorMatches(selector, service.labels) && !selected.includes(service)) selected.push(service);
    }
  }
  // A Service with no ports in the workspace is a partial object (a patch), not evidence.
  if (selected.length === 0 || selected.some((service) => service.service!.ports.length === 0)) return;
  // An operator's Service whose ports the operator table does not list in full may have the port.
  if (selected.some((service) => service.createdBy && service.service!.portsIncomplete)) return;
  for (const endpoint of spec.endpoints) {
    const port = endpoint.port;
    if (port?.kind === 'name') checkServicePortName(context, monitor, selector, namespaces, port, selected);
    else if (port === undefined && endpoint.targetPort) checkServiceTargetPort(context, monitor, selector, namespaces, endpoint, endpoint.targetPort, selected);
  }
}

function checkServicePortName(context: RuleContext, monitor: Resource, selector: LabelSelector, namespaces: string[], port: Extract<PortValue, { kind: 'name' }>, selected: Resource[]): void {
  if (selected.some((service) => service.service!.ports.some((candidate) => candidate.name?.value === port.name))) return;
  const describeService = (service: Resource) => `${describe(service)} (${context.where(service.uri)}) has ${portsText(service.service!.ports)}`;
  const names = [...new Set(selected.flatMap((service) => service.service!.ports.flatMap((candidate) => (candidate.name ? [candidate.name.value] : []))))];
  const meant = names.length === 1 ? names[0] : nearestName(port.name, names);
  const fixes: FixHint[] = meant === undefined ? [] : [{ title: `Set port to ${meant}`, edits: [{ uri: monitor.uri, span: port.span, newText: meant }], preferred: true }];
  const related: RelatedInformation[] = selected.flatMap((service) =>
    service.service!.ports.map((candidate) => ({ uri: service.uri, span: candidate.name?.span ?? candidate.span, message: `port ${servicePortText(candidate)} of ${describe(service)}` })),
  );
  context.report({
    rule: 'service-monitor-port',
    uri: monitor.uri,
    span: port.span,
    message: `${describe(monitor)} scrapes the Service port named ${port.name} of the Services ${scope(selector, namespaces)}, but ${selected.length === 1 ? 'the Service it selects has no port' : `none of the ${selected.length} Services it selects has a port`} of that name: ${listed(selected.map(describeService))}; Prometheus gets no target from this endpoint`,
    related: related.slice(0, 20),
    fixes,
  });
}

/** `targetPort` without `port`: the pods behind the selected Services must have that container port. */
function checkServiceTargetPort(context: RuleContext, monitor: Resource, selector: LabelSelector, namespaces: string[], endpoint: MonitorEndpoint, target: PortValue, selected: Resource[]): void {
  if (target.kind === 'unknown') return;
  const workloads: Resource[] = [];
  for (const service of selected) {
    const selection = serviceSelection(context.graph, service);
    if (selection.state !== 'ok') return;
    for (const workload of selection.workloads) {
      if (!reachesTarget(context, monitor, endpoint, target, workload)) continue;
      return;
    }
    for (const workload of selection.workloads) if (!workloads.includes(workload)) workloads.push(workload);
  }
  if (workloads.length === 0) return;
  reportMissingContainerPort(context, monitor, `the pods behind the Services ${scope(selector, namespaces)}`, endpoint, target, workloads);
}

// ---------------------------------------------------------------------------------------------
// PodMonitor

function checkPodMonitor(context: RuleContext, monitor: Resource, spec: MonitorSpec, selector: LabelSelector, namespaces: string[]): void {
  const graph = context.graph;
  const selected: Resource[] = [];
  for (const key of namespaces) {
    // Pods a template or an operator makes may be the ones the monitor selects.
    if (graph.hasTemplatedWorkloadsIn(key, monitor) || graph.mayHaveUnseenPodsIn(key, monitor)) return;
    for (const workload of withinBuild(monitor, graph.workloadsIn(key))) {
      if (selectorMatches(selector, workload.workload!.podLabels) && !selected.includes(workload)) selected.push(workload);
    }
  }
  if (selected.length === 0) return;
  for (const endpoint of spec.endpoints) {
    const port = endpoint.port;
    if (port?.kind === 'name') checkPodPortName(context, monitor, selector, namespaces, endpoint, port, selected);
    else if (port === undefined && endpoint.targetPort && endpoint.targetPort.kind !== 'unknown') {
      const target = endpoint.targetPort;
      if (selected.some((workload) => reachesTarget(context, monitor, endpoint, target, workload))) continue;
      reportMissingContainerPort(context, monitor, `the pods ${scope(selector, namespaces)}`, endpoint, target, selected);
    }
  }
}

function checkPodPortName(context: RuleContext, monitor: Resource, selector: LabelSelector, namespaces: string[], endpoint: MonitorEndpoint, port: Extract<PortValue, { kind: 'name' }>, selected: Resource[]): void {
  const target: PortValue = port;
  if (selected.some((workload) => reachesTarget(context, monitor, endpoint, target, workload))) return;
  reportMissingContainerPort(context, monitor, `the pods ${scope(selector, namespaces)}`, endpoint, port, selected);
}

// ---------------------------------------------------------------------------------------------
// Container ports

/**
 * Whether a workload's containers may serve the port, by name or number: true unless the
 * workspace shows it does not (the same evidence a Service's targetPort needs to be broken).
 */
function reachesTarget(context: RuleContext, monitor: Resource, endpoint: MonitorEndpoint, target: PortValue, workload: Resource): boolean {
  const scrape: ServicePort = { index: -1, name: undefined, port: undefined, targetPort: target, nodePort: undefined, protocol: 'TCP', protocolSpan: undefined, span: endpoint.span };
  const resolution = resolveTarget(context.graph, monitor, scrape, workload, context.options);
  // Prometheus keeps a target by port name or number alone, whatever protocol the port declares.
  return resolution.state !== 'broken' || resolution.protocolMismatches.length > 0;
}

function reportMissingContainerPort(context: RuleContext, monitor: Resource, what: string, endpoint: MonitorEndpoint, target: Exclude<PortValue, { kind: 'unknown' }>, workloads: Resource[]): void {
  const field = endpoint.port ? 'port' : endpoint.targetPortField;
  const declared = (workload: Resource) => servingContainers(workload).flatMap((container) => container.ports);
  const wanted = target.kind === 'name' ? `the container port named ${target.name}` : `container port ${target.number}`;
  const described = workloads.map((workload) => `${describe(workload)} (${context.where(workload.uri)}) declares ${describeContainerPorts(declared(workload))}`);
  const names = [...new Set(workloads.flatMap((workload) => declared(workload).flatMap((port) => (port.name ? [port.name.value] : []))))];
  const meant = target.kind === 'name' ? (names.length === 1 ? names[0] : nearestName(target.name, names)) : undefined;
  const fixes: FixHint[] = meant === undefined ? [] : [{ title: `Set ${field} to ${meant}`, edits: [{ uri: monitor.uri, span: target.span, newText: meant }], preferred: true }];
  const related: RelatedInformation[] = workloads.flatMap((workload) =>
    servingContainers(workload).flatMap((container) =>
      container.ports.map((port) => ({ uri: workload.uri, span: port.containerPort?.span ?? port.span, message: `containerPort ${portValueText(port.containerPort)}${port.name ? ` (${port.name.value})` : ''} of container ${container.name?.value ?? '?'} in ${describe(workload)}` })),
    ),
  );
  context.report({
    rule: 'service-monitor-port',
    uri: monitor.uri,
    span: target.span,
    message: `${describe(monitor)} scrapes ${wanted} (${field}) of ${what}, but no container there has it: ${listed(described)}; Prometheus gets no target from this endpoint`,
    related: related.slice(0, 20),
    fixes,
  });
}

function portsText(ports: readonly ServicePort[]): string {
  return `${ports.length === 1 ? 'port' : 'ports'} ${ports.map(servicePortText).join(', ')}`;
}

function servicePortText(port: ServicePort): string {
  const number = portValueText(port.port);
  return port.name ? `${number} (${port.name.value})` : `${number} (unnamed)`;
}
