// What the API server checks about ports one object at a time: port-name-required,
// port-name-invalid, port-duplicate, port-range, and the host-port warning. No links are needed:
// each finding is about values written in one resource.

import { originNote } from '../graph/helm';
import { resolveTarget, serviceSelection } from '../graph/links';
import { isPlaceholder } from '../model/yamlTree';
import type { ContainerPort, Located, PortValue, Resource, ServicePort } from '../model/types';
import { containerLabel, describeContainerPort, insertMapEntry, portValueText, probeField } from './portText';
import { describe, type FixHint, type RuleContext, type RuleFamily } from './types';

export const portSyntaxRules: RuleFamily = (context) => {
  for (const resource of context.subjects()) {
    if (resource.service) checkService(context, resource);
    if (resource.workload) checkWorkload(context, resource);
    if (resource.networkPolicy) checkNetworkPolicy(context, resource);
    for (const backend of [...(resource.ingress?.backends ?? []), ...(resource.route?.backends ?? [])]) {
      checkRange(context, resource, backend.port, `backend port (${backend.portField}) for Service ${backend.serviceName.value} of ${describe(resource)}`, false);
    }
    for (const listener of resource.gateway?.listeners ?? []) {
      checkRange(context, resource, listener.port, `port of listener ${listener.name?.value ?? '(unnamed)'} of ${describe(resource)}`, false);
    }
  }
};

// ---------------------------------------------------------------------------------------------
// Name syntax

/** Why a name is not a DNS-1123 label (Service port names); undefined where it is one. */
export function dnsLabelProblem(name: string): string | undefined {
  if (name.length > 63) return `it is ${name.length} characters long, and a DNS label has at most 63`;
  const character = charactersProblem(name);
  if (character) return character;
  if (!/^[a-z0-9]/.test(name) || !/[a-z0-9]$/.test(name)) return 'a DNS label must start and end with a letter or digit';
  return undefined;
}

/** Why a name is not an IANA_SVC_NAME (container port names, named targetPorts, probe and NetworkPolicy ports); undefined where it is one. */
export function ianaServiceNameProblem(name: string): string | undefined {
  if (name.length > 15) return `it is ${name.length} characters long, and an IANA service name has at most 15`;
  const character = charactersProblem(name);
  if (character) return character;
  if (!/[a-z]/.test(name)) return 'an IANA service name needs at least one letter (a-z)';
  if (name.startsWith('-') || name.endsWith('-')) return 'an IANA service name must not start or end with "-"';
  if (name.includes('--')) return 'an IANA service name must not contain "--"';
  return undefined;
}

function charactersProblem(name: string): string | undefined {
  if (/[A-Z]/.test(name)) return 'it has uppercase letters, and only lowercase letters, digits and "-" are allowed';
  const bad = /[^a-z0-9-]/.exec(name);
  if (bad) return `it contains ${JSON.stringify(bad[0])}, and only lowercase letters, digits and "-" are allowed`;
  return undefined;
}

/**
 * A written name that is a real value: not empty (which means "no name") and not a placeholder.
 * An upper-case word such as `INVALID` is a name here: a field that holds only a name is rarely
 * filled in by substitution, while `PORT` in a field for a number is (see isPlaceholder).
 */
function knownName(name: Located<string> | undefined): Located<string> | undefined {
  return name && name.value !== '' && (/^[A-Z][A-Z0-9_]*$/.test(name.value) || !isPlaceholder(name.value)) ? name : undefined;
}

/** Checks a name written in an IntOrString field (targetPort, probe port, NetworkPolicy port). */
function checkPortReference(context: RuleContext, resource: Resource, port: PortValue | undefined, what: string): void {
  if (port?.kind !== 'name' || port.name === '' || isPlaceholder(port.name)) return;
  if (/^\d+$/.test(port.name)) {
    const number = Number(port.name);
    context.report({
      rule: 'port-name-invalid',
      uri: resource.uri,
      span: port.span,
      message: `${what} is the string "${port.name}": Kubernetes reads a quoted number as a port name, and a port name needs at least one letter, so the API server rejects it; write the number without quotes: ${number}`,
      fixes: [{ title: `Write ${number} as a number`, edits: [{ uri: resource.uri, span: port.span, newText: String(number) }], preferred: true }],
    });
    return;
  }
  const problem = ianaServiceNameProblem(port.name);
  if (problem) {
    context.report({
      rule: 'port-name-invalid',
      uri: resource.uri,
      span: port.span,
      message: `${what} names port "${port.name}", which is not a valid port name (IANA_SVC_NAME): ${problem}`,
    });
  }
}

// ---------------------------------------------------------------------------------------------
// Services

