// A controller's selector → its own pod template's labels: selector-mismatch.
//
// The controller owns the pods its selector matches. A template whose labels the selector does not
// match would make pods the controller cannot see, so the API server refuses the object outright
// (apps/v1, batch/v1 and core/v1 validation alike): nothing is created at all.

import { selectorMatches } from '../graph/links';
import { namespaceKey } from '../graph/portGraph';
import type { LabelExpression, LabelSelector, Resource } from '../model/types';
import { describe, type RuleContext, type RuleFamily } from './types';

const KNOWN_OPERATORS = new Set(['In', 'NotIn', 'Exists', 'DoesNotExist']);

export const selectorRules: RuleFamily = (context) => {
  for (const workload of context.subjects()) {
    const spec = workload.workload;
    const selector = spec?.selector;
    // A template may compute labels or selector, so templated workloads are never judged.
    if (!spec || workload.templated) continue;
    if (!selector) {
      checkMissingSelector(context, workload);
      continue;
    }
    if (selector.incomplete) continue;
    if ((workload.kind === 'Job' || workload.kind === 'CronJob') && spec.manualSelector !== true) {
      checkGeneratedSelector(context, workload, selector);
      continue;
    }
    // An operator Kubernetes does not know is the API server's finding, not a mismatch.
    if (selector.matchExpressions.some((expression) => !KNOWN_OPERATORS.has(expression.operator))) continue;
    if (selectorMatches(selector, spec.podLabels)) continue;
    if (isPatchOfAnother(context, workload)) continue;
    const templateLabels = `${spec.podSpecPath.replace(/\.spec$/, '')}.metadata.labels`;
    const mismatch = spec.podLabels.size === 0
      ? `its pod template has no labels (${templateLabels})`
      : `its pod template's labels (${templateLabels}) miss ${unmatched(selector, spec.podLabels).join(', ')}`;
    context.report({
      rule: 'selector-mismatch',
      uri: workload.uri,
      span: selector.span,
      message: `${describe(workload)} selects pods with ${requirementsText(selector)}, but ${mismatch}; ${consequence(workload)}`,
      related: spec.podLabelsSpan ? [{ uri: workload.uri, span: spec.podLabelsSpan, message: `pod template labels of ${describe(workload)}` }] : [],
    });
  }
};

/** The apps/v1 controllers whose `spec.selector` the API server requires (older API versions took the template's labels). */
const SELECTOR_REQUIRED = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet']);

/**
 * An apps/v1 controller without `spec.selector`: the API server rejects it. Only a whole object
 * counts: one whose containers all have an image, whose template has labels to select, and that
 * no other definition of the same kind and name in the workspace may complete (a kustomize patch,
 * an overlay, an e2e assert).
 */
function checkMissingSelector(context: RuleContext, workload: Resource): void {
  const spec = workload.workload!;
  if (workload.apiVersion !== 'apps/v1' || !SELECTOR_REQUIRED.has(workload.kind)) return;
  if (spec.containers.length === 0 || spec.containers.some((container) => container.image === undefined)) return;
  // Neither a selector nor template labels: an input whose labels and selector kustomize's
  // commonLabels writes (it creates the selector), not an object anyone applies as it is.
  if (spec.podLabels.size === 0) return;
  const name = workload.name?.value;
  if (name === undefined || hasNamesake(context, workload)) return;
  const labels = [...spec.podLabels].map(([key, value]) => `${key}: ${value}`).join(', ');
  context.report({
    rule: 'selector-mismatch',
    uri: workload.uri,
    span: workload.name?.span ?? workload.kindSpan,
    message: `${describe(workload)} has no spec.selector: apps/v1 requires one (only the older API versions took it from the template's labels), so the API server rejects the ${workload.kind} (spec.selector: Required value); ${labels ? `add selector: {matchLabels: {${labels}}}` : 'add a selector and the same labels on the pod template'}`,
    related: spec.podLabelsSpan ? [{ uri: workload.uri, span: spec.podLabelsSpan, message: `pod template labels of ${describe(workload)}` }] : [],
  });
}

/** Label keys of the selector the API server generates for a Job: a selector of these alone is its own (a dump of a live Job). */
const GENERATED_JOB_KEYS = new Set(['controller-uid', 'batch.kubernetes.io/controller-uid', 'job-name', 'batch.kubernetes.io/job-name']);

/**
 * A Job's selector written by hand without `manualSelector: true`, or any selector in a CronJob's
 * jobTemplate: the API server generates these selectors (from the Job's uid) and rejects one
 * written in the manifest.
 */
