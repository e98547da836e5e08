// The port map: the port graph shaped for drawing. Nodes are the places a request passes (entries,
// Services and their ports, workloads, container ports, the process), grouped by namespace and
// unit; edges are the links between them with their state. The view and `portchain graph` draw it.
//
// It is kept per subject (an Ingress or route, a Service, a workload) with the facts each one read,
// as the rule engine keeps findings: an edit recomputes the subjects of the files it changed and
// those that read a fact those files provide, and nothing else.
//
// **Architecture invariant:** pure, like the rest of graph/. Findings come in as plain data from
// the caller (graph/ never imports rules/), and nothing here throws.

import { exactArray } from '../model/compact';
import { positionAt } from '../model/text';
import type { Backend, Container, ContainerPort, Resource, ServicePort, Span } from '../model/types';
import { bindPorts } from './bindPorts';
import { portText, processHop } from './chain';
import { templateRootOf } from './helm';
import { resolveBackendPort, resolveBackendService, resolveTarget, serviceSelection, servingContainers, type GraphOptions, type LinkState } from './links';
import { directoryOf, namespaceKey, PortGraph } from './portGraph';
import { StringsByKey } from './valuesByKey';

export type MapNodeKind = 'ingress' | 'route' | 'node-port' | 'load-balancer' | 'service' | 'service-port' | 'workload' | 'container-port' | 'process' | 'missing';

export interface MapNode {
  /** Stable while the resource keeps its place in its file. */
  id: string;
  kind: MapNodeKind;
  /** What the node shows: `shop a.example.com /`, `web`, `80 (http)`, `Deployment web`, `web:8080`, `process :8080`. */
  name: string;
  /** The namespace it is applied to; `default` where the manifest names none. */
  namespace: string;
  /** Where it is written; undefined for what the workspace lacks (a missing Service, pods not in the workspace). */
  uri: string | undefined;
  span: Span | undefined;
  /** The Service or workload node a port belongs to. */
  parent?: string;
  /** The id of the resource it belongs to, for centring the map on a resource. */
  resource?: string;
  /** What it is deployed with: `build:<kustomization uri>`, `chart:<chart root>`, `folder:<folder uri>`. */
  unit: string;
}

export interface MapEdge {
  from: string;
  to: string;
  state: LinkState;
  /** Where the link is broken: the finding's rule id, and its message (or what the chain says). */
  rule?: string;
  message?: string;
}

export interface PortMapData {
  nodes: MapNode[];
  edges: MapEdge[];
}

/** What the map needs of a finding to mark the link it is about (structurally, a rules/ Finding). */
export interface MapFinding {
  rule: string;
  uri: string;
  span: Span;
  message: string;
  severity?: string;
}

/** Where the finding about an edge would be written: a place and the rules that report there. */
interface Evidence {
  uri: string;
  span: Span;
  rules: readonly string[];
}

interface PieceEdge extends MapEdge {
  /** What the chain says is wrong, where no finding says it. */
  problem?: string;
  evidence?: Evidence[];
}

/** One subject's part of the map, with the facts its computation read. */
interface Piece {
  subject: Resource;
  nodes: MapNode[];
  edges: PieceEdge[];
  deps: string[];
}

const ENTRY_RULES = ['ingress-service-missing', 'ingress-port-mismatch', 'route-port-missing'];
const TARGET_RULES = ['target-port-mismatch', 'target-port-name-missing', 'implicit-target-port', 'protocol-mismatch', 'process-port-mismatch'];
const SELECTION_RULES = ['service-selects-nothing'];
const PROCESS_RULES = ['process-port-mismatch'];

/**
 * The port map of one graph, brought up to date on each read. `recomputed` counts the subjects the
 * last update worked out, so that a test can see an edit cost what it touched.
 */
