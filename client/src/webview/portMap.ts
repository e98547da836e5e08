/// <reference lib="dom" />
// The port map's page, running inside the webview: controls, the graph laid out by dagre and
// drawn as SVG, and a list view of the same graph for screen readers and keyboards. It holds no
// state of its own beyond the controls: every answer of the server replaces what is drawn.
//
// The page runs under a strict Content Security Policy: no inline script or style, no eval. It
// builds every element with the DOM (text always as textContent), and places SVG by attributes.

import { graphlib, layout } from '@dagrejs/dagre';
import type { PortMapNodeResult, PortMapResult } from '../../../server/src/features/portMap';
import type { PortMapState } from '../portMap';
import './portMap.css';

interface VsCodeApi {
  postMessage(message: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const SVG = 'http://www.w3.org/2000/svg';

const root = document.getElementById('port-map')!;
const toolbar = element('div', { class: 'toolbar', role: 'toolbar', 'aria-label': 'Port map filters' });
const namespaceSelect = element('select', { id: 'namespace' }) as HTMLSelectElement;
const textInput = element('input', { id: 'text', type: 'search', placeholder: 'Service, workload, port or file' }) as HTMLInputElement;
const brokenBox = element('input', { id: 'broken', type: 'checkbox' }) as HTMLInputElement;
const followBox = element('input', { id: 'follow', type: 'checkbox' }) as HTMLInputElement;
const viewButton = element('button', { id: 'view', type: 'button', 'aria-pressed': 'false' }, 'List view');
const clearFocusButton = element('button', { id: 'clear-focus', type: 'button', hidden: '' }, 'Whole workspace');
toolbar.append(
  labelled('Namespace', namespaceSelect),
  labelled('Filter', textInput),
  labelled('Broken only', brokenBox, true),
  labelled('Follow the editor', followBox, true),
  viewButton,
  clearFocusButton,
);
const summary = element('p', { id: 'summary', role: 'status', 'aria-live': 'polite' }, 'Loading the port map…');
const graphSection = element('section', { id: 'graph', class: 'graph', 'aria-label': 'Port graph drawing' });
const listSection = element('section', { id: 'list', class: 'list', hidden: '', 'aria-label': 'Port graph as a list' });
root.append(toolbar, summary, graphSection, listSection);

let listView = false;
let textTimer: ReturnType<typeof setTimeout> | undefined;

const sendFilter = (clearFocus = false) =>
  vscode.postMessage({ type: 'filter', namespace: namespaceSelect.value, text: textInput.value, brokenOnly: brokenBox.checked, follow: followBox.checked, clearFocus });
namespaceSelect.addEventListener('change', () => sendFilter());
brokenBox.addEventListener('change', () => sendFilter());
followBox.addEventListener('change', () => sendFilter());
textInput.addEventListener('input', () => {
  // Typing asks once it pauses: each answer re-draws the whole view.
  if (textTimer) clearTimeout(textTimer);
  textTimer = setTimeout(() => sendFilter(), 200);
});
clearFocusButton.addEventListener('click', () => {
  followBox.checked = false;
  sendFilter(true);
});
viewButton.addEventListener('click', () => {
  listView = !listView;
  viewButton.setAttribute('aria-pressed', String(listView));
  viewButton.textContent = listView ? 'Graph view' : 'List view';
  graphSection.hidden = listView;
  listSection.hidden = !listView;
});

window.addEventListener('message', (event: MessageEvent) => {
  const message = event.data as { type: 'map'; map: PortMapResult; state: PortMapState } | { type: 'error'; message: string };
  if (message.type === 'error') {
    summary.textContent = `The port map could not be drawn: ${message.message}`;
    return;
  }
  showControls(message.map, message.state);
  const started = performance.now();
  drawGraph(message.map);
  drawList(message.map);
  root.dataset.drawMs = String(Math.round(performance.now() - started));
});

vscode.postMessage({ type: 'ready' });

// ---------------------------------------------------------------------------------------------
// Controls and summary

function showControls(map: PortMapResult, state: PortMapState): void {
  const options = [element('option', { value: '' }, 'All namespaces'), ...map.namespaces.map((namespace) => element('option', { value: namespace }, namespace))];
  namespaceSelect.replaceChildren(...options);
  namespaceSelect.value = state.namespace;
  if (document.activeElement !== textInput) textInput.value = state.text;
  brokenBox.checked = state.brokenOnly;
  followBox.checked = state.follow;
  clearFocusButton.hidden = !state.focus;
  const broken = map.edges.filter((edge) => edge.state === 'broken').length;
  const scope = state.focusLabel ? ` around ${state.focusLabel}` : '';
  const cut = map.matched.nodes > map.nodes.length ? ` Showing ${map.nodes.length} of ${map.matched.nodes} nodes: filter by namespace or text to see the rest.` : '';
  summary.textContent = `${map.nodes.length} nodes and ${map.edges.length} links${scope}, ${broken} broken (the workspace: ${map.total.nodes} nodes, ${map.total.edges} links).${cut}`;
}

// ---------------------------------------------------------------------------------------------
// The drawing

const NODE_HEIGHT = 26;
const PADDING_X = 10;
let measureContext: CanvasRenderingContext2D | null | undefined;

/** The width of a label in the page's font. */
function textWidth(text: string): number {
  if (measureContext === undefined) {
    measureContext = document.createElement('canvas').getContext('2d');
    if (measureContext) measureContext.font = `${getComputedStyle(document.body).fontSize} ${getComputedStyle(document.body).fontFamily}`;
  }
  return measureContext ? measureContext.measureText(text).width : text.length * 7;
}

function drawGraph(map: PortMapResult): void {
  if (map.nodes.length === 0) {
    graphSection.replaceChildren(element('p', { class: 'empty' }, 'Nothing to draw: no links match the filters.'));
    return;
  }
  const graph = new graphlib.Graph({ compound: true, multigraph: false });
  graph.setGraph({ rankdir: 'LR', nodesep: 10, ranksep: 40, marginx: 12, marginy: 12 });
  graph.setDefaultEdgeLabel(() => ({}));
  const byId = new Map(map.nodes.map((node) => [node.id, node]));
  const hasEdges = new Set(map.edges.flatMap((edge) => [edge.from, edge.to]));
  const parents = new Set(map.nodes.flatMap((node) => (node.parent ? [node.parent] : [])));
  const namespaceCluster = (namespace: string) => `cluster:ns:${namespace}`;
  const groupOf = (id: string) => `cluster:${id}`;
  for (const namespace of new Set(map.nodes.map((node) => node.namespace))) graph.setNode(namespaceCluster(namespace), { label: `namespace ${namespace}`, clusterLabelPos: 'top' });
  for (const node of map.nodes) {
    if (parents.has(node.id)) {
      // A Service or workload is the box around its ports, and a node of its own where a link ends at it.
      graph.setNode(groupOf(node.id), { label: label(node) });
      graph.setParent(groupOf(node.id), namespaceCluster(node.namespace));
      if (!hasEdges.has(node.id)) continue;
      graph.setNode(node.id, { width: textWidth(label(node)) + 2 * PADDING_X, height: NODE_HEIGHT });
      graph.setParent(node.id, groupOf(node.id));
      continue;
    }
    graph.setNode(node.id, { width: textWidth(label(node)) + 2 * PADDING_X, height: NODE_HEIGHT });
    graph.setParent(node.id, node.parent && byId.has(node.parent) ? groupOf(node.parent) : namespaceCluster(node.namespace));
  }
  for (const edge of map.edges) if (graph.hasNode(edge.from) && graph.hasNode(edge.to)) graph.setEdge(edge.from, edge.to, { width: edge.state === 'broken' ? textWidth(`✗ ${edge.rule ?? ''}`) : 0, height: edge.state === 'broken' ? 14 : 0, labelpos: 'c' });
  layout(graph);

  const size = graph.graph();
  const svg = svgElement('svg', { class: 'map', width: String(Math.ceil(size.width ?? 0)), height: String(Math.ceil(size.height ?? 0)), role: 'img', 'aria-label': `Port graph of ${map.nodes.length} nodes and ${map.edges.length} links; the list view reads the same graph` });
  const defs = svgElement('defs', {});
  for (const state of ['ok', 'broken', 'unknown']) {
    const marker = svgElement('marker', { id: `arrow-${state}`, viewBox: '0 0 10 10', refX: '10', refY: '5', markerWidth: '7', markerHeight: '7', orient: 'auto-start-reverse' });
    marker.append(svgElement('path', { d: 'M 0 0 L 10 5 L 0 10 z', class: `arrow ${state}` }));
    defs.append(marker);
  }
  svg.append(defs);
  // Clusters first, outermost first, so that nodes and edges draw over them.
  const clusters = graph.nodes().filter((id) => id.startsWith('cluster:')).sort((a, b) => depth(graph, a) - depth(graph, b));
  for (const id of clusters) {
    const box = graph.node(id) as { x: number; y: number; width: number; height: number; label: string };
    const group = svgElement('g', { class: id.startsWith('cluster:ns:') ? 'cluster namespace' : 'cluster resource' });
    group.append(svgElement('rect', { x: String(box.x - box.width / 2), y: String(box.y - box.height / 2), width: String(box.width), height: String(box.height), rx: '4' }));
    const text = svgElement('text', { x: String(box.x - box.width / 2 + 6), y: String(box.y - box.height / 2 + 12), class: 'cluster-label' });
    text.textContent = box.label;
    group.append(text);
    svg.append(group);
  }
  for (const edge of map.edges) {
    if (!graph.hasEdge(edge.from, edge.to)) continue;
    const laid = graph.edge(edge.from, edge.to) as { points: { x: number; y: number }[]; x?: number; y?: number };
    const group = svgElement('g', { class: `edge ${edge.state}`, 'data-from': edge.from, 'data-to': edge.to, 'data-state': edge.state, ...(edge.rule ? { 'data-rule': edge.rule } : {}) });
    const d = laid.points.map((point, index) => `${index === 0 ? 'M' : 'L'} ${point.x} ${point.y}`).join(' ');
    const title = svgElement('title', {});
    title.textContent = edgeText(edge, byId);
    group.append(title, svgElement('path', { d, class: 'line', 'marker-end': `url(#arrow-${edge.state})` }));
    if (edge.state === 'broken' && laid.x !== undefined && laid.y !== undefined) {
      const text = svgElement('text', { x: String(laid.x), y: String(laid.y + 4), class: 'edge-label', 'text-anchor': 'middle' });
      text.textContent = `✗ ${edge.rule ?? 'broken'}`;
      group.append(text);
    }
    svg.append(group);
  }
  for (const node of map.nodes) {
    if (!graph.hasNode(node.id) || graph.children(node.id)?.length) continue;
    const box = graph.node(node.id) as { x: number; y: number; width: number; height: number };
    const opens = node.uri !== undefined;
    const group = svgElement('g', { class: `node kind-${node.kind}${opens ? ' opens' : ''}`, 'data-id': node.id, 'data-kind': node.kind, ...(opens ? { tabindex: '0', role: 'button' } : {}), 'aria-label': nodeText(node) });
    const title = svgElement('title', {});
    title.textContent = nodeText(node);
    group.append(title, svgElement('rect', { x: String(box.x - box.width / 2), y: String(box.y - box.height / 2), width: String(box.width), height: String(box.height), rx: node.kind === 'process' ? '13' : '3' }));
    const text = svgElement('text', { x: String(box.x), y: String(box.y + 4), 'text-anchor': 'middle' });
    text.textContent = label(node);
    group.append(text);
    if (opens) {
      group.addEventListener('click', () => open(node));
      group.addEventListener('keydown', (event) => {
        if (event.key === 'Enter' || event.key === ' ') {
          event.preventDefault();
          open(node);
        }
      });
    }
    svg.append(group);
  }
  graphSection.replaceChildren(svg);
  drawn = { svg, width: size.width ?? 0, height: size.height ?? 0 };
  fitToWidth(drawn);
}

/** The drawing on the page and its own size, fitted again when the pane changes width. */
let drawn: { svg: SVGElement; width: number; height: number } | undefined;
window.addEventListener('resize', () => {
  if (drawn) fitToWidth(drawn);
});

/** The least a drawing is scaled down to fit the pane: below it, labels are too small to read, and the pane scrolls instead. */
const SMALLEST_SCALE = 0.5;

/** Scales a drawing a little wider than the pane down to fit it, by its viewBox (attributes, not styles: the CSP allows no inline style). */
function fitToWidth({ svg, width, height }: { svg: SVGElement; width: number; height: number }): void {
  const room = graphSection.clientWidth;
  svg.setAttribute('viewBox', `0 0 ${Math.ceil(width)} ${Math.ceil(height)}`);
  const scale = room > 0 && width > room && room / width >= SMALLEST_SCALE ? room / width : 1;
  svg.setAttribute('width', String(Math.floor(width * scale)));
  svg.setAttribute('height', String(Math.ceil(height * scale)));
}

function depth(graph: graphlib.Graph, id: string): number {
  let count = 0;
  for (let parent = graph.parent(id); parent; parent = graph.parent(parent)) count++;
  return count;
}

// ---------------------------------------------------------------------------------------------
// The list view: the same graph as text, one link a line, every node a button that opens its file

function drawList(map: PortMapResult): void {
  const byId = new Map(map.nodes.map((node) => [node.id, node]));
  const links = element('ul', { class: 'links' });
  for (const edge of map.edges) {
    const from = byId.get(edge.from)!;
    const to = byId.get(edge.to)!;
    const item = element('li', { class: `link ${edge.state}` });
    item.append(nodeButton(from), element('span', { class: 'arrow-text' }, ' → '), nodeButton(to), element('span', { class: 'state' }, ` ${stateText(edge.state)}`));
    if (edge.rule || edge.message) item.append(element('div', { class: 'message' }, `${edge.rule ? `${edge.rule}: ` : ''}${edge.message ?? ''}`));
    links.append(item);
  }
  const linked = new Set(map.edges.flatMap((edge) => [edge.from, edge.to]));
  const alone = map.nodes.filter((node) => !linked.has(node.id) && node.kind !== 'service' && node.kind !== 'workload');
  const nodes = element('ul', { class: 'nodes' });
  for (const node of alone) nodes.append(element('li', {}, nodeButton(node)));
  listSection.replaceChildren(element('h2', {}, `Links (${map.edges.length})`), links, ...(alone.length > 0 ? [element('h2', {}, `Ports without links (${alone.length})`), nodes] : []));
}

function nodeButton(node: PortMapNodeResult): HTMLElement {
  if (!node.uri) return element('span', { class: 'node-text missing' }, `${label(node)} (not in the workspace)`);
  const button = element('button', { type: 'button', class: 'node-text', title: nodeText(node) }, fullLabel(node));
  button.addEventListener('click', () => open(node));
  return button;
}

// ---------------------------------------------------------------------------------------------
// Words

function label(node: PortMapNodeResult): string {
  return node.kind === 'service' ? `Service ${node.name}` : node.name;
}

/** A node's label with what it belongs to, for the list: `Service web port 80 → 8080`. */
function fullLabel(node: PortMapNodeResult): string {
  switch (node.kind) {
    case 'service-port':
      return `Service port ${node.name}`;
    case 'container-port':
      return `containerPort ${node.name}`;
    case 'listener':
      return `listener ${node.name}`;
    default:
      return label(node);
  }
}

function nodeText(node: PortMapNodeResult): string {
  const where = node.uri ? `${decodeURIComponent(node.uri.replace(/^.*\//, ''))} line ${(node.line ?? 0) + 1}` : 'not in the workspace';
  return `${fullLabel(node)}, namespace ${node.namespace}, ${node.unit}, ${where}`;
}

function edgeText(edge: PortMapResult['edges'][number], byId: Map<string, PortMapNodeResult>): string {
  const text = `${fullLabel(byId.get(edge.from)!)} → ${fullLabel(byId.get(edge.to)!)}: ${stateText(edge.state)}`;
  return edge.rule || edge.message ? `${text}. ${edge.rule ? `${edge.rule}: ` : ''}${edge.message ?? ''}` : text;
}

function stateText(state: string): string {
  return state === 'ok' ? 'ok' : state === 'broken' ? 'broken' : 'unknown';
}

function open(node: PortMapNodeResult): void {
  if (!node.uri) return;
  vscode.postMessage({ type: 'open', uri: node.uri, line: node.line ?? 0, character: node.character ?? 0 });
}

// ---------------------------------------------------------------------------------------------
// DOM

function element(tag: string, attributes: Record<string, string>, ...children: (string | Node)[]): HTMLElement {
  const out = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) out.setAttribute(name, value);
  out.append(...children);
  return out;
}

function svgElement(tag: string, attributes: Record<string, string>): SVGElement {
  const out = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) out.setAttribute(name, value);
  return out;
}

function labelled(text: string, control: HTMLElement, after = false): HTMLElement {
  const wrapper = element('label', { class: after ? 'check' : 'field' });
  if (after) wrapper.append(control, element('span', {}, text));
  else wrapper.append(element('span', {}, text), control);
  return wrapper;
}
