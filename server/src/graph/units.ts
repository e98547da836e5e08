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
import { directoryDistance, directoryOf, keepNearest, namespaceKey } from './portGraph';

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
  return keepNearest(candidates, (candidate) => nearness(from, candidate));
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

/**
 * Whether `other` is surely deployed with `from`, a stricter `sharesUnit`: written in its file,
 * build or chart, or in its folder or one above it (a shared Gateway at the top of a repository),
 * not in a folder below it or beside it (an example of its own).
 */
export function deployedWith(from: Resource, other: Resource): boolean {
  if (from.uri === other.uri) return true;
  if (from.variant || other.variant) return from.variant?.kustomization === other.variant?.kustomization;
  const chart = templateRootOf(from.uri);
  if (chart !== undefined) return chart === templateRootOf(other.uri);
  return directoryOf(from.uri).startsWith(directoryOf(other.uri));
}

/** Folders whose files are test inputs, one case a file: Go's `testdata/` and its kin in other ecosystems. */
const FIXTURE_FOLDERS = new Set(['testdata', 'test-data', 'test_data', 'fixtures', '__fixtures__', 'test-fixtures', '__snapshots__']);
/** A golden output or an expected result by the end of its name: `build.golden.yaml`, `config_expected.yaml`. */
const GOLDEN_FILE = /[._-](golden|expected)$/i;
/** A numbered e2e step that asserts (kuttl, chainsaw): a partial pattern matched against live objects, or a list of what must not exist. */
const ASSERTION_FILE = /^\d+-(assert|errors)([._-][^/]*)?\.ya?ml$/i;

/** Files that make their folder an e2e test case (chainsaw, kyverno's CLI tests): its files are steps and resources of one test. */
const TEST_CASE_FILES = /^\.?(chainsaw-test|kyverno-test)\.ya?ml$/i;

/**
 * The folder (relative, with a trailing slash) a test-case marker file makes a test case, or
 * undefined. A marker at the root of the workspace makes nothing a fixture: the user opened (or
 * named) that test case to check it.
 */
export function testCaseFolderOf(relativePath: string): string | undefined {
  const slash = Math.max(relativePath.lastIndexOf('/'), relativePath.lastIndexOf('\\'));
  if (slash < 0) return undefined;
  return TEST_CASE_FILES.test(relativePath.slice(slash + 1)) ? relativePath.slice(0, slash + 1).replace(/\\/g, '/') : undefined;
}

/**
 * Why a file is a fixture (a test input, a golden output, an e2e assertion or step), or undefined
 * for a manifest. Such files are never applied together: each is a unit of its own. The path is
 * relative to the workspace folder, so a workspace that itself sits in a `fixtures/` folder is not
 * all fixtures. `testCaseFolders` are the folders a test-case marker makes e2e test cases
 * (`testCaseFolderOf`), as the caller found them.
 */
export function fixtureReason(relativePath: string, testCaseFolders?: ReadonlySet<string>): string | undefined {
  const parts = relativePath.split(/[\\/]/);
  const name = parts[parts.length - 1];
  for (let i = 0; i < parts.length - 1; i++) if (FIXTURE_FOLDERS.has(parts[i].toLowerCase())) return `test data (${parts[i]}/)`;
  if (ASSERTION_FILE.test(name)) return 'an e2e assertion';
  if (GOLDEN_FILE.test(name.replace(/\.ya?ml$/i, ''))) return 'a golden output';
  if (testCaseFolders && testCaseFolders.size > 0) {
    let folder = '';
    for (let i = 0; i < parts.length - 1; i++) {
      folder += `${parts[i]}/`;
      if (testCaseFolders.has(folder)) return 'an e2e test step';
    }
  }
  return undefined;
}
