// Service → pods: service-selects-nothing, target-port-mismatch, target-port-name-missing,
// implicit-target-port, protocol-mismatch. Every selected workload is checked, not any one.

import { resolveTarget, selectedInOtherNamespaces, serviceSelection, type ContainerPortRef, type TargetResolution } from '../graph/links';
import { statefulSetPodsNote, withoutControllerLabels } from '../graph/podLabels';
import { namespaceKey } from '../graph/portGraph';
import { byIdentity } from '../graph/units';
import { originNote, originOf, valuePlace } from '../graph/helm';
import type { PortValue, Resource, ServicePort, Span } from '../model/types';
import { nearestName } from './backends';
import { insertMapEntry } from './portText';
import { describe, type FixHint, type RuleContext, type RuleFamily } from './types';

export const targetRules: RuleFamily = (context) => {
  for (const service of context.subjects()) {
    const spec = service.service;
    if (!spec) continue;
    const selection = serviceSelection(context.graph, service);
    const elsewhere = selectedInOtherNamespaces(context.graph, service, selection);
    if ((selection.state === 'broken' || elsewhere.length > 0) && spec.selector) {
      const labels = [...spec.selector.matchLabels].map(([key, value]) => `${key}=${value}`).join(', ');
      const namespaces = [...new Set(elsewhere.map((workload) => namespaceKey(workload)))];
      const found = elsewhere.slice(0, 3).map((workload) => `${describe(workload)} (${context.where(workload.uri)})`).join(', ');
      context.report({
        rule: 'service-selects-nothing',
        uri: service.uri,
        span: spec.selector.span,
        message:
          elsewhere.length > 0
            ? `${describe(service)} selects pods with ${labels}, but no pod template in namespace ${namespaceKey(service)} has these labels: the pods that do are in namespace ${namespaces.join(', ')} (${found}${elsewhere.length > 3 ? ', …' : ''}), and a Service selects pods of its own namespace only, so it has no endpoints`
            : `${describe(service)} selects pods with ${labels}, but ${podsNote(context, service) ?? 'no pod template in its namespace has these labels'}: the Service has no endpoints`,
        related: elsewhere.map((workload) => ({ uri: workload.uri, span: workload.workload!.podLabelsSpan ?? workload.kindSpan, message: `pod template labels of ${describe(workload)} in namespace ${namespaceKey(workload)}` })),
      });
      continue;
    }
    // Definitions of one workload are alternatives: only one of them is deployed with the Service.
    const workloads = byIdentity(selection.workloads);
    for (const servicePort of spec.ports) {
      if (!servicePort.port && !servicePort.targetPort) continue;
      const broken: TargetResolution[][] = [];
      for (const definitions of workloads) {
        const resolutions = definitions.map((workload) => resolveTarget(context.graph, service, servicePort, workload, context.options));
        // Broken only where every definition that could be deployed with the Service breaks it.
        if (resolutions.every((resolution) => resolution.state === 'broken')) broken.push(resolutions);
      }
      if (broken.length > 0) reportBrokenTargets(context, service, servicePort, broken);
    }
  }
};

/** Where a selector names a StatefulSet's pod by name (`statefulset.kubernetes.io/pod-name: web-3`), which pods that StatefulSet runs. */
function podsNote(context: RuleContext, service: Resource): string | undefined {
  const selector = service.service!.selector!;
  // The same object back means the selector names no label a controller adds.
  if (selector === withoutControllerLabels(selector)) return undefined;
  const note = statefulSetPodsNote(selector, context.graph.workloadsIn(namespaceKey(service)));
  return note && `${note}, so no pod has these labels`;
}

type TargetRule = 'protocol-mismatch' | 'target-port-name-missing' | 'implicit-target-port' | 'target-port-mismatch';

/** Which rule a broken resolution falls under. */
function targetRuleOf(resolution: TargetResolution): TargetRule {
  if (resolution.protocolMismatches.length > 0) return 'protocol-mismatch';
  if (resolution.target?.kind === 'name') return 'target-port-name-missing';
  return resolution.implicit ? 'implicit-target-port' : 'target-port-mismatch';
}

/**
 * One finding per rule at one place, whatever number of workloads and definitions it concerns:
 * the nearest definition of each workload speaks for it, and the message names the rest.
 */
function reportBrokenTargets(context: RuleContext, service: Resource, servicePort: ServicePort, broken: TargetResolution[][]): void {
  const byRule = new Map<TargetRule, TargetResolution[][]>();
  for (const definitions of broken) {
    const rule = targetRuleOf(definitions[0]);
    const list = byRule.get(rule);
    if (list) list.push(definitions);
    else byRule.set(rule, [definitions]);
  }
  for (const group of byRule.values()) reportBrokenTarget(context, service, servicePort, group);
}

