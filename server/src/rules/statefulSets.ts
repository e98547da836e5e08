// StatefulSet `serviceName` → its governing Service: statefulset-service-name.
//
// A StatefulSet's pods get DNS names of their own (`db-0.db-headless.shop.svc`) from the endpoints
// of the Service that `serviceName` names: with no such Service, or one that does not select the
// pods, no DNS server has anything to answer. The Kubernetes DNS specification publishes per-pod
// names only for a headless Service (`clusterIP: None`); CoreDNS answers them for any Service, so
// a single-replica StatefulSet behind a ClusterIP Service works wherever it is reached by the
// Service name. With several replicas the difference matters (peers that find each other through
// the Service name get one virtual IP, and kube-dns has no per-pod names), so only then is a
// Service that is not headless reported.

import { inPartialBuild, withinBuild } from '../graph/kustomize';
import { selectorMatches } from '../graph/links';
import { directoryOf, linkedNamespaces, namespaceKey, namespaceLabel } from '../graph/portGraph';
import type { Located, Resource } from '../model/types';
import { nearestName } from './backends';
import { describe, type FixHint, type RuleContext, type RuleFamily } from './types';

/** Labels the StatefulSet controller adds to each pod, which its template never shows. */
const POD_IDENTITY_LABELS = ['statefulset.kubernetes.io/pod-name', 'apps.kubernetes.io/pod-index', 'controller-revision-hash'];

export const statefulSetRules: RuleFamily = (context) => {
  for (const statefulSet of context.subjects()) {
    const serviceName = statefulSet.workload?.serviceName;
    if (statefulSet.kind !== 'StatefulSet' || !serviceName || serviceName.value === '' || statefulSet.templated) continue;
    const key = namespaceKey(statefulSet);
    // A kustomize build's copy links within its build.
    const services = withinBuild(statefulSet, context.graph.servicesNamed(key, serviceName.value, statefulSet.uri));
    if (services.length === 0) {
      if (expectsService(context, statefulSet, serviceName.value)) reportMissing(context, statefulSet, serviceName);
      continue;
    }
    // Where one name has several definitions in reach (overlays), one that works may be the one deployed.
    if (services.some((service) => service.templated)) continue;
    if (services.some((service) => selectsPods(service, statefulSet) !== false)) {
      const replicas = statefulSet.workload!.replicas ?? 1;
      if (replicas > 1 && !services.some((service) => service.service!.headless)) reportNotHeadless(context, statefulSet, serviceName, services[0], replicas);
      continue;
    }
    reportNotSelecting(context, statefulSet, serviceName, services[0]);
  }
};

/**
 * Whether a Service selects the StatefulSet's pods: undefined where the workspace cannot tell (no
 * selector, so endpoints are managed by hand; a computed selector; one on per-pod labels).
 */
function selectsPods(service: Resource, statefulSet: Resource): boolean | undefined {
  const selector = service.service!.selector;
  if (!selector || selector.incomplete) return undefined;
  if (POD_IDENTITY_LABELS.some((label) => selector.matchLabels.has(label))) return undefined;
  return selectorMatches(selector, statefulSet.workload!.podLabels);
}

/**
 * Whether the workspace would hold the Service if it existed: the namespace has Services (all
 * readable), no namesake elsewhere may be applied beside the StatefulSet, and in the default
 * namespace, which unrelated examples of one repository share, a Service sits in the
 * StatefulSet's folder or below it.
 */
function expectsService(context: RuleContext, statefulSet: Resource, name: string): boolean {
  const key = namespaceKey(statefulSet);
  const graph = context.graph;
  const services = withinBuild(statefulSet, graph.servicesIn(key));
  // A build that names something the workspace does not hold may hold this Service too.
  if (services.length === 0 || graph.hasUnnamedServicesIn(key, statefulSet) || inPartialBuild(statefulSet)) return false;
  // An operator portchain has no description of may create the Service from a custom resource beside it.
  if (graph.undescribedOperatorIn(key, statefulSet)) return false;
  const linked = new Set(linkedNamespaces(key));
  const elsewhere = graph.servicesNamedAnywhere(name).filter((service) => !linked.has(namespaceKey(service)));
  // A namesake without metadata.namespace may be applied to this namespace, and a StatefulSet
  // without one may be applied to the namesake's.
  if (elsewhere.some((service) => namespaceKey(service) === '') || (elsewhere.length > 0 && key === '')) return false;
  if (key !== '' && key !== 'default') return true;
  const directory = directoryOf(statefulSet.uri);
  return services.some((service) => service.uri.startsWith(directory));
}

