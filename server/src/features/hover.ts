// Hover: the chain through the port, name, selector or backend under the cursor, drawn hop by hop
// with a ✓ / ✗ / ? per link, the file and line of every hop, what to do about a broken one, and
// the `kubectl port-forward` command that checks the hop under the cursor.

import { MarkupKind, type Hover, type Position } from 'vscode-languageserver';
import type { Project } from '../analysis/project';
import { ruleOptionsOf } from '../analysis/settings';
import { bindPorts, parsePortNumber } from '../graph/bindPorts';
import {
  chainsThrough,
  chainState,
  policyPortExposure,
  portForwardCommand,
  portText,
  selectionOf,
  servicePortForwardCommand,
  stateMark,
  workloadPortForwardCommand,
  workloadsReading,
  writtenPortText,
  type Chain,
  type Hop,
  type PolicyPortExposure,
} from '../graph/chain';
import { originOf } from '../graph/helm';
import type { GraphOptions, LinkState } from '../graph/links';
import { nodeAt, type PortNode } from '../graph/nodes';
import { namespaceKey, type PortGraph } from '../graph/portGraph';
import { embeddedSuffix } from '../rules/types';
import type { Container, EnvVar, Located, NetworkPolicyPort, PortValue, Resource, Span, ValueOrigin } from '../model/types';
import { offsetOf, positionOf, rangeOf } from './convert';

/** How the card names a file: its path relative to the workspace folder (the Project's `where`). */
type Where = (uri: string) => string;

/** How many chains (or selected workloads, or entries) a card draws before it says "…and N more". */
export const DRAWN_CHAINS = 4;

/** The hover card for the chain node at `position` of `uri`; null where the cursor is on no node. */
export function hover(project: Project, uri: string, position: Position): Hover | null {
  const where: Where = (target) => project.where(target);
  const graph = project.graph;
  const file = graph.file(uri);
  if (!file) return null;
  const node = nodeAt(graph, uri, offsetOf(file, position));
  if (!node) return null;
  const options = ruleOptionsOf(project.settings);
  const card = node.kind === 'network-policy-port' ? policyCard(graph, node.resource, node.port, options, where) : chainCard(graph, node, options, where);
  if (card === undefined) return null;
  return { contents: { kind: MarkupKind.Markdown, value: card }, range: rangeOf(file, node.span) };
}

// ---------------------------------------------------------------------------------------------
// The chain card

function chainCard(graph: PortGraph, node: Exclude<PortNode, { kind: 'network-policy-port' }>, options: GraphOptions, where: Where): string | undefined {
  const heading = headingOf(graph, node, options, where);
  if (heading === undefined) return undefined;
  const chains = chainsThrough(graph, node, options);
  const lines = [...heading, ''];
  if (chains.length === 0) {
    lines.push(node.kind === 'service-name' || node.kind === 'service-selector' ? 'The Service declares no ports, so no chain runs through it.' : 'No chain runs through here.');
  } else {
    lines.push(statusLine(chains), '', ...drawChains(graph, chains, where));
  }
  const command = commandFor(graph, node, chains, options);
  if (command) lines.push('', '```sh', command, '```');
  return lines.join('\n');
}

