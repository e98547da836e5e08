// The config a pod reads: config-ref-missing (a ConfigMap or Secret the workspace would hold but
// does not) and config-key-missing (a key its ConfigMap or Secret lacks). Either stops the pod
// from starting (CreateContainerConfigError, or a volume that never mounts) before any port
// matters, unless the ref says `optional: true`.
//
// Only on evidence: Secrets and ConfigMaps often come from outside the workspace (External
// Secrets, Sealed Secrets, cert-manager, operators, Helm, `kubectl create secret`, code that
// writes dashboards). An object is reported missing only where a name a typo away sits in the
// workload's unit, or, for a ConfigMap in a container's environment, where the same container
// reads another ConfigMap written beside it (same file, build or folder).

import { templateRootOf } from '../graph/helm';
import { inPartialBuild, withinBuild } from '../graph/kustomize';
import { namespaceKey, namespaceLabel } from '../graph/portGraph';
import { nearness, sharesUnit } from '../graph/units';
import type { Container, Located, Resource } from '../model/types';
import { isPlaceholder } from '../model/yamlTree';
import { editDistance, nearestName } from './backends';
import { describe, type FixHint, type RuleContext, type RuleFamily } from './types';

type Source = 'configMap' | 'secret';

/** One place a pod names a ConfigMap or Secret, with the key where it names one. */
interface ConfigRef {
  source: Source;
  name: Located<string>;
  key: Located<string> | undefined;
  optional: boolean;
  /** How the ref is written, for messages: `envFrom`, `configMapKeyRef of PORT`, `volume`. */
  field: string;
  container: Container | undefined;
}

/** Objects every namespace holds without a manifest: the API server and meshes write them. */
const WELL_KNOWN = new Set(['kube-root-ca.crt', 'istio-ca-root-cert', 'openshift-service-ca.crt', 'linkerd-identity-trust-roots']);

export const configRefRules: RuleFamily = (context) => {
  for (const resource of context.subjects()) {
    // A template may compute names and keys, and a chart's other templates may write the objects.
    if (!resource.workload || resource.templated || templateRootOf(resource.uri) !== undefined) continue;
    // A build that names what the workspace does not hold may generate the object there.
    if (inPartialBuild(resource)) continue;
    const refs = refsOf(resource);
    if (refs.length === 0) continue;
    const ns = namespaceKey(resource);
    const found = new Map<ConfigRef, Resource[]>();
    for (const ref of refs) found.set(ref, withinBuild(resource, context.graph.configsNamed(ref.source, ns, ref.name.value, resource.uri)));
    for (const ref of refs) {
      if (ref.optional || isPlaceholder(ref.name.value) || WELL_KNOWN.has(ref.name.value)) continue;
      const holders = found.get(ref)!;
      if (holders.length === 0) checkMissingObject(context, resource, ref, refs, found);
      else if (ref.key) checkMissingKey(context, resource, ref, ref.key, holders);
    }
  }
};

/** Every ConfigMap and Secret a workload's pods name: envFrom, key refs, volumes. */
function refsOf(workload: Resource): ConfigRef[] {
  const refs: ConfigRef[] = [];
  for (const container of workload.workload!.containers) {
    for (const source of container.envFrom) refs.push({ source: source.source, name: source.name, key: undefined, optional: source.optional, field: 'envFrom', container });
    for (const variable of container.env) {
      const ref = variable.configMapKeyRef ?? variable.secretKeyRef;
      if (!ref) continue;
      const field = variable.configMapKeyRef ? 'configMapKeyRef' : 'secretKeyRef';
      refs.push({ source: variable.configMapKeyRef ? 'configMap' : 'secret', name: ref.name, key: ref.key, optional: ref.optional, field: `${field} of ${variable.name.value}`, container });
    }
  }
  for (const volume of workload.workload!.configVolumes ?? []) {
    refs.push({ source: volume.source, name: volume.name, key: undefined, optional: volume.optional === true, field: 'a volume', container: undefined });
  }
  return refs;
}

function kindOf(source: Source): string {
  return source === 'configMap' ? 'ConfigMap' : 'Secret';
}

function where(workload: Resource, container: Container | undefined): string {
  return container ? `container ${container.name?.value ?? '(unnamed)'} of ${describe(workload)}` : describe(workload);
}

// ---------------------------------------------------------------------------------------------
// config-ref-missing