function reportMissing(context: RuleContext, statefulSet: Resource, serviceName: Located<string>): void {
  const key = namespaceKey(statefulSet);
  const name = serviceName.value;
  let message = `${describe(statefulSet)} names serviceName ${name}, but ${namespaceLabel(key)} has no Service ${name}: its pods get no DNS names of their own (${podDnsName(statefulSet, name)})`;
  const fixes: FixHint[] = [];
  // The Service meant is one that selects the pods: the only headless one, the only one, or the nearest name.
  const candidates = withinBuild(statefulSet, context.graph.servicesIn(key)).filter((service) => service.name && selectsPods(service, statefulSet) === true);
  const names = (list: Resource[]) => [...new Set(list.map((service) => service.name!.value))];
  const headless = names(candidates.filter((service) => service.service!.headless));
  const all = names(candidates);
  const meant = headless.length === 1 ? headless[0] : all.length === 1 ? all[0] : nearestName(name, all);
  const related = [];
  if (meant !== undefined) {
    const service = candidates.find((candidate) => candidate.name!.value === meant)!;
    message += `; ${service.service!.headless ? 'the headless ' : ''}Service ${meant} (${context.where(service.uri)}) selects them`;
    fixes.push({ title: `Set serviceName to ${meant}`, edits: [{ uri: statefulSet.uri, span: serviceName.span, newText: meant }], preferred: true });
    related.push({ uri: service.uri, span: service.name!.span, message: describe(service) });
  }
  context.report({ rule: 'statefulset-service-name', uri: statefulSet.uri, span: serviceName.span, message, related, fixes });
}

function reportNotHeadless(context: RuleContext, statefulSet: Resource, serviceName: Located<string>, service: Resource, replicas: number): void {
  const spec = service.service!;
  const what = spec.type === 'ExternalName' ? 'is of type ExternalName, not headless' : `is not headless (it has no clusterIP: None${spec.type !== 'ClusterIP' ? ` and is of type ${spec.type}` : ''})`;
  const name = serviceName.value;
  context.report({
    rule: 'statefulset-service-name',
    uri: statefulSet.uri,
    span: serviceName.span,
    message: `${describe(statefulSet)} runs ${replicas} replicas under serviceName ${name}, but ${describe(service)} (${context.where(service.uri)}) ${what}: ${name} resolves to one virtual IP rather than to each pod, and DNS servers that follow the Kubernetes DNS specification (kube-dns) publish no per-pod names such as ${podDnsName(statefulSet, name)}; set clusterIP: None on it, or give the StatefulSet a headless Service of its own`,
    related: [{ uri: service.uri, span: spec.typeSpan ?? service.name?.span ?? service.kindSpan, message: `${describe(service)}, not headless` }],
  });
}

function reportNotSelecting(context: RuleContext, statefulSet: Resource, serviceName: Located<string>, service: Resource): void {
  const selector = service.service!.selector!;
  const selected = [...selector.matchLabels].map(([key, value]) => `${key}=${value}`).join(', ');
  const labels = [...statefulSet.workload!.podLabels].map(([key, value]) => `${key}=${value}`).join(', ') || 'no labels';
  context.report({
    rule: 'statefulset-service-name',
    uri: statefulSet.uri,
    span: serviceName.span,
    message: `${describe(statefulSet)} names serviceName ${serviceName.value}, but ${service.service!.headless ? 'the headless ' : ''}${describe(service)} (${context.where(service.uri)}) selects ${selected} and the StatefulSet's pods carry ${labels}: the Service has no endpoints for them, so they get no DNS names of their own (${podDnsName(statefulSet, serviceName.value)})`,
    related: [{ uri: service.uri, span: selector.span, message: `selector of ${describe(service)}` }],
  });
}

/** The DNS name the first pod would have: `db-0.db-headless`. */
function podDnsName(statefulSet: Resource, serviceName: string): string {
  return `${statefulSet.name?.value ?? 'pod'}-0.${serviceName}`;
}