export class PortMapModel {
  private version = -1;
  /** The resources each file had at the last update (the graph's arrays: a new array is a change). */
  private readonly seen = new Map<string, readonly Resource[]>();
  private readonly pieces = new Map<string, Piece>();
  /** Fact key → the subjects whose piece read it. */
  private readonly dependents = new StringsByKey();
  private assembled: { nodes: MapNode[]; edges: PieceEdge[] } | undefined;
  private readonly names = new Names();
  recomputed = 0;

  constructor(
    private readonly graph: PortGraph,
    private readonly options: () => GraphOptions,
  ) {}

  /** The whole map, with each non-ok link that a finding is about marked broken and carrying its rule and message. */
  data(findingsIn: (uri: string) => readonly MapFinding[]): PortMapData {
    const { nodes, edges } = this.update();
    return { nodes, edges: edges.map((edge) => withFinding(edge, findingsIn)) };
  }

  /** Works out the pieces an edit may have changed. */
  private update(): { nodes: MapNode[]; edges: PieceEdge[] } {
    const graph = this.graph;
    if (graph.version === this.version && this.assembled) return this.assembled;
    this.recomputed = 0;
    const facts = new Set<string>();
    const toCompute = new Map<string, Resource>();
    const present = new Set<string>();
    // The first update computes every subject: no fact can add one.
    const first = this.pieces.size === 0;
    const change = (uri: string, before: readonly Resource[], after: readonly Resource[]) => {
      if (!first) facts.add(`file:${uri}`);
      for (const resource of before) {
        if (!first) PortGraph.providedKeys(resource, facts);
        this.drop(resource.id);
      }
      for (const resource of after) {
        if (!first) PortGraph.providedKeys(resource, facts);
        toCompute.set(resource.id, resource);
      }
      if (before.length > 0) {
        const kept = new Set(after.map((resource) => resource.id));
        for (const resource of before) if (!kept.has(resource.id)) this.names.forget(resource);
      }
    };
    for (const file of graph.files()) {
      present.add(file.uri);
      const after = graph.resourcesOf(file.uri);
      const before = this.seen.get(file.uri);
      if (before === after) continue;
      change(file.uri, before ?? [], after);
      this.seen.set(file.uri, after);
    }
    if (this.seen.size > present.size) {
      for (const [uri, before] of this.seen) {
        if (present.has(uri)) continue;
        change(uri, before, []);
        this.seen.delete(uri);
      }
    }
    for (const fact of facts) {
      for (const id of this.dependents.get(fact)) {
        const piece = this.pieces.get(id);
        if (piece && !toCompute.has(id)) toCompute.set(id, piece.subject);
      }
    }
    const options = this.options();
    for (const subject of toCompute.values()) {
      this.drop(subject.id);
      const piece = computePiece(graph, subject, options, this.names);
      if (!piece) continue;
      this.recomputed++;
      this.pieces.set(subject.id, piece);
      for (const dep of piece.deps) this.dependents.add(dep, subject.id);
    }
    this.version = graph.version;
    this.assembled = assemble(this.pieces.values());
    return this.assembled;
  }

  private drop(id: string): void {
    const piece = this.pieces.get(id);
    if (!piece) return;
    this.pieces.delete(id);
    for (const dep of piece.deps) this.dependents.remove(dep, id);
  }
}

/** One subject's piece, or undefined for a resource the map does not draw (a ConfigMap, a NetworkPolicy). */
function computePiece(graph: PortGraph, subject: Resource, options: GraphOptions, names: Names): Piece | undefined {
  if (!subject.service && !subject.workload && !subject.ingress && !subject.route) return undefined;
  const deps = new Set<string>();
  const piece: Piece = { subject, nodes: [], edges: [], deps: [] };
  graph.recorder = (key) => deps.add(key);
  try {
    if (subject.service) servicePiece(graph, subject, options, names, piece);
    else if (subject.workload) workloadPiece(graph, subject, options, names, piece);
    else entryPiece(graph, subject, names, piece);
  } catch (error) {
    // A bug here must not take the map down; the subject is drawn as far as it got.
    console.error(`portchain: the port map could not draw ${subject.kind} ${subject.name?.value ?? ''}: ${(error as Error)?.stack ?? String(error)}`);
  } finally {
    graph.recorder = undefined;
  }
  piece.deps = [...deps].map(flat);
  // Pushed arrays keep room for sixteen items; a piece holds a few.
  piece.nodes = exactArray(piece.nodes);
  piece.edges = exactArray(piece.edges);
  return piece;
}

