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
    if (!spec || !selector || selector.incomplete || workload.templated) continue;
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
