// Document symbols (the outline: each resource with its ports) and workspace symbols (every
// resource as `Kind/namespace/name`, found by a fuzzy query).

import { SymbolKind, type DocumentSymbol, type Range, type SymbolInformation } from 'vscode-languageserver';
import type { Project } from '../analysis/project';
import { writtenPortText } from '../graph/chain';
import type { PortGraph } from '../graph/portGraph';
import type { Backend, ContainerPort, ParsedFile, PortValue, Resource, Span } from '../model/types';
import { rangeOf } from './convert';

/** Workspace symbol answers stop here: a client lists them, nobody reads more. */
export const MAX_WORKSPACE_SYMBOLS = 1000;

const WORKLOAD_KINDS = new Set(['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Job', 'CronJob', 'Rollout']);
const ROUTE_KINDS = new Set(['Ingress', 'Gateway', 'HTTPRoute', 'GRPCRoute', 'TCPRoute', 'TLSRoute', 'UDPRoute']);

/** The symbol kind an editor shows for a resource kind. */
export function symbolKindOf(kind: string): SymbolKind {
  if (kind === 'Service') return SymbolKind.Interface;
  if (WORKLOAD_KINDS.has(kind)) return SymbolKind.Class;
  if (ROUTE_KINDS.has(kind)) return SymbolKind.Module;
  if (kind === 'ConfigMap' || kind === 'Secret') return SymbolKind.Object;
  if (kind === 'NetworkPolicy') return SymbolKind.Struct;
  if (kind === 'Namespace') return SymbolKind.Namespace;
  if (kind === 'Kustomization') return SymbolKind.Package;
  return SymbolKind.Object;
}

/** The outline of a file: one symbol per resource (`Kind/name`, detail its namespace), with its ports as children. */
export function documentSymbols(project: Project, uri: string): DocumentSymbol[] {
  const graph = project.graph;
  const file = graph.file(uri);
  if (!file) return [];
  return file.resources.map((resource) => {
    // A name written through an alias may sit outside the resource; the `kind:` value never does.
    const selection = resource.name && inside(resource.name.span, resource.span) ? resource.name.span : resource.kindSpan;
    const outline = symbol(file, `${resource.kind}/${nameOf(resource)}`, symbolKindOf(resource.kind), resource.span, selection, resource.namespace?.value);
    const children = childrenOf(graph, file, resource, resource.span);
    if (children.length > 0) outline.children = children;
    return outline;
  });
}

function childrenOf(graph: PortGraph, file: ParsedFile, resource: Resource, within: Span): DocumentSymbol[] {
  const children: DocumentSymbol[] = [];
  const written = (port: PortValue | undefined) => writtenPortText(graph, file.uri, port);
  for (const servicePort of resource.service?.ports ?? []) {
    const target = servicePort.targetPort ? `targetPort ${written(servicePort.targetPort)}` : 'targetPort = port';
    const name = `port ${written(servicePort.port)}${servicePort.name ? ` (${servicePort.name.value})` : ''}${servicePort.protocol !== 'TCP' ? `/${servicePort.protocol}` : ''}`;
    children.push(symbol(file, name, SymbolKind.Field, servicePort.span, servicePort.port?.span ?? servicePort.span, target, within));
  }
  for (const container of resource.workload?.containers ?? []) {
    const containerSpan = inside(container.span, within) ? container.span : within;
    const ports = container.ports.map((port) => symbol(file, containerPortName(port, written), SymbolKind.Field, port.span, port.containerPort?.span ?? port.span, port.hostPort ? `hostPort ${written(port.hostPort)}` : undefined, containerSpan));
    const role = container.role === 'container' ? 'container' : container.role === 'sidecar' ? 'sidecar' : 'init container';
    const node = symbol(file, `${role} ${container.name?.value ?? '(unnamed)'}`, SymbolKind.Method, container.span, container.name?.span ?? container.span, undefined, within);
    if (ports.length > 0) node.children = ports;
    children.push(node);
  }
  for (const backend of [...(resource.ingress?.backends ?? []), ...(resource.route?.backends ?? [])]) {
    children.push(symbol(file, backendName(backend, written), SymbolKind.Field, backend.span, backend.serviceName.span, backendDetail(backend), within));
  }
  for (const listener of resource.gateway?.listeners ?? []) {
    children.push(symbol(file, `listener ${listener.name?.value ?? '(unnamed)'} :${written(listener.port)}`, SymbolKind.Field, listener.span, listener.port?.span ?? listener.span, listener.protocol, within));
  }
  for (const [direction, ports] of [['ingress', resource.networkPolicy?.ingressPorts ?? []], ['egress', resource.networkPolicy?.egressPorts ?? []]] as const) {
    for (const port of ports) {
      const range = port.endPort ? `${written(port.port)}–${written(port.endPort)}` : written(port.port);
      children.push(symbol(file, `${direction} ${range}/${port.protocol}`, SymbolKind.Field, port.span, port.port?.span ?? port.span, undefined, within));
    }
  }
  return children;
}