function reportBrokenTarget(context: RuleContext, service: Resource, servicePort: ServicePort, group: TargetResolution[][]): void {
  const resolution = group[0][0];
  const { workload, target } = resolution;
  if (!target || target.kind === 'unknown') return;
  const where = context.where(workload.uri);
  const portNote = originNote(servicePort.port, context.where);
  const portLabel = servicePort.name ? `port ${servicePort.name.value} (${portText(servicePort.port)}${portNote ? `, ${portNote.slice(2, -1)}` : ''})` : `port ${portText(servicePort.port)}${portNote}`;
  const related = group.flatMap((definitions) =>
    definitions.flatMap((each) =>
      each.declared.map((ref) => ({
        uri: each.workload.uri,
        span: ref.port.containerPort?.span ?? ref.port.span,
        message: `containerPort ${describePort(ref)} of container ${ref.container.name?.value ?? '?'} in ${describe(each.workload)}`,
      })),
    ),
  );
  // A value from values.yaml is fixed there: point at it too.
  const targetOrigin = originOf(target);
  if (targetOrigin) related.unshift({ uri: targetOrigin.uri, span: targetOrigin.span, message: `${targetOrigin.fallback ? `the default of .Values.${targetOrigin.path}` : targetOrigin.path}: ${portText(target)}, the ${resolution.implicit ? 'port' : 'targetPort'} of ${describe(service)}` });
  const targetNote = originNote(target, context.where);
  // Fixes edit one definition: offered where the finding concerns one workload defined once.
  const single = group.length === 1 && group[0].length === 1;
  const others = othersNote(context, group);

  if (resolution.protocolMismatches.length > 0) {
    const mismatch = resolution.protocolMismatches[0];
    context.report({
      rule: 'protocol-mismatch',
      uri: service.uri,
      span: servicePort.protocolSpan ?? target.span,
      message: `${describe(service)} ${portLabel} speaks ${servicePort.protocol}, but container ${mismatch.container.name?.value ?? '?'} of ${describe(workload)} (${where}) declares ${describePort(mismatch)} as ${mismatch.port.protocol}${others}`,
      related: [{ uri: workload.uri, span: mismatch.port.protocolSpan ?? mismatch.port.span, message: `protocol ${mismatch.port.protocol} of ${describe(workload)}` }],
      fixes: servicePort.protocolSpan && !writtenByTemplate(context, service.uri, servicePort.protocolSpan) ? [{ title: `Set protocol to ${mismatch.port.protocol}`, edits: [{ uri: service.uri, span: servicePort.protocolSpan, newText: mismatch.port.protocol }] }] : [],
    });
    return;
  }

  const declaredText = resolution.declared.length > 0 ? resolution.declared.map(describePort).join(', ') : 'none';
  if (target.kind === 'name') {
    context.report({
      rule: 'target-port-name-missing',
      uri: service.uri,
      span: target.span,
      message: `${describe(service)} sends ${portLabel} to targetPort ${target.name}${targetNote}, but ${describe(workload)} (${where}) declares no port named ${target.name} (its containerPorts are ${declaredText})${others}`,
      related,
      fixes: single ? targetFixes(service, resolution) : [],
    });
    return;
  }

  if (resolution.implicit) {
    context.report({
      rule: 'implicit-target-port',
      uri: service.uri,
      span: target.span,
      message: `${describe(service)} ${portLabel} has no targetPort, so traffic goes to ${target.number}, but ${describe(workload)} (${where}) declares no containerPort ${target.number} (its containerPorts are ${declaredText})${listeningText(resolution)}${others}`,
      related,
      fixes: single
        ? (resolution.declared
            .filter((ref) => ref.port.containerPort?.kind === 'number')
            .map((ref, index) => ({
              title: `Add targetPort: ${ref.port.name?.value ?? portText(ref.port.containerPort)}`,
              edits: [insertTargetPort(context, service, servicePort, ref.port.name?.value ?? portText(ref.port.containerPort))],
              preferred: index === 0,
            }))
            .filter((fix) => fix.edits[0] !== undefined) as FixHint[])
        : [],
    });
    return;
  }

  context.report({
    rule: 'target-port-mismatch',
    uri: service.uri,
    span: target.span,
    message: `${describe(service)} sends ${portLabel} to targetPort ${target.number}${targetNote}, but ${describe(workload)} (${where}) declares no containerPort ${target.number} (its containerPorts are ${declaredText})${listeningText(resolution)}${others}`,
    related,
    fixes: single ? targetFixes(service, resolution) : [],
  });
}

/**
 * What else a finding concerns beyond the nearest definition of its first workload: the other
 * definitions of that workload (alternatives, each of which breaks the link too) and the other
 * workloads the Service selects that break it the same way.
 */
