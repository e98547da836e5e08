// `portchain graph` output: the port map as Mermaid (GitHub renders it in Markdown), Graphviz DOT,
// or JSON for scripts:
//
//   { "nodes": [ { "id", "kind", "name", "namespace", "file", "line", "parent"?, "unit" } ],
//     "edges": [ { "from", "to", "state", "rule"?, "message"? } ] }
//
// Ids are `n1`, `n2`, … in the map's order (namespace, then entries, Services, workloads, then
// file and place), so the output of one workspace is the same on every machine. Files are
// relative to the current directory with `/`; lines are 1-based; a node the workspace lacks (a
// Service an Ingress names, pods a selector matches) has neither.

import type { MapNode, MapNodeKind, PortMapData } from '../graph/portMap';

/** A node as the formats print it: a short id, its file relative to the current directory, its line. */
export interface GraphNode {
  id: string;
  kind: MapNodeKind;
  name: string;
  namespace: string;
  file: string | undefined;
  line: number | undefined;
  parent?: string;
  /** `folder apps/web/`, `build overlays/prod/kustomization.yaml`, `chart charts/web/`. */
  unit: string;
}

export interface GraphEdge {
  from: string;
  to: string;
  state: 'ok' | 'broken' | 'unknown';
  rule?: string;
  message?: string;
}