/** What is under the cursor, in a line or two; undefined where the node is no part of a chain (an env var that sets no listening port). */
function headingOf(graph: PortGraph, node: Exclude<PortNode, { kind: 'network-policy-port' }>, options: GraphOptions, where: Where): string[] | undefined {
  const resource = node.resource;
  switch (node.kind) {
    case 'backend-service':
    case 'backend-port': {
      const port = node.backend.port ? ` port ${writtenPort(graph, resource, node.backend.port)}` : '';
      return [`**${md(describe(resource))}** backend: Service ${md(node.backend.serviceName.value)}${md(port)}`, ...originLines(graph, node.kind === 'backend-port' ? node.backend.port : node.backend.serviceName, where)];
    }
    case 'service-name':
    case 'service-selector': {
      const spec = resource.service!;
      const selection = selectionOf(graph, resource);
      const selects =
        spec.type === 'ExternalName'
          ? `forwards to ${spec.externalName?.value ?? 'an external name'}`
          : !spec.selector
            ? 'has no selector: its Endpoints are managed elsewhere'
            : selection.workloads.length > 0
              ? `selects ${listed(selection.workloads.map(describe))}`
              : selection.state === 'broken'
                ? 'selects no pod template in this namespace'
                : 'selects pods that are not in the workspace';
      return [`**${md(describe(resource))}** (${md(spec.type)}) ${md(selects)}`];
    }
    case 'service-port': {
      const { servicePort, field } = node;
      const value = field === 'name' ? servicePort.name?.value : writtenPort(graph, resource, servicePort[field]);
      const context = field === 'port' ? '' : ` of port ${writtenPort(graph, resource, servicePort.port)}${servicePort.name ? ` (${servicePort.name.value})` : ''}`;
      return [`**${md(describe(resource))}** ${field === 'name' ? 'port name' : field} ${md(value ?? '?')}${md(context)}`, ...originLines(graph, servicePort[field], where)];
    }
    case 'container-port': {
      const { port, field } = node;
      const value = field === 'name' ? port.name?.value : writtenPort(graph, resource, port[field]);
      const lines = [`**${md(containerOf(resource, node.container))}** ${field === 'name' ? 'port name' : field} ${md(value ?? '?')}`, ...originLines(graph, port[field], where)];
      if (field === 'hostPort') lines.push('', '_hostPort opens the port on the one node the pod runs on and moves with the pod; a Service is the usual way in._');
      return lines;
    }
    case 'probe-port': {
      const { probe, container } = node;
      const name = probe.port.kind === 'name' ? probe.port.name : undefined;
      const named = name === undefined ? undefined : container.ports.find((port) => port.name?.value === name);
      const resolved = name === undefined ? '' : named ? ` = ${writtenPort(graph, resource, named.containerPort)}` : ` (no port of container ${container.name?.value ?? '?'} is named ${name})`;
      return [`**${md(containerOf(resource, container))}** ${probe.kind}Probe ${probe.handler} port ${md(writtenPort(graph, resource, probe.port))}${md(resolved)}`];
    }
    case 'env-var': {
      if (!options.bindPortEnvNames.includes(node.env.name.value)) return undefined;
      return [`**${md(containerOf(resource, node.container))}** env ${md(node.env.name.value)}: the port its process binds`, '', originOfEnv(graph, resource, node.env, where)];
    }
    case 'pod-labels':
      return [`**${md(describe(resource))}** pod labels`];
    case 'config-entry': {
      const readers = bindReaders(graph, resource, node.entry.key.value, options);
      if (readers.length === 0) return undefined;
      const value = parsePortNumber(node.entry.value);
      const lines = [`**${md(describe(resource))}** key ${md(node.entry.key.value)}${value !== undefined ? ` = ${value}` : ''}`, ''];
      for (const reader of readers.slice(0, DRAWN_CHAINS)) {
        lines.push(`- read as ${md(reader.envName)} by ${md(containerOf(reader.workload, reader.container))} · ${link(graph, reader.workload.uri, reader.span, where)}`);
      }
      if (readers.length > DRAWN_CHAINS) lines.push(`- …and ${readers.length - DRAWN_CHAINS} more`);
      return lines;
    }
  }
}