// ---------------------------------------------------------------------------------------------
// Pieces

function entryPiece(graph: PortGraph, resource: Resource, names: Names, piece: Piece): void {
  const backends = [...(resource.ingress?.backends ?? []), ...(resource.route?.backends ?? [])];
  for (const backend of backends) {
    const entry = drawnNode(names, resource, resource.ingress ? 'ingress' : 'route', `entry:${names.key(resource)}:${backend.span.start}`, entryName(resource, backend), backend.serviceName.span);
    piece.nodes.push(entry);
    const evidence = [{ uri: resource.uri, span: backend.span, rules: ENTRY_RULES }];
    const resolution = resolveBackendService(graph, resource, backend);
    if (resolution.services.length === 0) {
      const missing = missingNode(names, resource, `missing:svc:${resolution.namespace || 'default'}:${backend.serviceName.value}`, `Service ${backend.serviceName.value}`);
      piece.nodes.push(missing);
      const problem =
        resolution.state === 'broken'
          ? resolution.elsewhere.length > 0
            ? `Service ${backend.serviceName.value} exists only in another namespace; a backend reaches Services of its own namespace.`
            : `No Service ${backend.serviceName.value} in this namespace.`
          : `Service ${backend.serviceName.value} is not in the workspace.`;
      piece.edges.push(pieceEdge(entry.id, missing.id, resolution.state, problem, evidence));
      continue;
    }
    for (const service of resolution.services) {
      const port = resolveBackendPort(service, backend.port);
      if (port.servicePort) {
        piece.edges.push(pieceEdge(entry.id, servicePortId(names, service, port.servicePort), 'ok'));
      } else {
        const ports = service.service!.ports.map((servicePort) => portText(servicePort.port)).join(', ') || 'none';
        const problem =
          port.state === 'broken' ? `Service ${service.name?.value} has no port ${portText(backend.port)}: its ports are ${ports}.` : backend.port ? 'The port is computed by a template or placeholder.' : 'The backend names no port.';
        piece.edges.push(pieceEdge(entry.id, serviceId(names, service), port.state, problem, evidence));
      }
    }
  }
}

