// Labels a controller adds to the pods it creates, beyond those of their template. A selector may
// name them: a Service per StatefulSet pod selects `statefulset.kubernetes.io/pod-name: web-0`.

import type { LabelExpression, LabelSelector, Resource } from '../model/types';

/** Set by the StatefulSet controller on each pod: the pod's name, `<set>-<ordinal>`. */
const POD_NAME = 'statefulset.kubernetes.io/pod-name';
/** Set by the StatefulSet controller on each pod (Kubernetes 1.28 and later): the ordinal. */
const POD_INDEX = 'apps.kubernetes.io/pod-index';
/**
 * Hashes of a pod template, set by the Deployment controller (`pod-template-hash`, Argo Rollouts
 * too) and by the StatefulSet and DaemonSet controllers (`controller-revision-hash`): no manifest
 * can say their values.
 */
const TEMPLATE_HASHES: ReadonlyMap<string, ReadonlySet<string>> = new Map([
  ['pod-template-hash', new Set(['Deployment', 'Rollout'])],
  ['controller-revision-hash', new Set(['StatefulSet', 'DaemonSet'])],
]);

/** Whether a label key is one a controller sets on the pods, not the template. */
export function isControllerLabel(key: string): boolean {
  return key === POD_NAME || key === POD_INDEX || TEMPLATE_HASHES.has(key);
}

/** Whether a selector names a template hash: which pods carry a value of it is unknown. */
export function namesTemplateHash(selector: LabelSelector): boolean {
  return [...selector.matchLabels.keys(), ...selector.matchExpressions.map((expression) => expression.key)].some((key) => TEMPLATE_HASHES.has(key));
}

/** The selector without its requirements on controller labels (for label index lookups); the same object where it has none. */
export function withoutControllerLabels(selector: LabelSelector): LabelSelector {
  const keys = [...selector.matchLabels.keys(), ...selector.matchExpressions.map((expression) => expression.key)];
  if (!keys.some(isControllerLabel)) return selector;
  return {
    ...selector,
    matchLabels: new Map([...selector.matchLabels].filter(([key]) => !isControllerLabel(key))),
    matchExpressions: selector.matchExpressions.filter((expression) => !isControllerLabel(expression.key)),
  };
}

/**
 * Whether a workload's pods may carry the controller labels a selector asks for, the template's
 * own labels aside. A StatefulSet's pods are `<name>-<ordinal>` for each ordinal from
 * `ordinals.start` below `replicas` (one where the field is absent, any number where it is
 * computed). A template hash matches some pod of the kinds that set it.
 */
export function controllerLabelsMatch(selector: LabelSelector, workload: Resource): boolean {
  const template = workload.workload!.podLabels;
  const requirements: LabelExpression[] = [
    ...[...selector.matchLabels].map(([key, value]) => ({ key, operator: 'In', values: [value] })),
    ...selector.matchExpressions,
  ].filter((requirement) => isControllerLabel(requirement.key));
  const perPod: LabelExpression[] = [];
  for (const requirement of requirements) {
    // A template that writes the label itself decides its value.
    if (template.has(requirement.key)) {
      if (!holds(requirement, template.get(requirement.key))) return false;
      continue;
    }
    const present = TEMPLATE_HASHES.get(requirement.key)?.has(workload.kind) ?? workload.kind === 'StatefulSet';
    if (!present) {
      if (!holds(requirement, undefined)) return false;
    } else if (!TEMPLATE_HASHES.has(requirement.key)) {
      perPod.push(requirement);
    }
    // A hash of some revision of the template: which value is unknown, so any pod may carry it.
  }
  if (perPod.length === 0) return true;
  const name = workload.name?.value ?? '';
  const labelsOf = (ordinal: number) => new Map([[POD_NAME, `${name}-${ordinal}`], [POD_INDEX, String(ordinal)]]);
  return ordinalsOf(workload, perPod, name).some((ordinal) => perPod.every((requirement) => holds(requirement, labelsOf(ordinal).get(requirement.key))));
}

/** The ordinals of a StatefulSet's pods; where their number is computed, the ordinals the requirements name (any of them may exist). */
function ordinalsOf(workload: Resource, requirements: LabelExpression[], name: string): number[] {
  const spec = workload.workload!;
  if (spec.replicasUnknown || workload.templated) {
    const named = new Set<number>([spec.ordinalsStart ?? 0]);
    for (const requirement of requirements) {
      for (const value of requirement.values) {
        const ordinal = requirement.key === POD_NAME ? (value.startsWith(`${name}-`) ? value.slice(name.length + 1) : '') : value;
        if (/^\d{1,9}$/.test(ordinal)) named.add(Number(ordinal));
      }
    }
    return [...named];
  }
  const start = spec.ordinalsStart ?? 0;
  const count = Math.max(0, Math.min(spec.replicas ?? 1, 100_000));
  return Array.from({ length: count }, (_, index) => start + index);
}

/** Whether a requirement holds for a label's value (undefined where the pod does not carry the label). */
function holds(requirement: LabelExpression, value: string | undefined): boolean {
  switch (requirement.operator) {
    case 'In':
      return value !== undefined && requirement.values.includes(value);
    case 'NotIn':
      return value === undefined || !requirement.values.includes(value);
    case 'Exists':
      return value !== undefined;
    case 'DoesNotExist':
      return value === undefined;
    default:
      return false;
  }
}

/** Whether a selector names a pod of this StatefulSet by its pod name (`web-3` of `web`), whatever the ordinal. */
export function namesPodOf(selector: LabelSelector, workload: Resource): boolean {
  const name = workload.name?.value;
  if (workload.kind !== 'StatefulSet' || name === undefined) return false;
  const values = [selector.matchLabels.get(POD_NAME), ...selector.matchExpressions.filter((expression) => expression.key === POD_NAME).flatMap((expression) => expression.values)];
  return values.some((value) => value !== undefined && value.startsWith(`${name}-`) && /^\d+$/.test(value.slice(name.length + 1)));
}

/**
 * Where a selector names a pod of one of these StatefulSets by name, the pods that StatefulSet
 * runs, for a message: `StatefulSet web runs 2 pods (web-0, web-1)`. Undefined where no selector
 * names one, or where their number is computed.
 */
export function statefulSetPodsNote(selector: LabelSelector, workloads: readonly Resource[]): string | undefined {
  for (const workload of workloads) {
    const spec = workload.workload!;
    if (!namesPodOf(selector, workload) || spec.replicasUnknown || workload.templated) continue;
    const name = workload.name!.value;
    const start = spec.ordinalsStart ?? 0;
    const count = spec.replicas ?? 1;
    const pods = Array.from({ length: Math.min(count, 3) }, (_, index) => `${name}-${start + index}`);
    const list = count > 3 ? `${pods[0]} … ${name}-${start + count - 1}` : pods.join(', ');
    return `StatefulSet ${name} runs ${count === 0 ? 'no pods' : `${count} ${count === 1 ? 'pod' : 'pods'} (${list})`}`;
  }
  return undefined;
}
