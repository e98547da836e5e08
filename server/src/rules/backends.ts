// Ingress and Gateway API route → Service: ingress-service-missing, ingress-port-mismatch,
// route-port-missing (a route's backendRef, or an Ingress backend, without a port). Each reads
// the backend's namespace (a backendRef's `namespace:`, else the resource's own) and says
// nothing where the workspace cannot tell.

import { originNote, originOf, valuePlace } from '../graph/helm';
import { resolveBackendPort, resolveBackendService, servingContainers, type BackendResolution } from '../graph/links';
import { nearestFirst, sharesUnit } from '../graph/units';
import { directoryOf, namespaceKey, namespaceLabel } from '../graph/portGraph';
import type { Backend, PortValue, Resource, ServicePort, Span } from '../model/types';
import { isPlaceholder } from '../model/yamlTree';
import { addDocumentAfter, type YamlMap } from './newObjects';
import { describe, type FixHint, type RelatedInformation, type RuleContext, type RuleFamily } from './types';

export const backendRules: RuleFamily = (context) => {
  for (const resource of context.subjects()) {
    const backends = resource.ingress?.backends ?? resource.route?.backends;
    if (!backends) continue;
    for (const backend of backends) {
      // A name another template syntax fills in (`${SERVICE}`, `{self.path.k8s}`) names nothing yet.
      if (isPlaceholder(backend.serviceName.value)) continue;
      if (resource.ingress && backend.portField === 'servicePort' && resource.apiVersion === 'networking.k8s.io/v1' && !resource.templated) {
        reportV1beta1Fields(context, resource, backend);
        continue;
      }
      const resolution = resolveBackendService(context.graph, resource, backend);
      if ((resource.route?.requiresPort && backend.port === undefined) || (resource.ingress && backend.portMissing)) reportMissingRoutePort(context, resource, backend, resolution);
      // A backendRef of weight 0 receives no requests, so where it leads breaks nothing.
      if (resource.route && hasZeroWeight(context, resource, backend)) continue;
      if (resolution.state === 'broken') reportMissingService(context, resource, backend, resolution);
      else if (resolution.state === 'ok') checkBackendPort(context, resource, backend, resolution.services);
    }
    // A mesh route (GAMMA) attaches to the Service whose requests it routes: it must exist, as a backend must.
    for (const parent of resource.route?.serviceParents ?? []) {
      if (isPlaceholder(parent.serviceName.value)) continue;
      const resolution = resolveBackendService(context.graph, resource, parent);
      if (resolution.state === 'broken') reportMissingService(context, resource, parent, resolution, true);
    }
  }
};

// ---------------------------------------------------------------------------------------------
// ingress-service-missing

function reportMissingService(context: RuleContext, from: Resource, backend: Backend, resolution: BackendResolution, parent = false): void {
  const name = backend.serviceName.value;
  const isRoute = from.route !== undefined;
  const elsewhere = resolution.elsewhere;

  const where = namespaceLabel(resolution.namespace);
  let message = parent
    ? `${describe(from)} is attached to Service ${name} (a parentRef of kind Service: a mesh route for requests to that Service), but ${where} has no Service ${name}, so the route applies to nothing`
    : `${describe(from)} sends to Service ${name}, but ${where} has no Service ${name}`;
  const fixes: FixHint[] = [];
  const related: RelatedInformation[] = [];

  const suggestion = closestServiceName(context, resolution.namespace, name, from.uri);
  if (suggestion) {
    message += `: did you mean ${suggestion.name} (${context.where(suggestion.service.uri)})?`;
    fixes.push({ title: `Change the Service name to ${suggestion.name}`, edits: [{ uri: from.uri, span: backend.serviceName.span, newText: suggestion.name }], preferred: true });
    related.push({ uri: suggestion.service.uri, span: suggestion.service.name!.span, message: `${describe(suggestion.service)} in ${where}` });
  }

  if (elsewhere.length > 0) {
    const found = elsewhere.map((service) => `namespace ${namespaceKey(service)} (${context.where(service.uri)})`);
    const other = namespaceKey(elsewhere[0]);
    message += `${suggestion ? ' ' : '; '}Service ${name} exists only in ${unique(found).join(', ')}`;
    if (!isRoute) {
      message += `, and an Ingress can only reach Services in its own namespace`;
    } else if (parent) {
      message += `; set the parentRef's namespace to ${other}`;
      if (backend.namespace) fixes.push({ title: `Set the parentRef's namespace to ${other}`, edits: [{ uri: from.uri, span: backend.namespace.span, newText: other }] });
    } else if (backend.namespace) {
      message += `; set the backendRef's namespace to ${other}`;
      fixes.push({ title: `Set the backendRef's namespace to ${other}`, edits: [{ uri: from.uri, span: backend.namespace.span, newText: other }] });
    } else {
      message += `, and a route reaches another namespace only when its backendRef sets namespace: ${other} and a ReferenceGrant in ${other} allows it`;
      const edit = insertLineAfter(context, from.uri, backend.serviceName.span, 'name', `namespace: ${other}`);
      if (edit) fixes.push({ title: `Set namespace: ${other} on the backendRef (needs a ReferenceGrant in ${other})`, edits: [edit] });
    }
    for (const service of elsewhere) related.push({ uri: service.uri, span: service.name!.span, message: `${describe(service)} in namespace ${namespaceKey(service)}` });
  }

  if (!parent && elsewhere.length === 0) {
    const created = createServiceFix(context, from, backend);
    if (created) fixes.push({ ...created, preferred: fixes.length === 0 });
  }

  context.report({ rule: 'ingress-service-missing', uri: from.uri, span: backend.serviceName.span, message, related, fixes });
}

