// Code lenses above each Service: the chains through it on one line
// (`Ingress shop → :80 → web:8080 ✓ · 1 broken link`), "Copy port-forward command" and "Show in
// port map"; above each Ingress, "Show in port map". All are resolved at once: the summary is the
// lens, so there is nothing left to resolve later.

import type { CodeLens } from 'vscode-languageserver';
import type { Project } from '../analysis/project';
import { ruleOptionsOf } from '../analysis/settings';
import { chainsOfServicePort, chainState, selectionOf, servicePortForwardCommand, stateMark, writtenPortText, type Chain, type Hop } from '../graph/chain';
import type { GraphOptions } from '../graph/links';
import type { PortGraph } from '../graph/portGraph';
import type { Resource, ServicePort } from '../model/types';
import { rangeOf } from './convert';

/** The command the client implements: copy its one argument, a `kubectl port-forward` command line, to the clipboard. */
export const COPY_PORT_FORWARD_COMMAND = 'portchain.copyPortForward';

/** The command the client implements: open the port map centred on the resource at `{ uri, position }`. */
export const SHOW_PORT_MAP_COMMAND = 'portchain.showPortMap';

/** How many ports, entries and workloads a summary names before it says `+N`. */
const NAMED = 3;

/** Lenses above each Service (the chain summary, the copy command, the map) and Ingress (the map) of a file; none where settings.codeLens is off. */
export function codeLenses(project: Project, uri: string): CodeLens[] {
  if (!project.settings.codeLens) return [];
  const graph = project.graph;
  const file = graph.file(uri);
  if (!file) return [];
  const options = ruleOptionsOf(project.settings);
  const lenses: CodeLens[] = [];
  for (const resource of file.resources) {
    if (!resource.service && !resource.ingress) continue;
    // Where the resource begins (its first key, whichever that is): the lens then heads the whole
    // resource, not a line inside it.
    const range = rangeOf(file, { start: resource.span.start, end: resource.span.start });
    const showInMap = { range, command: { title: 'Show in port map', command: SHOW_PORT_MAP_COMMAND, arguments: [{ uri, position: range.start }] } };
    if (!resource.service) {
      lenses.push(showInMap);
      continue;
    }
    lenses.push({ range, command: { title: serviceSummary(graph, resource, options), command: '' } });
    const forward = servicePortForwardCommand(resource);
    if (forward) lenses.push({ range, command: { title: 'Copy port-forward command', command: COPY_PORT_FORWARD_COMMAND, arguments: [forward] } });
    lenses.push(showInMap);
  }
  return lenses;
}

/** `Ingress shop → :80 → web:8080 ✓ | :9102 → web:9102 ✓ · 1 broken link`. */
export function serviceSummary(graph: PortGraph, service: Resource, options: GraphOptions): string {
  const spec = service.service!;
  if (spec.ports.length === 0) return 'no ports';
  const broken = new Set<string>();
  const segments: string[] = [];
  for (const servicePort of spec.ports) {
    const chains = chainsOfServicePort(graph, service, servicePort, options);
    for (const chain of chains) for (const hop of chain.hops) if (hop.state === 'broken') broken.add(`${hop.uri}\u0000${hop.span?.start}\u0000${hop.label}\u0000${hop.value}`);
    if (segments.length < NAMED) segments.push(portSegment(graph, service, servicePort, chains));
  }
  if (spec.ports.length > NAMED) segments.push(`+${spec.ports.length - NAMED} more port${spec.ports.length - NAMED === 1 ? '' : 's'}`);
  const summary = segments.join(' | ');
  return broken.size > 0 ? `${summary} · ${broken.size} broken link${broken.size === 1 ? '' : 's'}` : summary;
}

/** One Service port: its entries, `:80`, and each selected workload with the containerPort it reaches. */
function portSegment(graph: PortGraph, service: Resource, servicePort: ServicePort, chains: readonly Chain[]): string {
  const entries = unique(chains.flatMap((chain) => chain.hops.filter((hop) => hop.role === 'entry').map(entryText)));
  const head = [...(entries.length > 0 ? [named(entries)] : []), `:${writtenPortText(graph, service.uri, servicePort.port)}`];
  const ends = new Map<Resource, string>();
  for (const chain of chains) {
    if (!chain.workload || ends.has(chain.workload)) continue;
    const start = chain.hops.findIndex((hop) => hop.role === 'target');
    const tail = chain.hops.slice(start + 1);
    const port = tail.find((hop) => hop.role === 'container')?.port ?? writtenPortText(graph, service.uri, servicePort.targetPort ?? servicePort.port);
    ends.set(chain.workload, `${chain.workload.name?.value ?? chain.workload.kind}:${port} ${stateMark(chainState(tail))}`);
  }
  if (ends.size > 0) return [...head, named([...ends.values()])].join(' → ');
  return [...head, unreached(graph, service, chains)].join(' → ');
}

/** Where a Service port leads when no workload in the workspace receives it. */
function unreached(graph: PortGraph, service: Resource, chains: readonly Chain[]): string {
  const spec = service.service!;
  if (spec.type === 'ExternalName') return `${spec.externalName?.value ?? 'external name'} (ExternalName)`;
  if (!spec.selector) return 'Endpoints managed elsewhere (no selector)';
  const state = chains.length > 0 ? chainState(chains[0].hops) : selectionOf(graph, service).state;
  return state === 'broken' ? 'no pods ✗' : 'pods not in workspace ?';
}

function entryText(hop: Hop): string {
  return (hop.label === 'NodePort' || hop.label === 'LoadBalancer') && hop.port !== undefined ? `${hop.label} :${hop.port}` : hop.label;
}

function named(items: readonly string[]): string {
  return items.length <= NAMED ? items.join(', ') : `${items.slice(0, NAMED).join(', ')} +${items.length - NAMED}`;
}

function unique(items: readonly string[]): string[] {
  return [...new Set(items)];
}
