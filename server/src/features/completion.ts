// Completion along the chain: at a backend, the Services in reach and then their ports; at a
// targetPort, the container ports of the selected pods; at a selector, the labels of pod templates
// in reach; at a ConfigMap or Secret ref, the names and then the keys; at a probe, the container's
// port names; at a monitor endpoint, the selected Services' or pods' port names; at a Gateway API
// parentRef, the Gateways and their listeners. Candidates that complete a working chain rank first,
// and each shows the chain it completes (`→ web:8080 → PORT=8080 ✓`).
//
// Candidates come from the same units and alternatives the rules judge by (graph/units.ts), so
// what completion offers is what portchain then calls ok.

import { CompletionItemKind, InsertTextFormat, type CompletionItem, type CompletionList, type Position } from 'vscode-languageserver';
import type { Project } from '../analysis/project';
import { ruleOptionsOf } from '../analysis/settings';
import { chainsOfServicePort, chainState, servicePortText, stateMark, type Chain } from '../graph/chain';
import { resolveBackendService, selectorMatches, selectWorkloads, serviceSelection, servingContainers, type GraphOptions, type LinkState } from '../graph/links';
import { namespaceKey, type PortGraph } from '../graph/portGraph';
import { nearness, sharesUnit } from '../graph/units';
import { yamlPositionAt, type YamlPosition } from '../graph/yamlPosition';
import type { Backend, Resource, ServicePort } from '../model/types';
import { offsetOf, rangeOf } from './convert';

/** Characters after which an editor asks for completion: a key's colon, the space after it, an opening quote. */
export const COMPLETION_TRIGGER_CHARACTERS = [':', ' ', '"', "'"];

/** How many candidates get their chain worked out; the rest are listed nearest first without one. */
const CHAINED_CANDIDATES = 40;

interface Candidate {
  label: string;
  kind: CompletionItemKind;
  /** The chain it completes, on one line; empty where there is none to show. */
  detail: string;
  state: LinkState | undefined;
  /** Lower is nearer (graph/units.ts nearness). */
  distance: number;
  /** Text for resolve: the chain hop by hop, and where the candidate is defined. */
  documentation: string;
  /** Among equals, the order the candidates were found in (a port's name before its number). */
  order?: number;
  /** For a label pair under a selector: written as `key: value`, not as a value. */
  insert?: string;
}

/** What `data` of an item carries to completionItem/resolve. */
interface ItemData {
  documentation: string;
}

/** The completion list at a position; an empty list where the position is not on the chain. */
export function completion(project: Project, uri: string, position: Position): CompletionList {
  const empty: CompletionList = { isIncomplete: false, items: [] };
  const graph = project.graph;
  const file = graph.file(uri);
  if (!file) return empty;
  const offset = offsetOf(file, position);
  const at = yamlPositionAt(file.text, offset);
  if (!at) return empty;
  const resource = resourceAt(file.resources, offset);
  if (!resource) return empty;
  const candidates = candidatesAt(graph, resource, at, offset, ruleOptionsOf(project.settings));
  if (candidates.length === 0) return empty;
  const range = rangeOf(file, at.replace);
  const ranked = candidates.sort((a, b) => rank(a.state) - rank(b.state) || a.distance - b.distance || (a.order ?? 0) - (b.order ?? 0) || compareText(a.label, b.label));
  const items = ranked.map((candidate, index): CompletionItem => {
    const text = candidate.insert ?? valueText(candidate.label, at);
    return {
      label: candidate.label,
      kind: candidate.kind,
      detail: candidate.detail || undefined,
      sortText: String(index).padStart(4, '0'),
      filterText: candidate.insert ?? candidate.label,
      textEdit: { range, newText: at.needsSpace && !at.quote ? ` ${text}` : text },
      insertTextFormat: InsertTextFormat.PlainText,
      preselect: index === 0 && candidate.state === 'ok' ? true : undefined,
      data: { documentation: candidate.documentation } satisfies ItemData,
    };
  });
  return { isIncomplete: false, items };
}

/** completionItem/resolve: the chain the candidate completes, hop by hop. */
export function resolveCompletion(item: CompletionItem): CompletionItem {
  const data = item.data as Partial<ItemData> | undefined;
  if (typeof data?.documentation === 'string' && data.documentation !== '') item.documentation = { kind: 'markdown', value: data.documentation };
  return item;
}