/** Labels whose value names the app a workload runs: a backend's Service name that equals one most likely means that workload. */
const APP_LABELS = ['app', 'app.kubernetes.io/name', 'k8s-app', 'name'];

/**
 * Where a backend names a Service that does not exist yet and one workload in reach is that app
 * (by its name or its app label), a fix that writes the Service beside the workload: its selector
 * the workload's, its port the backend's, its targetPort the container port that port means.
 */
function createServiceFix(context: RuleContext, from: Resource, backend: Backend): FixHint | undefined {
  if (from.templated) return undefined;
  const name = backend.serviceName.value;
  const matching = context.graph
    .workloadsIn(namespaceKey(from))
    .filter((workload) => !workload.templated && !workload.variant?.rewritten && sharesUnit(from, workload))
    .filter((workload) => workload.name?.value === name || APP_LABELS.some((label) => workload.workload!.podLabels.get(label) === name));
  const nearest = nearestFirst(from, matching);
  if (nearest.length !== 1) return undefined;
  const workload = nearest[0];
  const selector = workload.workload!.selector;
  const labels = selector && selector.matchExpressions.length === 0 && !selector.incomplete ? selector.matchLabels : workload.kind === 'Pod' ? workload.workload!.podLabels : undefined;
  if (!labels || labels.size === 0) return undefined;
  const ports = servingContainers(workload).flatMap((container) => container.ports).filter((port) => port.containerPort?.kind === 'number');
  const wanted = backend.port;
  const target =
    (wanted?.kind === 'number' ? ports.find((port) => port.containerPort!.kind === 'number' && port.containerPort!.number === wanted.number) : undefined) ??
    (wanted?.kind === 'name' ? ports.find((port) => port.name?.value === wanted.name) : undefined) ??
    (ports.length === 1 ? ports[0] : undefined);
  if (!target || (wanted && wanted.kind === 'unknown')) return undefined;
  const targetNumber = (target.containerPort as { number: number }).number;
  const port = wanted?.kind === 'number' ? wanted.number : targetNumber;
  const portEntry: YamlMap = {};
  if (wanted?.kind === 'name') portEntry.name = wanted.name;
  portEntry.port = port;
  portEntry.targetPort = targetNumber;
  const metadata: YamlMap = { name };
  if (workload.namespace) metadata.namespace = workload.namespace.value;
  const service: YamlMap = { apiVersion: 'v1', kind: 'Service', metadata, spec: { selector: Object.fromEntries(labels), ports: [portEntry] } };
  // The copy a build makes keeps its file's spans: the document the fix goes after is the file's own.
  const own = context.graph.file(workload.uri)?.resources.find((resource) => resource.span.start === workload.span.start);
  const file = context.graph.file(workload.uri);
  if (!own || !file) return undefined;
  return {
    title: `Create Service ${name} for ${describe(workload)} (port ${port} → ${targetNumber})`,
    edits: [addDocumentAfter(file.text, own, service)],
  };
}

