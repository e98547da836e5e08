// Inlay hints: where a port goes, written beside it. After a targetPort `→ web:8080 ✓` (the
// workload and the containerPort it reaches), after an Ingress/route backend port `→ 3005` (the
// targetPort it ends at), and after a port name `= 8080` (the number it stands for).

import type { InlayHint, InlayHintLabelPart, Position, Range } from 'vscode-languageserver';
import type { Project } from '../analysis/project';
import { ruleOptionsOf } from '../analysis/settings';
import { chainLine, chainsFromBackend, chainsOfServicePort, chainState, policyPortExposure, portText, stateMark, writtenPortText, type Chain } from '../graph/chain';
import { resolveBackendPort, resolveBackendService, type GraphOptions, type LinkState } from '../graph/links';
import type { PortGraph } from '../graph/portGraph';
import type { Backend, Container, NetworkPolicyPort, ParsedFile, Probe, Resource, ServicePort, Span } from '../model/types';
import { positionOf, rangeOf, spanOf } from './convert';

/** How many workloads a hint names before it says `+N`. */
const NAMED_WORKLOADS = 3;
/** How many chains a hint's tooltip lists. */
const TOOLTIP_CHAINS = 4;

/** The inlay hints of a file, limited to `range` where one is given; none where settings.inlayHints is off. */
export function inlayHints(project: Project, uri: string, range?: Range): InlayHint[] {
  if (!project.settings.inlayHints) return [];
  const graph = project.graph;
  const file = graph.file(uri);
  if (!file) return [];
  const wanted: Span = range ? spanOf(file, range) : { start: 0, end: file.text.length };
  const within = (span: Span | undefined): span is Span => span !== undefined && span.end >= wanted.start && span.end <= wanted.end;
  const options = ruleOptionsOf(project.settings);
  const hints: InlayHint[] = [];
  const add = (hint: InlayHint | undefined) => {
    if (hint) hints.push(hint);
  };
  for (const resource of file.resources) {
    if (resource.span.end < wanted.start || resource.span.start > wanted.end) continue;
    for (const servicePort of resource.service?.ports ?? []) {
      // Where targetPort is omitted the Service sends to `port`, so the hint goes there.
      const at = servicePort.targetPort ?? servicePort.port;
      if (within(at?.span) && at.kind !== 'unknown') add(targetHint(graph, file, resource, servicePort, options));
    }
    for (const backend of [...(resource.ingress?.backends ?? []), ...(resource.route?.backends ?? [])]) {
      if (within(backend.port?.span) && backend.port.kind !== 'unknown') add(backendHint(graph, file, resource, backend, options));
    }
    for (const container of resource.workload?.containers ?? []) {
      for (const probe of container.probes) {
        if (within(probe.port.span) && probe.port.kind === 'name') add(probeHint(file, resource, container, probe));
      }
    }
    for (const port of [...(resource.networkPolicy?.ingressPorts ?? []), ...(resource.networkPolicy?.egressPorts ?? [])]) {
      if (within(port.port?.span) && port.port.kind === 'name') add(policyHint(graph, file, resource, port, options));
    }
  }
  return hints;
}

/** `→ web:8080 ✓` after a targetPort (or after `port` where targetPort is omitted); `= 8080 → web ✓` after a named one. */
function targetHint(graph: PortGraph, file: ParsedFile, service: Resource, servicePort: ServicePort, options: GraphOptions): InlayHint | undefined {
  const target = (servicePort.targetPort ?? servicePort.port)!;
  const chains = chainsOfServicePort(graph, service, servicePort, options);
  const ends = new Map<Resource, { state: LinkState; port: number | undefined; uri: string; span: Span | undefined }>();
  let unreached: Chain | undefined;
  for (const chain of chains) {
    if (!chain.workload) {
      unreached ??= chain;
      continue;
    }
    if (ends.has(chain.workload)) continue;
    const start = chain.hops.findIndex((hop) => hop.role === 'target');
    const tail = chain.hops.slice(start + 1);
    const containerHop = tail.find((hop) => hop.role === 'container');
    ends.set(chain.workload, { state: chainState(tail), port: containerHop?.port, uri: chain.workload.uri, span: containerHop?.span });
  }
  const parts: InlayHintLabelPart[] = [];
  if (ends.size === 0) {
    // Pods outside the workspace are no news; a selector that matches nothing is.
    if (!unreached || chainState(unreached.hops) !== 'broken') return undefined;
    parts.push({ value: '→ no pods ✗' });
  } else {
    const numbers = new Set([...ends.values()].map((end) => end.port));
    const named = target.kind === 'name' && numbers.size === 1 && !numbers.has(undefined);
    parts.push({ value: named ? `= ${[...numbers][0]} → ` : '→ ' });
    let count = 0;
    for (const [workload, end] of ends) {
      if (count === NAMED_WORKLOADS) {
        parts.push({ value: `, +${ends.size - NAMED_WORKLOADS} more` });
        break;
      }
      if (count > 0) parts.push({ value: ', ' });
      const label = `${workload.name?.value ?? workload.kind}${named ? '' : `:${end.port ?? portText(target)}`}`;
      const endFile = graph.file(end.uri);
      parts.push(endFile && end.span ? { value: label, location: { uri: end.uri, range: rangeOf(endFile, end.span) } } : { value: label });
      parts.push({ value: ` ${stateMark(end.state)}` });
      count++;
    }
  }
  return hint(file, target.span, joinParts(parts), tooltipOf(chains, servicePort.targetPort ? undefined : 'targetPort is omitted, so it equals port.'));
}

