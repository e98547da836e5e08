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

import { exactArray, flatString } from '../model/compact';
import { positionAt } from '../model/text';
import type { Backend, Container, ContainerPort, GatewayListener, GatewayParent, Resource, ServicePort, Span } from '../model/types';
import { bindPorts } from './bindPorts';
import { portText, processHop } from './chain';
import { templateRootOf } from './helm';
import { resolveBackendPort, resolveBackendService, resolveTarget, serviceSelection, servingContainers, type GraphOptions, type LinkState } from './links';
import { directoryOf, namespaceKey, PortGraph } from './portGraph';
import { deployedWith } from './units';
import { ValuesByKey } from './valuesByKey';

export type MapNodeKind = 'gateway' | 'listener' | 'ingress' | 'route' | 'node-port' | 'load-balancer' | 'service' | 'service-port' | 'workload' | 'container-port' | 'process' | 'missing';

/**
 * A node of the map. What it shows and where it is written are read from its resource when asked,
 * not kept: a map of 50,000 documents holds some 65,000 nodes, and a name and a place kept for
 * each were megabytes.
 */
export class MapNode {
  /** Where the node stands in the last assembled map (internal to assembly). */
  index = -1;

  constructor(
    /** Stable while the resource keeps its place in its file. */
    readonly id: string,
    readonly kind: MapNodeKind,
    /** The resource it is written in; for what the workspace lacks, the resource that names it. */
    private readonly owner: Resource,
    /** What its name is made of: the backend, Service port or container port it stands for, or the name itself. */
    private readonly source: NameSource,
    /** Where it is written; undefined for what the workspace lacks. */
    readonly span: Span | undefined,
    /** The Service or workload node a port belongs to. */
    readonly parent: string | undefined,
  ) {}

  /** What it is deployed with: `build:<kustomization uri>`, `chart:<chart root>`, `folder:<folder uri>`. */
  get unit(): string {
    return unitOf(this.owner);
  }

  /** What the node shows: `shop a.example.com /`, `web`, `80 (http)`, `Deployment web`, `web:8080`, `process :8080`. */
  get name(): string {
    return nodeName(this.kind, this.owner, this.source);
  }

  /** The namespace it is applied to; `default` where the manifest names none. */
  get namespace(): string {
    return namespaceKey(this.owner) || 'default';
  }

  /** The file it is written in; undefined for what the workspace lacks (a missing Service, pods not in the workspace). */
  get uri(): string | undefined {
    return this.kind === 'missing' ? undefined : this.owner.uri;
  }

  /** The id of the resource it belongs to, for centring the map on a resource. */
  get resource(): string | undefined {
    return this.kind === 'missing' ? undefined : this.owner.id;
  }
}

type NameSource = string | Backend | ServicePort | ContainerPort | GatewayListener | undefined;

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

/** The whole map as the model keeps it: its nodes and edges, and the same graph by position for filters. */
export interface PortMap extends PortMapData {
  /** Worked out on first use: a view without filters never needs it. */
  readonly links: MapLinks;
  /** Every namespace of the map, sorted. */
  namespaces: readonly string[];
}

/**
 * The map's edges and parents as positions in its node list, so that a filter walks the graph
 * with arrays of numbers instead of maps of ids built for each request: at 50,000 documents those
 * maps were megabytes that lived through a collection and stayed until the next full one.
 */
export interface MapLinks {
  /** Where each edge leaves and arrives. */
  from: Int32Array;
  to: Int32Array;
  /** Each node's parent (the Service or workload a port belongs to), or -1. */
  parent: Int32Array;
  /** The edges leaving node i are outStart[i] up to outStart[i + 1] (edges are in the order of their from). */
  outStart: Int32Array;
  /** The edges arriving at node i are inEdges[inStart[i]] up to inEdges[inStart[i + 1] - 1]. */
  inStart: Int32Array;
  inEdges: Int32Array;
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
  /** The subject's short key (Names), which its nodes' ids carry. */
  key: number;
  nodes: MapNode[];
  edges: PieceEdge[];
  /** The facts it read: one key as itself (most pieces read one), or several. */
  deps: string | readonly string[];
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
  /** The files whose resources changed since the last update, with what they held before (PortGraph.watch). */
  private changes: Map<string, readonly Resource[]> | undefined;
  /**
   * The pieces by their subject's number (Names): an edge finds its ends through them, since an id
   * names its resource's number, and a subject finds its piece through its number.
   */
  private readonly pieces: (Piece | undefined)[] = [];
  /** The pieces taken out and put in since the last assembly: an edit re-orders only their nodes. */
  private dropped: Piece[] = [];
  private added: Piece[] = [];
  /** Fact key → the subjects whose piece read it. */
  private readonly dependents = new ValuesByKey<string>();
  private assembled: Assembled | undefined;
  private readonly names = new Names();
  /** The lists assemblies fill, two used in turn, and what one assembly uses on the way (AssemblyLists). */
  private readonly lists = [new AssemblyLists(), new AssemblyLists()];
  private turn = 0;
  private readonly scratch = new AssemblyScratch();
  /** Drawn edges by the piece edge and the findings they were drawn with (marked). */
  private readonly marks = new WeakMap<PieceEdge, { findings: readonly MapFinding[]; edge: MapEdge }>();
  recomputed = 0;