function othersNote(context: RuleContext, group: TargetResolution[][]): string {
  const parts: string[] = [];
  const alternatives = group[0].slice(1).map((each) => context.where(each.workload.uri));
  if (alternatives.length > 0) parts.push(`its other ${alternatives.length === 1 ? 'definition' : 'definitions'} (${unique(alternatives).join(', ')}) ${alternatives.length === 1 ? 'does' : 'do'} not either`);
  for (const definitions of group.slice(1)) {
    const first = definitions[0];
    const ports = first.declared.length > 0 ? first.declared.map(describePort).join(', ') : 'none';
    parts.push(`nor does ${describe(first.workload)} (${context.where(first.workload.uri)}${definitions.length > 1 ? ` and ${definitions.length - 1} other ${definitions.length === 2 ? 'definition' : 'definitions'}` : ''}), whose containerPorts are ${ports}`);
  }
  return parts.length > 0 ? `; ${parts.join('; ')}` : '';
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

/**
 * What the evidence says the processes bind, where there is any (env vars, flags, config files,
 * image defaults, probes): `, and its process listens on 3000 (PORT=3000)`. Without evidence a
 * message speaks of declarations only: containerPort is documentation, not proof of a listener.
 */
function listeningText(resolution: TargetResolution): string {
  const declared = new Set(resolution.declared.map((ref) => (ref.port.containerPort?.kind === 'number' ? ref.port.containerPort.number : undefined)));
  const seen = new Set<number>();
  const written: string[] = [];
  const defaults: number[] = [];
  for (const { bind } of resolution.listening) {
    if (bind.port === undefined || seen.has(bind.port)) continue;
    seen.add(bind.port);
    // An image's defaults are many; the ones the container declares are in the message already.
    if (bind.source === 'image') {
      if (!declared.has(bind.port)) defaults.push(bind.port);
    } else written.push(`${bind.port} (${bind.source === 'probe' ? `its ${bind.label} checks it` : bind.description})`);
  }
  const parts: string[] = [];
  const containers = new Set(resolution.listening.filter(({ bind }) => bind.source !== 'image').map((item) => item.container));
  if (written.length > 0) parts.push(`${containers.size > 1 ? 'its processes listen' : 'its process listens'} on ${written.slice(0, 4).join(', ')}${written.length > 4 ? ', …' : ''}`);
  if (defaults.length > 0) parts.push(`its image listens on ${defaults.slice(0, 6).join(', ')}${defaults.length > 6 ? ', …' : ''} by default`);
  return parts.length > 0 ? `, and ${parts.join(', and ')}` : '';
}

/** Set targetPort to each declared port (by number, or by name where the container names it), or containerPort to the target. */
function targetFixes(service: Resource, resolution: TargetResolution): FixHint[] {
  const target = resolution.target!;
  const fixes: FixHint[] = [];
  const numbered = resolution.declared.filter((ref) => ref.port.containerPort?.kind === 'number');
  // A misspelt name most likely means the declared port name nearest to it.
  const meant = target.kind === 'name' ? nearestName(target.name, numbered.flatMap((ref) => (ref.port.name ? [ref.port.name.value] : []))) : undefined;
  numbered.forEach((ref, index) => {
    const value = target.kind === 'name' && ref.port.name ? ref.port.name.value : portText(ref.port.containerPort);
    const preferred = meant !== undefined ? value === meant && !fixes.some((fix) => fix.preferred) : index === 0 && numbered.length === 1;
    fixes.push({ title: `Set ${fieldTitle('targetPort', target)} to ${value}`, edits: [{ ...valuePlace(service.uri, target), newText: value }], preferred });
  });
  if (target.kind === 'number' && numbered.length === 1) {
    const ref = numbered[0];
    const containerPort = ref.port.containerPort!;
    fixes.push({ title: `Set ${fieldTitle(`containerPort of ${ref.container.name?.value ?? 'the container'}`, containerPort)} to ${target.number}`, edits: [{ ...valuePlace(resolution.workload.uri, containerPort), newText: String(target.number) }] });
  }
  return fixes;
}

/** `targetPort`, or `service.targetPort in values.yaml` where a fix writes to the chart's values (or the action's default). */
function fieldTitle(field: string, value: PortValue): string {
  const origin = originOf(value);
  if (!origin) return field;
  return origin.fallback ? `the default of .Values.${origin.path}` : `${origin.path} in values.yaml`;
}

/** Whether a span of a file is (or holds) a template action, which a fix must not overwrite. */
function writtenByTemplate(context: RuleContext, uri: string, span: Span): boolean {
  return context.graph.file(uri)?.text.slice(span.start, span.end).includes('{{') === true;
}

/** An edit that adds `targetPort: value` to the port entry: a line of its own below `port:`, or beside it in a flow map. */
function insertTargetPort(context: RuleContext, service: Resource, servicePort: ServicePort, value: string): FixHint['edits'][number] | undefined {
  const file = context.graph.file(service.uri);
  const port = servicePort.port;
  if (!file || !port) return undefined;
  // `targetPort: 0` is written already: set it rather than add a second key.
  if (servicePort.unsetTargetPort) return { uri: service.uri, span: servicePort.unsetTargetPort, newText: value };
  return insertMapEntry(file.text, service.uri, port.span, `targetPort: ${value}`);
}

function describePort(ref: ContainerPortRef): string {
  const number = portText(ref.port.containerPort);
  return ref.port.name ? `${number} (${ref.port.name.value})` : number;
}

function portText(port: { kind: string; number?: number; name?: string; text?: string } | undefined): string {
  if (!port) return '?';
  return port.kind === 'number' ? String(port.number) : port.kind === 'name' ? String(port.name) : String(port.text);
}
