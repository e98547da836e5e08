// Where traffic enters at the Service: node-port-range, node-port-conflict, node-port-type,
// traffic-policy. Node ports are cluster-wide, so these rules look across namespaces.

import { originNote, originOf, valuePlace } from '../graph/helm';
import { inSameBuild } from '../graph/kustomize';
import { namespaceKey } from '../graph/portGraph';
import { sharesUnit } from '../graph/units';
import type { Resource, ServicePort, Span } from '../model/types';
import { describe, type FixHint, type RuleContext, type RuleFamily } from './types';

/** The Service types without node ports or external traffic. */
const INTERNAL_TYPES = new Set(['ClusterIP', 'ExternalName']);

/** Removed in Kubernetes 1.8 in favour of spec.externalTrafficPolicy. */
const EXTERNAL_TRAFFIC_ANNOTATION = 'service.beta.kubernetes.io/external-traffic';

interface NodePortUse {
  service: Resource;
  servicePort: ServicePort;
  number: number;
  span: Span;
}

export const nodePortRules: RuleFamily = (context) => {
  const uses: NodePortUse[] = [];
  const services: Resource[] = [];
  for (const service of context.graph.resources()) {
    // A rendered bundle's copy of a Service is one with its source, which speaks for both.
    if (service.service && context.graph.copiesOf(service).reporter !== service) continue;
    if (!service.service) continue;
    services.push(service);
    for (const servicePort of service.service.ports) {
      const nodePort = servicePort.nodePort;
      // 0 asks the cluster to allocate one, like leaving the field out.
      if (nodePort?.kind === 'number' && nodePort.number !== 0) uses.push({ service, servicePort, number: nodePort.number, span: nodePort.span });
    }
  }
  const taken = new Set(uses.map((use) => use.number));
  const types = new TypeLookup(services);

  // Each out-of-range nodePort is offered a port of its own, so that fixing them all adds no conflict.
  const offered = new Set(taken);
  for (const use of uses) checkRange(context, use, offered);
  checkConflicts(context, uses, taken);
  for (const use of uses) checkType(context, use, types);
  for (const service of services) checkTrafficPolicy(context, service, types);
};

// ---------------------------------------------------------------------------------------------
// node-port-range

function checkRange(context: RuleContext, use: NodePortUse, taken: Set<number>): void {
  const [low, high] = context.options.nodePortRange;
  if (use.number >= low && use.number <= high) return;
  const fixes: FixHint[] = [];
  const free = lowestFreePort(context, taken);
  if (free !== undefined) taken.add(free);
  // A value from a chart's values.yaml is moved there; the template keeps its action.
  const nodePort = use.servicePort.nodePort;
  const origin = originOf(nodePort);
  if (free !== undefined) fixes.push({ title: origin ? `Set ${origin.path} to ${free}` : `Move nodePort to ${free}`, edits: [{ ...(nodePort ? valuePlace(use.service.uri, nodePort) : { uri: use.service.uri, span: use.span }), newText: String(free) }], preferred: true });
  const removal = origin ? undefined : removeLine(context, use.service.uri, use.span, 'nodePort');
  if (removal) fixes.push({ title: 'Remove nodePort: let the cluster allocate one', edits: [removal] });
  context.report({
    rule: 'node-port-range',
    uri: use.service.uri,
    span: use.span,
    message: `${describe(use.service)} ${portLabel(use.servicePort)} asks for nodePort ${use.number}${originNote(nodePort, context.where)}, outside the node port range ${low}–${high}: the API server rejects it`,
    fixes,
  });
}