/**
 * A networking.k8s.io/v1 Ingress written with the fields of the older Ingress (serviceName,
 * servicePort): v1 has neither, so the API server drops them and rejects the empty backend.
 */
function reportV1beta1Fields(context: RuleContext, ingress: Resource, backend: Backend): void {
  const name = backend.serviceName.value;
  const port = backend.port?.kind === 'number' ? `number: ${backend.port.number}` : backend.port?.kind === 'name' ? `name: ${backend.port.name}` : 'number: …';
  context.report({
    rule: 'ingress-service-missing',
    uri: ingress.uri,
    span: backend.serviceName.span,
    message: `${describe(ingress)} is networking.k8s.io/v1 but names Service ${name} with serviceName and servicePort, fields only the older extensions/v1beta1 and networking.k8s.io/v1beta1 Ingress had: v1 drops them, so the backend names no Service and the API server rejects the Ingress (resource or service backend is required); write service: {name: ${name}, port: {${port}}}`,
  });
}

/** Whether a route backendRef says `weight: 0`. */
function hasZeroWeight(context: RuleContext, route: Resource, backend: Backend): boolean {
  const text = context.graph.file(route.uri)?.text.slice(backend.span.start, backend.span.end) ?? '';
  return /(^|[\s{,])weight\s*:\s*0+\s*($|[\s,}#])/m.test(text);
}

/** The Service name in reach that is nearest to a misspelt one, if it is near enough to be a typo. */
function closestServiceName(context: RuleContext, namespace: string, name: string, fromUri: string): { name: string; service: Resource } | undefined {
  const limit = Math.max(2, Math.floor(name.length / 3));
  const directory = directoryOf(fromUri);
  let best: { name: string; service: Resource; rank: [number, number, string] } | undefined;
  for (const service of context.graph.servicesIn(namespace)) {
    const candidate = service.name?.value;
    if (candidate === undefined || candidate === name) continue;
    const distance = editDistance(name, candidate);
    // A distance as long as the name would rewrite it entirely: that is another name, not a typo.
    if (distance > limit || distance >= Math.max(name.length, candidate.length)) continue;
    // Among equally near names, one defined beside the backend is the likelier meaning.
    const rank: [number, number, string] = [distance, service.uri.startsWith(directory) ? 0 : 1, candidate];
    if (!best || compareRanks(rank, best.rank) < 0) best = { name: candidate, service, rank };
  }
  if (!best) return undefined;
  const nearestDefinition = context.graph.servicesNamed(namespace, best.name, fromUri)[0] ?? best.service;
  return { name: best.name, service: nearestDefinition };
}

function compareRanks(a: [number, number, string], b: [number, number, string]): number {
  return a[0] - b[0] || a[1] - b[1] || (a[2] < b[2] ? -1 : a[2] > b[2] ? 1 : 0);
}

/** Damerau–Levenshtein distance (optimal string alignment): edits, with a swap of neighbours as one. */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[] = new Array(rows * cols).fill(0);
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(d[(i - 1) * cols + j] + 1, d[i * cols + j - 1] + 1, d[(i - 1) * cols + j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, d[(i - 2) * cols + j - 2] + 1);
      d[i * cols + j] = value;
    }
  }
  return d[rows * cols - 1];
}

/** The candidate nearest to a misspelt name, where it is near enough to be a typo (as for Service names); ties go to the first. */
export function nearestName(name: string, candidates: readonly string[]): string | undefined {
  const limit = Math.max(2, Math.floor(name.length / 3));
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    if (candidate === name) continue;
    const distance = editDistance(name, candidate);
    if (distance > limit || distance >= Math.max(name.length, candidate.length)) continue;
    if (!best || distance < best.distance) best = { candidate, distance };
  }
  return best?.candidate;
}

// ---------------------------------------------------------------------------------------------
// ingress-port-mismatch

