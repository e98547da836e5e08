// Units: what a workspace deploys together. A repository is not one cluster: it holds
// environments, overlays and their bases, examples applied one at a time, test fixtures, rendered
// bundles beside their sources. A link prefers what sits in its own unit (the same file, then the
// same kustomize build or Helm chart, then the nearest folder), and one definition of an identity
// is weighed against the other definitions of it as alternatives, never beside them.
//
// **Architecture invariant:** the functions here are pure and cheap (string work on URIs); they
// never read the graph, so a lookup that narrows by unit records no dependency of its own.

import type { Resource } from '../model/types';
import { templateRootOf } from './helm';
import { directoryDistance, directoryOf, namespaceKey } from './portGraph';

/**
 * A resource's identity in a cluster: (group, kind, namespace, name). The API server holds one
 * object per identity, so two definitions of it in a workspace are alternatives, never both
 * deployed. A resource whose name a template computes is an identity of its own.
 */
export function identityOf(resource: Resource): string {
  const slash = resource.apiVersion.indexOf('/');
  const group = slash < 0 ? '' : resource.apiVersion.slice(0, slash);
  // '' and default are one namespace for linking: a definition without a namespace and one in
  // default are alternatives of each other.
  const namespace = namespaceKey(resource) || 'default';
  return `${group}/${resource.kind}/${namespace}/${resource.name?.value ?? `#${resource.id}`}`;
}

/** Definitions grouped by identity, groups in the order their first definition comes. */
export function byIdentity(resources: readonly Resource[]): Resource[][] {
  const groups = new Map<string, Resource[]>();
  for (const resource of resources) {
    const key = identityOf(resource);
    const group = groups.get(key);
    if (group) group.push(resource);
    else groups.set(key, [resource]);
  }
  return [...groups.values()];
}

/** The unit a candidate shares with `from`: 0 the same file, 1 the same kustomize build or chart, 2 and up the folder distance plus 2. */
export function nearness(from: Resource, candidate: Resource): number {
  if (from.uri === candidate.uri) return 0;
  if (from.variant && candidate.variant && from.variant.kustomization === candidate.variant.kustomization) return 1;
  const chart = templateRootOf(from.uri);
  if (chart !== undefined && chart === templateRootOf(candidate.uri)) return 1;
  return 2 + directoryDistance(directoryOf(from.uri), directoryOf(candidate.uri));
}

/**
 * The candidates of the nearest unit that has any: those in `from`'s own file, else those of its
 * build or chart, else those of the nearest folder. A Service is judged against the workloads
 * written beside it, never against an unrelated example elsewhere that happens to match.
 */
export function nearestFirst(from: Resource, candidates: readonly Resource[]): Resource[] {
  if (candidates.length <= 1) return [...candidates];
  let best = Infinity;
  let kept: Resource[] = [];
  for (const candidate of candidates) {
    const distance = nearness(from, candidate);
    if (distance < best) {
      best = distance;
      kept = [candidate];
    } else if (distance === best) {
      kept.push(candidate);
    }
  }
  return kept;
}

/**
 * Whether `cause` (a custom resource that may create pods, a Service whose name a template
 * computes) shares a unit with `from`: the same file, build or chart, or a folder that holds the
 * other. What makes a link unknown stays in its own unit: an unrelated example's custom resource
 * in a sibling folder says nothing about this Service's pods.
 */
export function sharesUnit(from: Resource, cause: Resource): boolean {
  if (from.uri === cause.uri) return true;
  if (from.variant && cause.variant && from.variant.kustomization === cause.variant.kustomization) return true;
  const chart = templateRootOf(from.uri);
  if (chart !== undefined && chart === templateRootOf(cause.uri)) return true;
  const a = directoryOf(from.uri);
  const b = directoryOf(cause.uri);
  return a.startsWith(b) || b.startsWith(a);
}