/** `→ 3005` after a backend port (the targetPort it ends at), `= 80 → 3005` after a backend port name; ` ✗` where the chain breaks further on. */
function backendHint(graph: PortGraph, file: ParsedFile, resource: Resource, backend: Backend, options: GraphOptions): InlayHint | undefined {
  const reached = resolveBackendService(graph, resource, backend).services.flatMap((service) => {
    const servicePort = resolveBackendPort(service, backend.port).servicePort;
    return servicePort ? [{ service, servicePort }] : [];
  });
  // A backend that reaches no Service port has a diagnostic that says so; the hint has nothing to add.
  if (reached.length === 0) return undefined;
  const chains = chainsFromBackend(graph, { resource, backend }, options);
  const targets = new Set<string>();
  for (const { service, servicePort } of reached) {
    const target = servicePort.targetPort ?? servicePort.port;
    if (target?.kind !== 'name') {
      targets.add(writtenPortText(graph, service.uri, target));
      continue;
    }
    // A named targetPort ends at the number each selected container gives that name.
    const numbers = chains.filter((chain) => chain.servicePort === servicePort).flatMap((chain) => chain.hops.filter((hop) => hop.role === 'container' && hop.port !== undefined).map((hop) => String(hop.port)));
    if (numbers.length === 0) targets.add(target.name);
    for (const number of numbers) targets.add(number);
  }
  const names = backend.port!.kind === 'name' ? [...new Set(reached.map(({ service, servicePort }) => writtenPortText(graph, service.uri, servicePort.port)))] : [];
  const broken = chains.some((chain) => chainState(chain.hops) === 'broken');
  const label = `${names.length > 0 ? `= ${names.join(', ')} ` : ''}→ ${[...targets].join(', ')}${broken ? ' ✗' : ''}`;
  return hint(file, backend.port!.span, label, tooltipOf(chains));
}

/** `= 8080` after a probe's port name: the number the container gives it. */
function probeHint(file: ParsedFile, workload: Resource, container: Container, probe: Probe): InlayHint | undefined {
  const name = probe.port.kind === 'name' ? probe.port.name : undefined;
  const port = container.ports.find((candidate) => candidate.name?.value === name);
  if (!port || port.containerPort?.kind !== 'number') return undefined;
  const tooltip = `${probe.kind}Probe port ${name} is containerPort ${port.containerPort.number} of container ${container.name?.value ?? '?'} of ${workload.kind} ${workload.name?.value ?? '(unnamed)'}`;
  return hint(file, probe.port.span, [{ value: `= ${port.containerPort.number}`, location: { uri: workload.uri, range: rangeOf(file, port.containerPort.span) } }], tooltip);
}

/** `= 8080` after a NetworkPolicy port name, where every selected pod that has the name gives it the same number. */
function policyHint(graph: PortGraph, file: ParsedFile, policy: Resource, entry: NetworkPolicyPort, options: GraphOptions): InlayHint | undefined {
  const selection = policyPortExposure(graph, policy, entry, options);
  const numbers = new Set(selection.workloads.flatMap((exposure) => exposure.matches.map((ref) => (ref.port.containerPort?.kind === 'number' ? ref.port.containerPort.number : undefined))));
  if (numbers.size !== 1 || numbers.has(undefined)) return undefined;
  const holders = selection.workloads.filter((exposure) => exposure.matches.length > 0).map((exposure) => `${exposure.workload.kind} ${exposure.workload.name?.value ?? '(unnamed)'}`);
  return hint(file, entry.port!.span, `= ${[...numbers][0]}`, `port ${portText(entry.port)} is containerPort ${[...numbers][0]} of ${holders.join(', ')}`);
}

function hint(file: ParsedFile, after: Span, label: string | InlayHintLabelPart[], tooltip: string): InlayHint {
  const position: Position = positionOf(file, after.end);
  return { position, label, paddingLeft: true, tooltip };
}

/** Adjacent plain parts as one, so a hint without locations is a plain string. */
function joinParts(parts: InlayHintLabelPart[]): string | InlayHintLabelPart[] {
  if (parts.every((part) => !part.location)) return parts.map((part) => part.value).join('');
  const joined: InlayHintLabelPart[] = [];
  for (const part of parts) {
    const last = joined[joined.length - 1];
    if (last && !last.location && !part.location) last.value += part.value;
    else joined.push({ ...part });
  }
  return joined;
}

/** The chains as one-liners, the first problem of each broken one under it. */
function tooltipOf(chains: readonly Chain[], note?: string): string {
  const lines: string[] = note ? [note] : [];
  for (const chain of chains.slice(0, TOOLTIP_CHAINS)) {
    lines.push(chainLine(chain));
    const problem = chain.hops.find((hop) => hop.state === 'broken' && hop.problem)?.problem;
    if (problem) lines.push(`  ${problem}`);
  }
  if (chains.length > TOOLTIP_CHAINS) lines.push(`…and ${chains.length - TOOLTIP_CHAINS} more`);
  return lines.join('\n');
}