  constructor(
    private readonly graph: PortGraph,
    private readonly options: () => GraphOptions,
  ) {}

  /**
   * The whole map, with each non-ok link that a finding is about marked broken and carrying its
   * rule and message. Its lists are filled again by the second update after it (AssemblyLists):
   * read it, as every request does, before the graph changes twice.
   */
  data(findingsIn: (uri: string) => readonly MapFinding[]): PortMap {
    const assembled = this.update();
    const edges = assembled.lists.marked;
    for (let index = 0; index < assembled.edges.length; index++) edges[index] = this.marked(assembled.edges[index], findingsIn);
    edges.length = assembled.edges.length;
    return {
      nodes: assembled.nodes,
      edges,
      get links() {
        return (assembled.links ??= linksOf(assembled.nodes, assembled.from, assembled.to));
      },
      namespaces: assembled.namespaces,
    };
  }

  /**
   * An edge as drawn (withFinding). An ok edge is drawn as it is; another is drawn again only
   * when the findings of its file are new, so an edit makes few new edges.
   */
  private marked(edge: PieceEdge, findingsIn: (uri: string) => readonly MapFinding[]): MapEdge {
    if (edge.state === 'ok') return edge;
    const findings = edge.evidence?.length === 1 ? findingsIn(edge.evidence[0].uri) : undefined;
    const held = this.marks.get(edge);
    if (held && findings && held.findings === findings) return held.edge;
    const drawn = withFinding(edge, findingsIn);
    if (findings) this.marks.set(edge, { findings, edge: drawn });
    return drawn;
  }

  /** Works out the pieces an edit may have changed. */
  private update(): Assembled {
    const graph = this.graph;
    if (graph.version === this.version && this.assembled) return this.assembled;
    this.recomputed = 0;
    const options = this.options();
    if (!this.changes) {
      // The first update draws every subject, file by file; the graph says what changes after it.
      this.changes = graph.watch();
      for (const file of graph.files()) {
        const resources = graph.resourcesOf(file.uri);
        for (let i = 0; i < resources.length; i++) this.compute(resources[i], options);
      }
    } else {
      this.recomputeChanged(options);
    }
    this.version = graph.version;
    this.turn ^= 1;
    this.assembled = assemble(this.pieces, this.assembled && { previous: this.assembled.nodes, dropped: this.dropped, added: this.added }, this.lists[this.turn], this.scratch);
    this.dropped = [];
    this.added = [];
    return this.assembled;
  }

  /** Draws again the subjects of the files that changed, and those that read a fact they provide. */
  private recomputeChanged(options: GraphOptions): void {
    const graph = this.graph;
    const facts = new Set<string>();
    const toCompute = new Map<string, Resource>();
    const change = (uri: string, before: readonly Resource[], after: readonly Resource[]) => {
      facts.add(`file:${uri}`);
      for (const resource of before) {
        PortGraph.providedKeys(resource, facts);
        this.drop(resource.id);
      }
      for (const resource of after) {
        PortGraph.providedKeys(resource, facts);
        toCompute.set(resource.id, resource);
      }
      if (before.length > 0) {
        const kept = new Set(after.map((resource) => resource.id));
        for (const resource of before) if (!kept.has(resource.id)) this.names.forget(resource);
      }
    };
    graph.settle();
    const changed = [...this.changes!];
    this.changes!.clear();
    for (const [uri, before] of changed) change(uri, before, graph.resourcesOf(uri));
    for (const fact of facts) {
      for (const id of this.dependents.get(fact)) {
        const piece = this.pieceOf(id);
        if (piece && !toCompute.has(id)) toCompute.set(id, piece.subject);
      }
    }
    for (const subject of toCompute.values()) this.compute(subject, options);
  }

  /** Draws one subject's piece again (or for the first time), and notes the facts it read. */
  private compute(subject: Resource, options: GraphOptions): void {
    this.drop(subject.id);
    const piece = computePiece(this.graph, subject, options, this.names);
    if (!piece) return;
    this.recomputed++;
    this.pieces[piece.key] = piece;
    this.added.push(piece);
    for (const dep of depsOf(piece)) this.dependents.add(dep, subject.id);
  }

  /** Stops following the graph: a model that is let go of must say so, or the graph keeps noting changes for it. */
  dispose(): void {
    if (this.changes) this.graph.unwatch(this.changes);
  }

  private pieceOf(id: string): Piece | undefined {
    const key = this.names.numberOf(id);
    return key === undefined ? undefined : this.pieces[key];
  }

  private drop(id: string): void {
    const piece = this.pieceOf(id);
    if (!piece) return;
    this.pieces[piece.key] = undefined;
    this.dropped.push(piece);
    for (const dep of depsOf(piece)) this.dependents.remove(dep, id);
  }
}

function depsOf(piece: Piece): readonly string[] {
  return typeof piece.deps === 'string' ? [piece.deps] : piece.deps;
}

