// containerPort/targetPort → the port the process binds: process-port-mismatch.
//
// Only a container's own listening settings count (bindPortEnvNames: PORT, SERVER_PORT, …):
// bindPorts never returns client settings such as DB_PORT, which name another service's port.

import { bindPorts, type BindPort } from '../graph/bindPorts';
import { serviceSelection, servingContainers } from '../graph/links';
import type { PortGraph } from '../graph/portGraph';
import { decodeBase64Text } from '../model/resources';
import type { Container, Resource, ServicePort, Span } from '../model/types';
import { bindPortSpan, containerLabel, containerPortNumber, describeContainerPort, describeContainerPorts, insertMapEntry, portValueText, type TextEdit } from './portText';
import { describe, type FixHint, type RelatedInformation, type RuleContext, type RuleFamily } from './types';

export const processPortRules: RuleFamily = (context) => {
  for (const resource of context.subjects()) {
    // A template may set the env var or the port, so templated resources are never judged.
    if (resource.templated) continue;
    if (resource.workload) {
      for (const container of servingContainers(resource)) checkDeclaredPorts(context, resource, container);
    } else if (resource.service) {
      checkServiceTargets(context, resource);
    }
  }
};

/** The env settings of a container's own listening port whose value the workspace holds. */
function knownEnvBinds(binds: readonly BindPort[]): (BindPort & { port: number })[] {
  return binds.filter((bind): bind is BindPort & { port: number } => bind.source === 'env' && bind.port !== undefined);
}

/** A container that declares its ports, while an env var makes its process listen on another one. */
function checkDeclaredPorts(context: RuleContext, workload: Resource, container: Container): void {
  const ports = container.ports;
  const numbers = ports.map(containerPortNumber);
  if (ports.length === 0 || numbers.includes(undefined)) return;
  const binds = bindPorts(context.graph, workload, container, context.options.bindPortEnvNames);
  // A listening flag usually overrides the env default, so a flag on a declared (or unreadable) port settles it.
  if (binds.some((bind) => bind.source === 'flag' && (bind.port === undefined || numbers.includes(bind.port)))) return;
  for (const bind of knownEnvBinds(binds)) {
    if (numbers.includes(bind.port)) continue;
    const fixes: FixHint[] = [];
    for (const port of ports) {
      const number = containerPortNumber(port)!;
      const edit = bindValueEdit(context.graph, workload, bind, number);
      if (edit) fixes.push({ title: `Set ${bind.label} to ${number}`, edits: [edit], preferred: ports.length === 1 && !bind.origin });
    }
    if (ports.length === 1) {
      fixes.push({ title: `Set containerPort to ${bind.port}`, edits: [{ uri: workload.uri, span: ports[0].containerPort!.span, newText: String(bind.port) }] });
    }
    const declared = ports.length === 1 ? `containerPort ${describeContainerPort(ports[0])}` : `containerPorts ${describeContainerPorts(ports)}`;
    context.report({
      rule: 'process-port-mismatch',
      uri: workload.uri,
      span: bindPortSpan(container, bind),
      message: `${containerLabel(container, workload)} (${context.where(workload.uri)}) declares ${declared}, but ${bind.description} makes its process listen on ${bind.port}: traffic sent to the declared port finds nothing there`,
      related: [
        ...ports.map((port) => ({ uri: workload.uri, span: port.containerPort!.span, message: `containerPort ${describeContainerPort(port)} of ${containerLabel(container, workload)}` })),
        ...originRelated(bind),
      ],
      fixes,
    });
  }
}

/**
 * A Service that sends a number to a pod whose only serving container declares no ports (so
 * target-port-mismatch cannot judge), while an env var makes that container listen elsewhere.
 */
function checkServiceTargets(context: RuleContext, service: Resource): void {
  const selection = serviceSelection(context.graph, service);
  if (selection.state !== 'ok') return;
  for (const workload of selection.workloads) {
    if (workload.templated) continue;
    const containers = servingContainers(workload);
    // With several containers, one that says nothing may be the one that listens.
    if (containers.length !== 1 || containers[0].ports.length > 0) continue;
    const container = containers[0];
    const binds = bindPorts(context.graph, workload, container, context.options.bindPortEnvNames);
    const envBinds = knownEnvBinds(binds);
    if (envBinds.length === 0 || binds.some((bind) => bind.port === undefined)) continue;
    for (const servicePort of service.service!.ports) {
      const target = effectiveTarget(servicePort);
      if (!target || binds.some((bind) => bind.port === target.number)) continue;
      reportServiceTarget(context, service, servicePort, target, workload, container, envBinds);
    }
  }
}

