// Probe → container port: probe-port-missing. The kubelet resolves a probe's port against the
// container the probe belongs to, never against its neighbours in the pod.

import { bindPorts } from '../graph/bindPorts';
import type { Container, ContainerPort, Probe, Resource } from '../model/types';
import { bindPortSpan, containerLabel, containerPortNumber, describeContainerPort, describeContainerPorts, probeField } from './portText';
import type { FixHint, RuleContext, RuleFamily } from './types';

export const probeRules: RuleFamily = (context) => {
  for (const workload of context.subjects()) {
    // A template may add the port or rewrite the probe, so templated workloads are never judged.
    if (!workload.workload || workload.templated) continue;
    for (const container of workload.workload.containers) {
      for (const probe of container.probes) checkProbe(context, workload, container, probe);
    }
  }
};

function checkProbe(context: RuleContext, workload: Resource, container: Container, probe: Probe): void {
  const { port } = probe;
  const label = `${probeField(probe.kind)} of ${containerLabel(container, workload)}`;
  const declared = `its containerPorts are ${describeContainerPorts(container.ports)}`;
  if (port.kind === 'name') {
    // Only the container's own ports can give a name a number, so no ports at all is no match either.
    const named = container.ports.filter((candidate) => candidate.name?.value === port.name);
    if (named.some((candidate) => candidate.protocol === 'TCP')) return;
    if (named.length > 0) {
      // Every probe handler connects over TCP; a name declared only for UDP or SCTP is the wrong port.
      context.report({
        rule: 'probe-port-missing',
        uri: workload.uri,
        span: port.span,
        message: `${label} (${context.where(workload.uri)}) checks port ${port.name} with ${probe.handler}, which connects over TCP, but the container declares ${port.name} as ${describeContainerPorts(named)}: ${declared}`,
        related: relatedPorts(workload, container),
        fixes: probeFixes(workload, probe, container.ports.filter((candidate) => candidate.protocol === 'TCP'), true),
      });
      return;
    }
    if (/^\d+$/.test(port.name)) return; // port-name-invalid says what is wrong with a quoted number.
    const where = container.ports.length > 0 ? `no port of this container is named ${port.name}: ${declared}` : 'the container declares no ports, so nothing gives that name a number';
    context.report({
      rule: 'probe-port-missing',
      uri: workload.uri,
      span: port.span,
      message: `${label} (${context.where(workload.uri)}) checks port ${port.name}, but ${where}; the kubelet cannot resolve the name, so the probe fails`,
      related: relatedPorts(workload, container),
      fixes: probeFixes(workload, probe, container.ports, true),
    });
    return;
  }
  if (port.kind !== 'number') return;
  // Without declared ports only the running process knows where it listens.
  const numbers = container.ports.map(containerPortNumber);
  if (numbers.length === 0 || numbers.includes(undefined) || numbers.includes(port.number)) return;
  // containerPort is documentation, and health servers often listen on a port of their own that
  // nobody declares (controller-runtime's :8081, ingress-nginx's :10254, Istio's :15021). So an
  // undeclared number is broken only where the process says where it listens, and it is elsewhere.
  const binds = bindPorts(context.graph, workload, container, context.options.bindPortEnvNames);
  const listening = binds.filter((bind) => bind.source === 'env' && bind.port !== undefined);
  if (listening.length === 0 || binds.some((bind) => bind.port === undefined || bind.port === port.number)) return;
  // A second listener often has a variable of its own (MANAGEMENT_SERVER_PORT, ADMIN_PORT).
  if (container.env.some((variable) => variable.value?.value.trim() === String(port.number))) return;
  context.report({
    rule: 'probe-port-missing',
    uri: workload.uri,
    span: port.span,
    message: `${label} (${context.where(workload.uri)}) checks port ${port.number}, but the container's process listens on ${listening.map((bind) => `${bind.port} (${bind.description})`).join(' and ')} and nothing in the container names ${port.number}: ${declared}`,
    related: [...relatedPorts(workload, container), ...listening.map((bind) => ({ uri: workload.uri, span: bindPortSpan(container, bind), message: bind.description }))],
    fixes: probeFixes(workload, probe, container.ports, false),
  });
}

function relatedPorts(workload: Resource, container: Container) {
  return container.ports.map((port) => ({
    uri: workload.uri,
    span: port.containerPort?.span ?? port.span,
    message: `containerPort ${describeContainerPort(port)} of ${containerLabel(container, workload)}`,
  }));
}

/** Point the probe at the container's port: by name where the probe used a name and the port has one. */
function probeFixes(workload: Resource, probe: Probe, ports: readonly ContainerPort[], byName: boolean): FixHint[] {
  const fixes: FixHint[] = [];
  for (const port of ports) {
    const number = containerPortNumber(port);
    const value = byName && port.name ? port.name.value : number !== undefined ? String(number) : undefined;
    if (value === undefined) continue;
    fixes.push({ title: `Set the ${probeField(probe.kind)} port to ${value}`, edits: [{ uri: workload.uri, span: probe.port.span, newText: value }], preferred: ports.length === 1 });
  }
  return fixes;
}