/** One subject's piece, or undefined for a resource the map does not draw (a ConfigMap, a NetworkPolicy). */
function computePiece(graph: PortGraph, subject: Resource, options: GraphOptions, names: Names): Piece | undefined {
  if (!subject.service && !subject.workload && !subject.ingress && !subject.route && !subject.gateway) return undefined;
  const deps = new Set<string>();
  const piece: Piece = { subject, key: names.number(subject), nodes: [], edges: [], deps: [] };
  graph.recorder = (key) => deps.add(key);
  try {
    if (subject.service) servicePiece(graph, subject, options, names, piece);
    else if (subject.workload) workloadPiece(graph, subject, options, names, piece);
    else if (subject.gateway) gatewayPiece(subject, names, piece);
    else entryPiece(graph, subject, names, piece);
  } catch (error) {
    // A bug here must not take the map down; the subject is drawn as far as it got.
    console.error(`portchain: the port map could not draw ${subject.kind} ${subject.name?.value ?? ''}: ${(error as Error)?.stack ?? String(error)}`);
  } finally {
    graph.recorder = undefined;
  }
  piece.deps = deps.size === 1 ? flatString(deps.values().next().value!) : [...deps].map(flatString);
  // Pushed arrays keep room for sixteen items; a piece holds a few.
  piece.nodes = exactArray(piece.nodes);
  piece.edges = exactArray(piece.edges);
  return piece;
}

// ---------------------------------------------------------------------------------------------
// Pieces

function gatewayPiece(gateway: Resource, names: Names, piece: Piece): void {
  const gatewayNode = drawnNode(names, gateway, 'gateway', gatewayId(names, gateway), undefined, gateway.name?.span ?? gateway.kindSpan);
  piece.nodes.push(gatewayNode);
  gateway.gateway!.listeners.forEach((listener, index) => piece.nodes.push(drawnNode(names, gateway, 'listener', listenerId(names, gateway, index), listener, listener.port?.span ?? listener.span, gatewayNode.id)));
}

