// NetworkPolicy port → container ports of the pods it selects: network-policy-port.
//
// Only ingress ports are checked. An ingress rule's ports are ports of the selected pods, so the
// workspace can say whether those pods expose them. An egress rule's ports belong to whatever the
// pods talk to (other pods, databases outside the cluster, DNS), so they are never reported here.

import { bindPorts, probeBindPorts } from '../graph/bindPorts';
import { selectWorkloads, servingContainers, type ContainerPortRef } from '../graph/links';
import type { LabelSelector, NetworkPolicyPort, Resource } from '../model/types';
import { containerLabel, containerPortNumber, describeContainerPort, describeContainerPorts } from './portText';
import { describe, type FixHint, type RelatedInformation, type RuleContext, type RuleFamily } from './types';

/** How many workloads a message lists before it says "and N more". */
const LISTED_WORKLOADS = 4;

export const networkPolicyRules: RuleFamily = (context) => {
  for (const policy of context.subjects()) {
    const spec = policy.networkPolicy;
    // A template may compute the selector or the ports, so templated policies are never judged.
    if (!spec || policy.templated || spec.ingressPorts.length === 0) continue;
    const selection = selectWorkloads(context.graph, policy, spec.podSelector ?? everyPod(policy));
    if (selection.state !== 'ok' || selection.workloads.some((workload) => workload.templated)) continue;
    const exposure = selection.workloads.map((workload) => exposureOf(context, workload));
    for (const entry of spec.ingressPorts) checkIngressPort(context, policy, entry, exposure);
  }
};

/** An absent podSelector is the empty selector: every pod of the namespace. */
function everyPod(policy: Resource): LabelSelector {
  return { matchLabels: new Map(), matchExpressions: [], span: policy.kindSpan, incomplete: false };
}

/** What one selected workload is known to listen on. */
interface Exposure {
  workload: Resource;
  declared: ContainerPortRef[];
  /** Ports its processes bind by env, flag or probe; undefined inside means a value the workspace does not hold. */
  bound: (number | undefined)[];
  /** Some serving container declares no ports, so its process may listen on any number. */
  silent: boolean;
}

function exposureOf(context: RuleContext, workload: Resource): Exposure {
  const containers = servingContainers(workload);
  return {
    workload,
    declared: containers.flatMap((container) => container.ports.map((port) => ({ container, port }))),
    bound: containers.flatMap((container) => [...bindPorts(context.graph, workload, container, context.options.bindPortEnvNames), ...probeBindPorts(container)].map((bind) => bind.port)),
    silent: containers.some((container) => container.ports.length === 0),
  };
}

function checkIngressPort(context: RuleContext, policy: Resource, entry: NetworkPolicyPort, exposure: Exposure[]): void {
  const port = entry.port;
  if (!port || port.kind === 'unknown') return;
  let wording: string;
  if (port.kind === 'number') {
    if (entry.endPort && entry.endPort.kind !== 'number') return;
    const low = port.number;
    const high = entry.endPort?.kind === 'number' ? entry.endPort.number : low;
    // An empty range is port-range's finding, not a port no pod exposes.
    if (high < low) return;
    const inRange = (value: number | undefined) => value !== undefined && value >= low && value <= high;
    for (const { declared, bound, silent } of exposure) {
      // A container without declared ports, or with an unreadable one, may listen anywhere.
      if (silent || declared.some((ref) => ref.port.containerPort?.kind !== 'number')) return;
      if (declared.some((ref) => ref.port.protocol === entry.protocol && inRange(containerPortNumber(ref.port)))) return;
      if (bound.some((value) => value === undefined || inRange(value))) return;
    }
    wording = low === high ? `port ${low}/${entry.protocol}` : `ports ${low}–${high}/${entry.protocol}`;
  } else {
    if (exposure.every(({ declared }) => declared.length === 0)) return;
    if (exposure.some(({ declared }) => declared.some((ref) => ref.port.name?.value === port.name && ref.port.protocol === entry.protocol))) return;
    wording = `the port named ${port.name} (${entry.protocol})`;
  }
  const listed = exposure.slice(0, LISTED_WORKLOADS).map(({ workload, declared }) => `${describe(workload)} (${context.where(workload.uri)}) declares ${describeContainerPorts(declared.map((ref) => ref.port))}`);
  if (exposure.length > LISTED_WORKLOADS) listed.push(`and ${exposure.length - LISTED_WORKLOADS} more`);
  const protocolNote = otherProtocolNote(port, entry, exposure);
  context.report({
    rule: 'network-policy-port',
    uri: policy.uri,
    span: port.span,
    message: `${describe(policy)} allows ingress to ${wording}, but no pod it selects declares it${protocolNote}: ${listed.join('; ')}`,
    related: exposure.flatMap(({ workload, declared }) => declared.map((ref): RelatedInformation => ({
      uri: workload.uri,
      span: ref.port.containerPort?.span ?? ref.port.span,
      message: `containerPort ${describeContainerPort(ref.port)} of ${containerLabel(ref.container, workload)}`,
    }))).slice(0, 20),
    fixes: policyFixes(policy, entry, exposure),
  });
}

/** `, only over UDP` where the port exists with another protocol: the policy allows the wrong one. */
function otherProtocolNote(port: NonNullable<NetworkPolicyPort['port']>, entry: NetworkPolicyPort, exposure: Exposure[]): string {
  if (entry.endPort) return '';
  const protocols = new Set<string>();
  for (const { declared } of exposure) {
    for (const ref of declared) {
      const same = port.kind === 'number' ? containerPortNumber(ref.port) === port.number : port.kind === 'name' && ref.port.name?.value === port.name;
      if (same) protocols.add(ref.port.protocol);
    }
  }
  return protocols.size > 0 ? ` over ${entry.protocol} (it is declared as ${[...protocols].join(', ')})` : '';
}

/** Where the selected pods declare exactly one port, point the policy at it (by name where the policy used a name). */
function policyFixes(policy: Resource, entry: NetworkPolicyPort, exposure: Exposure[]): FixHint[] {
  const port = entry.port!;
  if (entry.endPort) return [];
  const values = new Set<string>();
  for (const { declared } of exposure) {
    for (const ref of declared) {
      const number = containerPortNumber(ref.port);
      const value = port.kind === 'name' ? ref.port.name?.value : number !== undefined ? String(number) : undefined;
      if (value !== undefined) values.add(value);
    }
  }
  if (values.size !== 1) return [];
  const [value] = values;
  return [{ title: `Set the policy port to ${value}`, edits: [{ uri: policy.uri, span: port.span, newText: value }], preferred: true }];
}