function checkService(context: RuleContext, service: Resource): void {
  const ports = service.service!.ports;
  const label = describe(service);
  const seenNumbers = new Map<string, ServicePort>();
  const seenNames = new Map<string, ServicePort>();
  const seenNodePorts = new Map<string, ServicePort>();
  for (const servicePort of ports) {
    const portLabel = servicePort.port ? `${label} port ${portValueText(servicePort.port)}` : `${label} ports[${servicePort.index}]`;
    const name = knownName(servicePort.name);
    if (name) {
      const problem = dnsLabelProblem(name.value);
      if (problem) {
        context.report({
          rule: 'port-name-invalid',
          uri: service.uri,
          span: name.span,
          message: `${portLabel} is named "${name.value}", which is not a valid Service port name (a DNS-1123 label): ${problem}`,
        });
      }
    }
    checkPortReference(context, service, servicePort.targetPort, `targetPort of ${portLabel}`);
    checkRange(context, service, servicePort.port, `port of ${label}`, false);
    checkRange(context, service, servicePort.targetPort, `targetPort of ${portLabel}`, true, ' (0 or no targetPort means the same as port)');
    checkRange(context, service, servicePort.nodePort, `nodePort of ${portLabel}`, true, ' (0 or no nodePort lets Kubernetes allocate one)');

    // A template may add, remove or name ports, so only plain Services are checked as a whole.
    if (service.templated) continue;
    if (servicePort.port?.kind === 'number') {
      const key = `${servicePort.port.number}/${servicePort.protocol}`;
      const first = seenNumbers.get(key);
      if (first) {
        context.report({
          rule: 'port-duplicate',
          uri: service.uri,
          span: servicePort.port.span,
          message: `${label} lists port ${servicePort.port.number}/${servicePort.protocol} twice (ports[${first.index}] and ports[${servicePort.index}]): the API server rejects a Service with a duplicate port and protocol`,
          related: [{ uri: service.uri, span: first.port!.span, message: `the first port ${servicePort.port.number}/${servicePort.protocol} of ${label}` }],
        });
      } else {
        seenNumbers.set(key, servicePort);
      }
    }
    const nodePort = servicePort.nodePort;
    if (nodePort?.kind === 'number' && nodePort.number !== 0) {
      // The API server keys node ports by number and protocol within a Service (TCP and UDP may share one).
      const key = `${nodePort.number}/${servicePort.protocol}`;
      const first = seenNodePorts.get(key);
      if (first) {
        context.report({
          rule: 'port-duplicate',
          uri: service.uri,
          span: nodePort.span,
          message: `${label} asks for nodePort ${nodePort.number}/${servicePort.protocol} twice (ports[${first.index}] and ports[${servicePort.index}]): the API server rejects a Service with a duplicate nodePort (spec.ports[${servicePort.index}].nodePort: Duplicate value); give each port its own nodePort, or leave it out to let the cluster allocate one`,
          related: [{ uri: service.uri, span: first.nodePort!.span, message: `the first nodePort ${nodePort.number}/${servicePort.protocol} of ${label}` }],
        });
      } else {
        seenNodePorts.set(key, servicePort);
      }
    }
    if (name) {
      const first = seenNames.get(name.value);
      if (first) {
        context.report({
          rule: 'port-duplicate',
          uri: service.uri,
          span: name.span,
          message: `${label} names two ports ${name.value} (ports[${first.index}] and ports[${servicePort.index}]): port names must be unique in a Service, so the API server rejects it`,
          related: [{ uri: service.uri, span: first.name!.span, message: `the first port named ${name.value} in ${label}` }],
        });
      } else {
        seenNames.set(name.value, servicePort);
      }
    }
  }
  if (!service.templated && ports.length > 1) reportUnnamedPorts(context, service);
}

function reportUnnamedPorts(context: RuleContext, service: Resource): void {
  const ports = service.service!.ports;
  const taken = new Set(ports.flatMap((port) => (port.name && port.name.value !== '' ? [port.name.value] : [])));
  const file = context.graph.file(service.uri);
  for (const servicePort of ports) {
    if (servicePort.name && servicePort.name.value !== '') continue;
    // The name the container gives the port it reaches says what the port is, better than a convention.
    const fromContainer = containerPortName(context, service, servicePort, taken);
    const conventional = suggestPortName(servicePort, taken);
    const suggestion = fromContainer?.name ?? conventional;
    taken.add(suggestion);
    const fixes: FixHint[] = [];
    const add = (name: string, title: string, preferred: boolean) => {
      const edit = file && servicePort.port ? insertMapEntry(file.text, service.uri, servicePort.port.span, `name: ${name}`) : undefined;
      if (edit) fixes.push({ title, edits: [edit], preferred });
    };
    if (fromContainer) add(fromContainer.name, `Name the port ${fromContainer.name} (as ${fromContainer.where} names it)`, true);
    if (conventional !== fromContainer?.name) add(conventional, `Name the port ${conventional}`, !fromContainer);
    context.report({
      rule: 'port-name-required',
      uri: service.uri,
      span: servicePort.port?.span ?? servicePort.span,
      message: `${describe(service)} has ${ports.length} ports, so each needs a name, but ${servicePort.port ? `port ${portValueText(servicePort.port)} (ports[${servicePort.index}])` : `ports[${servicePort.index}]`} has none: the API server rejects the Service; name it, for example ${suggestion}`,
      fixes,
    });
  }
}