function entryPiece(graph: PortGraph, resource: Resource, names: Names, piece: Piece): void {
  const backends = [...(resource.ingress?.backends ?? []), ...(resource.route?.backends ?? [])];
  const entries: MapNode[] = [];
  for (const [index, backend] of backends.entries()) {
    const entry = drawnNode(names, resource, resource.ingress ? 'ingress' : 'route', `entry:${names.key(resource)}:${index}`, backend, backend.serviceName.span);
    piece.nodes.push(entry);
    entries.push(entry);
    const evidence = [{ uri: resource.uri, span: backend.span, rules: ENTRY_RULES }];
    const resolution = resolveBackendService(graph, resource, backend);
    if (resolution.services.length === 0) {
      const missing = missingNode(names, resource, `missing:svc:${namespaceKey(resource) || 'default'}:${resolution.namespace || 'default'}:${backend.serviceName.value}`, `Service ${backend.serviceName.value}`);
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
  for (const parent of resource.route?.gatewayParents ?? []) gatewayEdges(graph, resource, parent, entries, names, piece);
}

/**
 * The edges into a route's entries from the Gateway listeners it attaches to (Gateway API): the
 * listener its parentRef names by `sectionName` or `port`, else every listener that accepts the
 * route's kind from its namespace. A Gateway outside the workspace is drawn as missing, its links
 * unknown; a listener a selector admits routes to is unknown too.
 */
function gatewayEdges(graph: PortGraph, route: Resource, parent: GatewayParent, entries: readonly MapNode[], names: Names, piece: Piece): void {
  if (entries.length === 0) return;
  const routeNamespace = namespaceKey(route);
  const namespace = parent.namespace?.value ?? routeNamespace;
  const gateways = graph.gatewaysNamed(namespace, parent.name.value, route.uri);
  const link = (from: string, state: LinkState, problem?: string) => {
    for (const entry of entries) piece.edges.push(pieceEdge(from, entry.id, state, problem));
  };
  if (gateways.length === 0) {
    const missing = missingNode(names, route, `missing:gw:${routeNamespace || 'default'}:${namespace || 'default'}:${parent.name.value}`, `Gateway ${parent.name.value}`);
    piece.nodes.push(missing);
    link(missing.id, 'unknown', `Gateway ${parent.name.value} is not in the workspace.`);
    return;
  }
  // A Gateway of that name elsewhere (a sibling or nested example, an infra folder beside the app)
  // may or may not be the one deployed with this route: what it says is drawn, and what it would
  // break is unknown. One in the route's file, build or chart, or in its folder or one above it, is.
  const inUnit = gateways.filter((gateway) => deployedWith(route, gateway));
  const certain = inUnit.length > 0;
  for (const gateway of certain ? inUnit : gateways) {
    const listeners = gateway.gateway!.listeners;
    const named = listeners
      .map((listener, index) => ({ listener, index }))
      .filter(({ listener }) => (parent.sectionName === undefined || listener.name?.value === parent.sectionName) && (parent.port === undefined || (listener.port?.kind === 'number' && listener.port.number === parent.port)));
    const wanted = parent.sectionName !== undefined ? `listener ${parent.sectionName}` : parent.port !== undefined ? `listener on port ${parent.port}` : 'listeners';
    const known = certain && !gateway.templated;
    if (named.length === 0) {
      link(gatewayId(names, gateway), known ? 'broken' : 'unknown', `Gateway ${gateway.name?.value ?? ''} has no ${wanted}.`);
      continue;
    }
    let attached = 0;
    for (const { listener, index } of named) {
      const accepts = acceptance(listener, route, gateway);
      // Without sectionName or port a route attaches to the listeners that accept it and passes the others by.
      if (accepts.state === 'broken' && parent.sectionName === undefined && parent.port === undefined) continue;
      attached++;
      link(listenerId(names, gateway, index), accepts.state === 'broken' && !known ? 'unknown' : accepts.state, accepts.problem);
    }
    if (attached === 0) link(gatewayId(names, gateway), known ? 'broken' : 'unknown', `No listener of Gateway ${gateway.name?.value ?? ''} accepts ${route.kind} ${route.name?.value ?? ''}: ${acceptance(named[0].listener, route, gateway).problem}`);
  }
}

/** The route kinds a listener's protocol carries (Gateway API), for listeners that list none. */
const KINDS_BY_PROTOCOL: Record<string, readonly string[]> = {
  HTTP: ['HTTPRoute', 'GRPCRoute'],
  HTTPS: ['HTTPRoute', 'GRPCRoute'],
  TLS: ['TLSRoute', 'TCPRoute'],
  TCP: ['TCPRoute'],
  UDP: ['UDPRoute'],
};

/** Whether a listener takes a route: its kind, and its namespace by `allowedRoutes.namespaces.from`. */
function acceptance(listener: GatewayListener, route: Resource, gateway: Resource): { state: LinkState; problem?: string } {
  const kinds = listener.allowedKinds ?? KINDS_BY_PROTOCOL[listener.protocol];
  // A protocol an implementation defines (`istio.io/PROXY`) carries what that implementation says.
  if (!kinds) return { state: 'unknown', problem: `The listener's protocol ${listener.protocol} is an implementation's own.` };
  if (!kinds.includes(route.kind)) return { state: 'broken', problem: `The listener ${listener.name?.value ?? ''} (${listener.protocol}) does not take ${route.kind}s.` };
  const from = listener.allowedNamespaces ?? 'Same';
  if (from === 'Selector') return { state: 'unknown', problem: 'The listener admits routes from the namespaces a selector picks.' };
  const gatewayNamespace = namespaceKey(gateway) || 'default';
  if (from === 'Same') {
    const only = `The listener ${listener.name?.value ?? ''} admits routes of namespace ${gatewayNamespace} only`;
    // A route that names no namespace goes where it is applied (`kubectl apply -n`, a Helm release): unknown, unless the Gateway names none either.
    if (!route.namespace && namespaceKey(gateway) !== '') return { state: 'unknown', problem: `${only}, and the route names no namespace.` };
    if ((namespaceKey(route) || 'default') !== gatewayNamespace) return { state: 'broken', problem: `${only}.` };
  }
  return { state: 'ok' };
}

function servicePiece(graph: PortGraph, service: Resource, options: GraphOptions, names: Names, piece: Piece): void {
  const spec = service.service!;
  const serviceNode = drawnNode(names, service, 'service', serviceId(names, service), undefined, service.name?.span ?? service.kindSpan);
  piece.nodes.push(serviceNode);
  // Each port's id once, for its node and the edges from it.
  const portIds = spec.ports.map((servicePort) => flatString(servicePortId(names, service, servicePort)));
  for (let index = 0; index < spec.ports.length; index++) {
    const servicePort = spec.ports[index];
    piece.nodes.push(drawnNode(names, service, 'service-port', portIds[index], servicePort, servicePort.port?.span ?? servicePort.span, serviceNode.id));
    if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') {
      const entry = drawnNode(names, service, spec.type === 'LoadBalancer' ? 'load-balancer' : 'node-port', `entry:${names.key(service)}:port${servicePort.index}`, servicePort, servicePort.nodePort?.span ?? spec.typeSpan ?? servicePort.span);
      piece.nodes.push(entry);
      piece.edges.push(pieceEdge(entry.id, portIds[index], 'ok'));
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
    for (const from of portIds) piece.edges.push(pieceEdge(from, missing.id, selection.state === 'broken' ? 'broken' : 'unknown', problem, evidence));
    return;
  }
  for (let index = 0; index < spec.ports.length; index++) {
    const servicePort = spec.ports[index];
    const from = portIds[index];
    const evidence = [{ uri: service.uri, span: servicePort.span, rules: TARGET_RULES }];
    for (const workload of selection.workloads) {
      const resolution = resolveTarget(graph, service, servicePort, workload, options);
      if (resolution.matches.length > 0) {
        for (const match of resolution.matches) piece.edges.push(pieceEdge(from, containerPortId(names, workload, match.container, match.port), 'ok'));
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
  const workloadNode = drawnNode(names, workload, 'workload', workloadId(names, workload), undefined, workload.name?.span ?? workload.kindSpan);
  piece.nodes.push(workloadNode);
  for (const container of servingContainers(workload)) {
    const containerName = container.name?.value ?? '?';
    const portIds = container.ports.map((port) => flatString(containerPortId(names, workload, container, port)));
    container.ports.forEach((port, index) => piece.nodes.push(drawnNode(names, workload, 'container-port', portIds[index], port, port.containerPort?.span ?? port.span, workloadNode.id)));
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
    if (boundPort) piece.edges.push(pieceEdge(portIds[container.ports.indexOf(boundPort)], process.id, hop.state, hop.problem, [{ uri: workload.uri, span: container.span, rules: PROCESS_RULES }]));
  }
}

// ---------------------------------------------------------------------------------------------
// Nodes, edges, ids and names
//
// A map of 50,000 documents holds some 65,000 nodes, so each costs what it must and no more: every
// node and edge is made by one function (one object shape for all, where object literals spread
// from different sources would give many), ids are built from a short key per resource rather
// than its URI, and each unit's text is held once.

/** Short keys for resources, shared by every piece of a model. */
class Names {
  private readonly keys = new Map<string, number>();
  /** Keys let go of, for the next resource (ids need only be unique within one map). */
  private readonly free: number[] = [];
  private next = 0;

  /** The resource's number: stable while its id (its file and place there) is. */
  number(resource: Resource): number {
    let key = this.keys.get(resource.id);
    if (key === undefined) {
      key = this.free.pop() ?? this.next++;
      this.keys.set(resource.id, key);
    }
    return key;
  }

  /** The number of the resource of this id, where it has one. */
  numberOf(id: string): number | undefined {
    return this.keys.get(id);
  }

  /** The resource's key in node ids: its number in base 36. */
  key(resource: Resource): string {
    return this.number(resource).toString(36);
  }

  /** Lets go of the key of a resource its file no longer holds. */
  forget(resource: Resource): void {
    const key = this.keys.get(resource.id);
    if (key === undefined) return;
    this.keys.delete(resource.id);
    this.free.push(key);
  }

}

/** A node written in the workspace, in the resource it belongs to. */
function drawnNode(names: Names, resource: Resource, kind: MapNodeKind, id: string, source: NameSource, span: Span | undefined, parent?: string): MapNode {
  return new MapNode(flatString(id), kind, resource, typeof source === 'string' ? flatString(source) : source, span, parent);
}

/** A node for what the workspace lacks, in the namespace and unit of the resource that names it. */
function missingNode(names: Names, from: Resource, id: string, name: string): MapNode {
  return new MapNode(flatString(id), 'missing', from, flatString(name), undefined, undefined);
}


/** The name of a node, from what it stands for (see MapNode.name). */
function nodeName(kind: MapNodeKind, owner: Resource, source: NameSource): string {
  if (typeof source === 'string') return source;
  switch (kind) {
    case 'ingress':
    case 'route':
      return entryName(owner, source as Backend);
    case 'gateway':
      return `Gateway ${owner.name?.value ?? owner.templatedName ?? '(unnamed)'}`;
    case 'listener':
      return listenerName(source as GatewayListener);
    case 'service':
      return owner.name?.value ?? owner.templatedName ?? '(unnamed)';
    case 'service-port':
      return servicePortName(source as ServicePort);
    case 'node-port':
    case 'load-balancer':
      return externalName(owner, source as ServicePort);
    case 'workload':
      return `${owner.kind} ${owner.name?.value ?? owner.templatedName ?? '(unnamed)'}`;
    case 'container-port':
      return containerPortName(owner, source as ContainerPort);
    default:
      return '';
  }
}

function pieceEdge(from: string, to: string, state: LinkState, problem?: string, evidence?: Evidence[]): PieceEdge {
  return { from: flatString(from), to: flatString(to), state, problem, evidence };
}

function gatewayId(names: Names, gateway: Resource): string {
  return `gw:${names.key(gateway)}`;
}

function listenerId(names: Names, gateway: Resource, index: number): string {
  return `gw:${names.key(gateway)}:${index}`;
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

function containerPortId(names: Names, workload: Resource, container: Container, port: ContainerPort): string {
  return `wl:${names.key(workload)}:${containerIndex(workload, container)}.${container.ports.indexOf(port)}`;
}

function processId(names: Names, workload: Resource, container: Container): string {
  return `wl:${names.key(workload)}:${containerIndex(workload, container)}:process`;
}

/**
 * Where a container stands in its workload: ids go by places in the lists, not by offsets in the
 * file, since a kustomize patch gives everything it adds the same offset (its own).
 */
function containerIndex(workload: Resource, container: Container): number {
  return workload.workload?.containers.indexOf(container) ?? -1;
}

function listenerName(listener: GatewayListener): string {
  return `${listener.name?.value ?? '?'} :${portText(listener.port)} ${listener.protocol}`;
}

function externalName(service: Resource, servicePort: ServicePort): string {
  const nodePort = servicePort.nodePort?.kind === 'number' ? servicePort.nodePort.number : undefined;
  return service.service?.type === 'LoadBalancer' ? `LoadBalancer :${nodePort ?? portText(servicePort.port)}` : `NodePort :${nodePort ?? 'auto'}`;
}

function containerPortName(workload: Resource, port: ContainerPort): string {
  const container = workload.workload?.containers.find((candidate) => candidate.ports.includes(port));
  return `${container?.name?.value ?? '?'}:${portText(port.containerPort)}${port.name ? ` (${port.name.value})` : ''}${port.protocol !== 'TCP' ? `/${port.protocol}` : ''}`;
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

interface Assembled {
  /** The lists it fills (AssemblyLists). */
  lists: AssemblyLists;
  nodes: MapNode[];
  edges: PieceEdge[];
  /** Each edge's ends as positions in `nodes`. */
  from: Int32Array;
  to: Int32Array;
  links?: MapLinks;
  namespaces: string[];
}

/**
 * The lists an assembly fills. A model keeps two and fills them in turn: a map is read before the
 * next edit's is made and never kept past it, so the lists of the map before last are free again.
 * Lists made once and filled again leave nothing for the collector at each edit, where new ones
 * (some 2 MB at 50,000 documents) each lived through collections until the next full one.
 */
class AssemblyLists {
  nodes: MapNode[] = [];
  edges: PieceEdge[] = [];
  /** The edges as drawn (PortMapModel.marked). */
  marked: MapEdge[] = [];
  from: Int32Array = new Int32Array(0);
  to: Int32Array = new Int32Array(0);
}

/** What one assembly uses on the way, kept for the next. */
class AssemblyScratch {
  all: PieceEdge[] = [];
  from: Int32Array = new Int32Array(0);
  to: Int32Array = new Int32Array(0);
  order: Int32Array = new Int32Array(0);
}

/** `array`, or a larger one where it cannot hold `size` numbers. */
function room(array: Int32Array, size: number): Int32Array {
  return array.length >= size ? array : new Int32Array(size + (size >> 2) + 16);
}

/**
 * Every piece's nodes (one of each id) and edges, in a stable order: by namespace, file, place.
 * An edge finds its ends through the pieces (an id names its resource's number), not through a map
 * of every id: at 50,000 documents such maps were megabytes made again at each edit.
 */
function assemble(byKey: readonly (Piece | undefined)[], changes: NodeChanges | undefined, lists: AssemblyLists, scratch: AssemblyScratch): Assembled {
  // What the workspace lacks may be named by several pieces (two Ingresses to one missing Service): one node.
  const missing = new Map<string, MapNode>();
  let edgeCount = 0;
  let pieceCount = 0;
  // Indexed loops here and in orderedNodes: assembly runs once an edit, mostly unoptimised, where each
  // step of a for-of makes an object (megabytes at 50,000 documents).
  for (let key = 0; key < byKey.length; key++) {
    const piece = byKey[key];
    if (!piece) continue;
    pieceCount++;
    for (let i = 0; i < piece.nodes.length; i++) {
      const node = piece.nodes[i];
      if (node.kind === 'missing' && !missing.has(node.id)) missing.set(node.id, node);
    }
    edgeCount += piece.edges.length;
  }
  const nodes = orderedNodes(byKey, pieceCount, missing, changes, lists.nodes);
  for (let index = 0; index < nodes.length; index++) nodes[index].index = index;
  const endOf = (id: string, piece: Piece): number => {
    if (id.startsWith('missing:')) return missing.get(id)?.index ?? -1;
    const own = piece.nodes.find((node) => node.id === id);
    if (own) return own.index;
    const other = byKey[parseInt(id.slice(id.indexOf(':') + 1), 36)];
    return other?.nodes.find((node) => node.id === id)?.index ?? -1;
  };
  const all = scratch.all;
  let drawnCount = 0;
  const from = (scratch.from = room(scratch.from, edgeCount));
  const to = (scratch.to = room(scratch.to, edgeCount));
  for (let key = 0; key < byKey.length; key++) {
    const piece = byKey[key];
    if (!piece) continue;
    for (let i = 0; i < piece.edges.length; i++) {
      const edge = piece.edges[i];
      // An edge to a node no piece draws (a subject the last edit took away) waits for its own subject's update.
      const start = endOf(edge.from, piece);
      const end = start >= 0 ? endOf(edge.to, piece) : -1;
      if (end < 0) continue;
      from[drawnCount] = start;
      to[drawnCount] = end;
      all[drawnCount++] = edge;
      // The same id, held once: the node's string instead of the copy the edge's piece built.
      edge.to = nodes[end].id;
    }
  }
  all.length = drawnCount;
  const order = (scratch.order = room(scratch.order, drawnCount)).subarray(0, drawnCount);
  for (let index = 0; index < order.length; index++) order[index] = index;
  order.sort((a, b) => from[a] - from[b] || to[a] - to[b]);
  const edges = lists.edges;
  let count = 0;
  // One edge between two nodes (two subjects may draw the same link).
  const sortedFrom = (lists.from = room(lists.from, drawnCount));
  const sortedTo = (lists.to = room(lists.to, drawnCount));
  for (let at = 0; at < order.length; at++) {
    const index = order[at];
    if (count > 0 && sortedFrom[count - 1] === from[index] && sortedTo[count - 1] === to[index]) continue;
    sortedFrom[count] = from[index];
    sortedTo[count] = to[index];
    edges[count++] = all[index];
  }
  edges.length = count;
  const namespaces = new Set<string>();
  let previous: string | undefined;
  for (let index = 0; index < nodes.length; index++) {
    const namespace = nodes[index].namespace;
    if (namespace !== previous) namespaces.add((previous = namespace));
  }
  return { lists, nodes, edges, from: sortedFrom.subarray(0, count), to: sortedTo.subarray(0, count), namespaces: [...namespaces].sort() };
}

interface NodeChanges {
  /** The nodes of the last assembly, in order. */
  previous: readonly MapNode[];
  dropped: readonly Piece[];
  added: readonly Piece[];
}

/**
 * Every drawn node in map order. After an edit, the last order without the dropped pieces' nodes
 * is merged with the added pieces' nodes, sorted on their own: a few comparisons for each node
 * instead of a sort of them all (at 50,000 documents that sort was most of an edit's cost).
 */
function orderedNodes(byKey: readonly (Piece | undefined)[], pieceCount: number, missing: ReadonlyMap<string, MapNode>, changes: NodeChanges | undefined, into: MapNode[]): MapNode[] {
  const drawn = (node: MapNode) => node.kind !== 'missing' || missing.get(node.id) === node;
  let count = 0;
  if (!changes || changes.dropped.length + changes.added.length > pieceCount / 8) {
    for (let key = 0; key < byKey.length; key++) {
      const piece = byKey[key];
      if (piece) for (let i = 0; i < piece.nodes.length; i++) if (drawn(piece.nodes[i])) into[count++] = piece.nodes[i];
    }
    into.length = count;
    return into.sort(compareNodes);
  }
  const gone = new Set<MapNode>();
  for (const piece of changes.dropped) for (const node of piece.nodes) gone.add(node);
  const keptMissing = new Set<MapNode>();
  const previous = changes.previous;
  for (let i = 0; i < previous.length; i++) if (previous[i].kind === 'missing' && !gone.has(previous[i]) && drawn(previous[i])) keptMissing.add(previous[i]);
  const added: MapNode[] = [];
  for (const piece of changes.added) for (const node of piece.nodes) if (node.kind !== 'missing') added.push(node);
  // A missing node drawn now and not before: an added piece's, or an unchanged piece's whose twin was dropped.
  for (const node of missing.values()) if (!keptMissing.has(node)) added.push(node);
  added.sort(compareNodes);
  const merged = into;
  let at = 0;
  for (let i = 0; i < previous.length; i++) {
    const node = previous[i];
    if (gone.has(node) || !drawn(node)) continue;
    while (at < added.length && compareNodes(added[at], node) < 0) merged[count++] = added[at++];
    merged[count++] = node;
  }
  while (at < added.length) merged[count++] = added[at++];
  merged.length = count;
  return merged;
}

function linksOf(nodes: readonly MapNode[], from: Int32Array, to: Int32Array): MapLinks {
  const outStart = new Int32Array(nodes.length + 1);
  const inStart = new Int32Array(nodes.length + 1);
  for (let index = 0; index < from.length; index++) {
    outStart[from[index] + 1]++;
    inStart[to[index] + 1]++;
  }
  for (let i = 0; i < nodes.length; i++) {
    outStart[i + 1] += outStart[i];
    inStart[i + 1] += inStart[i];
  }
  const inEdges = new Int32Array(from.length);
  const filled = inStart.slice(0, nodes.length);
  for (let index = 0; index < from.length; index++) inEdges[filled[to[index]]++] = index;
  // A port's parent (its Service, workload or Gateway) is a node of the same resource.
  const parents = new Map<string, number>();
  nodes.forEach((node, index) => {
    if (node.kind === 'service' || node.kind === 'workload' || node.kind === 'gateway') parents.set(node.id, index);
  });
  const parent = new Int32Array(nodes.length).fill(-1);
  nodes.forEach((node, index) => {
    if (node.parent !== undefined) parent[index] = parents.get(node.parent) ?? -1;
  });
  return { from, to, parent, outStart, inStart, inEdges };
}

/** Namespace, then the chain's own order (entries, Services, workloads), then file and place. */
function compareNodes(a: MapNode, b: MapNode): number {
  return compare(a.namespace, b.namespace) || stage(a) - stage(b) || compare(a.uri ?? '\uffff', b.uri ?? '\uffff') || (a.span?.start ?? 0) - (b.span?.start ?? 0) || compare(a.id, b.id);
}

/** Where a node stands along a request's way: 0 where it enters, 1 at the Service, 2 at the pods. */
function stage(node: MapNode): number {
  switch (node.kind) {
    case 'gateway':
    case 'listener':
    case 'ingress':
    case 'route':
    case 'node-port':
    case 'load-balancer':
      return 0;
    case 'service':
    case 'service-port':
      return 1;
    case 'missing':
      return node.id.startsWith('missing:gw:') ? 0 : node.id.startsWith('missing:svc:') ? 1 : 2;
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

/**
 * The part of a map a filter keeps: whole chains through what it picks, with the Services and
 * workloads their ports belong to. It marks positions in arrays of bytes and walks the map's links,
 * so a request allocates little beyond what it returns.
 */
export function filterPortMap(map: PortMap, filter: PortMapFilter, fileName: (uri: string) => string = (uri) => uri): PortMapData {
  const { nodes, edges } = map;
  if (!filter.namespace && !filter.brokenOnly && !(filter.resources && filter.resources.length > 0) && !filter.text?.trim()) return { nodes, edges };
  const links = map.links;
  const count = nodes.length;
  // 1 for each node still in the map.
  const kept = new Uint8Array(count).fill(1);
  if (filter.namespace) {
    const namespace = filter.namespace;
    for (let i = 0; i < count; i++) if (nodes[i].namespace !== namespace) kept[i] = 0;
  }
  const resources = filter.resources && filter.resources.length > 0 ? new Set(filter.resources) : undefined;
  const text = filter.text?.trim().toLowerCase() ?? '';
  if (resources || text !== '') {
    const seeds = new Uint8Array(count);
    const matches = text !== '' ? textMatcher(text, fileName) : undefined;
    for (let i = 0; i < count; i++) {
      if (!kept[i]) continue;
      const node = nodes[i];
      if (resources && (node.resource === undefined || !resources.has(node.resource))) continue;
      if (matches && !matches(node)) continue;
      seeds[i] = 1;
    }
    const through = chainsThrough(links, kept, seeds);
    for (let i = 0; i < count; i++) kept[i] &= through[i];
  }
  const keptEdge = (index: number) => kept[links.from[index]] === 1 && kept[links.to[index]] === 1 && (!filter.brokenOnly || edges[index].state === 'broken');
  if (filter.brokenOnly) {
    // Only the ends of broken links stay, with the Services and workloads their ports belong to.
    const ends = new Uint8Array(count);
    for (let index = 0; index < edges.length; index++) {
      if (!keptEdge(index)) continue;
      ends[links.from[index]] = 1;
      ends[links.to[index]] = 1;
    }
    for (let i = 0; i < count; i++) if (ends[i] && links.parent[i] >= 0) ends[links.parent[i]] = 1;
    for (let i = 0; i < count; i++) kept[i] &= ends[i];
  }
  const out: PortMapData = { nodes: [], edges: [] };
  for (let i = 0; i < count; i++) if (kept[i]) out.nodes.push(nodes[i]);
  for (let index = 0; index < edges.length; index++) if (keptEdge(index)) out.edges.push(edges[index]);
  return out;
}

/** Whether a node's name, kind or file contains the text (already lower case), case aside. */
function textMatcher(text: string, fileName: (uri: string) => string): (node: MapNode) => boolean {
  const pattern = new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'iu');
  // Nodes come by file, so the last file's answer serves the nodes after it.
  let lastUri: string | undefined;
  let lastMatched = false;
  return (node) => {
    if (pattern.test(node.name) || node.kind.includes(text)) return true;
    if (node.uri === undefined) return false;
    if (node.uri !== lastUri) {
      lastUri = node.uri;
      lastMatched = pattern.test(fileName(node.uri));
    }
    return lastMatched;
  };
}

/**
 * The nodes on a chain through the seeds: the seeds and the ports of seeded Services and
 * workloads, everything downstream and upstream of them among the kept nodes, and their parents.
 */
function chainsThrough(links: MapLinks, kept: Uint8Array, seeds: Uint8Array): Uint8Array {
  const count = kept.length;
  const start = seeds.slice();
  for (let i = 0; i < count; i++) if (kept[i] && links.parent[i] >= 0 && seeds[links.parent[i]]) start[i] = 1;
  const through = start.slice();
  const walk = (next: (node: number, visit: (other: number) => void) => void) => {
    const visited = start.slice();
    const queue: number[] = [];
    for (let i = 0; i < count; i++) if (start[i]) queue.push(i);
    while (queue.length > 0) {
      next(queue.pop()!, (other) => {
        if (!kept[other] || visited[other]) return;
        visited[other] = 1;
        through[other] = 1;
        queue.push(other);
      });
    }
  };
  const { from, to, outStart, inStart, inEdges } = links;
  const alive = (index: number) => kept[from[index]] === 1 && kept[to[index]] === 1;
  walk((node, visit) => {
    for (let index = outStart[node]; index < outStart[node + 1]; index++) if (alive(index)) visit(to[index]);
  });
  walk((node, visit) => {
    for (let at = inStart[node]; at < inStart[node + 1]; at++) if (alive(inEdges[at])) visit(from[inEdges[at]]);
  });
  for (let i = 0; i < count; i++) if (through[i] && kept[i] && links.parent[i] >= 0) through[links.parent[i]] = 1;
  return through;
}

/** The 1-based line of a node in its file, or undefined for what the workspace lacks. */
export function lineOf(graph: PortGraph, node: MapNode): number | undefined {
  if (!node.uri || !node.span) return undefined;
  const file = graph.file(node.uri);
  return file ? positionAt(file.lineStarts, node.span.start).line + 1 : undefined;
}