function servicePiece(graph: PortGraph, service: Resource, options: GraphOptions, names: Names, piece: Piece): void {
  const spec = service.service!;
  const serviceNode = drawnNode(names, service, 'service', serviceId(names, service), service.name?.value ?? service.templatedName ?? '(unnamed)', service.name?.span ?? service.kindSpan);
  piece.nodes.push(serviceNode);
  for (const servicePort of spec.ports) {
    piece.nodes.push(drawnNode(names, service, 'service-port', servicePortId(names, service, servicePort), servicePortName(servicePort), servicePort.port?.span ?? servicePort.span, serviceNode.id));
    if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') {
      const nodePort = servicePort.nodePort?.kind === 'number' ? servicePort.nodePort.number : undefined;
      const external = spec.type === 'LoadBalancer' ? `LoadBalancer :${nodePort ?? portText(servicePort.port)}` : `NodePort :${nodePort ?? 'auto'}`;
      const entry = drawnNode(names, service, spec.type === 'LoadBalancer' ? 'load-balancer' : 'node-port', `entry:${names.key(service)}:port${servicePort.index}`, external, servicePort.nodePort?.span ?? spec.typeSpan ?? servicePort.span);
      piece.nodes.push(entry);
      piece.edges.push(pieceEdge(entry.id, servicePortId(names, service, servicePort), 'ok'));
    }
  }
  const selection = serviceSelection(graph, service);
  if (selection.workloads.length === 0) {
    const name =
      spec.type === 'ExternalName' ? `ExternalName ${spec.externalName?.value ?? '?'}` : !spec.selector ? 'Endpoints managed elsewhere' : selection.state === 'broken' ? 'no pods match the selector' : 'pods not in the workspace';
    const missing = missingNode(names, service, `missing:pods:${names.key(service)}`, name);
    piece.nodes.push(missing);
    const evidence = spec.selector ? [{ uri: service.uri, span: spec.selector.span, rules: SELECTION_RULES }] : undefined;
    const problem = selection.state === 'broken' ? 'The selector matches no pod template in this namespace.' : undefined;
    for (const servicePort of spec.ports) piece.edges.push(pieceEdge(servicePortId(names, service, servicePort), missing.id, selection.state === 'broken' ? 'broken' : 'unknown', problem, evidence));
    return;
  }
  for (const servicePort of spec.ports) {
    const from = servicePortId(names, service, servicePort);
    const evidence = [{ uri: service.uri, span: servicePort.span, rules: TARGET_RULES }];
    for (const workload of selection.workloads) {
      const resolution = resolveTarget(graph, service, servicePort, workload, options);
      if (resolution.matches.length > 0) {
        for (const match of resolution.matches) piece.edges.push(pieceEdge(from, containerPortId(names, workload, match.port), 'ok'));
      } else if (resolution.explainedBy.length > 0) {
        const { container } = resolution.explainedBy[0];
        piece.edges.push(pieceEdge(from, processId(names, workload, container), 'ok'));
      } else {
        const declared = resolution.declared.map((ref) => portText(ref.port.containerPort)).join(', ') || 'none';
        const problem =
          resolution.state === 'broken'
            ? resolution.protocolMismatches.length > 0
              ? `The container declares ${portText(resolution.target)} with another protocol.`
              : `No container declares ${portText(resolution.target)}: its containerPorts are ${declared}.`
            : resolution.unknownReason;
        piece.edges.push(pieceEdge(from, workloadId(names, workload), resolution.state, problem, evidence));
      }
    }
  }
}

function workloadPiece(graph: PortGraph, workload: Resource, options: GraphOptions, names: Names, piece: Piece): void {
  const workloadNode = drawnNode(names, workload, 'workload', workloadId(names, workload), `${workload.kind} ${workload.name?.value ?? workload.templatedName ?? '(unnamed)'}`, workload.name?.span ?? workload.kindSpan);
  piece.nodes.push(workloadNode);
  for (const container of servingContainers(workload)) {
    const containerName = container.name?.value ?? '?';
    for (const port of container.ports) {
      const name = `${containerName}:${portText(port.containerPort)}${port.name ? ` (${port.name.value})` : ''}${port.protocol !== 'TCP' ? `/${port.protocol}` : ''}`;
      piece.nodes.push(drawnNode(names, workload, 'container-port', containerPortId(names, workload, port), name, port.containerPort?.span ?? port.span, workloadNode.id));
    }
    // One process edge a container: from the declared port its process binds, else from the first.
    const numberOf = (port: ContainerPort) => (port.containerPort?.kind === 'number' ? port.containerPort.number : undefined);
    let boundPort = container.ports[0];
    if (container.ports.length > 1) {
      const bound = new Set(bindPorts(graph, workload, container, options.bindPortEnvNames).map((bind) => bind.port));
      boundPort = container.ports.find((port) => bound.has(numberOf(port))) ?? boundPort;
    }
    // A container that declares no port still shows the port its process binds, where env or flags say.
    const hop = processHop(graph, workload, container, options, boundPort ? numberOf(boundPort) : undefined);
    if (!boundPort && hop.port === undefined) continue;
    const process = drawnNode(names, workload, 'process', processId(names, workload, container), `${containerName} process :${hop.port ?? '?'}`, hop.uri === workload.uri ? (hop.span ?? container.span) : container.span, workloadNode.id);
    piece.nodes.push(process);
    if (boundPort) piece.edges.push(pieceEdge(containerPortId(names, workload, boundPort), process.id, hop.state, hop.problem, [{ uri: workload.uri, span: container.span, rules: PROCESS_RULES }]));
  }
}

