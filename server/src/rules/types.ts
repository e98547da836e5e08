// Rules turn links into findings.
//
// **Architecture invariant:** `rules/` knows `graph/` and `model/` only. A rule never imports
// `features/`, `vscode` or `vscode-languageserver`, never reads files, and never throws: a rule
// that cannot decide reports nothing (unknown is never broken).

import type { PortGraph } from '../graph/portGraph';
import type { Resource, Span } from '../model/types';
import type { RuleId, Severity, SeveritySetting } from './ruleIds';

export interface RelatedInformation {
  uri: string;
  span: Span;
  message: string;
}

/** A machine-readable hint for a quick fix: which scalar to set to what, or which line to add. */
export interface FixHint {
  title: string;
  /** Set the scalar at `span` of `uri` to `value` (a number, or a name written as it should appear). */
  edits: { uri: string; span: Span; newText: string }[];
  preferred?: boolean;
}

export interface Finding {
  rule: RuleId;
  severity: Severity;
  uri: string;
  span: Span;
  message: string;
  related: RelatedInformation[];
  fixes: FixHint[];
  /**
   * The kustomize overlays a finding about a shared base concerns (the engine sets it and names
   * them in the message when it merges the findings of one place).
   */
  overlays?: string[];
}

export interface RuleOptions {
  /** Env var names that set the port a container's own process binds. */
  bindPortEnvNames: readonly string[];
  /** Inclusive node port range of the cluster. */
  nodePortRange: readonly [number, number];
  /** Severity overrides per rule. */
  severities: Partial<Record<string, SeveritySetting>>;
}

export interface RuleContext {
  graph: PortGraph;
  options: RuleOptions;
  /**
   * The resources to check: every resource of the workspace on a full run, only those an edit may
   * have changed on an incremental one. Families that judge one resource at a time iterate these;
   * a family that must see everything at once (node ports are cluster-wide) reads `graph.resources()`.
   */
  subjects(): Iterable<Resource>;
  /** A short name of a file for messages: its path relative to the workspace. */
  where(uri: string): string;
  /** Reports a finding; severity comes from the rule's default and the settings. */
  report(finding: Omit<Finding, 'severity' | 'related' | 'fixes'> & Partial<Pick<Finding, 'related' | 'fixes'>>): void;
}

/** A family of rules: one file, one function that walks the graph and reports. */
export type RuleFamily = (context: RuleContext) => void;

/** `Deployment web`, the way messages name a resource; one written inside another says where (`Deployment web (in ClusterServiceVersion web.v1)`). */
export function describe(resource: Resource): string {
  return `${resource.kind} ${resource.name?.value ?? resource.templatedName ?? '(unnamed)'}${embeddedSuffix(resource)}`;
}

/**
 * ` (in ClusterServiceVersion web.v1)` for a workload written inside another resource,
 * ` (created by CephCluster rook-ceph)` for a Service an operator creates, ` (serving.knative.dev)`
 * for a Knative Service, else ''.
 */
export function embeddedSuffix(resource: Resource): string {
  const parent = resource.embeddedIn;
  if (parent) return ` (in ${parent.kind}${parent.name ? ` ${parent.name}` : ''})`;
  if (resource.createdBy) return ` (created by ${resource.createdBy.operator})`;
  // A Knative Service runs pods; its API group tells it from a Kubernetes Service.
  if (resource.workload && resource.kind === 'Service') return ` (${resource.apiVersion.split('/')[0]})`;
  return '';
}