/** The lowest port of the node port range that no Service of the workspace uses. */
function lowestFreePort(context: RuleContext, taken: Set<number>): number | undefined {
  const [low, high] = context.options.nodePortRange;
  for (let port = low; port <= high; port++) if (!taken.has(port)) return port;
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// node-port-conflict

function checkConflicts(context: RuleContext, uses: NodePortUse[], taken: Set<number>): void {
  const groups = new Map<string, NodePortUse[]>();
  for (const use of uses) {
    // A template may never render its Service, and its name and namespace are often computed.
    if (use.service.templated || !use.service.name) continue;
    // The API server allocates node ports by number across the cluster: one Service may use a
    // number for TCP and UDP at once, but no other Service may use it with any protocol.
    const key = String(use.number);
    const group = groups.get(key);
    if (group) group.push(use);
    else groups.set(key, [use]);
  }
  for (const group of groups.values()) {
    if (new Set(group.map(identity)).size < 2) continue;
    for (const use of group) {
      // Two kustomize builds (overlays) are applied to different clusters as often as to one.
      const seen = new Set<string>();
      const others = group.filter((other) => {
        // Copies of one file in several builds are one place to name.
        const place = `${other.service.uri}\u0000${other.span.start}`;
        // Services of unrelated units (two examples, two environments' folders) are not applied to one cluster together.
        if (identity(other) === identity(use) || !inSameBuild(use.service, other.service) || !sharesUnit(use.service, other.service) || seen.has(place)) return false;
        seen.add(place);
        return true;
      });
      if (others.length === 0) continue;
      const free = lowestFreePort(context, taken);
      context.report({
        rule: 'node-port-conflict',
        uri: use.service.uri,
        span: use.span,
        message: `${describe(use.service)} ${portLabel(use.servicePort)} asks for nodePort ${use.number}, which ${others.map((other) => `${describe(other.service)} (${context.where(other.service.uri)})`).join(', ')} also uses: a node port number belongs to one Service across the cluster, whatever the protocol, so the second one is rejected`,
        related: others.map((other) => ({ uri: other.service.uri, span: other.span, message: `nodePort ${other.number}/${other.servicePort.protocol} of ${describe(other.service)}` })),
        fixes: free === undefined ? [] : [{ title: `Move nodePort to ${free}`, edits: [{ uri: use.service.uri, span: use.span, newText: String(free) }] }],
      });
    }
  }
}

/**
 * Who a Service is in the cluster: namespace and name. An absent namespace is taken as
 * `default`, so a Service written both ways (or in two overlays) is one Service, not a conflict.
 */
function identity(use: NodePortUse): string {
  return `${namespaceKey(use.service) || 'default'}/${use.service.name?.value}`;
}

// ---------------------------------------------------------------------------------------------
// node-port-type

function checkType(context: RuleContext, use: NodePortUse, types: TypeLookup): void {
  const type = types.internalType(use.service);
  if (!type) return;
  const spec = use.service.service!;
  const fixes: FixHint[] = [];
  const removal = removeLine(context, use.service.uri, use.span, 'nodePort');
  if (removal) fixes.push({ title: 'Remove nodePort', edits: [removal], preferred: true });
  if (spec.typeSpan && type === 'ClusterIP') fixes.push({ title: 'Set type to NodePort', edits: [{ uri: use.service.uri, span: spec.typeSpan, newText: 'NodePort' }] });
  context.report({
    rule: 'node-port-type',
    uri: use.service.uri,
    span: use.span,
    message: `${describe(use.service)} ${portLabel(use.servicePort)} sets nodePort ${use.number}, but its type is ${type}${spec.typeSpan ? '' : ' (the default)'}: only NodePort and LoadBalancer Services have node ports`,
    fixes,
  });
}

// ---------------------------------------------------------------------------------------------
// traffic-policy

function checkTrafficPolicy(context: RuleContext, service: Resource, types: TypeLookup): void {
  const spec = service.service!;
  const policy = spec.externalTrafficPolicy;
  if (policy) {
    const type = types.internalType(service);
    // A ClusterIP Service with externalIPs takes external traffic too, so the policy applies.
    if (type && !(type === 'ClusterIP' && hasExternalIPs(context, service))) {
      const removal = removeLine(context, service.uri, policy.span, 'externalTrafficPolicy');
      context.report({
        rule: 'traffic-policy',
        uri: service.uri,
        span: policy.span,
        message: `${describe(service)} sets externalTrafficPolicy: ${policy.value}, but its type is ${type}${spec.typeSpan ? '' : ' (the default)'}: only NodePort and LoadBalancer Services have external traffic, and the API server rejects the field elsewhere`,
        fixes: removal ? [{ title: 'Remove externalTrafficPolicy', edits: [removal], preferred: true }] : [],
      });
    }
  }

  checkHealthCheckNodePort(context, service);

  const annotation = service.annotations.get(EXTERNAL_TRAFFIC_ANNOTATION);
  if (annotation === undefined) return;
  const key = findAnnotationKey(context, service);
  const field = annotation === 'OnlyLocal' ? 'Local' : 'Cluster';
  const fixes: FixHint[] = [];
  const removal = key && removeLine(context, service.uri, key, undefined);
  if (removal && field === 'Cluster') {
    fixes.push({ title: `Remove the ${EXTERNAL_TRAFFIC_ANNOTATION} annotation (Cluster is the default)`, edits: [removal], preferred: true });
  } else if (removal && !policy && spec.typeSpan) {
    const insertion = insertLineAfter(context, service.uri, spec.typeSpan, 'type', `externalTrafficPolicy: ${field}`);
    if (insertion) fixes.push({ title: `Replace the annotation with externalTrafficPolicy: ${field}`, edits: [removal, insertion], preferred: true });
  }
  context.report({
    rule: 'traffic-policy',
    uri: service.uri,
    span: key ?? service.kindSpan,
    message: `${describe(service)} uses the annotation ${EXTERNAL_TRAFFIC_ANNOTATION}: ${annotation}, which Kubernetes 1.8 removed and ignores: ${field === 'Local' ? 'set spec.externalTrafficPolicy: Local instead' : 'remove it (Cluster is the default)'}`,
    fixes,
  });
}

/**
 * `healthCheckNodePort` is the node port a cloud load balancer checks to find the nodes with
 * local endpoints; the API server accepts it only on a LoadBalancer Service with
 * `externalTrafficPolicy: Local`. Judged on what this definition writes: type written, and a
 * policy written or (for a LoadBalancer) defaulted to Cluster.
 */
function checkHealthCheckNodePort(context: RuleContext, service: Resource): void {
  const spec = service.service!;
  const port = spec.healthCheckNodePort;
  if (!port || service.templated || !spec.typeSpan) return;
  const policy = spec.externalTrafficPolicy?.value;
  let why: string;
  if (spec.type !== 'LoadBalancer') why = `its type is ${spec.type}`;
  else if (policy !== 'Local') why = policy === undefined ? 'its externalTrafficPolicy is Cluster (the default)' : `its externalTrafficPolicy is ${policy}`;
  else return;
  context.report({
    rule: 'traffic-policy',
    uri: service.uri,
    span: port.span,
    message: `${describe(service)} sets healthCheckNodePort ${portTextOf(port)}, but ${why}: the API server accepts healthCheckNodePort only on a LoadBalancer Service with externalTrafficPolicy: Local, and rejects this one`,
  });
}

function portTextOf(port: { kind: string; number?: number; name?: string; text?: string }): string {
  return port.kind === 'number' ? String(port.number) : String(port.name ?? port.text);
}

/** The span of the deprecated annotation's key in the Service's text, if it can be found. */
function findAnnotationKey(context: RuleContext, service: Resource): Span | undefined {
  const text = context.graph.file(service.uri)?.text;
  if (text === undefined) return undefined;
  const pattern = /(["']?)service\.beta\.kubernetes\.io\/external-traffic\1\s*:/g;
  pattern.lastIndex = service.span.start;
  for (let match = pattern.exec(text); match && match.index < service.span.end; match = pattern.exec(text)) {
    const before = text.slice(lineStartOf(text, match.index), match.index);
    // A key is the first thing on its line, or follows `{` or `,` in a flow map; not a comment.
    if (/^\s*(-\s+)?$/.test(before) || /[{,]\s*$/.test(before)) {
      const quote = match[1].length;
      return { start: match.index, end: match.index + quote * 2 + EXTERNAL_TRAFFIC_ANNOTATION.length };
    }
  }
  return undefined;
}

function hasExternalIPs(context: RuleContext, service: Resource): boolean {
  const text = context.graph.file(service.uri)?.text;
  if (text === undefined) return true;
  return /(^|[\s{,])externalIPs\s*:/m.test(text.slice(service.service!.span.start, service.service!.span.end));
}

// ---------------------------------------------------------------------------------------------
// Service types

/**
 * Answers a Service's type where the workspace can tell it. A definition without `type:` may be
 * a kustomize patch or overlay of one that sets it, so another definition of the same Service
 * with an explicit type wins. In a template the type is unknown.
 */
class TypeLookup {
  private readonly explicit = new Map<string, string[]>();

  constructor(services: Resource[]) {
    for (const service of services) {
      if (!service.service!.typeSpan || !service.name) continue;
      const key = serviceIdentity(service);
      const list = this.explicit.get(key);
      if (list) list.push(service.service!.type);
      else this.explicit.set(key, [service.service!.type]);
    }
  }

  /** ClusterIP or ExternalName where the Service surely is one; undefined otherwise. */
  internalType(service: Resource): string | undefined {
    const spec = service.service!;
    // A template may render the field conditionally, or set the type in an action.
    if (service.templated) return undefined;
    if (spec.typeSpan) return INTERNAL_TYPES.has(spec.type) ? spec.type : undefined;
    if (!service.name) return undefined;
    const others = this.explicit.get(serviceIdentity(service)) ?? [];
    return others.every((type) => INTERNAL_TYPES.has(type)) ? 'ClusterIP' : undefined;
  }
}

function serviceIdentity(service: Resource): string {
  return `${namespaceKey(service) || 'default'}/${service.name?.value}`;
}

// ---------------------------------------------------------------------------------------------
// Text helpers

function portLabel(servicePort: ServicePort): string {
  const number = servicePort.port?.kind === 'number' ? String(servicePort.port.number) : undefined;
  if (servicePort.name) return number ? `port ${servicePort.name.value} (${number})` : `port ${servicePort.name.value}`;
  return number ? `port ${number}` : `port #${servicePort.index + 1}`;
}

function lineStartOf(text: string, offset: number): number {
  return Math.max(text.lastIndexOf('\n', offset - 1), text.lastIndexOf('\r', offset - 1)) + 1;
}

/**
 * An edit that deletes the whole block-style line holding `at` (a key's value, or with `key`
 * undefined the key itself), line break included. Undefined where the line holds more than that
 * one entry: a `- key:` item start or a flow map.
 */
function removeLine(context: RuleContext, uri: string, at: Span, key: string | undefined): { uri: string; span: Span; newText: string } | undefined {
  const text = context.graph.file(uri)?.text;
  if (text === undefined) return undefined;
  const start = lineStartOf(text, at.start);
  const before = text.slice(start, at.start);
  if (key === undefined ? !/^[ ]*$/.test(before) : !new RegExp(`^[ ]*${key}\\s*:\\s*$`).test(before)) return undefined;
  let end = at.end;
  while (end < text.length && text[end] !== '\n' && text[end] !== '\r') end++;
  // A key removed on its own must not leave its value (or a nested map) behind.
  if (key === undefined && !/^\s*:\s*[^\s{[]/.test(text.slice(at.end, end))) return undefined;
  if (text[end] === '\r' && text[end + 1] === '\n') end += 2;
  else if (end < text.length) end += 1;
  return { uri, span: { start, end }, newText: '' };
}

/** An edit that adds `line` below the block-style `key: value` line whose value is at `valueSpan`. */
function insertLineAfter(context: RuleContext, uri: string, valueSpan: Span, key: string, line: string): { uri: string; span: Span; newText: string } | undefined {
  const text = context.graph.file(uri)?.text;
  if (text === undefined) return undefined;
  const head = new RegExp(`^([ ]*(?:-[ ]+)?)${key}\\s*:\\s*$`).exec(text.slice(lineStartOf(text, valueSpan.start), valueSpan.start));
  if (!head) return undefined;
  let lineEnd = valueSpan.end;
  while (lineEnd < text.length && text[lineEnd] !== '\n' && text[lineEnd] !== '\r') lineEnd++;
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  return { uri, span: { start: lineEnd, end: lineEnd }, newText: `${eol}${' '.repeat(head[1].length)}${line}` };
}