/** The name the selected containers give the port a Service port reaches, where they agree on one that is free. */
function containerPortName(context: RuleContext, service: Resource, servicePort: ServicePort, taken: ReadonlySet<string>): { name: string; where: string } | undefined {
  const selection = serviceSelection(context.graph, service);
  if (selection.state !== 'ok') return undefined;
  let found: { name: string; where: string } | undefined;
  for (const workload of selection.workloads) {
    for (const match of resolveTarget(context.graph, service, servicePort, workload, context.options).matches) {
      const name = match.port.name?.value;
      if (!name || dnsLabelProblem(name) !== undefined) continue;
      if (found && found.name !== name) return undefined;
      found ??= { name, where: `containerPort ${portValueText(match.port.containerPort)} of ${describe(workload)}` };
    }
  }
  return found && !taken.has(found.name) ? found : undefined;
}

/**
 * Conventional names by port number. Well-known ports get their protocol's name; 9090 goes to
 * metrics rather than grpc because in manifests it is far more often Prometheus' or an
 * exporter's port than a gRPC server's (gRPC's own convention is 50051).
 */
const CONVENTIONAL_NAMES: ReadonlyMap<number, string> = new Map([
  ...[80, 3000, 5000, 8000, 8008, 8080, 8888].map((port) => [port, 'http'] as const),
  ...[443, 8443].map((port) => [port, 'https'] as const),
  ...[50051].map((port) => [port, 'grpc'] as const),
  ...[9090, 9100, 9102, 9113, 9153, 9187, 9394].map((port) => [port, 'metrics'] as const),
  [53, 'dns'],
]);

/** A name for an unnamed Service port: its named targetPort, a conventional name, or `port-<n>`; never one already taken. */
export function suggestPortName(servicePort: ServicePort, taken: ReadonlySet<string>): string {
  const number = servicePort.port?.kind === 'number' ? servicePort.port.number : undefined;
  const candidates: string[] = [];
  // The container's own name for the port says best what it is.
  if (servicePort.targetPort?.kind === 'name') candidates.push(servicePort.targetPort.name);
  const conventional = number !== undefined ? CONVENTIONAL_NAMES.get(number) : undefined;
  if (conventional) candidates.push(conventional, `${conventional}-${servicePort.protocol.toLowerCase()}`);
  if (number !== undefined) candidates.push(`port-${number}`, `port-${number}-${servicePort.protocol.toLowerCase()}`);
  candidates.push(`port-${servicePort.index}`);
  for (const candidate of candidates) if (!taken.has(candidate) && dnsLabelProblem(candidate) === undefined) return candidate;
  for (let i = 1; ; i++) if (!taken.has(`port-${servicePort.index}-${i}`)) return `port-${servicePort.index}-${i}`;
}

// ---------------------------------------------------------------------------------------------
// Workloads