function checkMissingObject(context: RuleContext, workload: Resource, ref: ConfigRef, refs: readonly ConfigRef[], found: Map<ConfigRef, Resource[]>): void {
  const ns = namespaceKey(workload);
  const name = ref.name.value;
  // A controller beside the workload (an ExternalSecret, a SealedSecret, a Certificate, an operator) may write it.
  if (context.graph.mayMakeConfigsIn(ns, workload)) return;
  // A near name beside the workload is a typo of an object the workspace holds.
  const inUnit = context.graph.configsIn(ref.source, ns).filter((candidate) => candidate.name && sharesUnit(workload, candidate));
  const meant = typoOf(name, [...new Set(inUnit.map((candidate) => candidate.name!.value))]);
  const meantHolder = meant === undefined ? undefined : inUnit.find((candidate) => candidate.name!.value === meant);
  // Otherwise only a ConfigMap in the environment: the same container reads another one written
  // beside it (same file, build or folder). Secrets and volumes (dashboards, certificates) are
  // so often made elsewhere that only a typo counts as evidence for them.
  const managed =
    ref.source === 'configMap' && ref.container
      ? refs
          .filter((other) => other !== ref && other.container === ref.container && other.source === 'configMap' && other.name.value !== name)
          .flatMap((other) => found.get(other)!.filter((holder) => nearness(workload, holder) <= 2))
      : [];
  if (managed.length === 0 && !meantHolder) return;

  const kind = kindOf(ref.source);
  let message = `${where(workload, ref.container)} (${context.where(workload.uri)}) reads ${kind} ${name} (${ref.field}), but ${namespaceLabel(ns)} has no ${kind} ${name}: the pod cannot start (${ref.container ? 'CreateContainerConfigError' : 'the volume never mounts: FailedMount'}) unless the ref is optional: true`;
  const fixes: FixHint[] = [];
  const related = [];
  if (meantHolder) {
    message += `; did you mean ${meant} (${context.where(meantHolder.uri)})?`;
    fixes.push({ title: `Change the ${kind} name to ${meant}`, edits: [{ uri: workload.uri, span: ref.name.span, newText: meant! }], preferred: true });
    related.push({ uri: meantHolder.uri, span: meantHolder.name!.span, message: `${describe(meantHolder)}` });
  } else {
    const beside = managed[0];
    message += `; the same container reads ${kind} ${beside.name!.value}, which is written beside it (${context.where(beside.uri)})`;
    related.push({ uri: beside.uri, span: beside.name!.span, message: `${describe(beside)}, read by the same container` });
  }
  context.report({ rule: 'config-ref-missing', uri: workload.uri, span: ref.name.span, message, related, fixes });
}

/** A name one or two edits away (a short name one): closer than nearestName, since neighbours such as grafana-dashboard-x and grafana-dashboards are different objects. */
function typoOf(name: string, candidates: readonly string[]): string | undefined {
  const limit = Math.min(2, Math.floor(name.length / 4));
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    if (candidate === name) continue;
    const distance = editDistance(name, candidate);
    if (distance > limit) continue;
    if (!best || distance < best.distance) best = { candidate, distance };
  }
  return best?.candidate;
}

// ---------------------------------------------------------------------------------------------
// config-key-missing

function checkMissingKey(context: RuleContext, workload: Resource, ref: ConfigRef, key: Located<string>, holders: readonly Resource[]): void {
  // Keys are often upper case (PORT), which isPlaceholder reads as a placeholder; only template syntax is one here.
  if (/[${}<>]/.test(key.value)) return;
  for (const holder of holders) {
    // What the workspace cannot read whole may hold the key: a template, a partial build, an
    // object others fill in (empty, or with a controller's injection annotation).
    if (holder.templated || inPartialBuild(holder) || !holder.config || holder.config.entries.size === 0) return;
    if ([...holder.annotations.keys()].some((annotation) => /inject|service-account|replicat|reflector/i.test(annotation))) return;
    if (holder.config.entries.has(key.value)) return;
  }
  // A ConfigMap written elsewhere (a base, another component) may be patched with the key where it is deployed.
  if (!holders.some((holder) => nearness(workload, holder) <= 2)) return;
  const holder = holders[0];
  const kind = kindOf(ref.source);
  const keys = [...holder.config!.entries.keys()];
  let message = `${where(workload, ref.container)} (${context.where(workload.uri)}) reads key ${key.value} of ${kind} ${ref.name.value} (${ref.field}), but ${describe(holder)} (${context.where(holder.uri)}) has no key ${key.value}: its keys are ${keys.join(', ')}; the pod cannot start (CreateContainerConfigError) unless the ref is optional: true`;
  const fixes: FixHint[] = [];
  const meant = nearestName(key.value, keys);
  if (meant !== undefined) {
    message += `; did you mean ${meant}?`;
    fixes.push({ title: `Change the key to ${meant}`, edits: [{ uri: workload.uri, span: key.span, newText: meant }], preferred: true });
  }
  context.report({
    rule: 'config-key-missing',
    uri: workload.uri,
    span: key.span,
    message,
    related: [{ uri: holder.uri, span: holder.name?.span ?? holder.kindSpan, message: `${describe(holder)}` }],
    fixes,
  });
}