function checkGeneratedSelector(context: RuleContext, workload: Resource, selector: LabelSelector): void {
  if (workload.kind === 'CronJob') {
    context.report({
      rule: 'selector-mismatch',
      uri: workload.uri,
      span: selector.span,
      message: `${describe(workload)} sets spec.jobTemplate.spec.selector, but the API server generates the selector of each Job it creates and rejects the CronJob (\`selector\` will be auto-generated): remove the selector`,
    });
    return;
  }
  const keys = [...selector.matchLabels.keys(), ...selector.matchExpressions.map((expression) => expression.key)];
  // The selector of a Job the API server made, dumped as it is (golden files, `kubectl get -o yaml`).
  if (keys.every((key) => GENERATED_JOB_KEYS.has(key))) return;
  context.report({
    rule: 'selector-mismatch',
    uri: workload.uri,
    span: selector.span,
    message: `${describe(workload)} sets spec.selector without manualSelector: true, but the API server generates a Job's selector (from its uid) and rejects one written by hand (\`selector\` not auto-generated): remove the selector, or set manualSelector: true if these labels are unique to this Job's pods`,
  });
}

/** Whether the workspace defines the same kind and name again (in its namespace, or without one): a base, a patch, an overlay. */
function hasNamesake(context: RuleContext, workload: Resource): boolean {
  const name = workload.name?.value;
  return [...context.graph.workloadsIn(namespaceKey(workload)), ...(namespaceKey(workload) === '' ? [] : context.graph.workloadsIn(''))].some(
    // Copies of the one object that kustomize builds make are not another definition.
    (other) => other.kind === workload.kind && other.name?.value === name && (other.uri !== workload.uri || other.span.start !== workload.span.start),
  );
}

/**
 * Whether a workload is a partial object merged into another definition of it (a kustomize patch
 * or overlay): a container without `image`, which the API server requires, or no containers at
 * all, while the workspace defines the same kind and name elsewhere. The labels then come from
 * that base.
 */
function isPatchOfAnother(context: RuleContext, workload: Resource): boolean {
  const containers = workload.workload!.containers;
  const name = workload.name?.value;
  if (name === undefined || (containers.length > 0 && containers.every((container) => container.image !== undefined))) return false;
  return context.graph
    .workloadsIn(namespaceKey(workload))
    .some((other) => other !== workload && other.kind === workload.kind && other.name?.value === name);
}

/** What happens to a controller whose selector misses its template, in the words of whoever validates it. */
function consequence(workload: Resource): string {
  const kind = workload.kind;
  if (kind === 'Rollout') return 'Argo Rollouts marks the Rollout InvalidSpec and creates no pods';
  if (kind === 'DeploymentConfig') return 'OpenShift rejects the DeploymentConfig (selector does not match template labels)';
  // OpenKruise's webhook validates its workloads as the API server does Deployments.
  if (workload.apiVersion.startsWith('apps.kruise.io/')) return `OpenKruise's webhook rejects the ${kind} (\`selector\` does not match template \`labels\`), so none of it is created`;
  if (workload.embeddedIn) return `the API server rejects the ${kind} when ${workload.embeddedIn.kind === 'ClusterServiceVersion' ? 'OLM installs the bundle' : `the ${workload.embeddedIn.kind} creates it`} (\`selector\` does not match template \`labels\`), so none of it runs`;
  return `the API server rejects the ${kind} (\`selector\` does not match template \`labels\`), so none of it is created`;
}

/** The selector's requirements the labels fail: `tier=front (not in the template)`, `app=web (the template says app=webapp)`. */
function unmatched(selector: LabelSelector, labels: ReadonlyMap<string, string>): string[] {
  const out: string[] = [];
  for (const [key, value] of selector.matchLabels) {
    const actual = labels.get(key);
    if (actual === value) continue;
    out.push(actual === undefined ? `${key}=${value} (not in the template)` : `${key}=${value} (the template says ${key}=${actual})`);
  }
  for (const expression of selector.matchExpressions) {
    const one: LabelSelector = { matchLabels: new Map(), matchExpressions: [expression], span: selector.span, incomplete: false };
    if (!selectorMatches(one, labels)) out.push(expressionText(expression));
  }
  return out;
}

function requirementsText(selector: LabelSelector): string {
  return [...[...selector.matchLabels].map(([key, value]) => `${key}=${value}`), ...selector.matchExpressions.map(expressionText)].join(', ');
}

function expressionText(expression: LabelExpression): string {
  switch (expression.operator) {
    case 'Exists':
      return `${expression.key} (Exists)`;
    case 'DoesNotExist':
      return `!${expression.key} (DoesNotExist)`;
    default:
      return `${expression.key} ${expression.operator} (${expression.values.join(', ')})`;
  }
}