function checkWorkload(context: RuleContext, workload: Resource): void {
  for (const container of workload.workload!.containers) {
    const label = containerLabel(container, workload);
    const seenNumbers = new Map<string, ContainerPort>();
    const seenNames = new Map<string, ContainerPort>();
    for (const port of container.ports) {
      const name = knownName(port.name);
      if (name) {
        const problem = ianaServiceNameProblem(name.value);
        if (problem) {
          context.report({
            rule: 'port-name-invalid',
            uri: workload.uri,
            span: name.span,
            message: `${label} names containerPort ${portValueText(port.containerPort)} "${name.value}", which is not a valid port name (IANA_SVC_NAME): ${problem}`,
          });
        }
      }
      checkRange(context, workload, port.containerPort, `containerPort of ${label}`, false);
      if (port.containerPort === undefined && !workload.templated) {
        context.report({
          rule: 'port-range',
          uri: workload.uri,
          span: name?.span ?? port.span,
          message: `${label} declares a port${name ? ` named ${name.value}` : ''} without a containerPort: every port entry needs one between 1 and 65535, so the API server rejects it`,
        });
      }
      const hostPortInRange = checkRange(context, workload, port.hostPort, `hostPort of ${label}`, true, ' (0 or no hostPort means none)');
      // A DaemonSet runs one pod on every node by design, so neither reason against hostPort holds;
      // with hostNetwork the pod takes its node's ports anyway, and hostPort only repeats containerPort.
      if (hostPortInRange && port.hostPort?.kind === 'number' && port.hostPort.number !== 0 && workload.kind !== 'DaemonSet' && !workload.workload!.hostNetwork) {
        context.report({
          rule: 'host-port',
          uri: workload.uri,
          span: port.hostPort.span,
          message: `${label} takes hostPort ${port.hostPort.number} on its node for containerPort ${portValueText(port.containerPort)}: a hostPort is a last resort, because only one pod per node can hold it (more replicas stay Pending) and its address changes whenever the pod moves to another node; prefer a Service of type NodePort or LoadBalancer`,
        });
      }

      if (workload.templated) continue;
      if (port.containerPort?.kind === 'number') {
        const key = `${port.containerPort.number}/${port.protocol}`;
        const first = seenNumbers.get(key);
        if (first) {
          context.report({
            rule: 'port-duplicate',
            uri: workload.uri,
            span: port.containerPort.span,
            message: `${label} declares containerPort ${port.containerPort.number}/${port.protocol} twice (${describeContainerPort(first)} and ${describeContainerPort(port)}): the API server only warns, but kubectl apply merges ports by containerPort and protocol, so it can drop one entry (and server-side apply rejects the list); keep one entry and let a Service name it`,
            related: [{ uri: workload.uri, span: first.containerPort!.span, message: `the first containerPort ${port.containerPort.number}/${port.protocol} of ${label}` }],
          });
        } else {
          seenNumbers.set(key, port);
        }
      }
      if (name) {
        const first = seenNames.get(name.value);
        if (first) {
          context.report({
            rule: 'port-duplicate',
            uri: workload.uri,
            span: name.span,
            message: `${label} names two ports ${name.value} (${describeContainerPort(first)} and ${describeContainerPort(port)}): port names must be unique in a container, so the API server rejects the pod`,
            related: [{ uri: workload.uri, span: first.name!.span, message: `the first port named ${name.value} of ${label}` }],
          });
        } else {
          seenNames.set(name.value, port);
        }
      }
    }
    for (const probe of container.probes) {
      const what = `${probeField(probe.kind)}.${probe.handler}.port of ${label}`;
      checkPortReference(context, workload, probe.port, what);
      checkRange(context, workload, probe.port, what, false);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// NetworkPolicies

function checkNetworkPolicy(context: RuleContext, policy: Resource): void {
  const spec = policy.networkPolicy!;
  const label = describe(policy);
  for (const [direction, ports] of [['ingress', spec.ingressPorts], ['egress', spec.egressPorts]] as const) {
    for (const entry of ports) {
      const what = `${direction} port of ${label}`;
      checkPortReference(context, policy, entry.port, what);
      checkRange(context, policy, entry.port, what, false);
      const endInRange = checkRange(context, policy, entry.endPort, `${direction} endPort of ${label}`, false);
      if (entry.endPort?.kind !== 'number' || !endInRange) continue;
      if (entry.port?.kind === 'number' && entry.endPort.number < entry.port.number) {
        context.report({
          rule: 'port-range',
          uri: policy.uri,
          span: entry.endPort.span,
          message: `${direction} endPort ${entry.endPort.number} of ${label} is below its port ${entry.port.number}: the range ${entry.port.number}–${entry.endPort.number} is empty, and the API server rejects it`,
          fixes: [{ title: `Set endPort to ${entry.port.number}`, edits: [{ uri: policy.uri, span: entry.endPort.span, newText: String(entry.port.number) }] }],
        });
      } else if (entry.port?.kind === 'name') {
        context.report({
          rule: 'port-range',
          uri: policy.uri,
          span: entry.endPort.span,
          message: `${direction} endPort ${entry.endPort.number} of ${label} follows the named port ${entry.port.name}: a range needs a numeric port, so the API server rejects it`,
        });
      } else if (entry.port === undefined) {
        context.report({
          rule: 'port-range',
          uri: policy.uri,
          span: entry.endPort.span,
          message: `${direction} endPort ${entry.endPort.number} of ${label} has no port to start from: a range needs a numeric port, so the API server rejects it`,
        });
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Ranges

/**
 * Reports a number outside 1–65535 (0 allowed where it means "unset" or "allocate"); returns
 * whether the value is in range or not a number, so callers can skip checks that would repeat it.
 */
function checkRange(context: RuleContext, resource: Resource, port: PortValue | undefined, what: string, zeroAllowed: boolean, zeroNote = ''): boolean {
  if (port?.kind !== 'number') return true;
  const value = port.number;
  if ((value >= 1 && value <= 65535) || (zeroAllowed && value === 0)) return true;
  context.report({
    rule: 'port-range',
    uri: resource.uri,
    span: port.span,
    message: `${what} is ${value}${originNote(port, context.where)}, outside 1–65535${zeroAllowed ? zeroNote : ''}: the API server rejects it`,
  });
  return false;
}