// ---------------------------------------------------------------------------------------------
// Nodes, edges, ids and names
//
// A map of 50,000 documents holds some 65,000 nodes, so each costs what it must and no more: every
// node and edge is made by one function (one object shape for all, where object literals spread
// from different sources would give many), ids are built from a short key per resource rather
// than its URI, and each unit's text is held once.

/** Short keys for resources and one string per unit, shared by every piece of a model. */
class Names {
  private readonly keys = new Map<string, string>();
  private readonly units = new Map<string, string>();
  private next = 0;

  /** The resource's key in node ids: stable while its id (its file and place there) is. */
  key(resource: Resource): string {
    let key = this.keys.get(resource.id);
    if (key === undefined) {
      key = (this.next++).toString(36);
      this.keys.set(resource.id, key);
    }
    return key;
  }

  /** Lets go of the key of a resource its file no longer holds. */
  forget(resource: Resource): void {
    this.keys.delete(resource.id);
  }

  /** The unit a resource is deployed with, one string for every node of that unit. */
  unit(resource: Resource): string {
    const unit = unitOf(resource);
    const held = this.units.get(unit);
    if (held !== undefined) return held;
    this.units.set(flat(unit), unit);
    return unit;
  }
}

function newNode(id: string, kind: MapNodeKind, name: string, namespace: string, uri: string | undefined, span: Span | undefined, parent: string | undefined, resource: string | undefined, unit: string): MapNode {
  return { id: flat(id), kind, name: flat(name), namespace, uri, span, parent, resource, unit };
}

/**
 * The string as one run of characters. A template literal makes a tree of the parts it joins
 * (a "cons string", some 32 bytes a join) that lives as long as the string does. A regular
 * expression reads only flat strings, so V8 flattens the string before matching, and the next
 * collection lets the tree go: half the memory of a short id.
 */
function flat(text: string): string {
  FLATTENS.test(text);
  return text;
}

const FLATTENS = /\n/;

/** A node written in the workspace, in the resource it belongs to. */
function drawnNode(names: Names, resource: Resource, kind: MapNodeKind, id: string, name: string, span: Span | undefined, parent?: string): MapNode {
  return newNode(id, kind, name, namespaceKey(resource) || 'default', resource.uri, span, parent, resource.id, names.unit(resource));
}

/** A node for what the workspace lacks, in the namespace and unit of the resource that names it. */
function missingNode(names: Names, from: Resource, id: string, name: string): MapNode {
  return newNode(id, 'missing', name, namespaceKey(from) || 'default', undefined, undefined, undefined, undefined, names.unit(from));
}

function pieceEdge(from: string, to: string, state: LinkState, problem?: string, evidence?: Evidence[]): PieceEdge {
  return { from: flat(from), to: flat(to), state, problem, evidence };
}

function serviceId(names: Names, service: Resource): string {
  return `svc:${names.key(service)}`;
}

function servicePortId(names: Names, service: Resource, servicePort: ServicePort): string {
  return `svc:${names.key(service)}:${servicePort.index}`;
}

function workloadId(names: Names, workload: Resource): string {
  return `wl:${names.key(workload)}`;
}

function containerPortId(names: Names, workload: Resource, port: ContainerPort): string {
  return `wl:${names.key(workload)}:${port.span.start}`;
}

function processId(names: Names, workload: Resource, container: Container): string {
  return `wl:${names.key(workload)}:process:${container.span.start}`;
}

function servicePortName(servicePort: ServicePort): string {
  const target = servicePort.targetPort ? ` → ${portText(servicePort.targetPort)}` : '';
  return `${portText(servicePort.port)}${servicePort.name ? ` (${servicePort.name.value})` : ''}${servicePort.protocol !== 'TCP' ? `/${servicePort.protocol}` : ''}${target}`;
}