/** Where an env var's value comes from: a literal, or a ConfigMap or Secret key (and whether that is in the workspace). */
function originOfEnv(graph: PortGraph, workload: Resource, env: EnvVar, where: Where): string {
  const ref = env.configMapKeyRef ?? env.secretKeyRef;
  if (!ref) {
    if (!env.value) return env.valueUnknown ? 'Its value comes from a ConfigMap or Secret that a template names, so the workspace cannot tell the port.' : 'It has no value.';
    const written = graph.file(workload.uri)?.text.slice(env.value.span.start, env.value.span.end) ?? env.value.value;
    return env.valueUnknown ? `Its value ${md(written)} is computed, so the workspace cannot tell the port.` : `Its value is written here: ${md(env.value.value)}.`;
  }
  const source = env.configMapKeyRef ? 'configMap' : 'secret';
  const kind = source === 'configMap' ? 'ConfigMap' : 'Secret';
  const found = graph.configEntry(source, namespaceKey(workload), ref.name.value, ref.key.value, workload.uri);
  const from = `key ${md(ref.key.value)} of ${kind} ${md(ref.name.value)}`;
  if (!found) return `Its value comes from ${from}, which is not in the workspace${ref.optional ? ' (the ref is optional)' : ''}.`;
  if (!found.entry) return `Its value comes from ${from}, but ${kind} ${md(ref.name.value)} (${link(graph, found.resource.uri, found.resource.name?.span ?? found.resource.kindSpan, where)}) has no key ${md(ref.key.value)}.`;
  const port = parsePortNumber(found.entry.value);
  // A Secret's value is shown only where it is a port number, which is no secret.
  const value = port !== undefined ? `: ${port}` : found.entry.value === undefined ? ' (a value the workspace cannot read)' : ' (not a port number)';
  return `Its value comes from ${from}${value} · ${link(graph, found.resource.uri, found.entry.valueSpan, where)}`;
}

interface BindReader {
  workload: Resource;
  container: Container;
  envName: string;
  span: Span;
}

/** The containers that read a ConfigMap or Secret key into an env var that sets the port their process binds. */
function bindReaders(graph: PortGraph, config: Resource, key: string, options: GraphOptions): BindReader[] {
  const source = config.config!.source;
  const name = config.name?.value;
  const readers: BindReader[] = [];
  for (const { workload, container } of workloadsReading(graph, config, key)) {
    for (const env of container.env) {
      const ref = source === 'configMap' ? env.configMapKeyRef : env.secretKeyRef;
      if (ref && ref.name.value === name && ref.key.value === key && options.bindPortEnvNames.includes(env.name.value)) readers.push({ workload, container, envName: env.name.value, span: env.span });
    }
    for (const from of container.envFrom) {
      if (from.source === source && from.name.value === name && options.bindPortEnvNames.includes(from.prefix + key)) readers.push({ workload, container, envName: from.prefix + key, span: from.span });
    }
  }
  return readers;
}

/** `2 chains · ✗ 1 broken link · ? 1 unknown link`, or `✓ every link holds`. */
function statusLine(chains: readonly Chain[]): string {
  const broken = new Set<string>();
  const unknown = new Set<string>();
  for (const chain of chains) {
    for (const hop of chain.hops) {
      if (hop.state === 'broken') broken.add(hopKey(hop));
      else if (hop.state === 'unknown') unknown.add(hopKey(hop));
    }
  }
  const parts = chains.length > 1 ? [`${chains.length} chains`] : [];
  if (broken.size > 0) parts.push(`✗ ${plural(broken.size, 'broken link')}`);
  if (unknown.size > 0) parts.push(`? ${plural(unknown.size, 'unknown link')}`);
  if (broken.size === 0 && unknown.size === 0) parts.push('✓ every link holds');
  return parts.join(' · ');
}

/** The `kubectl port-forward` command that checks the hop under the cursor. */
function commandFor(graph: PortGraph, node: Exclude<PortNode, { kind: 'network-policy-port' }>, chains: readonly Chain[], options: GraphOptions): string | undefined {
  switch (node.kind) {
    case 'service-name':
    case 'service-selector':
      return servicePortForwardCommand(node.resource);
    case 'service-port':
      return servicePortForwardCommand(node.resource, [node.servicePort]);
    case 'backend-service':
    case 'backend-port': {
      const chain = chains.find((candidate) => candidate.service && candidate.servicePort);
      return chain ? servicePortForwardCommand(chain.service!, [chain.servicePort!]) : undefined;
    }
    case 'container-port': {
      const containerPort = node.port.containerPort;
      return workloadPortForwardCommand(node.resource, containerPort?.kind === 'number' ? containerPort.number : undefined);
    }
    case 'probe-port': {
      const port = node.probe.port;
      const number = port.kind === 'number' ? port.number : port.kind === 'name' ? numberOfContainerPort(node.container, port.name) : undefined;
      return workloadPortForwardCommand(node.resource, number);
    }
    case 'env-var': {
      const bind = bindPorts(graph, node.resource, node.container, options.bindPortEnvNames).find((candidate) => candidate.label === node.env.name.value);
      return workloadPortForwardCommand(node.resource, bind?.port);
    }
    case 'config-entry': {
      const reader = bindReaders(graph, node.resource, node.entry.key.value, options)[0];
      return reader ? workloadPortForwardCommand(reader.workload, parsePortNumber(node.entry.value)) : undefined;
    }
    case 'pod-labels':
      for (const chain of chains) {
        const command = portForwardCommand(chain);
        if (command) return command;
      }
      return undefined;
  }
}