/** A DocumentSymbol whose selection range lies inside its range, and whose range lies inside its parent's, as clients require. */
function symbol(file: ParsedFile, name: string, kind: SymbolKind, span: Span, selection: Span, detail: string | undefined, parent?: Span): DocumentSymbol {
  // YAML aliases can put a value outside the map that uses it; clients reject such symbols.
  const full = parent && !inside(span, parent) ? parent : span;
  const chosen = inside(selection, full) ? selection : { start: full.start, end: full.start };
  const result: DocumentSymbol = { name, kind, range: rangeOf(file, full), selectionRange: rangeOf(file, chosen) };
  if (detail) result.detail = detail;
  return result;
}

function inside(span: Span, outer: Span): boolean {
  return outer.start <= span.start && span.end <= outer.end;
}

function containerPortName(port: ContainerPort, written: (port: PortValue | undefined) => string): string {
  return `containerPort ${written(port.containerPort)}${port.name ? ` (${port.name.value})` : ''}${port.protocol !== 'TCP' ? `/${port.protocol}` : ''}`;
}

function backendName(backend: Backend, written: (port: PortValue | undefined) => string): string {
  return `→ ${backend.serviceName.value}${backend.port ? `:${written(backend.port)}` : ''}`;
}

function backendDetail(backend: Backend): string | undefined {
  const where = [backend.host, backend.path].filter((part) => part !== undefined).join(' ');
  return where || undefined;
}

/** A resource's name, or `{{…}}` where a template computes it, so the outline still lists it. */
function nameOf(resource: Resource): string {
  return resource.name?.value ?? (resource.templated ? '{{…}}' : '(unnamed)');
}

/** Every resource of the workspace whose `Kind/namespace/name` holds the query's characters in order (any case), best matches first. */
export function workspaceSymbols(project: Project, query: string): SymbolInformation[] {
  const needle = query.toLowerCase().replace(/\s+/g, '');
  const found: { score: number; order: number; file: ParsedFile; resource: Resource; name: string }[] = [];
  for (const file of project.graph.files()) {
    const names = namesOf(file);
    file.resources.forEach((resource, index) => {
      const score = fuzzyScore(needle, names[index].lower);
      if (score !== undefined) found.push({ score, order: found.length, file, resource, name: names[index].name });
    });
    // Without a query every resource scores alike, so the first ones found are the answer.
    if (needle === '' && found.length >= MAX_WORKSPACE_SYMBOLS) break;
  }
  found.sort((a, b) => a.score - b.score || a.order - b.order);
  return found.slice(0, MAX_WORKSPACE_SYMBOLS).map(({ file, resource, name }) => {
    const symbol: SymbolInformation = { name, kind: symbolKindOf(resource.kind), location: { uri: file.uri, range: selectionRangeOf(file, resource) } };
    if (resource.namespace) symbol.containerName = resource.namespace.value;
    return symbol;
  });
}

/** Each resource's qualified name, lower-cased for matching, once per parsed file: a query per keystroke reuses them. */
const qualifiedNames = new WeakMap<ParsedFile, { name: string; lower: string }[]>();

function namesOf(file: ParsedFile): { name: string; lower: string }[] {
  let names = qualifiedNames.get(file);
  if (!names) {
    names = file.resources.map((resource) => {
      const name = qualifiedName(resource);
      return { name, lower: name.toLowerCase() };
    });
    qualifiedNames.set(file, names);
  }
  return names;
}

/** `Service/shop/web`, or `Service/web` where metadata.namespace is absent. */
function qualifiedName(resource: Resource): string {
  return resource.namespace ? `${resource.kind}/${resource.namespace.value}/${nameOf(resource)}` : `${resource.kind}/${nameOf(resource)}`;
}

function selectionRangeOf(file: ParsedFile, resource: Resource): Range {
  return rangeOf(file, resource.name?.span ?? resource.kindSpan);
}

/**
 * Whether every character of `needle` occurs in `haystack` (`kind/namespace/name`) in order;
 * undefined where not, else a score (lower is better): each gap between matched characters
 * costs, and so does each character matched outside the name.
 */
export function fuzzyScore(needle: string, haystack: string): number | undefined {
  if (needle === '') return 0;
  const anywhere = scoreFrom(needle, haystack, 0);
  if (anywhere === undefined) return undefined;
  // Matching from the start takes the first fit, which may sit in the kind; the name alone may fit better.
  const inName = scoreFrom(needle, haystack, haystack.lastIndexOf('/') + 1);
  return inName === undefined ? anywhere : Math.min(anywhere, inName);
}

function scoreFrom(needle: string, haystack: string, from: number): number | undefined {
  const nameStart = haystack.lastIndexOf('/') + 1;
  let score = 0;
  let at = -1;
  for (const char of needle) {
    const next = haystack.indexOf(char, at < 0 ? from : at + 1);
    if (next < 0) return undefined;
    if (at >= 0) score += next - at - 1;
    if (next < nameStart) score += 1;
    at = next;
  }
  return score;
}