function entryName(resource: Resource, backend: Backend): string {
  const where = [backend.host, backend.path].filter(Boolean).join(' ');
  return `${resource.kind} ${resource.name?.value ?? '?'}${where ? ` ${where}` : ''}`;
}

/** The unit a resource is deployed with (graph/units.ts): its kustomize build, its chart, or its folder. */
export function unitOf(resource: Resource): string {
  if (resource.variant) return `build:${resource.variant.kustomization}`;
  const chart = templateRootOf(resource.uri);
  if (chart !== undefined) return `chart:${chart}`;
  return `folder:${directoryOf(resource.uri)}`;
}

// ---------------------------------------------------------------------------------------------
// Assembly

/** Every piece's nodes (one of each id) and edges, in a stable order: by namespace, file, place. */
function assemble(pieces: Iterable<Piece>): { nodes: MapNode[]; edges: PieceEdge[] } {
  const nodes = new Map<string, MapNode>();
  const edges: PieceEdge[] = [];
  for (const piece of pieces) {
    for (const node of piece.nodes) if (!nodes.has(node.id)) nodes.set(node.id, node);
    edges.push(...piece.edges);
  }
  const sorted = [...nodes.values()].sort(compareNodes);
  const order = new Map(sorted.map((node, index) => [node.id, index]));
  // An edge to a node no piece draws (a subject the last edit took away) waits for its own subject's update.
  const drawn = edges.filter((edge) => order.has(edge.from) && order.has(edge.to));
  drawn.sort((a, b) => order.get(a.from)! - order.get(b.from)! || order.get(a.to)! - order.get(b.to)!);
  return { nodes: sorted, edges: dedupeEdges(drawn) };
}