function checkBackendPort(context: RuleContext, from: Resource, backend: Backend, services: Resource[]): void {
  const port = backend.port;
  if (!port || port.kind === 'unknown') return;
  // Where one name has several definitions in reach (overlays, '' and default), one that works
  // may be the one deployed: report only when the port fits none of them.
  const broken: Resource[] = [];
  for (const service of services) {
    const spec = service.service!;
    // An ExternalName Service forwards to a DNS name, where controllers use the backend port as
    // is; a Service with no ports in the workspace is a partial object (a patch), not evidence.
    if (spec.type === 'ExternalName' || spec.ports.length === 0) return;
    const resolution = resolveBackendPort(service, port);
    if (resolution.state !== 'broken') return;
    broken.push(service);
  }
  // One finding at the backend port: the nearest definition speaks for the others, which it names.
  if (broken.length > 0) reportPortMismatch(context, from, backend, port, broken[0], broken.slice(1));
}

function reportPortMismatch(context: RuleContext, from: Resource, backend: Backend, port: Exclude<PortValue, { kind: 'unknown' }>, service: Resource, alternatives: Resource[]): void {
  const ports = service.service!.ports;
  const serviceName = service.name?.value ?? backend.serviceName.value;
  const written = port.kind === 'number' ? String(port.number) : port.name;
  let message = `${describe(from)} sends to Service ${serviceName} port ${written}${originNote(port, context.where)}, but ${describe(service)} (${context.where(service.uri)}) has ${ports.length === 1 ? 'port' : 'ports'} ${ports.map(describeServicePort).join(', ')}`;
  if (alternatives.length > 0) {
    const others = alternatives.map((other) => `${context.where(other.uri)}: ${other.service!.ports.map(describeServicePort).join(', ')}`);
    message += ` (its other ${alternatives.length === 1 ? 'definition' : 'definitions'} lack it too: ${unique(others).join('; ')})`;
  }

  const viaTarget = ports.find((candidate) => sameTarget(candidate, port));
  if (viaTarget?.port?.kind === 'number') {
    const expected = port.kind === 'name' && viaTarget.name ? viaTarget.name.value : String(viaTarget.port.number);
    const what = port.kind === 'number' ? `${written} is its targetPort` : `${written} is the name of its targetPort`;
    message += `: ${what}; ${article(from.kind)} must use the Service port ${expected}`;
  } else if (port.kind === 'name' && !ports.some((candidate) => candidate.name)) {
    message += `: its ports have no names, so the backend must name the port by number`;
  }

  const related: RelatedInformation[] = ports.map((candidate) => ({
    uri: service.uri,
    span: candidate.port?.span ?? candidate.span,
    message: `port ${describeServicePort(candidate)} of ${describe(service)}`,
  }));
  for (const other of alternatives) {
    for (const candidate of other.service!.ports) related.push({ uri: other.uri, span: candidate.port?.span ?? candidate.span, message: `port ${describeServicePort(candidate)} of ${describe(other)} (another definition)` });
  }

  const fixes: FixHint[] = [];
  // A misspelt port name most likely means the Service port name nearest to it.
  const meant = port.kind === 'name' && !viaTarget ? nearestName(port.name, ports.flatMap((candidate) => (candidate.name ? [candidate.name.value] : []))) : undefined;
  for (const candidate of ports) {
    if (candidate.port?.kind !== 'number') continue;
    const value = replacementFor(backend, port, candidate);
    if (value === undefined) continue;
    const origin = originOf(port);
    fixes.push({
      title: origin ? `Set ${origin.fallback ? `the default of .Values.${origin.path}` : `${origin.path} in values.yaml`} to ${value}` : `Set ${backend.portField} to ${value}`,
      edits: [{ ...valuePlace(from.uri, port), newText: value }],
      preferred: ports.length === 1 || candidate === viaTarget || (meant !== undefined && candidate.name?.value === meant),
    });
  }

  context.report({ rule: 'ingress-port-mismatch', uri: from.uri, span: port.span, message, related, fixes });
}

/** Whether a backend port names a Service port's target (the usual mix-up: targetPort for port). */
function sameTarget(servicePort: ServicePort, port: Exclude<PortValue, { kind: 'unknown' }>): boolean {
  const target = servicePort.targetPort;
  if (!target) return false;
  return port.kind === 'number' ? target.kind === 'number' && target.number === port.number : target.kind === 'name' && target.name === port.name;
}

/**
 * The text that makes a backend port name this Service port: a name for `port.name`, a number for
 * `port.number` and route `port`, and for the old `servicePort` whichever form it was written in.
 */