function rank(state: LinkState | undefined): number {
  return state === 'ok' ? 0 : state === undefined || state === 'unknown' ? 1 : 2;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A value as the scalar it replaces is written: inside quotes as is; bare where YAML reads it as the same string. */
function valueText(value: string, at: YamlPosition): string {
  if (at.quote) return value;
  return /^[A-Za-z0-9][A-Za-z0-9._/-]*$/.test(value) && !/^(true|false|null|yes|no|on|off|~)$/i.test(value) ? value : JSON.stringify(value);
}

function resourceAt(resources: readonly Resource[], offset: number): Resource | undefined {
  let best: Resource | undefined;
  for (const resource of resources) if (resource.span.start <= offset && (offset <= resource.span.end || !best || resource.span.start > best.span.start)) best = resource;
  return best;
}

function last(path: readonly string[], n = 1): string | undefined {
  return path[path.length - n];
}

function candidatesAt(graph: PortGraph, resource: Resource, at: YamlPosition, offset: number, options: GraphOptions): Candidate[] {
  const { path, key } = at;
  const parent = last(path);
  if (resource.kind === 'Ingress') {
    if ((key === 'name' && parent === 'service') || (key === 'serviceName' && parent === 'backend')) return serviceCandidates(graph, resource, options);
    if ((parent === 'port' && last(path, 2) === 'service' && (key === 'number' || key === 'name')) || (key === 'servicePort' && parent === 'backend')) {
      return backendPortCandidates(graph, resource, resource.ingress?.backends ?? [], offset, at, options, key === 'number' ? 'number' : key === 'name' ? 'name' : 'any');
    }
  }
  if (resource.route && parent === 'backendRefs') {
    if (key === 'name') return serviceCandidates(graph, resource, options);
    if (key === 'port') return backendPortCandidates(graph, resource, resource.route.backends, offset, at, options, 'number');
  }
  if (resource.route && parent === 'parentRefs') {
    if (key === 'name') return gatewayCandidates(graph, resource);
    if (key === 'sectionName') return listenerCandidates(graph, resource, at.siblings.get('name'));
  }
  if (resource.service && parent === 'ports' && key === 'targetPort') return targetPortCandidates(graph, resource, offset, options);
  const selector = selectorAt(resource, path);
  if (selector) return labelCandidates(graph, resource, at, selector);
  if ((parent === 'configMapKeyRef' || parent === 'secretKeyRef') && resource.workload) {
    const source = parent === 'configMapKeyRef' ? 'configMap' : 'secret';
    if (key === 'name') return configCandidates(graph, resource, source);
    if (key === 'key') return keyCandidates(graph, resource, source, at.siblings.get('name'));
  }
  if (resource.workload && ((parent === 'configMapRef' && key === 'name') || (parent === 'configMap' && key === 'name'))) return configCandidates(graph, resource, 'configMap');
  if (resource.workload && ((parent === 'secretRef' && key === 'name') || (parent === 'secret' && key === 'secretName'))) return configCandidates(graph, resource, 'secret');
  if (resource.workload && key === 'port' && (parent === 'httpGet' || parent === 'tcpSocket' || parent === 'grpc')) return probePortCandidates(resource, offset);
  if (resource.monitor && key === 'port' && (parent === 'endpoints' || parent === 'podMetricsEndpoints')) return monitorPortCandidates(graph, resource);
  return [];
}

// ---------------------------------------------------------------------------------------------
// Backends: Services, then their ports

function serviceCandidates(graph: PortGraph, from: Resource, options: GraphOptions): Candidate[] {
  const byName = new Map<string, Resource>();
  for (const service of graph.servicesIn(namespaceKey(from))) {
    const name = service.name?.value;
    if (!name) continue;
    const known = byName.get(name);
    if (!known || nearness(from, service) < nearness(from, known)) byName.set(name, service);
  }
  const nearestFirst = [...byName.values()].sort((a, b) => nearness(from, a) - nearness(from, b));
  return nearestFirst.map((service, index) => {
    const ports = service.service!.ports;
    const chains = index < CHAINED_CANDIDATES && ports.length > 0 ? chainsOfServicePort(graph, service, ports[0], options, []) : [];
    const best = bestChain(chains);
    return {
      label: service.name!.value,
      kind: CompletionItemKind.Module,
      detail: best ? `${servicePortText(ports[0])} ${chainTail(best)}` : ports.map(servicePortText).join(', '),
      state: best ? chainState(best.hops) : undefined,
      distance: nearness(from, service),
      documentation: documentationOf(`Service ${service.name!.value}`, chains, service),
    };
  });
}

function backendPortCandidates(graph: PortGraph, from: Resource, backends: readonly Backend[], offset: number, at: YamlPosition, options: GraphOptions, want: 'number' | 'name' | 'any'): Candidate[] {
  const backend = backends.find((candidate) => candidate.span.start <= offset && offset <= candidate.span.end);
  const name = backend?.serviceName.value ?? at.siblings.get('name');
  if (!name) return [];
  const services = backend ? resolveBackendService(graph, from, backend).services : graph.servicesNamed(namespaceKey(from), name, from.uri);
  const out: Candidate[] = [];
  const seen = new Set<string>();
  for (const service of services) {
    for (const servicePort of service.service!.ports) {
      const values = [
        want !== 'name' && servicePort.port?.kind === 'number' ? String(servicePort.port.number) : undefined,
        want !== 'number' && servicePort.name ? servicePort.name.value : undefined,
      ];
      const chains = chainsOfServicePort(graph, service, servicePort, options, []);
      const best = bestChain(chains);
      for (const value of values) {
        if (value === undefined || seen.has(value)) continue;
        seen.add(value);
        out.push({
          label: value,
          kind: CompletionItemKind.Value,
          detail: best ? chainTail(best) : '',
          state: best ? chainState(best.hops) : undefined,
          distance: nearness(from, service),
          documentation: documentationOf(`Service ${name} ${servicePortText(servicePort)}`, chains, service),
        });
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// A Service's targetPort: the container ports of the pods it selects

function targetPortCandidates(graph: PortGraph, service: Resource, offset: number, options: GraphOptions): Candidate[] {
  const selection = serviceSelection(graph, service);
  const servicePort = service.service!.ports.find((port) => port.span.start <= offset && offset <= port.span.end);
  const out: Candidate[] = [];
  const seen = new Set<string>();
  for (const workload of selection.workloads) {
    for (const container of servingContainers(workload)) {
      for (const port of container.ports) {
        const number = port.containerPort?.kind === 'number' ? port.containerPort.number : undefined;
        for (const value of [port.name?.value, number === undefined ? undefined : String(number)]) {
          if (value === undefined || seen.has(value)) continue;
          seen.add(value);
          const chains = servicePort ? chainsOfServicePort(graph, service, withTarget(servicePort, value), options, [], workload) : [];
          const best = bestChain(chains);
          out.push({
            label: value,
            kind: CompletionItemKind.Value,
            detail: best ? chainTail(best) : `→ ${workload.name?.value ?? workload.kind}:${number ?? value}`,
            state: best ? chainState(best.hops) : 'ok',
            distance: nearness(service, workload),
            order: out.length,
            documentation: documentationOf(`containerPort ${number ?? '?'}${port.name ? ` (${port.name.value})` : ''} of ${workload.kind} ${workload.name?.value ?? '?'} / container ${container.name?.value ?? '?'}`, chains, workload),
          });
        }
      }
    }
  }
  return out;
}

/** The Service port as if its targetPort were `value`, to draw the chain a candidate completes. */
function withTarget(servicePort: ServicePort, value: string): ServicePort {
  const span = servicePort.targetPort?.span ?? servicePort.span;
  const target = /^\d+$/.test(value) ? { kind: 'number' as const, number: Number(value), span } : { kind: 'name' as const, name: value, span };
  return { ...servicePort, targetPort: target };
}

// ---------------------------------------------------------------------------------------------
// Selectors: the labels pod templates in reach carry

type SelectorPlace = 'service' | 'workload' | 'policy' | 'monitor';

function selectorAt(resource: Resource, path: readonly string[]): SelectorPlace | undefined {
  const parent = last(path);
  const grand = last(path, 2);
  if (resource.service && parent === 'selector' && grand === 'spec') return 'service';
  // A podSelector takes matchLabels, not labels of its own.
  if (resource.networkPolicy && parent === 'matchLabels' && grand === 'podSelector') return 'policy';
  if (resource.workload && parent === 'matchLabels' && grand === 'selector') return 'workload';
  if (resource.monitor && parent === 'matchLabels' && grand === 'selector') return 'monitor';
  return undefined;
}

function labelCandidates(graph: PortGraph, from: Resource, at: YamlPosition, place: SelectorPlace): Candidate[] {
  if (at.key === 'matchLabels' || at.key === 'matchExpressions') return [];
  const ns = namespaceKey(from);
  const sources: { labels: ReadonlyMap<string, string>; owner: Resource }[] = [];
  if (place === 'monitor') {
    for (const service of graph.servicesIn(ns)) if (sharesUnit(from, service)) sources.push({ labels: service.labels, owner: service });
  } else {
    for (const workload of graph.workloadsIn(ns)) {
      if (place === 'workload' && workload.uri === from.uri && workload.name?.value === from.name?.value) sources.unshift({ labels: workload.workload!.podLabels, owner: workload });
      else if (sharesUnit(from, workload)) sources.push({ labels: workload.workload!.podLabels, owner: workload });
    }
  }
  const out = new Map<string, Candidate>();
  for (const { labels, owner } of sources) {
    for (const [label, value] of labels) {
      if (at.key !== undefined && at.key !== label) continue;
      if (at.key === undefined && at.siblings.has(label)) continue;
      const pair = `${label}: ${value}`;
      const id = at.key === undefined ? pair : value;
      if (out.has(id)) continue;
      const distance = owner === from ? -1 : nearness(from, owner);
      out.set(id, {
        label: id,
        kind: CompletionItemKind.Property,
        detail: `→ ${owner.kind} ${owner.name?.value ?? '?'}`,
        state: 'ok',
        distance,
        documentation: `Selects ${owner.kind} ${owner.name?.value ?? '?'} (\`${pair}\`).`,
        insert: at.key === undefined ? `${label}: ${valueText(value, { ...at, quote: undefined })}` : undefined,
      });
    }
  }
  return [...out.values()];
}

// ---------------------------------------------------------------------------------------------
// ConfigMaps and Secrets: names, then keys

function configCandidates(graph: PortGraph, from: Resource, source: 'configMap' | 'secret'): Candidate[] {
  const kind = source === 'configMap' ? 'ConfigMap' : 'Secret';
  const byName = new Map<string, Resource>();
  for (const config of graph.configsIn(source, namespaceKey(from))) {
    const name = config.name?.value;
    if (!name) continue;
    const known = byName.get(name);
    if (!known || nearness(from, config) < nearness(from, known)) byName.set(name, config);
  }
  return [...byName.values()].map((config) => {
    const keys = [...(config.config?.entries.keys() ?? [])];
    return {
      label: config.name!.value,
      kind: CompletionItemKind.File,
      detail: `${kind} with ${keys.length === 0 ? 'no keys' : keys.slice(0, 4).join(', ') + (keys.length > 4 ? ', …' : '')}`,
      state: undefined,
      distance: nearness(from, config),
      documentation: `${kind} ${config.name!.value}: keys ${keys.join(', ') || 'none'}.`,
    };
  });
}

function keyCandidates(graph: PortGraph, from: Resource, source: 'configMap' | 'secret', name: string | undefined): Candidate[] {
  if (!name) return [];
  const out = new Map<string, Candidate>();
  for (const config of graph.configsNamed(source, namespaceKey(from), name, from.uri)) {
    for (const [key, entry] of config.config?.entries ?? []) {
      if (out.has(key)) continue;
      const shown = source === 'secret' ? '' : entry.value !== undefined && entry.value.length <= 40 && !entry.value.includes('\n') ? `=${entry.value}` : '';
      out.set(key, { label: key, kind: CompletionItemKind.Field, detail: `${key}${shown}`, state: undefined, distance: nearness(from, config), documentation: `Key ${key} of ${config.kind} ${name}.` });
    }
  }
  return [...out.values()];
}

// ---------------------------------------------------------------------------------------------
// Probes, monitors, Gateways

function probePortCandidates(workload: Resource, offset: number): Candidate[] {
  const container = workload.workload!.containers.find((candidate) => candidate.span.start <= offset && offset <= candidate.span.end);
  if (!container) return [];
  return container.ports.flatMap((port) =>
    port.name ? [{ label: port.name.value, kind: CompletionItemKind.Value, detail: `→ containerPort ${port.containerPort?.kind === 'number' ? port.containerPort.number : '?'} ✓`, state: 'ok' as const, distance: 0, documentation: `Port ${port.name.value} of container ${container.name?.value ?? '?'}.` }] : [],
  );
}

function monitorPortCandidates(graph: PortGraph, monitor: Resource): Candidate[] {
  const spec = monitor.monitor!;
  const out = new Map<string, Candidate>();
  const ns = namespaceKey(monitor);
  if (spec.targets === 'services') {
    const services = graph.servicesIn(ns).filter((service) => sharesUnit(monitor, service) && (!spec.selector || selectorMatches(spec.selector, service.labels)));
    for (const service of services) {
      for (const port of service.service!.ports) {
        if (port.name && !out.has(port.name.value)) out.set(port.name.value, { label: port.name.value, kind: CompletionItemKind.Value, detail: `→ Service ${service.name?.value ?? '?'} ${servicePortText(port)} ✓`, state: 'ok', distance: nearness(monitor, service), documentation: `${servicePortText(port)} of Service ${service.name?.value ?? '?'}.` });
      }
    }
  } else if (spec.selector) {
    for (const workload of selectWorkloads(graph, monitor, spec.selector).workloads) {
      for (const container of servingContainers(workload)) {
        for (const port of container.ports) {
          if (port.name && !out.has(port.name.value)) out.set(port.name.value, { label: port.name.value, kind: CompletionItemKind.Value, detail: `→ ${workload.kind} ${workload.name?.value ?? '?'} containerPort ${port.containerPort?.kind === 'number' ? port.containerPort.number : '?'} ✓`, state: 'ok', distance: nearness(monitor, workload), documentation: `Port ${port.name.value} of container ${container.name?.value ?? '?'}.` });
        }
      }
    }
  }
  return [...out.values()];
}

function gatewaysIn(graph: PortGraph, from: Resource): Resource[] {
  const out: Resource[] = [];
  for (const resource of graph.resources()) if (resource.gateway && resource.name && sharesUnit(from, resource)) out.push(resource);
  return out;
}

function gatewayCandidates(graph: PortGraph, route: Resource): Candidate[] {
  return gatewaysIn(graph, route).map((gateway) => ({
    label: gateway.name!.value,
    kind: CompletionItemKind.Module,
    detail: `Gateway, listeners ${gateway.gateway!.listeners.map((listener) => `${listener.name?.value ?? '?'}:${listener.port?.kind === 'number' ? listener.port.number : '?'}`).join(', ') || 'none'}`,
    state: undefined,
    distance: nearness(route, gateway),
    documentation: `Gateway ${gateway.name!.value}${gateway.namespace ? ` in namespace ${gateway.namespace.value}` : ''}.`,
  }));
}

function listenerCandidates(graph: PortGraph, route: Resource, gatewayName: string | undefined): Candidate[] {
  if (!gatewayName) return [];
  const out = new Map<string, Candidate>();
  for (const gateway of gatewaysIn(graph, route)) {
    if (gateway.name!.value !== gatewayName) continue;
    for (const listener of gateway.gateway!.listeners) {
      const name = listener.name?.value;
      if (!name || out.has(name)) continue;
      out.set(name, { label: name, kind: CompletionItemKind.EnumMember, detail: `${listener.protocol} ${listener.port?.kind === 'number' ? listener.port.number : '?'}`, state: undefined, distance: nearness(route, gateway), documentation: `Listener ${name} of Gateway ${gatewayName}.` });
    }
  }
  return [...out.values()];
}

// ---------------------------------------------------------------------------------------------
// Chains, as details and documentation

function bestChain(chains: readonly Chain[]): Chain | undefined {
  let best: Chain | undefined;
  for (const chain of chains) if (!best || rank(chainState(chain.hops)) < rank(chainState(best.hops))) best = chain;
  return best;
}

/** The hops after the Service, on one line: `→ web:8080 → PORT=8080 ✓`. */
export function chainTail(chain: Chain): string {
  const parts: string[] = [];
  for (const hop of chain.hops) {
    if (hop.role === 'container') parts.push(`${chain.workload?.name?.value ?? hop.label}:${hop.port ?? hop.value}`);
    else if (hop.role === 'process') {
      const described = /\(([^)]*)\)/.exec(hop.value)?.[1];
      if (described && !described.startsWith('as declared')) parts.push(described.replace(/ from .*$/, ''));
    } else if (hop.role === 'target' && hop.state !== 'ok') parts.push(`targetPort ${hop.value}`);
  }
  return `${parts.map((part) => `→ ${part}`).join(' ')} ${stateMark(chainState(chain.hops))}`.trim();
}

function documentationOf(title: string, chains: readonly Chain[], defined: Resource): string {
  const lines = [`**${title}**`, ''];
  for (const chain of chains.slice(0, 3)) {
    for (const hop of chain.hops) lines.push(`- ${stateMark(hop.state)} ${hop.label} ${hop.value}${hop.problem ? ` — ${hop.problem}` : ''}`);
    lines.push('');
  }
  lines.push(`Defined in \`${defined.uri.replace(/^.*\//, '')}\`.`);
  return lines.join('\n');
}