function numberOfContainerPort(container: Container, name: string): number | undefined {
  const port = container.ports.find((candidate) => candidate.name?.value === name)?.containerPort;
  return port?.kind === 'number' ? port.number : undefined;
}

// ---------------------------------------------------------------------------------------------
// Drawing chains
//
// Chains through one Service port share everything up to the Service, and chains into several
// workloads share everything up to the targetPort. So a card draws, per Service port, the
// entries that reach it (each on a line of its own), then the hops from the Service on as a
// tree: a run of hops stays flat, and where the chains part, each branch is indented under the
// hop they part at.

interface Branch {
  hop: Hop;
  key: string;
  children: Branch[];
}

interface Group {
  entries: Hop[];
  entryKeys: Set<string>;
  root: Branch;
}

/** Markdown lines drawing the chains: at most DRAWN_CHAINS distinct paths from the Service on, broken ones first. */
function drawChains(graph: PortGraph, chains: readonly Chain[], where: Where): string[] {
  const paths = new Map<string, { entries: Hop[]; rest: Hop[]; order: number }>();
  for (const chain of chains) {
    const split = Math.max(0, chain.hops.findIndex((hop) => hop.role === 'service'));
    const rest = chain.hops.slice(split);
    const key = rest.map(hopKey).join('\u0001');
    const path = paths.get(key);
    if (path) path.entries.push(...chain.hops.slice(0, split));
    else paths.set(key, { entries: chain.hops.slice(0, split), rest, order: paths.size });
  }
  const severity: Record<LinkState, number> = { broken: 0, unknown: 1, ok: 2 };
  const drawn = [...paths.values()]
    .sort((a, b) => severity[chainState(a.rest)] - severity[chainState(b.rest)] || a.order - b.order)
    .slice(0, DRAWN_CHAINS)
    .sort((a, b) => a.order - b.order);
  const groups = new Map<string, Group>();
  for (const path of drawn) {
    const rootKey = hopKey(path.rest[0]);
    let group = groups.get(rootKey);
    if (!group) {
      group = { entries: [], entryKeys: new Set(), root: { hop: path.rest[0], key: rootKey, children: [] } };
      groups.set(rootKey, group);
    }
    for (const entry of path.entries) {
      const key = hopKey(entry);
      if (group.entryKeys.has(key)) continue;
      group.entryKeys.add(key);
      group.entries.push(entry);
    }
    let branch = group.root;
    for (const hop of path.rest.slice(1)) {
      const key = hopKey(hop);
      let child = branch.children.find((candidate) => candidate.key === key);
      if (!child) {
        child = { hop, key, children: [] };
        branch.children.push(child);
      }
      branch = child;
    }
  }
  const lines: string[] = [];
  for (const group of groups.values()) {
    if (lines.length > 0) lines.push('', '---', '');
    for (const entry of group.entries.slice(0, DRAWN_CHAINS)) pushHop(lines, graph, entry, 0, false, where);
    if (group.entries.length > DRAWN_CHAINS) lines.push(`- …and ${group.entries.length - DRAWN_CHAINS} more ${group.entries.length - DRAWN_CHAINS === 1 ? 'entry' : 'entries'}`);
    pushHop(lines, graph, group.root.hop, 0, group.entries.length > 0, where);
    pushBranches(lines, graph, group.root.children, 0, where);
  }
  if (paths.size > drawn.length) lines.push('', `…and ${plural(paths.size - drawn.length, 'more chain')}`);
  return lines;
}