function replacementFor(backend: Backend, port: Exclude<PortValue, { kind: 'unknown' }>, servicePort: ServicePort): string | undefined {
  const number = servicePort.port?.kind === 'number' ? String(servicePort.port.number) : undefined;
  if (backend.portField === 'port.name') return servicePort.name?.value;
  if (backend.portField === 'servicePort' && port.kind === 'name' && servicePort.name) return servicePort.name.value;
  return number;
}

// ---------------------------------------------------------------------------------------------
// route-port-missing

function reportMissingRoutePort(context: RuleContext, route: Resource, backend: Backend, resolution: BackendResolution): void {
  // In a template the port line may come from an include or a conditional the model cannot see.
  if (route.templated) return;
  const name = backend.serviceName.value;
  const ingress = route.ingress !== undefined;
  const oldShape = backend.portField === 'servicePort';
  let message = ingress
    ? `${describe(route)} sends to Service ${name} without a port: an Ingress backend must name the Service port (${oldShape ? 'servicePort' : 'service.port.number or service.port.name'}), so the API server rejects the Ingress`
    : `${describe(route)} sends to Service ${name} without a port: a backendRef to a Service must set port`;
  const fixes: FixHint[] = [];
  const related: RelatedInformation[] = [];
  if (resolution.state === 'ok') {
    const service = resolution.services[0];
    const ports = service.service!.ports.filter((candidate) => candidate.port?.kind === 'number');
    if (ports.length > 0) {
      message += ` (${describe(service)} (${context.where(service.uri)}) has ${ports.length === 1 ? 'port' : 'ports'} ${ports.map(describeServicePort).join(', ')})`;
      for (const candidate of ports) related.push({ uri: service.uri, span: candidate.port!.span, message: `port ${describeServicePort(candidate)} of ${describe(service)}` });
    }
    const numbers = new Set(resolution.services.map((candidate) => onlyPortNumber(candidate.service!.ports)));
    const [number] = numbers;
    if (numbers.size === 1 && number !== undefined) {
      const line = !ingress ? `port: ${number}` : oldShape ? `servicePort: ${number}` : `port: {number: ${number}}`;
      const edit = insertLineAfter(context, route.uri, backend.serviceName.span, oldShape ? 'serviceName' : 'name', line);
      if (edit) fixes.push({ title: `Add ${line}`, edits: [edit], preferred: true });
    }
  }
  context.report({ rule: 'route-port-missing', uri: route.uri, span: backend.serviceName.span, message, related, fixes });
}

function onlyPortNumber(ports: ServicePort[]): number | undefined {
  return ports.length === 1 && ports[0].port?.kind === 'number' ? ports[0].port.number : undefined;
}

// ---------------------------------------------------------------------------------------------
// Text helpers

/**
 * An edit that adds `line` below the block-style `key: value` line whose value is at `valueSpan`,
 * at the key's column (after a `- `), with the file's line breaks. Undefined for flow style.
 */
function insertLineAfter(context: RuleContext, uri: string, valueSpan: Span, key: string, line: string): { uri: string; span: Span; newText: string } | undefined {
  const text = context.graph.file(uri)?.text;
  if (text === undefined) return undefined;
  const lineStart = Math.max(text.lastIndexOf('\n', valueSpan.start - 1), text.lastIndexOf('\r', valueSpan.start - 1)) + 1;
  const head = new RegExp(`^(\\s*(?:-\\s+)?)${key}\\s*:\\s*$`).exec(text.slice(lineStart, valueSpan.start));
  if (!head || head[1].includes('\t')) return undefined;
  let lineEnd = valueSpan.end;
  while (lineEnd < text.length && text[lineEnd] !== '\n' && text[lineEnd] !== '\r') lineEnd++;
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  return { uri, span: { start: lineEnd, end: lineEnd }, newText: `${eol}${' '.repeat(head[1].length)}${line}` };
}

function describeServicePort(servicePort: ServicePort): string {
  const number = servicePort.port?.kind === 'number' ? String(servicePort.port.number) : servicePort.port?.kind === 'unknown' ? servicePort.port.text : '?';
  return servicePort.name ? `${number} (${servicePort.name.value})` : number;
}

/** `an Ingress`, `an HTTPRoute`, `a GRPCRoute`: the article follows how the kind is spoken. */
function article(kind: string): string {
  return /^(Ingress|HTTP|[AEIO])/.test(kind) ? `an ${kind}` : `a ${kind}`;
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