function dedupeEdges(edges: PieceEdge[]): PieceEdge[] {
  const seen = new Set<string>();
  return edges.filter((edge) => {
    const key = `${edge.from}\u0000${edge.to}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Namespace, then the chain's own order (entries, Services, workloads), then file and place. */
function compareNodes(a: MapNode, b: MapNode): number {
  return compare(a.namespace, b.namespace) || stage(a) - stage(b) || compare(a.uri ?? '\uffff', b.uri ?? '\uffff') || (a.span?.start ?? 0) - (b.span?.start ?? 0) || compare(a.id, b.id);
}

/** Where a node stands along a request's way: 0 where it enters, 1 at the Service, 2 at the pods. */
function stage(node: MapNode): number {
  switch (node.kind) {
    case 'ingress':
    case 'route':
    case 'node-port':
    case 'load-balancer':
      return 0;
    case 'service':
    case 'service-port':
      return 1;
    case 'missing':
      return node.id.startsWith('missing:svc:') ? 1 : 2;
    default:
      return 2;
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** An edge as drawn: ok as it is; otherwise with the finding written where it is about, which makes it broken. */
function withFinding(edge: PieceEdge, findingsIn: (uri: string) => readonly MapFinding[]): MapEdge {
  const out: MapEdge = { from: edge.from, to: edge.to, state: edge.state };
  if (edge.state === 'ok') return out;
  for (const evidence of edge.evidence ?? []) {
    const finding = findingsIn(evidence.uri).find(
      (candidate) => candidate.uri === evidence.uri && candidate.severity !== 'info' && evidence.rules.includes(candidate.rule) && candidate.span.start >= evidence.span.start && candidate.span.end <= evidence.span.end,
    );
    if (finding) return { ...out, state: 'broken', rule: finding.rule, message: finding.message };
  }
  if (edge.problem) out.message = edge.problem;
  return out;
}

// ---------------------------------------------------------------------------------------------
// Filters

export interface PortMapFilter {
  /** Only this namespace (`default` for manifests that name none). */
  namespace?: string;
  /** Only the chains through nodes whose name, kind or file contains this text (case does not matter). */
  text?: string;
  /** Only broken links and their ends. */
  brokenOnly?: boolean;
  /** Only the chains through these resources (by resource id): the map centred on a Service or Ingress. */
  resources?: readonly string[];
}

/** The part of a map a filter keeps: whole chains through what it picks, with the Services and workloads their ports belong to. */
export function filterPortMap(map: PortMapData, filter: PortMapFilter, fileName: (uri: string) => string = (uri) => uri): PortMapData {
  let nodes = map.nodes;
  let edges = map.edges;
  if (filter.namespace) {
    const namespace = filter.namespace;
    nodes = nodes.filter((node) => node.namespace === namespace);
    edges = edgesWithin(edges, nodes);
  }
  const seeds: MapNode[] = [];
  if (filter.resources && filter.resources.length > 0) {
    const wanted = new Set(filter.resources);
    seeds.push(...nodes.filter((node) => node.resource !== undefined && wanted.has(node.resource)));
  }
  if (filter.text && filter.text.trim() !== '') {
    const text = filter.text.trim().toLowerCase();
    const picked = nodes.filter((node) => node.name.toLowerCase().includes(text) || node.kind.includes(text) || (node.uri !== undefined && fileName(node.uri).toLowerCase().includes(text)));
    if (seeds.length > 0) {
      const ids = new Set(picked.map((node) => node.id));
      seeds.splice(0, seeds.length, ...seeds.filter((node) => ids.has(node.id)));
    } else {
      seeds.push(...picked);
    }
  }
  if ((filter.resources && filter.resources.length > 0) || (filter.text && filter.text.trim() !== '')) {
    const kept = chainsThrough(nodes, edges, seeds);
    nodes = nodes.filter((node) => kept.has(node.id));
    edges = edgesWithin(edges, nodes);
  }
  if (filter.brokenOnly) {
    edges = edges.filter((edge) => edge.state === 'broken');
    const ends = new Set(edges.flatMap((edge) => [edge.from, edge.to]));
    nodes = withParents(nodes, ends);
  }
  return { nodes, edges };
}

/** Seeds (and the ports of seeded Services and workloads), everything downstream and upstream of them, and their parents. */
function chainsThrough(nodes: readonly MapNode[], edges: readonly MapEdge[], seeds: readonly MapNode[]): Set<string> {
  const start = new Set(seeds.map((node) => node.id));
  for (const node of nodes) if (node.parent !== undefined && start.has(node.parent)) start.add(node.id);
  const out = new Map<string, string[]>();
  const into = new Map<string, string[]>();
  for (const edge of edges) {
    push(out, edge.from, edge.to);
    push(into, edge.to, edge.from);
  }
  const kept = new Set(start);
  for (const next of [out, into]) {
    const queue = [...start];
    const visited = new Set(start);
    while (queue.length > 0) {
      const id = queue.pop()!;
      for (const neighbour of next.get(id) ?? []) {
        if (visited.has(neighbour)) continue;
        visited.add(neighbour);
        kept.add(neighbour);
        queue.push(neighbour);
      }
    }
  }
  return new Set(withParents(nodes, kept).map((node) => node.id));
}

/** The nodes named, and the Services and workloads whose ports they are. */
function withParents(nodes: readonly MapNode[], ids: ReadonlySet<string>): MapNode[] {
  const wanted = new Set(ids);
  for (const node of nodes) if (ids.has(node.id) && node.parent !== undefined) wanted.add(node.parent);
  return nodes.filter((node) => wanted.has(node.id));
}

function edgesWithin(edges: readonly MapEdge[], nodes: readonly MapNode[]): MapEdge[] {
  const ids = new Set(nodes.map((node) => node.id));
  return edges.filter((edge) => ids.has(edge.from) && ids.has(edge.to));
}

function push(map: Map<string, string[]>, key: string, value: string): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** The 1-based line of a node in its file, or undefined for what the workspace lacks. */
export function lineOf(graph: PortGraph, node: MapNode): number | undefined {
  if (!node.uri || !node.span) return undefined;
  const file = graph.file(node.uri);
  return file ? positionAt(file.lineStarts, node.span.start).line + 1 : undefined;
}