export interface PrintableGraph {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

/** The map in the formats' terms: short ids, relative files, lines, units by their relative path. */
export function printableGraph(map: PortMapData, where: (uri: string) => string, lineOf: (node: MapNode) => number | undefined): PrintableGraph {
  const ids = new Map(map.nodes.map((node, index) => [node.id, `n${index + 1}`]));
  const nodes = map.nodes.map((node): GraphNode => {
    const out: GraphNode = { id: ids.get(node.id)!, kind: node.kind, name: node.name, namespace: node.namespace, file: node.uri ? where(node.uri) : undefined, line: lineOf(node), unit: unitLabel(node.unit, where) };
    if (node.parent !== undefined && ids.has(node.parent)) out.parent = ids.get(node.parent);
    return out;
  });
  const edges = map.edges.map((edge): GraphEdge => {
    const out: GraphEdge = { from: ids.get(edge.from)!, to: ids.get(edge.to)!, state: edge.state };
    if (edge.rule) out.rule = edge.rule;
    if (edge.message) out.message = edge.message;
    return out;
  });
  return { nodes, edges };
}

function unitLabel(unit: string, where: (uri: string) => string): string {
  const colon = unit.indexOf(':');
  const kind = unit.slice(0, colon);
  const uri = unit.slice(colon + 1);
  const path = where(uri);
  return `${kind} ${uri.endsWith('/') && !path.endsWith('/') ? `${path}/` : path}`;
}

/** The JSON format; ends with a newline. */
export function formatGraphJson(graph: PrintableGraph): string {
  const nodes = graph.nodes.map((node) => ({ id: node.id, kind: node.kind, name: node.name, namespace: node.namespace, file: node.file ?? null, line: node.line ?? null, ...(node.parent ? { parent: node.parent } : {}), unit: node.unit }));
  return `${JSON.stringify({ nodes, edges: graph.edges }, null, 2)}\n`;
}

/** The colour of a broken link, GitHub's red, which reads on light and dark backgrounds. */
const BROKEN_COLOUR = '#d73a49';

/**
 * The nesting the drawings show: namespace, then unit, then the Service or workload a port
 * belongs to. Each level lists its nodes in the map's order.
 */
interface Cluster {
  key: string;
  label: string;
  nodes: GraphNode[];
  children: Cluster[];
}

function clusters(graph: PrintableGraph): Cluster[] {
  const byId = new Map(graph.nodes.map((node) => [node.id, node]));
  const hasEdges = new Set(graph.edges.flatMap((edge) => [edge.from, edge.to]));
  const parents = new Set(graph.nodes.flatMap((node) => (node.parent ? [node.parent] : [])));
  const top: Cluster[] = [];
  const find = (list: Cluster[], key: string, label: string): Cluster => {
    let cluster = list.find((candidate) => candidate.key === key);
    if (!cluster) list.push((cluster = { key, label, nodes: [], children: [] }));
    return cluster;
  };
  for (const node of graph.nodes) {
    const namespace = find(top, `ns:${node.namespace}`, `namespace ${node.namespace}`);
    const unit = find(namespace.children, `unit:${node.unit}`, node.unit);
    if (parents.has(node.id)) {
      const own = find(unit.children, `parent:${node.id}`, parentLabel(node));
      // A Service or workload is drawn as the box around its ports; it is a node too where a link ends at it.
      if (hasEdges.has(node.id)) own.nodes.unshift(node);
      continue;
    }
    if (node.parent && byId.has(node.parent)) {
      const parent = byId.get(node.parent)!;
      find(unit.children, `parent:${parent.id}`, parentLabel(parent)).nodes.push(node);
      continue;
    }
    unit.nodes.push(node);
  }
  return top;
}

function parentLabel(node: GraphNode): string {
  return node.kind === 'service' ? `Service ${node.name}` : node.name;
}

function nodeLabel(node: GraphNode): string {
  return node.kind === 'service' ? `Service ${node.name}` : node.name;
}

// ---------------------------------------------------------------------------------------------
// Mermaid

/** A Mermaid flowchart, left to right; broken links in red with their rule, unknown links dotted. */
export function formatMermaid(graph: PrintableGraph): string {
  const lines = ['flowchart LR'];
  let clusterCount = 0;
  const writeCluster = (cluster: Cluster, indent: string) => {
    lines.push(`${indent}subgraph c${++clusterCount}["${mermaidText(cluster.label)}"]`);
    for (const node of cluster.nodes) lines.push(`${indent}  ${mermaidNode(node)}`);
    for (const child of cluster.children) writeCluster(child, `${indent}  `);
    lines.push(`${indent}end`);
  };
  for (const cluster of clusters(graph)) writeCluster(cluster, '  ');
  const broken: number[] = [];
  graph.edges.forEach((edge, index) => {
    if (edge.state === 'broken') {
      broken.push(index);
      lines.push(`  ${edge.from} -- "✗ ${mermaidText(edge.rule ?? 'broken')}" --> ${edge.to}`);
    } else if (edge.state === 'unknown') {
      lines.push(`  ${edge.from} -. "?" .-> ${edge.to}`);
    } else {
      lines.push(`  ${edge.from} --> ${edge.to}`);
    }
  });
  if (broken.length > 0) lines.push(`  linkStyle ${broken.join(',')} stroke:${BROKEN_COLOUR},stroke-width:2px,color:${BROKEN_COLOUR}`);
  return `${lines.join('\n')}\n`;
}

/** `n1["80 → 8080"]`, shaped by kind: entries as stadiums, what is missing as a hexagon. */
function mermaidNode(node: GraphNode): string {
  const text = `"${mermaidText(nodeLabel(node))}"`;
  switch (node.kind) {
    case 'listener':
    case 'ingress':
    case 'route':
    case 'node-port':
    case 'load-balancer':
      return `${node.id}([${text}])`;
    case 'missing':
      return `${node.id}{{${text}}}`;
    case 'process':
      return `${node.id}(${text})`;
    default:
      return `${node.id}[${text}]`;
  }
}

/** Text inside Mermaid quotes: quotes and markup-significant characters as entity codes. */
function mermaidText(text: string): string {
  return text.replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;');
}

// ---------------------------------------------------------------------------------------------
// DOT

/** A Graphviz digraph, left to right, each namespace, unit, Service and workload a cluster. */
export function formatDot(graph: PrintableGraph): string {
  const lines = ['digraph portchain {', '  rankdir=LR;', '  node [shape=box, fontname="Helvetica", fontsize=11];', '  edge [fontname="Helvetica", fontsize=10];'];
  let clusterCount = 0;
  const writeCluster = (cluster: Cluster, indent: string) => {
    lines.push(`${indent}subgraph cluster_${++clusterCount} {`);
    lines.push(`${indent}  label=${dotString(cluster.label)};`);
    for (const node of cluster.nodes) lines.push(`${indent}  ${node.id} [${dotNodeAttributes(node)}];`);
    for (const child of cluster.children) writeCluster(child, `${indent}  `);
    lines.push(`${indent}}`);
  };
  for (const cluster of clusters(graph)) writeCluster(cluster, '  ');
  for (const edge of graph.edges) {
    const attributes =
      edge.state === 'broken'
        ? [`color="${BROKEN_COLOUR}"`, `fontcolor="${BROKEN_COLOUR}"`, 'penwidth=2', `label=${dotString(`✗ ${edge.rule ?? 'broken'}`)}`, ...(edge.message ? [`tooltip=${dotString(edge.message)}`] : [])]
        : edge.state === 'unknown'
          ? ['style=dashed', ...(edge.message ? [`tooltip=${dotString(edge.message)}`] : [])]
          : [];
    lines.push(`  ${edge.from} -> ${edge.to}${attributes.length > 0 ? ` [${attributes.join(', ')}]` : ''};`);
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

function dotNodeAttributes(node: GraphNode): string {
  const shape = node.kind === 'missing' ? 'hexagon' : node.kind === 'process' ? 'ellipse' : node.kind === 'listener' || node.kind === 'ingress' || node.kind === 'route' || node.kind === 'node-port' || node.kind === 'load-balancer' ? 'cds' : 'box';
  const where = node.file ? `${node.file}:${node.line ?? 1}` : 'not in the workspace';
  return `label=${dotString(nodeLabel(node))}, shape=${shape}${node.kind === 'missing' ? ', style=dashed' : ''}, tooltip=${dotString(where)}`;
}

/** A DOT double-quoted string. */
function dotString(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}