function pushBranches(lines: string[], graph: PortGraph, branches: readonly Branch[], depth: number, where: Where): void {
  if (branches.length === 1) {
    pushHop(lines, graph, branches[0].hop, depth, true, where);
    pushBranches(lines, graph, branches[0].children, depth, where);
    return;
  }
  for (const branch of branches) {
    pushHop(lines, graph, branch.hop, depth + 1, true, where);
    pushBranches(lines, graph, branch.children, depth + 2, where);
  }
}

/** `- ✓ → **Service web** port 80 · [service.yaml:7](file:///…#L7)`, and its problem in italics under it. */
function pushHop(lines: string[], graph: PortGraph, hop: Hop, depth: number, arrow: boolean, where: Where): void {
  const indent = '  '.repeat(depth);
  const place = hop.uri && hop.span ? ` · ${link(graph, hop.uri, hop.span, where)}` : '';
  const origin = hop.origin ? ` · ${originText(graph, hop.origin, where)}` : '';
  lines.push(`${indent}- ${stateMark(hop.state)} ${arrow ? '→ ' : ''}**${md(unmasked(hop.label))}** ${md(unmasked(hop.value))}${place}${origin}`);
  if (hop.problem) lines.push(`${indent}  - _${md(unmasked(hop.problem))}_`);
}

function hopKey(hop: Hop): string {
  return `${hop.label}\u0000${hop.value}\u0000${hop.uri ?? ''}\u0000${hop.span?.start ?? ''}\u0000${hop.state}\u0000${hop.problem ?? ''}`;
}

// ---------------------------------------------------------------------------------------------
// The NetworkPolicy card

function policyCard(graph: PortGraph, policy: Resource, entry: NetworkPolicyPort, options: GraphOptions, where: Where): string {
  const selection = policyPortExposure(graph, policy, entry, options);
  const range = entry.endPort ? `${writtenPort(graph, policy, entry.port)}–${writtenPort(graph, policy, entry.endPort)}` : writtenPort(graph, policy, entry.port);
  const lines = [`**${md(describe(policy))}** allows ${selection.direction} to port ${md(range)}/${md(entry.protocol)}`, ''];
  if (selection.direction === 'egress') {
    lines.push('Egress ports are ports of whatever the selected pods connect to, so they are not checked against these pods.', '');
  }
  if (selection.workloads.length === 0) {
    lines.push(selection.state === 'broken' ? '✗ Its podSelector matches no pod template in this namespace: fix the selector or the pod labels.' : '? The pods it selects are not in the workspace.');
    return lines.join('\n');
  }
  if (selection.direction === 'ingress') {
    const exposing = selection.workloads.filter((exposure) => exposure.state === 'ok').length;
    lines.push(`${exposing} of ${plural(selection.workloads.length, 'selected workload')} ${exposing === 1 && selection.workloads.length === 1 ? 'exposes' : 'expose'} it`, '');
  } else {
    lines.push(`It selects ${plural(selection.workloads.length, 'workload')}:`, '');
  }
  for (const exposure of selection.workloads.slice(0, DRAWN_CHAINS)) lines.push(...exposureLines(graph, exposure, range, selection.direction, where));
  if (selection.workloads.length > DRAWN_CHAINS) lines.push(`- …and ${selection.workloads.length - DRAWN_CHAINS} more`);
  return lines.join('\n');
}

