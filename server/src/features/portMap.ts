// The `portchain/portMap` request: the port map (graph/portMap.ts) filtered as the view asks,
// with places in LSP terms, and no more nodes than a view can draw at once. The view asks again
// whenever the server reports a new status (after each publish), so it follows every edit.

import { RequestType } from 'vscode-languageserver';
import type { Project } from '../analysis/project';
import { filterPortMap, type MapEdge, type MapNodeKind, type PortMapFilter } from '../graph/portMap';
import { positionAt } from '../model/text';

export const PORT_MAP_REQUEST = 'portchain/portMap';

export interface PortMapParams {
  /** Only this namespace (`default` for manifests that name none). */
  namespace?: string;
  /** Only the chains through nodes whose name, kind or file contains this text. */
  text?: string;
  brokenOnly?: boolean;
  /** Centre on the resource at this place (a Service or Ingress), or on every resource of the file without a position. */
  focus?: { uri: string; position?: { line: number; character: number } };
  /** At most this many nodes (default 300): a view draws them at once, and asks for the rest by filtering. */
  limit?: number;
}

export interface PortMapNodeResult {
  id: string;
  kind: MapNodeKind;
  name: string;
  namespace: string;
  uri?: string;
  /** 0-based, as LSP positions are. */
  line?: number;
  character?: number;
  parent?: string;
  unit: string;
}

export interface PortMapResult {
  nodes: PortMapNodeResult[];
  edges: MapEdge[];
  /** Every namespace of the workspace's map, for the view's filter. */
  namespaces: string[];
  /** Nodes and edges the filters kept before the limit cut them. */
  matched: { nodes: number; edges: number };
  /** Nodes and edges of the whole map. */
  total: { nodes: number; edges: number };
}

export const PortMapRequest = new RequestType<PortMapParams, PortMapResult, void>(PORT_MAP_REQUEST);

const DEFAULT_LIMIT = 300;

/** The map as the view asked for it. */
export function portMap(project: Project, params: PortMapParams, where: (uri: string) => string = project.where): PortMapResult {
  const map = project.portMap();
  const filter: PortMapFilter = { namespace: params.namespace || undefined, text: params.text || undefined, brokenOnly: params.brokenOnly === true };
  if (params.focus) filter.resources = focusedResources(project, params.focus);
  const filtered = filterPortMap(map, filter, where);
  const limit = params.limit !== undefined && params.limit > 0 ? params.limit : DEFAULT_LIMIT;
  const kept = filtered.nodes.slice(0, limit);
  const ids = new Set(kept.map((node) => node.id));
  const nodes = kept.map((node): PortMapNodeResult => {
    const out: PortMapNodeResult = { id: node.id, kind: node.kind, name: node.name, namespace: node.namespace, unit: unitText(node.unit, where) };
    if (node.parent !== undefined && ids.has(node.parent)) out.parent = node.parent;
    const file = node.uri ? project.graph.file(node.uri) : undefined;
    if (node.uri && file && node.span) {
      const position = positionAt(file.lineStarts, node.span.start);
      out.uri = node.uri;
      out.line = position.line;
      out.character = position.character;
    }
    return out;
  });
  // What the protocol says of an edge, not what the model keeps beside it (evidence, problems).
  const edges = filtered.edges.filter((edge) => ids.has(edge.from) && ids.has(edge.to)).map(({ from, to, state, rule, message }): MapEdge => (rule !== undefined || message !== undefined ? { from, to, state, rule, message } : { from, to, state }));
  return { nodes, edges, namespaces: [...map.namespaces], matched: { nodes: filtered.nodes.length, edges: filtered.edges.length }, total: { nodes: map.nodes.length, edges: map.edges.length } };
}

/** The resources a focus names: the one whose text holds the position, or all of the file's. */
function focusedResources(project: Project, focus: NonNullable<PortMapParams['focus']>): string[] {
  const resources = project.graph.resourcesOf(focus.uri);
  const file = project.graph.file(focus.uri);
  if (!focus.position || !file) return resources.map((resource) => resource.id);
  const offset = (file.lineStarts[focus.position.line] ?? file.text.length) + focus.position.character;
  const at = resources.filter((resource) => resource.span.start <= offset && offset <= resource.span.end);
  return (at.length > 0 ? at : resources).map((resource) => resource.id);
}

/** `folder examples/shop/`, `build overlays/prod/kustomization.yaml`, `chart charts/web/`. */
function unitText(unit: string, where: (uri: string) => string): string {
  const colon = unit.indexOf(':');
  return `${unit.slice(0, colon)} ${where(unit.slice(colon + 1))}`;
}