/** The number a Service port sends to: its numeric targetPort, or `port` where targetPort is omitted or 0. */
function effectiveTarget(servicePort: ServicePort): { number: number; span: Span; implicit: boolean } | undefined {
  const { targetPort, port } = servicePort;
  if (targetPort?.kind === 'number' && targetPort.number !== 0) return { number: targetPort.number, span: targetPort.span, implicit: false };
  if (targetPort && !(targetPort.kind === 'number' && targetPort.number === 0)) return undefined;
  return port?.kind === 'number' ? { number: port.number, span: port.span, implicit: true } : undefined;
}

function reportServiceTarget(
  context: RuleContext,
  service: Resource,
  servicePort: ServicePort,
  target: { number: number; span: Span; implicit: boolean },
  workload: Resource,
  container: Container,
  envBinds: (BindPort & { port: number })[],
): void {
  const portLabel = servicePort.name ? `port ${servicePort.name.value} (${portValueText(servicePort.port)})` : `port ${portValueText(servicePort.port)}`;
  const sends = target.implicit
    ? `${describe(service)} ${portLabel} has no targetPort, so traffic goes to ${target.number}`
    : `${describe(service)} sends ${portLabel} to targetPort ${target.number}`;
  const listens = envBinds.map((bind) => `${bind.port} (${bind.description})`).join(' and ');
  const file = context.graph.file(service.uri);
  const fixes: FixHint[] = [];
  for (const bind of envBinds) {
    const edit = target.implicit
      ? file && insertMapEntry(file.text, service.uri, target.span, `targetPort: ${bind.port}`)
      : { uri: service.uri, span: target.span, newText: String(bind.port) };
    if (edit) fixes.push({ title: `Set targetPort to ${bind.port}`, edits: [edit], preferred: envBinds.length === 1 });
  }
  for (const bind of envBinds) {
    const edit = bindValueEdit(context.graph, workload, bind, target.number);
    if (edit) fixes.push({ title: `Set ${bind.label} to ${target.number}`, edits: [edit] });
  }
  context.report({
    rule: 'process-port-mismatch',
    uri: service.uri,
    span: target.span,
    message: `${sends}, but ${containerLabel(container, workload)} (${context.where(workload.uri)}) declares no containerPorts and its process listens on ${listens}`,
    related: envBinds.flatMap((bind) => [
      { uri: workload.uri, span: bindPortSpan(container, bind), message: `${bind.description} in ${containerLabel(container, workload)}` },
      ...originRelated(bind),
    ]),
    fixes,
  });
}

function originRelated(bind: BindPort): RelatedInformation[] {
  const origin = bind.origin;
  if (!origin?.valueSpan) return [];
  return [{ uri: origin.resource.uri, span: origin.valueSpan, message: `${origin.key} in ${describe(origin.resource)}` }];
}

/** Sets the value an env bind port reads: the literal, or the ConfigMap/Secret entry (base64 where the Secret's `data` holds it). */
function bindValueEdit(graph: PortGraph, workload: Resource, bind: BindPort, port: number): TextEdit | undefined {
  const origin = bind.origin;
  if (!origin) return { uri: workload.uri, span: bind.span, newText: `"${port}"` };
  const file = graph.file(origin.resource.uri);
  const entry = origin.resource.config?.entries.get(origin.key);
  if (!file || !origin.valueSpan || !entry) return undefined;
  const written = file.text.slice(origin.valueSpan.start, origin.valueSpan.end).trim().replace(/^["']|["']$/g, '');
  const base64 = origin.resource.config!.source === 'secret' && written !== entry.value && decodeBase64Text(written) === entry.value;
  return { uri: origin.resource.uri, span: origin.valueSpan, newText: base64 ? Buffer.from(String(port), 'utf8').toString('base64') : `"${port}"` };
}
