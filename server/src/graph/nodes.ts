// What is under the cursor: the port-chain node at an offset of a file. Hover, definition,
// references and rename all start here.

import type { Backend, ConfigEntry, Container, ContainerPort, EnvVar, NetworkPolicyPort, Probe, Resource, ServicePort, Span } from '../model/types';
import type { PortGraph } from './portGraph';

export type PortNode =
  | { kind: 'backend-service'; resource: Resource; backend: Backend; span: Span }
  | { kind: 'backend-port'; resource: Resource; backend: Backend; span: Span }
  | { kind: 'service-name'; resource: Resource; span: Span }
  | { kind: 'service-port'; resource: Resource; servicePort: ServicePort; field: 'port' | 'targetPort' | 'nodePort' | 'name'; span: Span }
  | { kind: 'service-selector'; resource: Resource; span: Span }
  | { kind: 'container-port'; resource: Resource; container: Container; port: ContainerPort; field: 'containerPort' | 'name' | 'hostPort'; span: Span }
  | { kind: 'probe-port'; resource: Resource; container: Container; probe: Probe; span: Span }
  | { kind: 'env-var'; resource: Resource; container: Container; env: EnvVar; span: Span }
  | { kind: 'pod-labels'; resource: Resource; span: Span }
  | { kind: 'config-entry'; resource: Resource; entry: ConfigEntry; span: Span }
  | { kind: 'network-policy-port'; resource: Resource; port: NetworkPolicyPort; span: Span };

function inside(span: Span | undefined, offset: number): span is Span {
  return span !== undefined && span.start <= offset && offset <= span.end;
}

/** The innermost port-chain node at `offset` of `uri`, or undefined where there is none. */
export function nodeAt(graph: PortGraph, uri: string, offset: number): PortNode | undefined {
  const file = graph.file(uri);
  if (!file) return undefined;
  for (const resource of file.resources) {
    if (!inside(resource.span, offset)) continue;
    const node = nodeInResource(resource, offset);
    if (node) return node;
  }
  return undefined;
}

function nodeInResource(resource: Resource, offset: number): PortNode | undefined {
  for (const backend of [...(resource.ingress?.backends ?? []), ...(resource.route?.backends ?? [])]) {
    if (!inside(backend.span, offset)) continue;
    if (inside(backend.serviceName.span, offset)) return { kind: 'backend-service', resource, backend, span: backend.serviceName.span };
    if (inside(backend.port?.span, offset)) return { kind: 'backend-port', resource, backend, span: backend.port!.span };
  }
  const service = resource.service;
  if (service) {
    if (inside(resource.name?.span, offset)) return { kind: 'service-name', resource, span: resource.name!.span };
    for (const servicePort of service.ports) {
      if (!inside(servicePort.span, offset)) continue;
      for (const field of ['port', 'targetPort', 'nodePort', 'name'] as const) {
        const value = servicePort[field];
        if (inside(value?.span, offset)) return { kind: 'service-port', resource, servicePort, field, span: value!.span };
      }
    }
    if (inside(service.selector?.span, offset)) return { kind: 'service-selector', resource, span: service.selector!.span };
  }
  const workload = resource.workload;
  if (workload) {
    for (const container of workload.containers) {
      if (!inside(container.span, offset)) continue;
      for (const port of container.ports) {
        if (!inside(port.span, offset)) continue;
        if (inside(port.containerPort?.span, offset)) return { kind: 'container-port', resource, container, port, field: 'containerPort', span: port.containerPort!.span };
        if (inside(port.name?.span, offset)) return { kind: 'container-port', resource, container, port, field: 'name', span: port.name!.span };
        if (inside(port.hostPort?.span, offset)) return { kind: 'container-port', resource, container, port, field: 'hostPort', span: port.hostPort!.span };
      }
      for (const probe of container.probes) {
        if (inside(probe.port.span, offset)) return { kind: 'probe-port', resource, container, probe, span: probe.port.span };
      }
      for (const env of container.env) {
        if (inside(env.span, offset)) return { kind: 'env-var', resource, container, env, span: env.span };
      }
    }
    if (inside(workload.podLabelsSpan, offset)) return { kind: 'pod-labels', resource, span: workload.podLabelsSpan! };
  }
  if (resource.config) {
    for (const entry of resource.config.entries.values()) {
      if (inside(entry.key.span, offset) || inside(entry.valueSpan, offset)) return { kind: 'config-entry', resource, entry, span: { start: entry.key.span.start, end: entry.valueSpan.end } };
    }
  }
  for (const port of [...(resource.networkPolicy?.ingressPorts ?? []), ...(resource.networkPolicy?.egressPorts ?? [])]) {
    if (inside(port.port?.span, offset)) return { kind: 'network-policy-port', resource, port, span: port.port!.span };
  }
  return undefined;
}