function exposureLines(graph: PortGraph, exposure: PolicyPortExposure, range: string, direction: 'ingress' | 'egress', where: Where): string[] {
  const { workload } = exposure;
  const declared = exposure.declared.map((ref) => describePort(ref.port)).join(', ') || 'none';
  if (direction === 'egress') return [`- **${md(describe(workload))}** · ${link(graph, workload.uri, workload.name?.span ?? workload.kindSpan, where)}`];
  const match = exposure.matches[0];
  const bind = exposure.binds[0];
  const what = match ? `containerPort ${describePort(match.port)}` : bind ? `binds ${bind.port} (${bind.description})` : `containerPorts ${declared}`;
  const span = match ? (match.port.containerPort?.span ?? match.port.span) : bind ? bind.span : (workload.name?.span ?? workload.kindSpan);
  const lines = [`- ${stateMark(exposure.state)} **${md(describe(workload))}** ${md(unmasked(what))} · ${link(graph, workload.uri, span, where)}`];
  if (exposure.state === 'broken') lines.push(`  - _${md(unmasked(`No container of ${describe(workload)} declares ${range}: its containerPorts are ${declared}.`))}_`);
  else if (exposure.state === 'unknown') lines.push(`  - _${md(exposure.declared.length === 0 ? 'Its containers declare no ports, so only the running process can tell.' : 'The workspace cannot tell which ports it listens on.')}_`);
  return lines;
}

function describePort(port: { containerPort?: { kind: string; number?: number; name?: string; text?: string }; name?: { value: string }; protocol: string }): string {
  return `${portText(port.containerPort)}${port.name ? ` (${port.name.value})` : ''}${port.protocol !== 'TCP' ? `/${port.protocol}` : ''}`;
}

// ---------------------------------------------------------------------------------------------
// Text

/** `[service.yaml:7](file:///ws/service.yaml#L7)`: a link that opens the file at that line (VS Code reads `#L7`). */
function link(graph: PortGraph, uri: string, span: Span, where: Where): string {
  const file = graph.file(uri);
  const line = file ? positionOf(file, span.start).line + 1 : 1;
  // Spaces and parentheses would end a Markdown link target; URIs from editors are already percent-encoded otherwise.
  const target = `${uri}#L${line}`.replace(/[ ()]/g, (c) => (c === ' ' ? '%20' : c === '(' ? '%28' : '%29'));
  return `[${md(`${where(uri)}:${line}`)}](${target})`;
}

/**
 * Where a value a chart's template resolved comes from: `from values.yaml: service.port` with a
 * link to the entry, or the action's own `default` where values.yaml leaves it unset.
 */
function originText(graph: PortGraph, origin: ValueOrigin, where: Where): string {
  if (origin.fallback) return `the template's default, as values.yaml leaves ${md(origin.path)} unset ${link(graph, origin.uri, origin.span, where)}`;
  return `from values.yaml: ${md(origin.path)} ${link(graph, origin.uri, origin.span, where)}`;
}

/** The line under a heading that says where the hovered value comes from, where a template resolved it. */
function originLines(graph: PortGraph, value: PortValue | Located<unknown> | undefined, where: Where): string[] {
  const origin = originOf(value);
  return origin ? ['', `Its value is ${originText(graph, origin, where)}`] : [];
}

/** Escapes the characters Markdown would read as formatting in names and values. */
function md(text: string): string {
  return text.replace(/[\\`*_[\]<>|~]/g, '\\$&');
}

/** A port as the file writes it: template actions as themselves, not as the model's blanked-out text. */
function writtenPort(graph: PortGraph, resource: Resource, port: PortValue | undefined): string {
  return writtenPortText(graph, resource.uri, port);
}

/** The model reads a template action as a run of `_` of the same length; a card shows `{{…}}` instead. */
function unmasked(text: string): string {
  return text.replace(/_{5,}/g, '{{…}}');
}

function describe(resource: Resource): string {
  return `${resource.kind} ${resource.name?.value ?? resource.templatedName ?? (resource.templated ? '{{…}}' : '(unnamed)')}${embeddedSuffix(resource)}`;
}

function containerOf(workload: Resource, container: Container): string {
  return `${describe(workload)} / container ${container.name?.value ?? '?'}`;
}

function listed(items: readonly string[]): string {
  return items.length <= DRAWN_CHAINS ? items.join(', ') : `${items.slice(0, DRAWN_CHAINS).join(', ')} and ${items.length - DRAWN_CHAINS} more`;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
